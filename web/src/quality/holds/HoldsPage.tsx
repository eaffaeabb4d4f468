// /quality/holds: what reaction plans put on hold — lots, operations, machines — open ones first by default, and the
// release of one by a person with the quality role: a reason, and for a lot the signatures the policy asks for
// lot.release (given here on the hold, docs/quality.md "Holds"). The server checks every rule; its refusals are shown.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { hasRole, useAuth } from '../../platform/auth.tsx';
import { Badge, Button, Empty, ErrorBanner, PageHeader } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { SelectField, TextAreaField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { Signatures } from '../../platform/Signatures.tsx';
import type { Meaning } from '../../platform/Signatures.tsx';

export interface QualityHold {
  id: string;
  kind: 'lot' | 'operation' | 'machine';
  target: string;
  reason: string;
  reaction: string | null;
  ref: string | null;
  placedAt: string;
  placedBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

interface PolicyRule {
  action: string;
  signatures: 1 | 2;
  roles: string[];
  meaning: Meaning | null;
}

const KIND_LABEL = { lot: 'Lot', operation: 'Operation', machine: 'Machine' } as const;
/** The hold record type quality registers with the signing service (src/quality/holds). */
const HOLD_RECORD_TYPE = 'quality.hold';

export function HoldsPage() {
  const { user } = useAuth();
  const [filter, setFilter] = useState({ status: 'open', kind: '' });
  const [releasing, setReleasing] = useState<QualityHold | null>(null);
  const list = useResource<QualityHold[]>('/quality/holds', filter);
  const policy = useResource<{ rules: PolicyRule[] }>('/signatures/policy');
  const lotRule = policy.data?.rules.find((r) => r.action === 'lot.release');
  const mayRelease = hasRole(user, 'quality', 'admin');
  return (
    <div className="page" data-testid="holds">
      <PageHeader title="Holds" subtitle="Lots, operations and machines a reaction plan has put on hold" />
      <div className="form-grid q-filters">
        <SelectField
          label="Status"
          value={filter.status}
          placeholder="Any"
          options={[
            { value: 'open', label: 'Held' },
            { value: 'released', label: 'Released' },
          ]}
          onValue={(status) => setFilter((f) => ({ ...f, status }))}
        />
        <SelectField
          label="Kind"
          value={filter.kind}
          placeholder="Any"
          options={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={(kind) => setFilter((f) => ({ ...f, kind }))}
        />
      </div>
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {releasing && (
        <ReleasePanel
          hold={releasing}
          rule={releasing.kind === 'lot' ? lotRule : undefined}
          onCancel={() => setReleasing(null)}
          onReleased={() => {
            setReleasing(null);
            void list.reload();
          }}
        />
      )}
      {list.data && list.data.length === 0 && <Empty title="Nothing here">No hold matches these filters.</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="table" data-testid="holds-table">
          <thead>
            <tr>
              <th>What</th>
              <th>Held</th>
              <th>Why</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((h) => (
              <tr key={h.id} data-testid={`hold-${h.kind}-${h.target}`}>
                <td>
                  <strong>{KIND_LABEL[h.kind]}</strong> {h.target}
                </td>
                <td>
                  {formatDateTime(h.placedAt)} <span className="muted">by {h.placedBy}</span>
                </td>
                <td>{h.reason}</td>
                <td>
                  {h.releasedAt ? (
                    <>
                      <Badge tone="ok">released</Badge>
                      <div className="muted">
                        {formatDateTime(h.releasedAt)} by {h.releasedBy}: {h.releaseReason}
                      </div>
                    </>
                  ) : (
                    <Badge tone="danger">held</Badge>
                  )}
                </td>
                <td>
                  {!h.releasedAt && mayRelease && (
                    <Button onClick={() => setReleasing(h)} disabled={releasing?.id === h.id}>
                      Release
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

interface ReleasePanelProps {
  hold: QualityHold;
  /** the policy's rule for lot.release when the hold is a lot's and the policy has one */
  rule: PolicyRule | undefined;
  onCancel(): void;
  onReleased(): void;
}

/** The release of one hold: the reason, and the signatures the policy asks for before the server lets it go. */
function ReleasePanel({ hold, rule, onCancel, onReleased }: ReleasePanelProps) {
  const [reason, setReason] = useState('');
  const save = useSubmit();
  const submit = () =>
    save.run(async () => {
      await api(`/quality/holds/${encodeURIComponent(hold.id)}/release`, { method: 'POST', body: { reason: reason.trim() } });
      onReleased();
    });
  const needs = rule
    ? `${rule.signatures === 2 ? 'two signatures by two different people' : 'a signature'}${rule.meaning ? ` meaning ${rule.meaning}` : ''}${rule.roles.length ? ` by ${rule.roles.join(' or ')}` : ''}`
    : null;
  return (
    <section className="card q-section" data-testid="release-hold" aria-label={`Release ${hold.kind} ${hold.target}`}>
      <h2>
        Release {KIND_LABEL[hold.kind].toLowerCase()} {hold.target}
      </h2>
      <p className="muted">Held because: {hold.reason}</p>
      {needs && <p>The signature policy asks for {needs} (lot.release) before this lot is released.</p>}
      <ErrorBanner error={save.error} />
      {rule && (
        <Signatures
          recordType={HOLD_RECORD_TYPE}
          recordId={hold.id}
          action="lot.release"
          meanings={rule.meaning ? [rule.meaning] : undefined}
          title="Release signatures"
        />
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextAreaField label="Reason for release" value={reason} onValue={setReason} maxLength={1000} />
        <div className="filter-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button variant="primary" type="submit" busy={save.busy} disabled={!reason.trim()}>
            Release
          </Button>
        </div>
      </form>
    </section>
  );
}
