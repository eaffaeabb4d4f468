// Quarantined messages: when, why, the topic and the raw payload (truncated; a row expands to the whole of it).
import { Fragment, useState } from 'react';
import { formatDateTime } from '../platform/format.ts';
import type { QuarantineEntry } from './types.ts';

const PREVIEW = 80;

function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function QuarantineTable({ entries, showEquipment }: { entries: QuarantineEntry[]; showEquipment?: boolean }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const cols = showEquipment ? 6 : 5;
  return (
    <div className="table-scroll">
      <table className="table quarantine-table" data-testid="quarantine-table">
        <thead>
          <tr>
            <th>Received at</th>
            <th>Reason</th>
            <th>Topic</th>
            {showEquipment && <th>Equipment</th>}
            <th>Source</th>
            <th>Payload</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((q) => {
            const id = String(q.id);
            const isOpen = open.has(id);
            const long = q.payload.length > PREVIEW;
            return (
              <Fragment key={id}>
                <tr data-testid="quarantine-row">
                  <td className="nowrap">{formatDateTime(q.receivedAt)}</td>
                  <td className="q-reason">{q.reason}</td>
                  <td className="q-topic">
                    <code>{q.topic}</code>
                  </td>
                  {showEquipment && <td className="q-topic">{q.equipmentPath ? <code>{q.equipmentPath}</code> : <span className="muted">unknown</span>}</td>}
                  <td className="nowrap">{q.source}</td>
                  <td className="q-payload">
                    <code>{long ? `${q.payload.slice(0, PREVIEW)}…` : q.payload || <span className="muted">(empty)</span>}</code>
                    {long && (
                      <button type="button" className="btn btn-ghost q-expand" aria-expanded={isOpen} onClick={() => toggle(id)}>
                        {isOpen ? 'Less' : 'Show all'}
                      </button>
                    )}
                  </td>
                </tr>
                {isOpen && (
                  <tr className="q-full-row">
                    <td colSpan={cols}>
                      <pre className="q-full">{pretty(q.payload)}</pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
