// /maintenance/kpis — the maintenance KPIs of a window ending now (GET /api/maintenance/kpis): MTBF and MTTR of the
// equipment (performance's ISO 22400 figures), the planned share of the work, preventive compliance and today's
// backlog, as tiles, the work hours by kind, where the repair time went (the MTTR split) and the backlog by age as
// charts. Every number is the server's.
import { useMemo, useState, type FormEvent } from 'react';
import { Empty, ErrorBanner, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource } from '../../platform/hooks.ts';
import { Link } from '../../platform/router.tsx';
import { backlogOption, EChart, SPLIT_PARTS, shareOption, splitOption } from './charts.ts';
import type { MaintenanceKpiReport } from './types.ts';
import './kpis.css';

const WINDOWS = [
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
  { id: '365d', label: 'Last 365 days', ms: 365 * 86_400_000 },
] as const;
type WindowId = (typeof WINDOWS)[number]['id'];

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const hours = (x: number | null) => (x === null ? '—' : `${x.toLocaleString(undefined, { maximumFractionDigits: 2 })} h`);

function Tile({ k, v, d, testId }: { k: string; v: string; d?: string; testId: string }) {
  return (
    <div className="mk-tile" data-testid={testId}>
      <div className="k">{k}</div>
      <div className="v">{v}</div>
      {d ? <div className="d">{d}</div> : null}
    </div>
  );
}

export function MaintenanceKpisPage() {
  const [windowId, setWindowId] = useState<WindowId>('30d');
  const [draft, setDraft] = useState('');
  const [equipment, setEquipment] = useState('');
  // the window ends when it was chosen (or the page opened); the Refresh button asks again up to now
  const [now, setNow] = useState(() => Date.now());
  const query = useMemo(() => {
    const ms = WINDOWS.find((w) => w.id === windowId)!.ms;
    return { from: new Date(now - ms).toISOString(), to: new Date(now).toISOString(), equipment: equipment || undefined };
  }, [windowId, now, equipment]);
  const report = useResource<MaintenanceKpiReport>('/maintenance/kpis', query);
  const k = report.data;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setEquipment(draft.trim());
    setNow(Date.now());
  };

  return (
    <div className="page" data-testid="maintenance-kpis">
      <PageHeader title="Maintenance KPIs" subtitle="MTBF, MTTR, planned vs unplanned work, preventive compliance and the backlog" />
      <p>
        <Link to="/maintenance/work-orders">Back to the work orders</Link>
      </p>
      <form className="mk-controls" onSubmit={apply}>
        <label>
          Window
          <select
            value={windowId}
            onChange={(e) => {
              setWindowId(e.target.value as WindowId);
              setNow(Date.now());
            }}
            data-testid="mk-window"
          >
            {WINDOWS.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Equipment path (empty: the whole plant)
          <input value={draft} onChange={(e) => setDraft(e.target.value)} data-testid="mk-equipment" placeholder="e.g. acme/lakeside/moulding" />
        </label>
        <button type="submit" className="btn" data-testid="mk-apply">
          Show
        </button>
        {k ? (
          <span className="muted">
            {k.equipment?.path ?? 'whole plant'} · {formatDateTime(k.from)} – {formatDateTime(k.to)}
          </span>
        ) : null}
      </form>
      {report.error ? <ErrorBanner error={report.error} onRetry={report.reload} /> : null}
      {!k && report.loading && <Spinner label="Loading KPIs…" />}
      {k && <Report k={k} />}
    </div>
  );
}

function Report({ k }: { k: MaintenanceKpiReport }) {
  const total = k.workHours.preventive + k.workHours.corrective;
  return (
    <>
      <section className="card mk-section">
        <div className="mk-tiles">
          <Tile
            testId="mk-mtbf"
            k="MTBF"
            v={hours(k.mtbfH)}
            d={k.failures === null ? 'no machine data' : `operating time between failures · ${k.failures} failures`}
          />
          <Tile testId="mk-mttr" k="MTTR" v={hours(k.mttrH)} d="mean time to restoration (ISO 22400)" />
          <Tile testId="mk-share" k="Planned share" v={percent(k.plannedShare)} d={`preventive of ${hours(total)} work`} />
          <Tile
            testId="mk-compliance"
            k="Preventive compliance"
            v={percent(k.compliance.ratio)}
            d={`${k.compliance.onTime} of ${k.compliance.due} done in their window`}
          />
          <Tile
            testId="mk-backlog"
            k="Backlog (now)"
            v={String(k.backlog.count)}
            d={`${hours(k.backlog.estimatedHours)} estimated${k.backlog.withoutEstimate ? ` · ${k.backlog.withoutEstimate} without estimate` : ''}`}
          />
        </div>
        {k.compliance.late.length ? (
          <p className="muted" data-testid="mk-late">
            Not done in their window: {k.compliance.late.join(', ')}
          </p>
        ) : null}
      </section>
      <section className="card mk-section">
        <h2>Planned vs unplanned work</h2>
        {total > 0 ? (
          <EChart option={shareOption(k)} className="mk-chart" label="Work hours: preventive and corrective" testId="mk-share-chart" />
        ) : (
          <Empty title="No work">No work order was worked on in the window.</Empty>
        )}
      </section>
      <section className="card mk-section">
        <h2>Where the repair time went</h2>
        {k.mttrSplit.meanMinutes ? (
          <>
            <EChart option={splitOption(k)} className="mk-chart mk-split" label="Mean repair time split" testId="mk-split-chart" />
            <p className="muted" data-testid="mk-split">
              Mean of {k.mttrSplit.repairs} repair{k.mttrSplit.repairs === 1 ? '' : 's'} done in the window, from the stop (or the request) to done:{' '}
              {k.mttrSplit.meanMinutes.total} min — {SPLIT_PARTS.map(([key, name]) => `${name.toLowerCase()} ${k.mttrSplit.meanMinutes![key]} min`).join(', ')}.
            </p>
          </>
        ) : (
          <Empty title="No repairs">No corrective work order was done in the window.</Empty>
        )}
      </section>
      <section className="card mk-section">
        <h2>Backlog by age</h2>
        <EChart option={backlogOption(k)} className="mk-chart" label="Open work orders by age" testId="mk-backlog-chart" />
        <table className="table" data-testid="mk-backlog-table">
          <thead>
            <tr>
              <th>Age</th>
              <th>Open orders</th>
              <th>Estimated hours</th>
            </tr>
          </thead>
          <tbody>
            {k.backlog.byAge.map((a) => (
              <tr key={a.age}>
                <td>{a.age}</td>
                <td>{a.count}</td>
                <td>{a.estimatedHours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
