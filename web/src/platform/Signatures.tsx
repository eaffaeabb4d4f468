// A record's electronic signatures on its page (docs/signatures.md, "Where signatures appear"): who signed, what it
// means, when, and whether it still holds for the record as it is now — broken in red with the reason — plus a "Sign"
// dialog that re-authenticates the signer. Any module's page uses it with its record type and id.
import { useEffect, useRef, useState } from 'react';
import type { Meaning, RecordSignatures, SignatureView } from '../../../src/platform/signatures/index.ts';
import { ApiError, api } from './api.ts';
import { useAuth } from './auth.tsx';
import { Badge, Button, ErrorBanner, Modal } from './components.tsx';
import { formatDateTime } from './format.ts';
import { SelectField, TextField } from './forms.tsx';
import { useResource, useSubmit } from './hooks.ts';

export type { Meaning } from '../../../src/platform/signatures/index.ts';

export interface SignaturesProps {
  /** the record type a module registered with the signing service ('quality.coa', 'ncr', …) */
  recordType: string;
  /** the record's id ('L-2211', 'NCR-0042', …) */
  recordId: string;
  /** the policy action the signature is given for ('ncr.close', 'lot.release'); left out: a plain signature of the record */
  action?: string;
  /** the meanings the dialog offers, first one preselected; default approval, review, responsibility, authorship */
  meanings?: Meaning[];
  /** heading above the list; default "Signatures" */
  title?: string;
  /** hide the Sign button (e.g. the record is closed, or the page only shows); default false */
  readOnly?: boolean;
  /** change it to reload the list (e.g. after the page changed the record); the list also reloads after signing */
  reloadKey?: unknown;
  /** called after a signature was given (the page may reload its record or its PDF link) */
  onSigned?(signature: SignatureView): void;
}

const ALL_MEANINGS: Meaning[] = ['approval', 'review', 'responsibility', 'authorship'];
const MEANING_LABEL: Record<Meaning, string> = {
  approval: 'Approval',
  review: 'Review',
  responsibility: 'Responsibility',
  authorship: 'Authorship',
};

const STATUS_TONE = { valid: 'ok', broken: 'danger', unverified: 'warn' } as const;

/** The signatures of one record, each with its state now, and a way to sign it. */
export function Signatures({ recordType, recordId, action, meanings = ALL_MEANINGS, title = 'Signatures', readOnly, reloadKey, onSigned }: SignaturesProps) {
  const list = useResource<RecordSignatures>('/signatures', { recordType, recordId });
  const [signing, setSigning] = useState(false);
  const { reload } = list;
  const mounted = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey is the parent's way to ask for a reload
  useEffect(() => {
    // the first value is the one the list was loaded with; only a change asks again
    if (mounted.current) void reload();
    mounted.current = true;
  }, [reloadKey]);
  const data = list.data;
  return (
    <section className="signatures" aria-label={title}>
      <div className="signatures-head">
        <h2>{title}</h2>
        {!readOnly && data?.current === 'found' && (
          <Button variant="primary" onClick={() => setSigning(true)}>
            Sign
          </Button>
        )}
      </div>
      <ErrorBanner error={list.error} onRetry={() => void reload()} />
      {data && data.signatures.length === 0 && <p className="muted">Not signed yet.</p>}
      {data && data.signatures.length > 0 && (
        <table className="table signatures-table">
          <thead>
            <tr>
              <th>Signed by</th>
              <th>Meaning</th>
              <th>Signed at</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.signatures.map((s) => (
              <tr key={s.id} className={`signature-${s.status}`}>
                <td>
                  <strong>{s.signerName}</strong> <span className="muted">({s.signerUsername})</span>
                  {s.reason && <div className="muted">{s.reason}</div>}
                </td>
                <td>
                  {MEANING_LABEL[s.meaning as Meaning] ?? s.meaning}
                  {s.action && <div className="muted">for {s.action}</div>}
                </td>
                <td>{formatDateTime(s.signedAt)}</td>
                <td>
                  <Badge tone={STATUS_TONE[s.status]}>{s.status === 'broken' ? 'BROKEN' : s.status}</Badge>
                  {s.status !== 'valid' && <SignatureProblems signature={s} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.current !== 'found' && (
        <p className="muted">
          {data.current === 'missing' ? 'The record no longer exists: its signatures cannot be verified.' : 'This record type cannot be verified.'}
        </p>
      )}
      {signing && data && (
        <SignDialog
          recordType={recordType}
          recordId={recordId}
          action={action}
          meanings={meanings.length > 0 ? meanings : ALL_MEANINGS}
          expectedHash={data.currentHash}
          onClose={() => setSigning(false)}
          onSigned={(sig) => {
            setSigning(false);
            void reload();
            onSigned?.(sig);
          }}
        />
      )}
    </section>
  );
}

function SignatureProblems({ signature }: { signature: SignatureView }) {
  if (signature.status === 'unverified') return <div className="signature-why">No current version of the record to compare with.</div>;
  return (
    <ul className="signature-why">
      {signature.problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
      {signature.changed.length > 0 && <li>changed: {signature.changed.slice(0, 8).join(', ') + (signature.changed.length > 8 ? ' …' : '')}</li>}
    </ul>
  );
}

interface SignDialogProps {
  recordType: string;
  recordId: string;
  action?: string;
  meanings: Meaning[];
  expectedHash: string | null;
  onClose(): void;
  onSigned(signature: SignatureView): void;
}

/** How the dialog re-authenticates: username + password (the office), or badge + PIN (the terminal's way). */
type SignWay = 'password' | 'badge';

/** The terminal's pages sign with badge + PIN first; elsewhere username + password. Either can be chosen. */
const defaultWay = (): SignWay => (typeof window !== 'undefined' && window.location.pathname.startsWith('/terminal') ? 'badge' : 'password');

/**
 * Re-authentication for one signature: username and password, or badge and PIN (both always allowed,
 * docs/signatures.md). A wrong secret answers 401 signature_rejected, shown here; the session goes on (api.ts does not
 * sign out on it).
 */
function SignDialog({ recordType, recordId, action, meanings, expectedHash, onClose, onSigned }: SignDialogProps) {
  const { user } = useAuth();
  const [way, setWay] = useState<SignWay>(defaultWay);
  const [username, setUsername] = useState(user?.username ?? '');
  const [password, setPassword] = useState('');
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const [meaning, setMeaning] = useState<Meaning>(meanings[0] ?? 'approval');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit();
  const credentials = way === 'badge' ? { badge: badge.trim(), pin } : { username: username.trim(), password };
  const complete = way === 'badge' ? !!badge.trim() && !!pin : !!username.trim() && !!password;
  const submit = () =>
    run(async () => {
      const sig = await api<SignatureView>('/signatures', {
        method: 'POST',
        skipAuthRedirect: true,
        body: {
          recordType,
          recordId,
          meaning,
          ...(action ? { action } : {}),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
          ...(expectedHash ? { expectedHash } : {}),
          ...credentials,
        },
      });
      onSigned(sig);
    });
  const refused = error instanceof ApiError && error.code === 'signature_rejected';
  return (
    <Modal
      title={`Sign ${recordId}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="sign-form" busy={busy} disabled={!complete}>
            Sign
          </Button>
        </>
      }
    >
      <form
        id="sign-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">
          Your signature is bound to this version of the record{action ? ` and given for ${action}` : ''}. Re-enter your credentials to sign.
        </p>
        <ErrorBanner error={error} />
        <SelectField
          label="Meaning"
          value={meaning}
          options={meanings.map((m) => ({ value: m, label: MEANING_LABEL[m] }))}
          onValue={(v) => setMeaning(v as Meaning)}
        />
        <SelectField
          label="Sign with"
          value={way}
          options={[
            { value: 'password', label: 'Username and password' },
            { value: 'badge', label: 'Badge and PIN' },
          ]}
          onValue={(v) => setWay(v as SignWay)}
        />
        {way === 'password' ? (
          <>
            <TextField label="Username" autoComplete="username" value={username} onValue={setUsername} />
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onValue={setPassword}
              error={refused ? 'Wrong username or password: not signed' : undefined}
            />
          </>
        ) : (
          <>
            <TextField label="Badge" autoComplete="off" value={badge} onValue={setBadge} maxLength={64} />
            <TextField
              label="PIN"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              value={pin}
              onValue={setPin}
              maxLength={16}
              error={refused ? 'Unknown badge or wrong PIN: not signed' : undefined}
            />
          </>
        )}
        <TextField label="Reason (optional)" value={reason} onValue={setReason} maxLength={1000} />
      </form>
    </Modal>
  );
}
