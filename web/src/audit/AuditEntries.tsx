// A list of audit entries, each with who/what/when and a before → after table of changed fields.
import { useState } from 'react';
import { Badge, Empty } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { Link } from '../platform/router.tsx';
import type { AuditEntry } from '../platform/types.ts';
import { diff, formatValue, isEmptyValue } from './diff.ts';
import { ENTITY_LABELS, recordHref } from './entities.ts';

/** A human name for the record an entry is about: its path, code or username rather than a UUID. */
function recordLabel(e: AuditEntry): string {
  const snap = (e.after ?? e.before ?? {}) as Record<string, unknown>;
  for (const k of ['path', 'username', 'name']) if (typeof snap[k] === 'string' && snap[k]) return snap[k] as string;
  return e.entityId;
}

const ACTION_TONE: Record<string, string> = { create: 'ok', update: 'info', delete: 'danger' };

function ChangeTable({ entry }: { entry: AuditEntry }) {
  const all = diff(entry.before, entry.after);
  const changes = entry.action === 'update' ? all : all.filter((c) => !isEmptyValue(entry.action === 'create' ? c.after : c.before));
  if (changes.length === 0) return <div className="muted small">No field changes recorded.</div>;
  const showBefore = entry.action !== 'create';
  const showAfter = entry.action !== 'delete';
  return (
    <div className="table-scroll">
      <table className="diff-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            {showBefore && <th scope="col">Before</th>}
            {showAfter && <th scope="col">After</th>}
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.field}>
              <th scope="row">
                <code>{c.field}</code>
              </th>
              {showBefore && <td className="diff-before">{formatValue(c.before)}</td>}
              {showAfter && <td className="diff-after">{formatValue(c.after)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditEntries({
  entries,
  showRecord,
  initiallyOpen = 3,
}: {
  entries: AuditEntry[];
  /** Show which record each entry is about (on the global audit page). */
  showRecord?: boolean;
  initiallyOpen?: number;
}) {
  const [open, setOpen] = useState<Set<number>>(() => new Set(entries.slice(0, initiallyOpen).map((e) => e.seq)));
  if (entries.length === 0) return <Empty title="No audit entries">Nothing has been recorded here yet.</Empty>;
  const toggle = (seq: number) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(seq)) n.delete(seq);
      else n.add(seq);
      return n;
    });
  return (
    <ol className="audit-list" data-testid="audit-list">
      {entries.map((e) => {
        const isOpen = open.has(e.seq);
        const href = showRecord ? recordHref(e.entity, e.entityId) : null;
        return (
          <li key={e.seq} className="audit-entry" data-testid="audit-entry" data-action={e.action}>
            <button type="button" className="audit-head" aria-expanded={isOpen} onClick={() => toggle(e.seq)}>
              <span className={`caret${isOpen ? ' open' : ''}`} aria-hidden="true" />
              <Badge tone={ACTION_TONE[e.action] ?? 'neutral'}>{e.action}</Badge>
              <span className="audit-actor" data-testid="audit-actor">
                {e.actor}
              </span>
              <span className="audit-at">{formatDateTime(e.at)}</span>
              <span className="audit-seq">#{e.seq}</span>
            </button>
            {showRecord && (
              <div className="audit-record">
                <span className="muted">{ENTITY_LABELS[e.entity] ?? e.entity}</span>{' '}
                {href && e.action !== 'delete' ? <Link to={href}>{recordLabel(e)}</Link> : <strong>{recordLabel(e)}</strong>}
              </div>
            )}
            {e.reason && (
              <div className="audit-reason">
                <span className="muted">Reason:</span> {e.reason}
              </div>
            )}
            {isOpen && <ChangeTable entry={e} />}
          </li>
        );
      })}
    </ol>
  );
}
