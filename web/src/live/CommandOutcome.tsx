// How a command is shown: its kind and status, the values it carried or read back, and the outcome of the one just
// sent from this page — pending while the POST waits for the machine's read-back, then what the machine answered.
import { ApiError, errorMessage } from '../platform/api.ts';
import type { CommandKind, CommandRecord, CommandStatus, Scalar } from '../connectors/types.ts';
import { formatDuration, useNow } from './time.ts';

export const KIND_LABEL: Record<string, string> = {
  stop: 'Stop',
  start: 'Start',
  writeParameters: 'Download parameters',
  readParameters: 'Read parameters',
};

const STATUS: Record<CommandStatus, { label: string; tone: string }> = {
  pending: { label: 'pending', tone: 'info' },
  confirmed: { label: 'confirmed', tone: 'ok' },
  rejected: { label: 'rejected', tone: 'danger' },
  timed_out: { label: 'timed out', tone: 'warn' },
  failed: { label: 'failed', tone: 'danger' },
};

function showScalar(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function Values({ values }: { values: Record<string, Scalar> | null | undefined }) {
  if (!values || Object.keys(values).length === 0) return null;
  return (
    <span className="cmd-values">
      {Object.entries(values).map(([k, v]) => (
        <span key={k} className="cmd-value">
          <code>{k}</code> = <strong>{showScalar(v)}</strong>
        </span>
      ))}
    </span>
  );
}

export function StatusBadge({ status }: { status: CommandStatus }) {
  const s = STATUS[status] ?? { label: status, tone: 'neutral' };
  return (
    <span className={`badge badge-${s.tone} cmd-status`} data-status={status}>
      {status === 'pending' && <span className="spinner spinner-sm" aria-hidden="true" />}
      {s.label}
    </span>
  );
}

/** A command sent from this page: pending while the POST waits, then the record the server answers with. */
export interface Sent {
  kind: CommandKind;
  parameters?: Record<string, Scalar>;
  startedAt: number;
  record?: CommandRecord;
  error?: unknown;
}

export function Outcome({ sent, onDismiss }: { sent: Sent; onDismiss?: () => void }) {
  const now = useNow();
  const r = sent.record;
  const status: CommandStatus = r ? r.status : sent.error ? 'failed' : 'pending';
  const denied = sent.error instanceof ApiError && sent.error.status === 403;
  return (
    <div className={`cmd-outcome cmd-outcome-${status}`} data-testid="command-outcome" data-status={status} role="status" aria-live="polite">
      <div className="cmd-outcome-head">
        <strong>{KIND_LABEL[sent.kind] ?? sent.kind}</strong>
        <StatusBadge status={status} />
        {status === 'pending' && <span className="muted">waiting for the machine's read-back… {formatDuration(now - sent.startedAt)}</span>}
        {onDismiss && (
          <button type="button" className="icon-btn cmd-dismiss" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        )}
      </div>
      {sent.parameters && status === 'pending' && (
        <div className="small">
          Sent: <Values values={sent.parameters} />
        </div>
      )}
      {r?.status === 'confirmed' && (
        <div>
          The machine confirmed it{r.readBack && Object.keys(r.readBack).length ? ' — read back: ' : '.'}
          <Values values={r.readBack} />
        </div>
      )}
      {r?.status === 'rejected' && (
        <div>
          The machine refused: <strong>{r.detail ?? 'no reason given'}</strong>
        </div>
      )}
      {r?.status === 'timed_out' && (
        <div>
          No confirmation from the machine{r.detail ? ` (${r.detail})` : ''}. It may still carry the command out — check its state before trying again.
          {r.readBack && Object.keys(r.readBack).length > 0 && (
            <>
              {' '}
              Read back so far: <Values values={r.readBack} />
            </>
          )}
        </div>
      )}
      {r?.status === 'failed' && <div>Not sent: {r.detail ?? 'unknown error'}</div>}
      {sent.error !== undefined && <div>{denied ? 'Sending commands needs the admin or supervisor role.' : `Not sent: ${errorMessage(sent.error)}`}</div>}
    </div>
  );
}
