// The schedule versions, newest first: status, why it was made, and its headline figures. A running one shows progress.
import { Badge } from '../platform/components.tsx';
import { formatRelative, formatTimesIn } from '../platform/format.ts';
import { duration, REASON_LABEL, type VersionSummary } from './types.ts';

const TONE: Record<string, string> = { running: 'info', ready: 'warn', published: 'ok', superseded: 'neutral', failed: 'danger' };

export function ProgressBar({ v }: { v: VersionSummary }) {
  const pct = Math.round((v.progress.fraction ?? 0) * 100);
  return (
    <div className="plan-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Plan ${v.id} computing`}>
      <span style={{ width: `${pct}%` }} />
      <em>{v.progress.phase === 'queued' ? 'waiting for the solver' : `${v.progress.phase ?? 'starting'} · ${pct} %`}</em>
    </div>
  );
}

export function VersionList({ versions, selected, onSelect }: { versions: VersionSummary[]; selected: number | null; onSelect(id: number): void }) {
  return (
    <ul className="plan-versions" data-testid="plan-versions">
      {versions.map((v) => (
        <li key={v.id}>
          <button
            type="button"
            className={`plan-version${v.id === selected ? ' is-selected' : ''}`}
            onClick={() => onSelect(v.id)}
            aria-pressed={v.id === selected}
          >
            <span className="plan-version-head">
              <strong>Plan {v.id}</strong> <Badge tone={TONE[v.status]}>{v.status}</Badge>
            </span>
            <span className="plan-version-meta">
              {REASON_LABEL[v.reason]}
              {v.reasonDetail ? `: ${formatTimesIn(v.reasonDetail)}` : ''} · {formatRelative(v.createdAt)} · {v.createdBy}
            </span>
            {v.status === 'running' && <ProgressBar v={v} />}
            {(v.status === 'ready' || v.status === 'published' || v.status === 'superseded') && (
              <span className="plan-version-meta">
                ends in {duration(v.kpis.makespanS)} · {v.lateOrders.length} late
              </span>
            )}
            {v.status === 'failed' && <span className="plan-version-meta plan-error">{v.error}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
