// The terminal's own sign-in: the badge (a scanner types it and presses Enter, or it is typed) and the PIN on a big
// keypad. Signs in at the station as well, so labour is booked from the first minute.
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../platform/api.ts';
import { useAuth } from '../platform/auth.tsx';
import { DemoCredentialsBanner } from '../platform/demoCredentials.tsx';
import { floorApi, stationApi } from './floor.ts';
import { Keypad } from './Keypad.tsx';

export function TerminalSignIn({ station, stationName }: { station?: string; stationName?: string }) {
  const { refresh } = useAuth();
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const [step, setStep] = useState<'badge' | 'pin'>('badge');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const badgeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step === 'badge') badgeRef.current?.focus();
  }, [step]);

  const submit = async () => {
    if (!badge.trim() || !pin || busy) return;
    setBusy(true);
    setError(null);
    try {
      await floorApi('/auth/badge', { method: 'POST', body: { badge: badge.trim(), pin } });
      if (station) await floorApi(`${stationApi(station)}/sign-in`, { method: 'POST' });
      await refresh();
    } catch (err) {
      setError(errorMessage(err));
      setPin('');
      setBusy(false);
    }
  };

  return (
    <div className="t-signin">
      <h1>{stationName ?? 'Station terminal'}</h1>
      <p className="t-lead">Scan your badge, then enter your PIN.</p>
      <DemoCredentialsBanner className="t-demo" />
      {error && (
        <div className="t-error" role="alert">
          {error}
        </div>
      )}
      <form
        className="t-badge-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!badge.trim()) return;
          setStep('pin');
          badgeRef.current?.blur(); // the keypad (or a keyboard's digits) now types the PIN
        }}
      >
        <label htmlFor="t-badge">Badge</label>
        <input
          id="t-badge"
          ref={badgeRef}
          className="t-input"
          autoComplete="off"
          value={badge}
          onChange={(e) => setBadge(e.target.value)}
          onFocus={() => setStep('badge')}
          placeholder="Scan or type the badge"
        />
      </form>
      <div className="t-pin">
        <div className="t-pin-dots" aria-label="PIN" data-testid="pin-dots">
          {pin ? '●'.repeat(pin.length) : <span className="muted">PIN</span>}
        </div>
        <Keypad label="PIN pad" value={pin} onChange={(v) => (setStep('pin'), setPin(v))} onEnter={() => void submit()} maxLength={8} pin />
        <button type="button" className="t-btn t-btn-primary t-btn-wide" disabled={!badge.trim() || pin.length < 4 || busy} onClick={() => void submit()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </div>
  );
}
