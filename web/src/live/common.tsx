// Small pieces shared by the live screens: the stream badge, the colour legend, the summary bar.
import { useEffect, useState } from 'react';
import type { StreamStatus } from './stream.ts';
import { STATE_CLASS_LABEL, STATE_CLASS_ORDER, STATE_CLASS_STATES, classOfMachine, type StateClass } from './states.ts';
import type { LiveMachine } from './types.ts';

export function StreamBadge({ status }: { status: StreamStatus }) {
  const text = status === 'open' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className={`stream-badge stream-${status}`} data-testid="stream-status" role="status" aria-live="polite">
      <span className="stream-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

/** True once the stream has been down for `ms`: then the screen must not pretend to be current. */
export function useDisconnectedFor(disconnectedSince: number | null, ms: number): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    if (disconnectedSince === null) {
      setOver(false);
      return;
    }
    const left = disconnectedSince + ms - Date.now();
    if (left <= 0) {
      setOver(true);
      return;
    }
    const t = setTimeout(() => setOver(true), left);
    return () => clearTimeout(t);
  }, [disconnectedSince, ms]);
  return over;
}

export function Swatch({ cls }: { cls: StateClass }) {
  return <span className={`swatch swatch-${cls}`} aria-hidden="true" />;
}

export function Legend() {
  return (
    <details className="legend">
      <summary>Colour legend</summary>
      <ul>
        {STATE_CLASS_ORDER.map((c) => (
          <li key={c}>
            <Swatch cls={c} />
            <strong>{STATE_CLASS_LABEL[c]}</strong>
            <span className="muted">{STATE_CLASS_STATES[c]}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function countByClass(machines: LiveMachine[]): Record<StateClass, number> {
  const counts: Record<StateClass, number> = { run: 0, stop: 0, wait: 0, setup: 0, idle: 0, offline: 0 };
  for (const m of machines) counts[classOfMachine(m)]++;
  return counts;
}

export function SummaryBar({ machines, lastKnown }: { machines: LiveMachine[]; lastKnown?: boolean }) {
  const counts = countByClass(machines);
  return (
    <div className="summary-bar" data-testid="live-summary" aria-label="Machines by state">
      <div className="summary-total">
        <span className="summary-n">{machines.length}</span> machines{lastKnown ? ' — last known' : ''}
      </div>
      {STATE_CLASS_ORDER.map((c) => (
        <div key={c} className={`summary-item summary-${c}${counts[c] === 0 ? ' summary-zero' : ''}`} data-class={c}>
          <Swatch cls={c} />
          <span className="summary-n">{counts[c]}</span>
          <span className="summary-label">{STATE_CLASS_LABEL[c]}</span>
        </div>
      ))}
    </div>
  );
}
