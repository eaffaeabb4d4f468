// Touch dialogs of the terminal: scrap (reason + quantity), manual good count, pause (reason), andon (reason +
// message) and complete (confirmation, optional lot id). API refusals are shown verbatim inside the dialog.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { errorMessage } from '../platform/api.ts';
import { qty, useReasons } from './floor.ts';
import { Keypad } from './Keypad.tsx';
import type { OperationView, ReasonCode } from './types.ts';

/**
 * A dialog that fits the screen: the head, the error banner and the action buttons stay in view, the body scrolls
 * between them (a long error at 1024×768 never pushes the action off-screen).
 */
export function TDialog({
  title,
  onClose,
  children,
  footer,
  banner,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  banner?: ReactNode;
}) {
  const id = useId();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="t-dialog-backdrop">
      <div className="t-dialog" role="dialog" aria-modal="true" aria-labelledby={id}>
        <div className="t-dialog-head">
          <h2 id={id}>{title}</h2>
          <button type="button" className="t-btn t-btn-small" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        {banner && <div className="t-dialog-banner">{banner}</div>}
        <div className="t-dialog-body">{children}</div>
        {footer && <div className="t-dialog-foot">{footer}</div>}
      </div>
    </div>
  );
}

/** Runs the dialog's action: closes on success, shows the API's message on failure. */
export function useAction(onClose: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const banner = error ? (
    <div className="t-error" role="alert">
      {error}
    </div>
  ) : null;
  return { busy, run, banner };
}

function Reasons({ list, value, onPick }: { list: ReasonCode[]; value: string | null; onPick(code: string): void }) {
  return (
    <div className="t-reasons" role="radiogroup">
      {list.map((r) => (
        <button
          key={r.code}
          type="button"
          role="radio"
          aria-checked={value === r.code}
          className={`t-btn t-reason${value === r.code ? ' t-selected' : ''}`}
          onClick={() => onPick(r.code)}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}

/**
 * Scrap: the reason, the quantity on the keypad (empty to start with), and whether these parts were already counted
 * as good. That box starts unticked (scrap is then added to the counts, which never conflicts); ticked, it takes the
 * parts off the good count, and only as many as are counted good.
 */
export function ScrapDialog({
  op,
  onClose,
  onScrap,
}: {
  op: OperationView;
  onClose(): void;
  onScrap(reason: string, quantity: number, fromGood: boolean): Promise<unknown>;
}) {
  const reasons = useReasons('scrap');
  const [reason, setReason] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [fromGood, setFromGood] = useState(false);
  const { busy, run, banner } = useAction(onClose);
  const n = Number(amount);
  const entered = amount !== '' && Number.isFinite(n) && n > 0;
  const tooMany = fromGood && entered && n > op.good;
  const ok = reason !== null && entered && !tooMany;
  return (
    <TDialog
      title="Record scrap"
      onClose={onClose}
      banner={banner}
      footer={
        <button type="button" className="t-btn t-btn-danger t-btn-wide" disabled={!ok || busy} onClick={() => void run(() => onScrap(reason!, n, fromGood))}>
          Record {entered ? qty(n) : ''} scrap
        </button>
      }
    >
      <h3>Reason</h3>
      <Reasons list={reasons} value={reason} onPick={setReason} />
      <div className="t-split">
        <div>
          <h3>Quantity ({op.unit})</h3>
          <div className="t-amount" data-testid="scrap-amount">
            {amount || '0'}
          </div>
          <label className="t-check">
            <input type="checkbox" checked={fromGood} disabled={op.good <= 0 && !fromGood} onChange={(e) => setFromGood(e.target.checked)} />
            These parts were already counted as good: take them off the good count ({qty(op.good)} good so far)
          </label>
          {tooMany && (
            <div className="t-warn" data-testid="scrap-too-many">
              Only {qty(op.good)} parts are counted good: take off at most {qty(op.good)}, or untick the box.
            </div>
          )}
        </div>
        <Keypad label="Scrap quantity" value={amount} onChange={setAmount} decimal={!op.countable} />
      </div>
    </TDialog>
  );
}

export function CountDialog({ op, onClose, onCount }: { op: OperationView; onClose(): void; onCount(quantity: number): Promise<unknown> }) {
  const [amount, setAmount] = useState('');
  const { busy, run, banner } = useAction(onClose);
  const n = Number(amount);
  const ok = amount !== '' && Number.isFinite(n) && n > 0;
  return (
    <TDialog
      title="Count good parts"
      onClose={onClose}
      banner={banner}
      footer={
        <button type="button" className="t-btn t-btn-go t-btn-wide" disabled={!ok || busy} onClick={() => void run(() => onCount(n))}>
          Add {ok ? qty(n) : ''} good
        </button>
      }
    >
      <div className="t-split">
        <div>
          <p className="t-lead">
            Good so far: <strong>{qty(op.good)}</strong> of {qty(op.quantity)} {op.unit}. Enter the good parts made since the last count.
          </p>
          <div className="t-amount" data-testid="count-amount">
            {amount || '0'}
          </div>
        </div>
        <Keypad label="Good quantity" value={amount} onChange={setAmount} onEnter={() => ok && void run(() => onCount(n))} decimal={!op.countable} />
      </div>
    </TDialog>
  );
}

export function PauseDialog({ onClose, onPause }: { onClose(): void; onPause(reason: string): Promise<unknown> }) {
  const reasons = useReasons('pause');
  const { busy, run, banner } = useAction(onClose);
  return (
    <TDialog title="Pause: why?" onClose={onClose} banner={banner}>
      <Reasons list={reasons} value={null} onPick={(code) => !busy && void run(() => onPause(code))} />
    </TDialog>
  );
}

export function AndonDialog({ onClose, onRaise }: { onClose(): void; onRaise(reason: string, message: string): Promise<unknown> }) {
  const reasons = useReasons('andon');
  const [reason, setReason] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const { busy, run, banner } = useAction(onClose);
  return (
    <TDialog
      title="Call for help (andon)"
      onClose={onClose}
      banner={banner}
      footer={
        <button
          type="button"
          className="t-btn t-btn-andon t-btn-wide"
          disabled={!reason || busy}
          onClick={() => void run(() => onRaise(reason!, message.trim()))}
        >
          Call now
        </button>
      }
    >
      <Reasons list={reasons} value={reason} onPick={setReason} />
      <label htmlFor="t-andon-msg">Message (optional)</label>
      <input id="t-andon-msg" className="t-input" value={message} maxLength={1000} onChange={(e) => setMessage(e.target.value)} />
    </TDialog>
  );
}

export function CompleteDialog({ op, onClose, onComplete }: { op: OperationView; onClose(): void; onComplete(lotId: string | undefined): Promise<unknown> }) {
  const [lotId, setLotId] = useState('');
  const { busy, run, banner } = useAction(onClose);
  const valid = lotId === '' || /^[A-Za-z0-9_.:-]{1,100}$/.test(lotId);
  return (
    <TDialog
      title="Complete the operation?"
      onClose={onClose}
      banner={banner}
      footer={
        <>
          <button type="button" className="t-btn" onClick={onClose}>
            Not yet
          </button>
          <button type="button" className="t-btn t-btn-go" disabled={busy || !valid} onClick={() => void run(() => onComplete(lotId.trim() || undefined))}>
            {busy ? 'Completing…' : 'Complete'}
          </button>
        </>
      }
    >
      <p className="t-lead">
        Order {op.orderId} / {op.seq} {op.name}: <strong>{qty(op.good)}</strong> good and <strong>{qty(op.scrap)}</strong> scrap of {qty(op.quantity)} {op.unit}
        .{op.remaining > 0 ? ` ${qty(op.remaining)} ${op.unit} are still missing.` : ''} The counts are frozen when you complete.
      </p>
      <label htmlFor="t-lot">Lot id for the parts made (optional: left empty, one is assigned)</label>
      <input id="t-lot" className="t-input" value={lotId} onChange={(e) => setLotId(e.target.value)} autoComplete="off" aria-invalid={!valid} />
      {!valid && <div className="t-error">Letters, digits and _ . : - only.</div>}
    </TDialog>
  );
}
