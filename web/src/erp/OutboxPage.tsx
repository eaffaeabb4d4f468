// ERP link → Outbox: every document on its way to the ERP with its delivery status; refreshes itself; dead ones retried.
import { useEffect, useState } from 'react';
import { api } from '../platform/api.ts';
import { hasRole, isAdmin, useUser } from '../platform/auth.tsx';
import { Badge, Button, ErrorBanner, Modal, PageHeader, Spinner, useToast } from '../platform/components.tsx';
import { formatDateTime, formatRelative } from '../platform/format.ts';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { EVENT_LABELS, type MessageRow, type MessageStatus, type OutboxMessage, type OutboxPage as OutboxList, type Webhook } from './types.ts';

const REFRESH_MS = 5_000;
const STATUS_TONE: Record<MessageStatus, string> = { pending: 'info', delivered: 'ok', failed: 'danger' };
const STATUS_LABEL: Record<MessageStatus, string> = { pending: 'pending', delivered: 'delivered', failed: 'dead' };

function MessageDialog({ id, onClose }: { id: string; onClose(): void }) {
  // One message comes with its body and without the list's `bytes`: the size is the body's in UTF-8, as the list counts it.
  const res = useResource<MessageRow>(`/outbox/${id}`);
  const m = res.data;
  return (
    <Modal
      wide
      title={m ? `Order ${m.orderId} · #${m.seq} · ${EVENT_LABELS[m.event]}` : 'Message'}
      onClose={onClose}
      footer={<Button onClick={onClose}>Close</Button>}
    >
      <ErrorBanner error={res.error} />
      {!m ? (
        <Spinner />
      ) : (
        <>
          <p className="muted small">
            {m.contentType} · {new TextEncoder().encode(m.body).length} bytes · delivery id <code>{m.id}</code>
          </p>
          <pre
            className="small"
            style={{ background: 'var(--surface-2)', padding: 12, borderRadius: 6, maxHeight: '55vh', overflow: 'auto', whiteSpace: 'pre-wrap' }}
          >
            {m.body}
          </pre>
        </>
      )}
    </Modal>
  );
}

export function OutboxPage() {
  const user = useUser();
  const toast = useToast();
  const [status, setStatus] = useState('');
  const [order, setOrder] = useState('');
  const [webhook, setWebhook] = useState('');
  const [viewing, setViewing] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const res = useResource<OutboxList>('/outbox', { status, order: order.trim(), webhook, limit: 300 });
  const hooks = useResource<Webhook[]>(isAdmin(user) ? '/webhooks' : null);
  const canRetry = hasRole(user, 'admin', 'supervisor');
  const { reload } = res;

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const retry = async (m: OutboxMessage) => {
    setRetrying(m.id);
    try {
      await api(`/outbox/${m.id}/retry`, { method: 'POST' });
      toast(`Message #${m.seq} of ${m.orderId} is back in the queue`);
      await reload();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err));
    } finally {
      setRetrying(null);
    }
  };

  const counts = res.data?.counts;
  const messages = res.data?.messages ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Outbox"
        subtitle={
          <>
            Documents on their way to the ERP, in order per order; refreshes every {REFRESH_MS / 1000} s.
            {isAdmin(user) && (
              <>
                {' '}
                Receivers: <Link to="/erp/webhooks">webhooks</Link>.
              </>
            )}
          </>
        }
        actions={
          <Button onClick={() => void reload()} busy={res.loading}>
            Refresh
          </Button>
        }
      />
      {counts && (
        <div className="card" role="status" aria-label="Outbox counts">
          <Badge tone="info">{counts.pending} pending</Badge> <Badge tone="ok">{counts.delivered} delivered</Badge>{' '}
          <Badge tone="danger">{counts.failed} dead</Badge>
        </div>
      )}
      <div className="card">
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
          <SelectField
            label="Status"
            value={status}
            onValue={setStatus}
            placeholder="All"
            options={(['pending', 'delivered', 'failed'] as MessageStatus[]).map((s) => ({ value: s, label: STATUS_LABEL[s] }))}
          />
          <TextField label="Order" value={order} onValue={setOrder} placeholder="e.g. WO-1001" />
          {hooks.data && (
            <SelectField
              label="Webhook"
              value={webhook}
              onValue={setWebhook}
              placeholder="All"
              options={hooks.data.map((w) => ({ value: w.id, label: w.name }))}
            />
          )}
        </div>
      </div>
      <ErrorBanner error={res.error} onRetry={() => void reload()} />
      {res.loading && !res.data ? (
        <Spinner />
      ) : (
        <div className="card">
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Order</th>
                  <th>#</th>
                  <th>Event</th>
                  <th>Webhook</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Last answer</th>
                  <th>Next / delivered</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {messages.map((m) => (
                  <tr key={m.id} data-status={m.status}>
                    <td>{formatDateTime(m.createdAt)}</td>
                    <td>
                      <code>{m.orderId}</code>
                    </td>
                    <td>{m.seq}</td>
                    <td>
                      {EVENT_LABELS[m.event]}
                      {m.operationSeq !== null && <span className="muted"> (op {m.operationSeq})</span>}
                    </td>
                    <td>{m.webhookName}</td>
                    <td>
                      <Badge tone={STATUS_TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge>
                    </td>
                    <td>{m.attempts}</td>
                    <td className="small">
                      {m.lastStatusCode !== null && <code>{m.lastStatusCode}</code>} {m.lastError && <span className="muted">{m.lastError}</span>}
                    </td>
                    <td className="small">
                      {m.status === 'delivered' ? formatDateTime(m.deliveredAt) : m.status === 'pending' ? formatRelative(m.nextAttemptAt) : '—'}
                    </td>
                    <td className="cell-actions">
                      <Button variant="ghost" onClick={() => setViewing(m.id)}>
                        View
                      </Button>
                      {canRetry && m.status === 'failed' && (
                        <Button variant="primary" busy={retrying === m.id} onClick={() => void retry(m)}>
                          Retry
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
                {messages.length === 0 && (
                  <tr>
                    <td colSpan={10} className="muted">
                      No messages{status || order || webhook ? ' match these filters' : ' yet'}.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {viewing && <MessageDialog id={viewing} onClose={() => setViewing(null)} />}
    </div>
  );
}
