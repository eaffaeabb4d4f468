// Two-pane list/detail layout. On narrow screens only one pane shows at a time, with a back link.
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useMediaQuery, NARROW } from './hooks.ts';
import { Link } from './router.tsx';

export function MasterDetail({
  list,
  detail,
  hasSelection,
  backTo,
  backLabel = 'Back to list',
}: {
  list: ReactNode;
  detail: ReactNode;
  hasSelection: boolean;
  backTo: string;
  backLabel?: string;
}) {
  const narrow = useMediaQuery(NARROW);
  if (narrow) {
    return (
      <div className="md md-narrow">
        {hasSelection ? (
          <div className="md-detail">
            <Link to={backTo} className="back-link">
              ← {backLabel}
            </Link>
            {detail}
          </div>
        ) : (
          <div className="md-list">{list}</div>
        )}
      </div>
    );
  }
  return (
    <div className="md">
      <div className="md-list">{list}</div>
      <div className="md-detail">{detail}</div>
    </div>
  );
}

export interface ListItem {
  id: string;
  title: string;
  subtitle?: string;
  meta?: ReactNode;
}

/** A searchable list of records; each row links to the record. */
export function RecordList({
  items,
  selectedId,
  hrefFor,
  label,
  actions,
}: {
  items: ListItem[];
  selectedId?: string;
  hrefFor(id: string): string;
  label: string;
  actions?: ReactNode;
}) {
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const shown = needle ? items.filter((i) => `${i.id} ${i.title} ${i.subtitle ?? ''}`.toLowerCase().includes(needle)) : items;
  return (
    <div className="pane">
      <div className="pane-head pane-head-stack">
        <h2 className="pane-title">{label}</h2>
        {actions}
        <input
          type="search"
          className="search"
          placeholder={`Search ${label.toLowerCase()}…`}
          aria-label={`Search ${label.toLowerCase()}`}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <ul className="record-list" aria-label={label}>
        {shown.map((i) => (
          <li key={i.id}>
            <Link to={hrefFor(i.id)} className={`record-row${i.id === selectedId ? ' selected' : ''}`} aria-current={i.id === selectedId ? 'true' : undefined}>
              <span className="record-main">
                <span className="record-title">{i.title}</span>
                {i.subtitle && <span className="record-sub">{i.subtitle}</span>}
              </span>
              {i.meta && <span className="record-meta">{i.meta}</span>}
            </Link>
          </li>
        ))}
        {shown.length === 0 && <li className="muted pad">{items.length ? 'No matches.' : 'Nothing here yet.'}</li>}
      </ul>
    </div>
  );
}
