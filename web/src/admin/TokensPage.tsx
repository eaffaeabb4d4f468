// Administration → API tokens: credentials for integrations and devices (one secret, shown once).
import { useState, type FormEvent } from 'react';
import { api } from '../platform/api.ts';
import { Badge, Banner, Button, ConfirmDialog, CopyButton, ErrorBanner, Modal, PageHeader, Spinner, useToast } from '../platform/components.tsx';
import { formatDateTime, formatRelative } from '../platform/format.ts';
import { fieldErrors, SelectField, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import type { ApiToken, Equipment } from '../platform/types.ts';

function CreateTokenDialog({ onClose, onCreated }: { onClose(): void; onCreated(t: ApiToken): void }) {
  const equipment = useResource<Equipment[]>('/equipment');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'integration' | 'device'>('integration');
  const [equipmentPath, setEquipmentPath] = useState('');
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = { name: name.trim(), role };
      if (equipmentPath) body.equipmentPath = equipmentPath;
      onCreated(await api<ApiToken>('/tokens', { method: 'POST', body }));
    });
  };
  return (
    <Modal
      title="New API token"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={() => submit()}>
            Create token
          </Button>
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <TextField label="Name" value={name} onValue={setName} error={errors.name} hint="Who uses it, e.g. “ERP connector” or “IMM01 gateway”" />
        <SelectField
          label="Role"
          value={role}
          onValue={(v) => setRole(v as 'integration' | 'device')}
          error={errors.role}
          options={[
            { value: 'integration', label: 'integration — other systems (ERP, BI)' },
            { value: 'device', label: 'device — a machine or gateway sending data' },
          ]}
        />
        <SelectField
          label="Limit to equipment (optional)"
          value={equipmentPath}
          onValue={setEquipmentPath}
          error={errors.equipmentPath}
          placeholder="Whole plant"
          options={(equipment.data ?? []).map((e) => ({ value: e.path, label: e.path })).sort((a, b) => a.label.localeCompare(b.label))}
        />
      </form>
    </Modal>
  );
}

function SecretDialog({ token, onClose }: { token: ApiToken; onClose(): void }) {
  return (
    <Modal
      title="Token created"
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          I have stored it
        </Button>
      }
    >
      <Banner kind="warn">
        <strong>Copy this secret now.</strong> It is shown only once; Takt stores only a hash of it.
      </Banner>
      <div className="secret-row">
        <code className="secret" data-testid="token-secret">
          {token.token}
        </code>
        <CopyButton text={token.token ?? ''} />
      </div>
      <p className="muted small">
        Send it as <code>Authorization: Bearer &lt;secret&gt;</code>.
      </p>
    </Modal>
  );
}

export function TokensPage() {
  const toast = useToast();
  const res = useResource<ApiToken[]>('/tokens');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const all = res.data ?? [];
  const tokens = showRevoked ? all : all.filter((t) => !t.revokedAt);

  return (
    <div className="page">
      <PageHeader
        title="API tokens"
        subtitle="Credentials for integrations and devices"
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            + New token
          </Button>
        }
      />
      <ErrorBanner error={res.error} onRetry={() => void res.reload()} />
      {res.loading && !res.data ? (
        <Spinner />
      ) : (
        <div className="card">
          <label className="switch small">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
            <span>Show revoked tokens ({all.filter((t) => t.revokedAt).length})</span>
          </label>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Equipment</th>
                  <th>Created</th>
                  <th>By</th>
                  <th>Last used</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id} className={t.revokedAt ? 'revoked' : undefined}>
                    <td>
                      {t.name} {t.revokedAt && <Badge tone="danger">revoked</Badge>}
                    </td>
                    <td>
                      <Badge tone="info">{t.role}</Badge>
                    </td>
                    <td>{t.equipmentPath ? <code>{t.equipmentPath}</code> : <span className="muted">whole plant</span>}</td>
                    <td>{formatDateTime(t.createdAt)}</td>
                    <td>{t.createdBy ?? '—'}</td>
                    <td>{formatRelative(t.lastUsedAt)}</td>
                    <td className="cell-actions">
                      {!t.revokedAt && (
                        <Button variant="danger" onClick={() => setRevoking(t)}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
                {tokens.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      No tokens yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {creating && (
        <CreateTokenDialog
          onClose={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            setCreated(t);
            void res.reload();
          }}
        />
      )}
      {created && <SecretDialog token={created} onClose={() => setCreated(null)} />}
      {revoking && (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          message="Anything using this token stops working immediately. This cannot be undone."
          confirmLabel="Revoke"
          askReason
          onClose={() => setRevoking(null)}
          onConfirm={async (reason) => {
            await api(`/tokens/${encodeURIComponent(revoking.id)}`, { method: 'DELETE', query: { reason } });
            toast('Token revoked');
            await res.reload();
          }}
        />
      )}
    </div>
  );
}
