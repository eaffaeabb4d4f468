// Production orders: the list (most urgent first) with a status filter, a small form for a new order, release (the
// server's completeness checks come back as a list of issues) and cancel.
import { useState } from 'react';
import { api } from '../platform/api.ts';
import { canEditPlant, useAuth } from '../platform/auth.tsx';
import { Badge, Button, ConfirmDialog, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { formatDateTime } from '../platform/format.ts';
import { qty } from './floor.ts';
import type { Order, OrderStatus } from './types.ts';

const STATUSES: OrderStatus[] = ['created', 'released', 'running', 'completed', 'cancelled'];
export const STATUS_TONE: Record<string, string> = { created: 'neutral', released: 'info', running: 'ok', completed: 'ok', cancelled: 'danger' };

export function OrdersPage() {
  const { user } = useAuth();
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const orders = useResource<Order[]>('/orders', { status: status || undefined });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const [creating, setCreating] = useState(false);
  const editor = canEditPlant(user);

  const release = async (o: Order) => {
    setBusy(o.id);
    setError(null);
    try {
      await api(`/orders/${encodeURIComponent(o.id)}/release`, { method: 'POST' });
      await orders.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Production orders"
        subtitle="Most urgent first. Release checks product, routing, materials and machines."
        actions={
          editor && (
            <Button variant="primary" onClick={() => setCreating((c) => !c)}>
              New order
            </Button>
          )
        }
      />
      {creating && <NewOrder onDone={() => (setCreating(false), void orders.reload())} />}
      <div className="of-filter" role="group" aria-label="Status">
        {(['', ...STATUSES] as const).map((s) => (
          <button key={s || 'all'} type="button" className={`chip${status === s ? ' chip-on' : ''}`} aria-pressed={status === s} onClick={() => setStatus(s)}>
            {s || 'all'}
          </button>
        ))}
      </div>
      <ErrorBanner error={error} />
      <ErrorBanner error={orders.error} onRetry={() => void orders.reload()} />
      {!orders.data && orders.loading ? (
        <Spinner />
      ) : (
        <div className="table-scroll card">
          <table className="table" data-testid="orders">
            <thead>
              <tr>
                <th>Order</th>
                <th>Product</th>
                <th>Quantity</th>
                <th>Due</th>
                <th>Priority</th>
                <th>Status</th>
                <th>Source</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(orders.data ?? []).map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/orders/${encodeURIComponent(o.id)}`}>{o.id}</Link>
                  </td>
                  <td>{o.productId}</td>
                  <td>
                    {qty(o.quantity)} {o.unit}
                  </td>
                  <td>{o.dueAt ? formatDateTime(o.dueAt) : '–'}</td>
                  <td>{o.priority}</td>
                  <td>
                    <Badge tone={STATUS_TONE[o.status]}>{o.status}</Badge>
                  </td>
                  <td>{o.source}</td>
                  <td className="of-actions">
                    {editor && o.status === 'created' && (
                      <Button variant="primary" busy={busy === o.id} onClick={() => void release(o)}>
                        Release
                      </Button>
                    )}
                    {editor && (o.status === 'created' || o.status === 'released') && <Button onClick={() => setCancelling(o)}>Cancel</Button>}
                  </td>
                </tr>
              ))}
              {orders.data?.length === 0 && (
                <tr>
                  <td colSpan={8} className="muted">
                    No orders{status ? ` with status ${status}` : ''}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {cancelling && (
        <ConfirmDialog
          title={`Cancel order ${cancelling.id}?`}
          message="The order will not be produced. This cannot be undone."
          confirmLabel="Cancel order"
          askReason
          onClose={() => setCancelling(null)}
          onConfirm={async (reason) => {
            await api(`/orders/${encodeURIComponent(cancelling.id)}/cancel`, { method: 'POST', body: reason ? { reason } : {} });
            await orders.reload();
          }}
        />
      )}
    </div>
  );
}

function NewOrder({ onDone }: { onDone(): void }) {
  const [f, setF] = useState({ id: '', product: '', quantity: '', due: '', priority: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/orders', {
        method: 'POST',
        body: {
          id: f.id.trim(),
          product: f.product.trim(),
          quantity: Number(f.quantity),
          ...(f.due ? { due: new Date(f.due).toISOString() } : {}),
          ...(f.priority ? { priority: Number(f.priority) } : {}),
        },
      });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form
      className="card of-new"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ErrorBanner error={error} />
      <div className="of-new-fields">
        <label>
          Order id
          <input value={f.id} onChange={set('id')} required />
        </label>
        <label>
          Product
          <input value={f.product} onChange={set('product')} required />
        </label>
        <label>
          Quantity
          <input value={f.quantity} onChange={set('quantity')} inputMode="decimal" required />
        </label>
        <label>
          Due
          <input type="datetime-local" value={f.due} onChange={set('due')} />
        </label>
        <label>
          Priority
          <input value={f.priority} onChange={set('priority')} inputMode="numeric" />
        </label>
      </div>
      <Button type="submit" variant="primary" busy={busy}>
        Create order
      </Button>
    </form>
  );
}
