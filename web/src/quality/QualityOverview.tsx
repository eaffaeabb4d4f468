// /quality: every characteristic by worst Cpk over the last 24 hours with its open rule violations, each linking to its
// chart, and for quality engineers and admins the form that defines a new one.
import { useEffect, useRef, useState } from 'react';
import { useUser } from '../platform/auth.tsx';
import { Badge, Button, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { NewCharacteristic } from './NewCharacteristic.tsx';
import { useVisibleTick } from './poll.ts';
import { canEditQuality, fig, type OverviewRow } from './types.ts';

/** Cpk as a quality engineer reads it: ≥ 1.33 capable, ≥ 1 marginal, below 1 not capable. */
const cpkTone = (x: number | null) => (x === null ? 'neutral' : x >= 1.33 ? 'ok' : x >= 1 ? 'warn' : 'danger');

export function QualityOverview() {
  const user = useUser();
  const tick = useVisibleTick(15_000);
  const rows = useResource<OverviewRow[]>('/quality/overview');
  const { reload } = rows;
  const first = useRef(tick);
  useEffect(() => {
    if (tick !== first.current) void reload();
  }, [tick, reload]);
  const [adding, setAdding] = useState(false);
  const created = () => {
    setAdding(false);
    void rows.reload();
  };

  return (
    <div className="page">
      <PageHeader
        title="Quality"
        subtitle="Characteristics by worst Cpk over the last 24 hours, with the SPC rule violations in that time"
        actions={
          <>
            <Link to="/quality/kpis" className="btn btn-secondary" data-testid="quality-kpis-link">
              Quality KPIs
            </Link>
            {canEditQuality(user) && !adding ? (
              <Button variant="primary" onClick={() => setAdding(true)}>
                New characteristic
              </Button>
            ) : null}
          </>
        }
      />
      {adding && <NewCharacteristic onCreated={created} onCancel={() => setAdding(false)} />}
      {rows.error ? <ErrorBanner error={rows.error} onRetry={rows.reload} /> : null}
      {!rows.data && rows.loading && <Spinner label="Loading characteristics…" />}
      {rows.data && (
        <section className="card q-section">
          <div className="table-scroll">
            <table className="table" data-testid="quality-overview">
              <thead>
                <tr>
                  <th>Characteristic</th>
                  <th>Product</th>
                  <th>Chart</th>
                  <th>Cpk</th>
                  <th>Ppk</th>
                  <th>Violations (24 h)</th>
                  <th>Measurements (24 h)</th>
                  <th>Limits</th>
                </tr>
              </thead>
              <tbody>
                {rows.data.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/quality/characteristics/${encodeURIComponent(r.id)}`}>{r.name}</Link> <span className="q-muted">{r.id}</span>
                    </td>
                    <td>{r.product}</td>
                    <td>{r.chart}</td>
                    <td>
                      <Badge tone={cpkTone(r.cpk)}>{fig(r.cpk, 2)}</Badge>
                    </td>
                    <td>{fig(r.ppk, 2)}</td>
                    <td>{r.violations24h > 0 ? <Badge tone="danger">{r.violations24h}</Badge> : '0'}</td>
                    <td>{r.points}</td>
                    <td>{r.limits ?? '—'}</td>
                  </tr>
                ))}
                {rows.data.length === 0 && (
                  <tr>
                    <td colSpan={8}>
                      No characteristics yet.{' '}
                      {canEditQuality(user) ? 'Define one with "New characteristic".' : 'A quality engineer defines what is measured and charted.'}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
