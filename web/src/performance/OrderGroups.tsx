// KPIs of a plant/line per production order or per product (GET /api/performance/kpi-groups), for the period shown.
import { useState } from 'react';
import { ErrorBanner, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { FactorBar } from './common.tsx';
import { hours, pct, type Figures } from './types.ts';

interface GroupResult {
  groups: Array<Figures & { key: string | null; label: string; orders: string[]; machines: string[] }>;
}

export function OrderGroups({ equipment, from, to, settings }: { equipment: string; from: string; to: string; settings: Record<string, string> }) {
  const [group, setGroup] = useState<'order' | 'product'>('order');
  // computed from raw history (the roll-ups carry no order): only while someone looks at it
  const [shown, setShown] = useState(false);
  const tooLong = Date.parse(to) - Date.parse(from) > 31 * 86_400_000;
  const res = useResource<GroupResult>(tooLong || !shown ? null : '/performance/kpi-groups', { equipment, from, to, group, ...settings });
  return (
    <section className="card perf-section" data-testid="perf-orders">
      <div className="perf-head">
        <h2>By {group}</h2>
        <label>
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} /> Show
        </label>
        <label>
          Group by{' '}
          <select value={group} onChange={(e) => setGroup(e.target.value as 'order' | 'product')}>
            <option value="order">production order</option>
            <option value="product">product</option>
          </select>
        </label>
      </div>
      {!shown && <p className="perf-alarm">KPIs per production order or product, computed on demand.</p>}
      {tooLong && <p className="perf-alarm">Grouping by order or product covers at most 31 days.</p>}
      {res.error ? <ErrorBanner error={res.error} onRetry={res.reload} /> : null}
      {!res.data && res.loading && <Spinner label="Computing…" />}
      {shown && res.data && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{group === 'order' ? 'Order' : 'Product'}</th>
                <th>OEE</th>
                <th>Availability</th>
                <th>Effectiveness</th>
                <th>Quality</th>
                <th>Good / scrap</th>
                <th>Planned busy time</th>
                {group === 'product' && <th>Orders</th>}
              </tr>
            </thead>
            <tbody>
              {res.data.groups.map((g) => (
                <tr key={g.label}>
                  <td>{g.label}</td>
                  {[g.oee, g.availability, g.effectiveness, g.quality].map((v, i) => (
                    <td key={i}>
                      {pct(v)}
                      <FactorBar value={v} />
                    </td>
                  ))}
                  <td>
                    {g.counts.gq} / {g.counts.sq}
                  </td>
                  <td>{hours(g.times.pbt)}</td>
                  {group === 'product' && <td>{g.orders.join(', ') || '—'}</td>}
                </tr>
              ))}
              {res.data.groups.length === 0 && (
                <tr>
                  <td colSpan={8}>No production in this period.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <p className="perf-alarm">Time belongs to the order that was on the machine when each state began; parts to the order they were counted under.</p>
    </section>
  );
}
