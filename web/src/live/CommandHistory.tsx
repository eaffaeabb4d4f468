// The commands sent to one machine, newest first, as the server lists them.
import type { CommandRecord } from '../connectors/types.ts';
import { formatDate } from '../platform/format.ts';
import { KIND_LABEL, StatusBadge, Values } from './CommandOutcome.tsx';
import { formatDuration, formatTime } from './time.ts';

export function CommandHistory({ records }: { records: CommandRecord[] }) {
  if (records.length === 0) return <p className="muted">No commands were sent to this machine yet.</p>;
  return (
    <div className="table-scroll">
      <table className="table cmd-table" data-testid="command-history">
        <thead>
          <tr>
            <th>Requested</th>
            <th>Command</th>
            <th>Status</th>
            <th>Outcome</th>
            <th>By</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {records.map((c) => (
            <tr key={c.id} data-kind={c.kind} data-status={c.status}>
              <td className="nowrap">
                {formatTime(c.requestedAt)}
                <div className="muted small">{formatDate(c.requestedAt)}</div>
              </td>
              <td>
                <strong>{KIND_LABEL[c.kind] ?? c.kind}</strong>
                <span className="muted small"> · {c.protocol}</span>
                {c.parameters && (
                  <div className="small">
                    <Values values={c.parameters} />
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={c.status} />
                {c.completedAt && (
                  <div className="muted small nowrap">after {formatDuration(new Date(c.completedAt).getTime() - new Date(c.requestedAt).getTime())}</div>
                )}
              </td>
              <td className="cmd-detail">
                {c.detail && <div>{c.detail}</div>}
                {c.readBack && Object.keys(c.readBack).length > 0 && (
                  <div className="small">
                    read back: <Values values={c.readBack} />
                  </div>
                )}
              </td>
              <td>{c.requestedBy}</td>
              <td>{c.reason ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
