// One production order: its operations as they run (status, phase, machine, good / scrap), the shop-floor journal,
// and the record of what was made for the ERP (B2MML) when the installation offers it.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../platform/api.ts';
import { Badge, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { formatDateTime } from '../platform/format.ts';
import { describeJournalEntry, type ReasonLabel } from '../platform/journal.ts';
import { Link } from '../platform/router.tsx';
import { opApi, PHASE_LABEL, qty, stationUrl, usePoll, useReasons, useShopfloorStream } from './floor.ts';
import { STATUS_TONE } from './OrdersPage.tsx';
import type { JournalEntry, OperationView, Order, OrderOperation } from './types.ts';

export function OrderPage({ id }: { id: string }) {
  const enc = encodeURIComponent(id);
  const order = useResource<Order & { operations: OrderOperation[] }>(`/orders/${enc}`);
  const journal = useResource<JournalEntry[]>(`/orders/${enc}/events`);
  const [ops, setOps] = useState<Record<number, OperationView>>({});
  const reasons = [...useReasons('scrap'), ...useReasons('pause'), ...useReasons('andon')];
  const reasonLabel: ReasonLabel = (kind, code) => reasons.find((r) => r.kind === kind && r.code === code)?.label ?? code;
  const [b2mml, setB2mml] = useState(false);
  const seqs = (order.data?.operations ?? []).map((o) => o.seq).join(',');

  const loadOps = useCallback(async () => {
    const list = seqs ? seqs.split(',').map(Number) : [];
    const views = await Promise.all(list.map((s) => api<OperationView>(opApi(id, s)).catch(() => null)));
    setOps(Object.fromEntries(views.filter((v): v is OperationView => v !== null).map((v) => [v.seq, v])));
  }, [id, seqs]);
  usePoll(() => void loadOps(), 5000, [loadOps]);
  useShopfloorStream((e) => {
    if (e.data.orderId !== id) return;
    void order.reload();
    void journal.reload();
    void loadOps();
  });
  useEffect(() => {
    // The performance record (for the ERP) exists once the integration module is installed.
    api(`/orders/${enc}/performance`, { query: { format: 'b2mml-v0600' }, text: true, skipAuthRedirect: true })
      .then(() => setB2mml(true))
      .catch(() => setB2mml(false));
  }, [enc, order.data?.status]);

  if (!order.data) return order.error ? <ErrorBanner error={order.error} onRetry={() => void order.reload()} /> : <Spinner />;
  const o = order.data;
  return (
    <div className="page">
      <PageHeader
        title={
          <>
            Order {o.id} <Badge tone={STATUS_TONE[o.status]}>{o.status}</Badge>
          </>
        }
        subtitle={`${o.productId} · ${qty(o.quantity)} ${o.unit} · priority ${o.priority}${o.dueAt ? ` · due ${formatDateTime(o.dueAt)}` : ''} · from ${o.source}`}
        actions={
          <>
            <Link to="/orders" className="btn btn-secondary">
              All orders
            </Link>
            {b2mml && (
              <a className="btn btn-secondary" href={`/api/orders/${enc}/performance?format=b2mml-v0600`} target="_blank" rel="noreferrer">
                Production performance (B2MML)
              </a>
            )}
          </>
        }
      />
      {o.cancelReason && <div className="banner banner-warn">Cancelled: {o.cancelReason}</div>}
      <div className="card table-scroll">
        <h2 className="card-title">Operations</h2>
        <table className="table" data-testid="order-operations">
          <thead>
            <tr>
              <th>Seq</th>
              <th>Operation</th>
              <th>Status</th>
              <th>Phase</th>
              <th>Machine</th>
              <th>Good</th>
              <th>Scrap</th>
              <th>Started</th>
              <th>Completed</th>
            </tr>
          </thead>
          <tbody>
            {o.operations.map((op) => {
              const v = ops[op.seq];
              return (
                <tr key={op.seq}>
                  <td>{op.seq}</td>
                  <td>{op.name}</td>
                  <td>
                    <Badge tone={STATUS_TONE[v?.status ?? op.status]}>{v?.status ?? op.status}</Badge>
                  </td>
                  <td>
                    {v?.phase ? PHASE_LABEL[v.phase] : '–'}
                    {v?.interrupted ? ' (interrupted)' : ''}
                  </td>
                  <td>{v?.equipment ? <Link to={stationUrl(v.equipment)}>{v.equipment}</Link> : op.candidates.join(', ')}</td>
                  <td>{v ? qty(v.good) : '–'}</td>
                  <td>{v ? qty(v.scrap) : '–'}</td>
                  <td>{v?.startedAt ? formatDateTime(v.startedAt) : '–'}</td>
                  <td>{v?.completedAt ? `${formatDateTime(v.completedAt)} (${v.completedBy})` : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="card table-scroll of-journal">
        <h2 className="card-title">Journal</h2>
        <ErrorBanner error={journal.error} />
        <table className="table" data-testid="journal">
          <thead>
            <tr>
              <th>When</th>
              <th>Op</th>
              <th>What</th>
              <th>Who</th>
              <th>Station</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {(journal.data ?? []).map((e) => {
              const { what, details } = describeJournalEntry(e, reasonLabel);
              return (
                <tr key={e.id}>
                  <td className="nowrap">{formatDateTime(e.at)}</td>
                  <td>{e.seq}</td>
                  <td>{what}</td>
                  <td>{e.actor}</td>
                  <td>{e.station ?? '—'}</td>
                  <td className="small">{details}</td>
                </tr>
              );
            })}
            {journal.data?.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  Nothing happened on the shop floor yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
