// The quarantine (/live/quarantine): everything the collect pipeline refused, filtered by time and equipment, with
// a CSV download of the same selection. New entries arriving over the stream are announced, not spliced in.
import { useMemo, useState } from 'react';
import { buildUrl } from '../platform/api.ts';
import { Button, Empty, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { fromLocalInput, toLocalInput } from '../platform/format.ts';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import type { Equipment } from '../platform/types.ts';
import { StreamBadge } from './common.tsx';
import { QuarantineTable } from './QuarantineTable.tsx';
import { useLiveStream } from './stream.ts';
import type { QuarantineEntry } from './types.ts';

const PRESETS: { id: string; label: string; ms: number }[] = [
  { id: '1h', label: 'Last hour', ms: 3600_000 },
  { id: '24h', label: 'Last 24 h', ms: 24 * 3600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
];

interface Filter {
  preset: string;
  from: string;
  to: string;
  equipment: string;
  limit: number;
}

function rangeOf(f: Filter, now: number): { from: string; to?: string } {
  const p = PRESETS.find((x) => x.id === f.preset);
  if (p) return { from: new Date(now - p.ms).toISOString() };
  return { from: f.from || new Date(now - 24 * 3600_000).toISOString(), to: f.to || undefined };
}

export function QuarantinePage() {
  const [draft, setDraft] = useState<Filter>({ preset: '24h', from: '', to: '', equipment: '', limit: 200 });
  const [applied, setApplied] = useState<Filter>(draft);
  const [stamp, setStamp] = useState(() => Date.now());
  const [fresh, setFresh] = useState(0);
  const equipment = useResource<Equipment[]>('/equipment');

  const query = useMemo(() => {
    const r = rangeOf(applied, stamp);
    return { from: r.from, to: r.to, equipment: applied.equipment || undefined, limit: applied.limit };
  }, [applied, stamp]);
  const list = useResource<QuarantineEntry[]>('/quarantine', query);
  const csvHref = buildUrl('/quarantine', { ...query, limit: undefined, format: 'csv' });

  const status = useLiveStream({
    onQuarantine: (q) => {
      if (!applied.equipment || q.equipmentPath === applied.equipment) setFresh((n) => n + 1);
    },
  });

  const apply = () => {
    setApplied(draft);
    setStamp(Date.now());
    setFresh(0);
  };

  return (
    <div className="page live-page">
      <PageHeader
        title={
          <>
            Quarantine <StreamBadge status={status} />
          </>
        }
        subtitle="Messages the data collection could not accept — unknown equipment or tag, bad values, undecodable payloads. Nothing is dropped silently."
        actions={
          <Link className="btn btn-secondary" to="/live">
            Plant overview
          </Link>
        }
      />
      <form
        className="filter-bar"
        aria-label="Quarantine filter"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <div className="field">
          <label htmlFor="q-range">Time range</label>
          <select id="q-range" value={draft.preset} onChange={(e) => setDraft({ ...draft, preset: e.target.value })}>
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </div>
        {draft.preset === 'custom' && (
          <>
            <div className="field">
              <label htmlFor="q-from">From</label>
              <input
                id="q-from"
                type="datetime-local"
                value={toLocalInput(draft.from)}
                onChange={(e) => setDraft({ ...draft, from: fromLocalInput(e.target.value) })}
              />
            </div>
            <div className="field">
              <label htmlFor="q-to">To</label>
              <input
                id="q-to"
                type="datetime-local"
                value={toLocalInput(draft.to)}
                onChange={(e) => setDraft({ ...draft, to: fromLocalInput(e.target.value) })}
              />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor="q-equipment">Equipment</label>
          <select id="q-equipment" value={draft.equipment} onChange={(e) => setDraft({ ...draft, equipment: e.target.value })}>
            <option value="">All equipment</option>
            {(equipment.data ?? [])
              .filter((e) => e.level === 'machine')
              .map((e) => (
                <option key={e.id} value={e.path}>
                  {e.name} ({e.path})
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-limit">Show at most</label>
          <select id="q-limit" value={draft.limit} onChange={(e) => setDraft({ ...draft, limit: Number(e.target.value) })}>
            {[50, 200, 1000].map((n) => (
              <option key={n} value={n}>
                {n} entries
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <a className="btn btn-secondary" href={csvHref} download data-testid="quarantine-csv">
            Download CSV
          </a>
        </div>
      </form>
      {fresh > 0 && (
        <div className="banner banner-info" role="status">
          <span>
            {fresh} new {fresh === 1 ? 'entry' : 'entries'} since this list was loaded.
          </span>
          <Button variant="ghost" onClick={apply}>
            Refresh
          </Button>
        </div>
      )}
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {list.loading && !list.data ? (
        <Spinner />
      ) : list.data && list.data.length === 0 ? (
        <Empty title="Nothing in quarantine">No refused messages in this time range{applied.equipment ? ' for this equipment' : ''}.</Empty>
      ) : list.data ? (
        <div className="card card-flush">
          <QuarantineTable entries={list.data} showEquipment />
          {list.data.length >= applied.limit && (
            <p className="muted small pad">Showing the newest {applied.limit}. Narrow the range or download the CSV for all of them.</p>
          )}
        </div>
      ) : null}
    </div>
  );
}
