// Trace: backward (what a lot was made from, down to supplier lots) or forward (everything it went into, with the
// orders affected), as a graph and a table, with a CSV download; and the recall search by supplier lot.
import { useState, type FormEvent } from 'react';
import { buildUrl } from '../platform/api.ts';
import { Badge, Banner, Button, Empty, ErrorBanner, PageHeader, Spinner, Tabs } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link, navigate, useLocation } from '../platform/router.tsx';
import { LotId } from './LotId.tsx';
import { TraceGraph } from './TraceGraph.tsx';
import { qty, STATUS_COLOUR, STATUS_LABEL, STATUS_TONE, type Direction, type Trace } from './types.ts';

const href = (q: Record<string, string>) => `/lots/trace?${new URLSearchParams(q).toString()}`;

/** Ten times the limits that cut the trace short, within what the server accepts (src/lots/lots.routes.ts). */
const further = (l: Trace['limits']) => ({ maxDepth: String(Math.min(l.maxDepth * 10, 1000)), maxNodes: String(Math.min(l.maxNodes * 10, 100_000)) });

export function TracePage() {
  const { search } = useLocation();
  const lot = search.get('lot') ?? '';
  const supplierLot = search.get('supplierLot') ?? '';
  const direction: Direction = search.get('direction') === 'forward' ? 'forward' : 'backward';
  const [lotDraft, setLotDraft] = useState(lot);
  const [recallDraft, setRecallDraft] = useState(supplierLot);
  const path = supplierLot ? '/lots/trace' : lot ? `/lots/${encodeURIComponent(lot)}/trace` : null;
  // Limits the server was asked for (after a "trace further"); absent, the server's defaults hold.
  const limits = Object.fromEntries(['maxDepth', 'maxNodes'].flatMap((k) => (search.get(k) ? [[k, search.get(k)!]] : [])));
  const query = { ...(supplierLot ? { supplierLot } : { direction }), ...limits };
  const trace = useResource<Trace>(path, query);
  const csv = path ? buildUrl(path, { ...query, format: 'csv' }) : '';

  const go = (e: FormEvent, q: Record<string, string>) => {
    e.preventDefault();
    navigate(href(q));
  };
  const t = trace.data;

  return (
    <div className="page">
      <PageHeader
        title="Trace and recall"
        subtitle="Backward: everything a lot was made from, down to the supplier lots. Forward: every lot and order it went into."
        actions={
          <Link to="/lots" className="btn btn-secondary">
            All lots
          </Link>
        }
      />
      <div className="lots-search">
        <form className="card lots-search-box" onSubmit={(e) => go(e, { lot: lotDraft.trim(), direction })} aria-label="Trace a lot">
          <TextField label="Lot" value={lotDraft} onValue={setLotDraft} autoCapitalize="none" placeholder="e.g. L-000123" />
          <Button type="submit" variant="primary" disabled={!lotDraft.trim()}>
            Trace
          </Button>
        </form>
        <form className="card lots-search-box" onSubmit={(e) => go(e, { supplierLot: recallDraft.trim() })} aria-label="Recall by supplier lot">
          <TextField label="Recall: supplier lot" value={recallDraft} onValue={setRecallDraft} autoCapitalize="none" />
          <Button type="submit" variant="primary" disabled={!recallDraft.trim()}>
            Find affected
          </Button>
        </form>
      </div>
      {!path && <Empty title="Nothing traced yet">Enter a lot number, or a supplier lot for a recall.</Empty>}
      {path && (
        <div className="lots-trace-head">
          {lot && !supplierLot ? (
            <Tabs
              tabs={[
                { id: 'backward', label: 'Backward (made from)' },
                { id: 'forward', label: 'Forward (went into)' },
              ]}
              active={direction}
              onChange={(d) => navigate(href({ lot, direction: d }))}
            />
          ) : (
            <h2>Recall of supplier lot {supplierLot}</h2>
          )}
          <a className="btn btn-secondary" href={csv} download data-testid="trace-csv">
            Download CSV
          </a>
        </div>
      )}
      {trace.error ? <ErrorBanner error={trace.error} onRetry={trace.reload} /> : null}
      {path && !t && trace.loading && <Spinner label="Tracing…" />}
      {t && path && (
        <>
          {t.truncated && (
            <Banner kind="warn">
              Only part of the genealogy is shown: {t.truncatedReason} (limits: depth {t.limits.maxDepth}, {t.limits.maxNodes} lots).{' '}
              <Link to={href({ ...(supplierLot ? { supplierLot } : { lot, direction }), ...further(t.limits) })}>Trace further</Link>
            </Banner>
          )}
          <div className="lots-legend small">
            {Object.entries(STATUS_LABEL).map(([s, label]) => (
              <span key={s}>
                <i style={{ background: STATUS_COLOUR[s as keyof typeof STATUS_COLOUR] }} /> {label}
              </span>
            ))}
            <span>◆ received (supplier) lot</span>
            <span>{t.nodes.length} lots · click a lot to trace from it</span>
          </div>
          <section className="card lots-section">
            <TraceGraph trace={t} onPick={(id) => navigate(href({ lot: id, direction: supplierLot ? 'forward' : direction }))} />
          </section>
          {t.orders && (
            <section className="card pad lots-section">
              <h2>Orders affected ({t.orders.length})</h2>
              {t.orders.length === 0 ? (
                <p className="muted">No order consumed or produced these lots.</p>
              ) : (
                <ul className="lots-orders">
                  {t.orders.map((o) => (
                    <li key={o.orderId}>
                      <span className="mono">{o.orderId}</span> {o.productId && <span className="muted">{o.productId}</span>}{' '}
                      {o.status && <Badge>{o.status}</Badge>}{' '}
                      <span className="small muted">
                        lots{' '}
                        {o.lots.map((l, i) => (
                          <span key={l}>
                            {i > 0 && ', '}
                            <LotId id={l} />
                          </span>
                        ))}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          <section className="card table-scroll lots-section">
            <table className="table" data-testid="trace-table">
              <thead>
                <tr>
                  <th>Depth</th>
                  <th>Lot</th>
                  <th>Material</th>
                  <th>Left</th>
                  <th>Status</th>
                  <th>Supplier lot</th>
                  <th>Made by</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {t.nodes.slice(0, 1000).map((n) => (
                  <tr key={n.lot}>
                    <td>{n.depth}</td>
                    <td>
                      <LotId id={n.lot} to={href({ lot: n.lot, direction })} />
                    </td>
                    <td>{n.materialId}</td>
                    <td>{qty(n.quantity, n.unit)}</td>
                    <td>
                      <Badge tone={STATUS_TONE[n.status]}>{STATUS_LABEL[n.status]}</Badge>
                    </td>
                    <td>{n.supplierLot ? <LotId id={n.supplierLot} /> : '—'}</td>
                    <td>
                      {n.received
                        ? (n.supplier ?? 'received')
                        : `${n.orderId}/${n.seq ?? '?'}${n.equipment ? ` · ${n.equipment}` : ''}${n.operator ? ` · ${n.operator}` : ''}`}
                    </td>
                    <td className="small">{formatDateTime(n.madeAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {t.nodes.length > 1000 && <p className="muted pad">The first 1000 of {t.nodes.length} lots; the CSV has them all.</p>}
          </section>
        </>
      )}
    </div>
  );
}
