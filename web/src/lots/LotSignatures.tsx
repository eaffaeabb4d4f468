// A lot's release at the lots page and its signatures (docs/quality.md, "No side doors"): releasing a held lot at its
// page (`POST /api/lots/{id}/release`) needs the signatures the policy asks for lot.release, given on the lot as it is
// now (record type `lot`). The panel says what the policy asks, lists the lot's signatures with a Sign button (password
// or badge + PIN, the shared Signatures dialog), and releases with an optional reason; the server's refusals (409
// signature_required, 403 a signer without the role, 409 not on hold) are shown in it. The same panel, read-only,
// shows the signatures of a lot that is not on hold.
import { useState } from 'react';
import type { Meaning } from '../platform/Signatures.tsx';
import { Signatures } from '../platform/Signatures.tsx';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { TextAreaField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import type { Lot } from './types.ts';

/** The record type the lots module registers a lot under with the signing service (LOT_RECORD_TYPE, src/lots). */
const LOT_RECORD_TYPE = 'lot';

interface PolicyRule {
  action: string;
  signatures: 1 | 2;
  roles: string[];
  meaning: Meaning | null;
}

/** What the policy's rule asks, in words: "a signature meaning approval by quality". */
export function policyNeeds(rule: PolicyRule): string {
  return `${rule.signatures === 2 ? 'two signatures by two different people' : 'a signature'}${rule.meaning ? ` meaning ${rule.meaning}` : ''}${
    rule.roles.length ? ` by ${rule.roles.join(' or ')}` : ''
  }`;
}

interface Props {
  lot: Lot;
  /** the person may release (admin, supervisor, quality) and the lot is on hold */
  canRelease: boolean;
  onClose(): void;
  onReleased(): Promise<void>;
}

export function LotReleasePanel({ lot, canRelease, onClose, onReleased }: Props) {
  const policy = useResource<{ rules: PolicyRule[] }>('/signatures/policy');
  const rule = policy.data?.rules.find((r) => r.action === 'lot.release');
  const releasing = canRelease && lot.status === 'on_hold';
  const [reason, setReason] = useState('');
  const save = useSubmit();
  const release = () =>
    save.run(async () => {
      await api(`/lots/${encodeURIComponent(lot.id)}/release`, { method: 'POST', body: reason.trim() ? { reason: reason.trim() } : {} });
      await onReleased();
    });
  return (
    <section className="card lots-section" data-testid="lot-panel" aria-label={releasing ? `Release lot ${lot.id}` : `Signatures of lot ${lot.id}`}>
      <div className="signatures-head">
        <h2>{releasing ? `Release lot ${lot.id}` : `Lot ${lot.id}`}</h2>
        <Button onClick={onClose}>Close</Button>
      </div>
      {lot.status === 'on_hold' && lot.holdReason && <p className="muted">Held because: {lot.holdReason}</p>}
      {releasing && rule && <p>The signature policy asks for {policyNeeds(rule)} (lot.release) on the lot as it is now before it is released.</p>}
      {releasing && policy.data && !rule && <p className="muted">The signature policy asks for no signature to release a lot.</p>}
      <ErrorBanner error={policy.error} />
      <Signatures
        recordType={LOT_RECORD_TYPE}
        recordId={lot.id}
        action={releasing ? 'lot.release' : undefined}
        meanings={rule?.meaning ? [rule.meaning] : undefined}
        title={releasing ? 'Release signatures' : 'Signatures'}
        readOnly={!releasing}
        reloadKey={lot.status}
      />
      {releasing && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void release();
          }}
        >
          <ErrorBanner error={save.error} />
          <TextAreaField label="Reason for release (optional)" value={reason} onValue={setReason} maxLength={1000} />
          <div className="filter-actions">
            <Button variant="primary" type="submit" busy={save.busy}>
              Release
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
