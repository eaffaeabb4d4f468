// The audit page: search the whole trail by record, user and time, and verify the hash chain.
import { useState, type FormEvent } from 'react';
import { api } from '../platform/api.ts';
import { Banner, Button, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { fromLocalInput, toLocalInput } from '../platform/format.ts';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import { navigate, useLocation } from '../platform/router.tsx';
import type { AuditEntry, AuditVerify } from '../platform/types.ts';
import { AuditEntries } from './AuditEntries.tsx';
import { ENTITY_LABELS } from './entities.ts';

const FILTERS = ['entity', 'entityId', 'actor', 'from', 'to', 'limit'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function readFilters(search: URLSearchParams): Filters {
  const f = {} as Filters;
  for (const k of FILTERS) f[k] = search.get(k) ?? '';
  if (!f.limit) f.limit = '100';
  return f;
}

function VerifyBox() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerify | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api<AuditVerify>('/audit/verify'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="verify-box">
      <Button onClick={run} busy={busy} data-testid="audit-verify">
        Verify integrity
      </Button>
      <ErrorBanner error={error} />
      {result &&
        (result.ok ? (
          <Banner kind="ok">
            Hash chain intact — {result.checked} entr{result.checked === 1 ? 'y' : 'ies'} checked.
          </Banner>
        ) : (
          <div className="banner banner-error" role="alert">
            <strong>Audit chain broken</strong> after checking {result.checked} entries
            {result.firstBroken && (
              <>
                {' '}
                — first bad entry #{result.firstBroken.seq}: {result.firstBroken.reason}
              </>
            )}
          </div>
        ))}
    </div>
  );
}

export function AuditPage() {
  const { search } = useLocation();
  const applied = readFilters(search);
  const [draft, setDraft] = useState<Filters>(applied);
  const query = {
    entity: applied.entity,
    entityId: applied.entityId,
    actor: applied.actor,
    from: applied.from ? fromLocalInput(applied.from) : '',
    to: applied.to ? fromLocalInput(applied.to) : '',
    limit: applied.limit,
  };
  const res = useResource<AuditEntry[]>('/audit', query);

  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const qs = new URLSearchParams();
    for (const k of FILTERS) if (draft[k]) qs.set(k, draft[k]);
    navigate(`/audit${qs.toString() ? `?${qs}` : ''}`, { replace: true });
  };
  const clear = () => {
    setDraft(readFilters(new URLSearchParams()));
    navigate('/audit', { replace: true });
  };

  return (
    <div className="page">
      <PageHeader
        title="Audit trail"
        subtitle="Every change to the plant model and to users, who made it, when and why."
        actions={<VerifyBox />}
      />
      <form className="filter-bar card" onSubmit={apply} aria-label="Audit filters">
        <SelectField
          label="Record type"
          value={draft.entity}
          onValue={set('entity')}
          placeholder="All"
          options={Object.entries(ENTITY_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <TextField label="Record id" value={draft.entityId} onValue={set('entityId')} />
        <TextField label="User" value={draft.actor} onValue={set('actor')} autoCapitalize="none" />
        <TextField label="From" type="datetime-local" value={toLocalInputSafe(draft.from)} onValue={set('from')} />
        <TextField label="To" type="datetime-local" value={toLocalInputSafe(draft.to)} onValue={set('to')} />
        <SelectField
          label="Show"
          value={draft.limit}
          onValue={set('limit')}
          options={['50', '100', '500', '1000'].map((v) => ({ value: v, label: `${v} entries` }))}
        />
        <div className="filter-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button onClick={clear}>Clear</Button>
        </div>
      </form>
      <ErrorBanner error={res.error} onRetry={() => void res.reload()} />
      {res.loading && !res.data ? (
        <Spinner />
      ) : res.data ? (
        <div className="card">
          <div className="card-head muted small">
            {res.data.length} entr{res.data.length === 1 ? 'y' : 'ies'}
            {res.data.length >= Number(applied.limit) ? ' (limit reached — narrow the filters to see older ones)' : ''}
          </div>
          <AuditEntries key={search.toString()} entries={res.data} showRecord initiallyOpen={0} />
        </div>
      ) : null}
    </div>
  );
}

/** The URL holds the local datetime string already; keep it as typed. */
function toLocalInputSafe(v: string): string {
  return v.includes('Z') ? toLocalInput(v) : v;
}
