// /quality/kpis — the quality KPIs of a window ending now (operations completed in it): FPY, quality ratio, scrap and
// rework rates and the cost of poor quality as tiles, the defect Pareto (bars + cumulative line), scrap and rework
// rates by machine and by product, the attribute defects, and the server's notes (rework not recorded, costs missing).
// Every number is the server's (GET /api/quality/kpis); a figure the server cannot form shows as "not recorded" or "—".
import { useMemo, useRef, useState } from 'react';
import { Badge, ErrorBanner, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource } from '../../platform/hooks.ts';
import { Link } from '../../platform/router.tsx';
import { useVisibleTick } from '../poll.ts';
import type { KpiReport } from '../types.ts';
import { EChart, paretoOption, rateBarsOption } from './charts.ts';
import { CostTable } from './CostTable.tsx';
import { WindowSelect } from '../WindowSelect.tsx';

const WINDOWS = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
type WindowId = (typeof WINDOWS)[number]['id'];

/** A ratio as a percentage with one decimal; null (not formed) as the given text. */
export const percent = (x: number | null, none = '—') => (x === null ? none : `${(x * 100).toFixed(1)} %`);
const money = (amount: number | null, currency: string | null) =>
  amount === null ? '—' : `${amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency ?? ''}`.trim();

function Tile({ k, v, d, testId }: { k: string; v: string; d?: string; testId: string }) {
  return (
    <div className="q-tile" data-testid={testId}>
      <div className="k">{k}</div>
      <div className={/\d/.test(v) ? 'v' : 'v q-none'}>{v}</div>
      {d ? <div className="d">{d}</div> : null}
    </div>
  );
}

export function KpisPage() {
  const [windowId, setWindowId] = useState<WindowId>('7d');
  const [product, setProduct] = useState('');
  const [machine, setMachine] = useState('');
  const now = useVisibleTick(60_000);
  const query = useMemo(() => {
    const ms = WINDOWS.find((w) => w.id === windowId)!.ms;
    return { from: new Date(now - ms).toISOString(), to: new Date(now).toISOString(), product: product || undefined, machine: machine || undefined };
  }, [windowId, now, product, machine]);
  const report = useResource<KpiReport>('/quality/kpis', query);
  const k = report.data;
  // the filter lists keep every product and machine seen, so choosing one does not empty the other choices
  const seen = useRef({ products: new Set<string>(), machines: new Set<string>() });
  for (const p of k?.byProduct ?? []) seen.current.products.add(p.product);
  for (const m of k?.byMachine ?? []) if (m.machine) seen.current.machines.add(m.machine);

  return (
    <div className="page">
      <PageHeader
        title="Quality KPIs"
        subtitle="First pass yield, scrap and rework rates, cost of poor quality and the defect Pareto of the operations completed in the window"
      />
      <p>
        <Link to="/quality">Back to quality</Link>
      </p>
      <div className="q-controls">
        <WindowSelect options={WINDOWS} value={windowId} onChange={setWindowId} testId="kpi-window" />
        <label>
          Product
          <select value={product} onChange={(e) => setProduct(e.target.value)} data-testid="kpi-product">
            <option value="">All products</option>
            {[...seen.current.products].sort().map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Machine
          <select value={machine} onChange={(e) => setMachine(e.target.value)} data-testid="kpi-machine">
            <option value="">All machines</option>
            {[...seen.current.machines].sort().map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        {k ? (
          <span className="q-muted">
            {formatDateTime(k.window.from)} – {formatDateTime(k.window.to)} · {k.total.operations} operations
          </span>
        ) : null}
      </div>
      {report.error ? <ErrorBanner error={report.error} onRetry={report.reload} /> : null}
      {!k && report.loading && <Spinner label="Loading KPIs…" />}
      {k && <Report k={k} />}
      <CostTable onChanged={report.reload} />
    </div>
  );
}

function Report({ k }: { k: KpiReport }) {
  const t = k.total;
  return (
    <>
      <section className="card q-section">
        <div className="q-tiles">
          <Tile testId="kpi-fpy" k="First pass yield" v={percent(t.fpy, k.reworkRecorded ? '—' : 'not recorded')} d="(good − reworked) / produced" />
          <Tile testId="kpi-quality" k="Quality ratio" v={percent(t.qualityRatio)} d={`${t.good} good of ${t.produced} produced`} />
          <Tile testId="kpi-scrap" k="Scrap rate" v={percent(t.scrapRate)} d={`${t.scrap} scrapped`} />
          <Tile
            testId="kpi-rework"
            k="Rework rate"
            v={percent(t.reworkRate, k.reworkRecorded ? '—' : 'not recorded')}
            d={t.reworked === null ? 'no rework dispositions recorded' : `${t.reworked} reworked`}
          />
          <Tile
            testId="kpi-copq"
            k="Cost of poor quality"
            v={money(k.copq.amount, k.copq.currency)}
            d={k.copq.message ?? (k.copq.includesRework ? 'scrap and rework' : 'scrap')}
          />
        </div>
        {k.notes.length ? (
          <ul className="q-muted" data-testid="kpi-notes">
            {k.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
      </section>
      <section className="card q-section">
        <h2>Defect Pareto (scrap by reason code)</h2>
        {k.pareto.length ? (
          <>
            <EChart option={paretoOption(k.pareto)} className="q-chart" label="Defect Pareto" testId="kpi-pareto-chart" />
            <ParetoTable rows={k.pareto} testId="kpi-pareto" />
          </>
        ) : (
          <p>No scrap in the window.</p>
        )}
        {k.reworkPareto?.length ? (
          <>
            <h3>Rework by defect code</h3>
            <ParetoTable rows={k.reworkPareto} testId="kpi-rework-pareto" />
          </>
        ) : null}
        {k.attributePareto.length ? (
          <>
            <h3>Defects found by attribute checks</h3>
            <ParetoTable rows={k.attributePareto} testId="kpi-attribute-pareto" />
          </>
        ) : null}
      </section>
      {k.byMachine.length === 0 ? (
        <section className="card q-section">
          <h2>By machine and product</h2>
          <p>No operation was completed in the window with these filters.</p>
        </section>
      ) : (
        <>
          <section className="card q-section">
            <h2>By machine</h2>
            <EChart
              option={rateBarsOption(
                k.byMachine.map((m) => m.machine ?? '(none)'),
                [
                  { name: 'scrap rate', values: k.byMachine.map((m) => m.scrapRate), color: '#c1121f' },
                  { name: 'rework rate', values: k.byMachine.map((m) => m.reworkRate), color: '#e09f3e' },
                ],
              )}
              className="q-chart q-chart-small"
              label="Scrap and rework rates by machine"
              testId="kpi-machine-chart"
            />
          </section>
          <section className="card q-section">
            <h2>By product</h2>
            <EChart
              option={rateBarsOption(
                k.byProduct.map((p) => p.product),
                [
                  { name: 'scrap rate', values: k.byProduct.map((p) => p.scrapRate), color: '#c1121f' },
                  { name: 'rework rate', values: k.byProduct.map((p) => p.reworkRate), color: '#e09f3e' },
                  { name: 'RTY', values: k.byProduct.map((p) => p.rty), color: '#0b7a3b' },
                ],
              )}
              className="q-chart q-chart-small"
              label="Scrap and rework rates and rolled throughput yield by product"
              testId="kpi-product-chart"
            />
            <div className="table-scroll">
              <table className="table" data-testid="kpi-products">
                <thead>
                  <tr>
                    <th>Product</th>
                    <th>Produced</th>
                    <th>Scrap rate</th>
                    <th>Rework rate</th>
                    <th>FPY</th>
                    <th>RTY</th>
                    <th>COPQ</th>
                  </tr>
                </thead>
                <tbody>
                  {k.byProduct.map((p) => (
                    <tr key={p.product}>
                      <td>{p.product}</td>
                      <td>{p.produced}</td>
                      <td>{percent(p.scrapRate)}</td>
                      <td>{percent(p.reworkRate)}</td>
                      <td>{percent(p.fpy)}</td>
                      <td>{percent(p.rty)}</td>
                      <td>{p.copq.amount === null ? <Badge tone="neutral">no cost set</Badge> : money(p.copq.amount, p.copq.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}

function ParetoTable({ rows, testId }: { rows: KpiReport['pareto']; testId: string }) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>Defect</th>
            <th>Quantity</th>
            <th>Share</th>
            <th>Cumulative</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.defect}>
              <td>
                {r.defect} {r.label ? <span className="q-muted">{r.label}</span> : null}
              </td>
              <td>{r.quantity}</td>
              <td>{percent(r.share)}</td>
              <td>{percent(r.cumulative)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
