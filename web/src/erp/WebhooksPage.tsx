// ERP link → Webhooks: where Takt sends performance documents (create with a shown-once secret, edit, pause, ping).
import { useState, type FormEvent } from 'react';
import { api } from '../platform/api.ts';
import { Badge, Banner, Button, ConfirmDialog, CopyButton, ErrorBanner, Modal, PageHeader, Spinner, useToast } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { ChipGroup, fieldErrors, num, SelectField, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { EVENT_LABELS, FORMAT_LABELS, type PerformanceFormat, type PingResult, type Webhook, type WebhookEvent } from './types.ts';

const EVENTS = Object.keys(EVENT_LABELS) as WebhookEvent[];
const FORMATS = Object.keys(FORMAT_LABELS) as PerformanceFormat[];

function WebhookDialog({ editing, onClose, onSaved }: { editing: Webhook | null; onClose(): void; onSaved(w: Webhook, created: boolean): void }) {
  const [name, setName] = useState(editing?.name ?? '');
  const [url, setUrl] = useState(editing?.url ?? 'https://');
  const [events, setEvents] = useState<WebhookEvent[]>(editing?.events ?? ['order.completed']);
  const [format, setFormat] = useState<PerformanceFormat>(editing?.format ?? 'b2mml-v0600');
  const [maxAttempts, setMaxAttempts] = useState(String(editing?.maxAttempts ?? 10));
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    void run(async () => {
      const body = { name: name.trim(), url: url.trim(), events, format, maxAttempts: num(maxAttempts) };
      const saved = editing
        ? await api<Webhook>(`/webhooks/${editing.id}`, { method: 'PATCH', body })
        : await api<Webhook>('/webhooks', { method: 'POST', body });
      onSaved(saved, !editing);
    });
  };
  return (
    <Modal
      title={editing ? `Edit “${editing.name}”` : 'New webhook'}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={() => submit()}>
            {editing ? 'Save' : 'Create webhook'}
          </Button>
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <TextField label="Name" value={name} onValue={setName} error={errors.name} hint="e.g. “SAP plant 1000 confirmations”" />
        <TextField
          label="URL"
          value={url}
          onValue={setUrl}
          error={errors.url}
          hint="The ERP's (or middleware's) HTTPS endpoint; Takt POSTs each document there"
        />
        <ChipGroup
          label="Send on"
          options={EVENTS.map((e) => ({ value: e, label: EVENT_LABELS[e] }))}
          value={events}
          onChange={setEvents}
          error={errors.events}
        />
        <SelectField
          label="Format"
          value={format}
          onValue={(v) => setFormat(v as PerformanceFormat)}
          error={errors.format}
          options={FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }))}
        />
        <TextField
          label="Attempts before a message is dead"
          type="number"
          min={1}
          max={100}
          value={maxAttempts}
          onValue={setMaxAttempts}
          error={errors.maxAttempts}
        />
      </form>
    </Modal>
  );
}

function SecretDialog({ webhook, onClose }: { webhook: Webhook; onClose(): void }) {
  return (
    <Modal
      title="Webhook created"
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          I have stored it
        </Button>
      }
    >
      <Banner kind="warn">
        <strong>Copy the signing secret now.</strong> It is shown only once. The receiver uses it to check the <code>X-Takt-Signature</code> of every delivery.
      </Banner>
      <div className="secret-row">
        <code className="secret" data-testid="webhook-secret">
          {webhook.secret}
        </code>
        <CopyButton text={webhook.secret} />
      </div>
      <p className="muted small">
        Signature: HMAC-SHA256 of <code>&lt;X-Takt-Timestamp&gt;.&lt;body&gt;</code>, hex, as <code>sha256=…</code>.
      </p>
    </Modal>
  );
}

export function WebhooksPage() {
  const toast = useToast();
  const res = useResource<Webhook[]>('/webhooks');
  const [dialog, setDialog] = useState<{ editing: Webhook | null } | null>(null);
  const [created, setCreated] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [pinging, setPinging] = useState<string | null>(null);
  const [lastPing, setLastPing] = useState<Record<string, PingResult>>({});
  const hooks = res.data ?? [];

  const setActive = async (w: Webhook, active: boolean) => {
    try {
      await api(`/webhooks/${w.id}`, { method: 'PATCH', body: { active } });
      toast(active ? `“${w.name}” active again` : `“${w.name}” paused: its messages wait in the outbox`);
      await res.reload();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err));
    }
  };
  const ping = async (w: Webhook) => {
    setPinging(w.id);
    try {
      const r = await api<PingResult>(`/webhooks/${w.id}/test`, { method: 'POST' });
      setLastPing((p) => ({ ...p, [w.id]: r }));
      toast(r.ok ? `Ping answered ${r.statusCode} in ${r.ms} ms` : `Ping failed: ${r.error}`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err));
    } finally {
      setPinging(null);
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Webhooks"
        subtitle={
          <>
            Where Takt sends what was produced. Deliveries: <Link to="/erp/outbox">outbox</Link>
          </>
        }
        actions={
          <Button variant="primary" onClick={() => setDialog({ editing: null })}>
            + New webhook
          </Button>
        }
      />
      <ErrorBanner error={res.error} onRetry={() => void res.reload()} />
      {res.loading && !res.data ? (
        <Spinner />
      ) : (
        <div className="card">
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>URL</th>
                  <th>Events</th>
                  <th>Format</th>
                  <th>Attempts</th>
                  <th>Changed</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {hooks.map((w) => {
                  const p = lastPing[w.id];
                  return (
                    <tr key={w.id} className={w.active ? undefined : 'revoked'}>
                      <td>
                        {w.name} {!w.active && <Badge tone="danger">paused</Badge>}
                        {p && <Badge tone={p.ok ? 'ok' : 'danger'}>{p.ok ? `ping ${p.statusCode}` : 'ping failed'}</Badge>}
                      </td>
                      <td>
                        <code>{w.url}</code>
                      </td>
                      <td>
                        {w.events.map((e) => (
                          <Badge key={e} tone="info">
                            {EVENT_LABELS[e]}
                          </Badge>
                        ))}
                      </td>
                      <td>{FORMAT_LABELS[w.format]}</td>
                      <td>{w.maxAttempts}</td>
                      <td>{formatDateTime(w.updatedAt)}</td>
                      <td className="cell-actions">
                        <Button busy={pinging === w.id} onClick={() => void ping(w)}>
                          Test
                        </Button>{' '}
                        <Button onClick={() => setDialog({ editing: w })}>Edit</Button>{' '}
                        <Button onClick={() => void setActive(w, !w.active)}>{w.active ? 'Pause' : 'Resume'}</Button>{' '}
                        <Button variant="danger" onClick={() => setDeleting(w)}>
                          Delete
                        </Button>
                      </td>
                    </tr>
                  );
                })}
                {hooks.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      No webhooks yet: nothing is sent to the ERP.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {dialog && (
        <WebhookDialog
          editing={dialog.editing}
          onClose={() => setDialog(null)}
          onSaved={(w, isNew) => {
            setDialog(null);
            if (isNew) setCreated(w);
            else toast('Webhook saved');
            void res.reload();
          }}
        />
      )}
      {created && <SecretDialog webhook={created} onClose={() => setCreated(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          message="Its messages, delivered or not, are deleted with it. Pause it instead to keep them."
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api(`/webhooks/${deleting.id}`, { method: 'DELETE' });
            toast('Webhook deleted');
            await res.reload();
          }}
        />
      )}
    </div>
  );
}
