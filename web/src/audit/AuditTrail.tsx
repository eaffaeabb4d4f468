// The "Audit trail" tab shown on every record: its history, newest first.
import { useResource } from '../platform/hooks.ts';
import { ErrorBanner, Spinner } from '../platform/components.tsx';
import type { AuditEntry } from '../platform/types.ts';
import { AuditEntries } from './AuditEntries.tsx';

export function AuditTrail({ entity, entityId }: { entity: string; entityId: string }) {
  const res = useResource<AuditEntry[]>('/audit', { entity, entityId, limit: 200 });
  return (
    <section className="audit-trail" aria-label="Audit trail" data-testid="audit-trail">
      <ErrorBanner error={res.error} onRetry={() => void res.reload()} />
      {res.loading && !res.data ? <Spinner /> : res.data ? <AuditEntries entries={res.data} /> : null}
    </section>
  );
}
