// The audit page: search the whole trail by record, user and time, and verify the hash chain.
import { useState, type FormEvent } from 'react';
import { api } from '../platform/api.ts';
import { Banner, Button, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { fromLocalInput, toLocalInput } from '../platform/format.ts';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
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
      <PageHeader title="Audit trail" subtitle="Every change to the plant model and to users, who made it, when and why." actions={<VerifyBox />} />
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
      <AuditResults key={search.toString()} query={query} limit={Number(applied.limit) || 100} />
    </div>
  );
}

function AuditResults({ query, limit }: { query: Record<string, string>; limit: number }) {
  const res = useResource<AuditEntry[]>('/audit', query);
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const more = useSubmit();
  const entries = [...(res.data ?? []), ...older];
  const canLoadMore = !exhausted && (res.data?.length ?? 0) >= limit;
  const loadMore = () =>
    void more.run(async () => {
      const last = entries[entries.length - 1];
      const page = await api<AuditEntry[]>('/audit', { query: { ...query, beforeSeq: last?.seq } });
      setOlder((o) => [...o, ...page]);
      if (page.length < limit) setExhausted(true);
    });
  if (res.loading && !res.data) return <Spinner />;
  return (
    <>
      <ErrorBanner error={res.error ?? more.error} onRetry={() => void res.reload()} />
      {res.data && (
        <div className="card">
          <div className="card-head muted small">
            {entries.length} entr{entries.length === 1 ? 'y' : 'ies'}, newest first
          </div>
          <AuditEntries entries={entries} showRecord initiallyOpen={0} />
          {canLoadMore && (
            <div className="load-more">
              <Button busy={more.busy} onClick={loadMore}>
                Load older entries
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}

/** The URL holds the local datetime string already; keep it as typed. */
function toLocalInputSafe(v: string): string {
  return v.includes('Z') ? toLocalInput(v) : v;
}
