// /maintenance/tech: the signed-in technician's queue on a tablet — their open work orders first, then unassigned
// ones, by priority; each a big touch target that opens the order (TechOrder.tsx).
import { Badge, Empty, ErrorBanner, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource } from '../../platform/hooks.ts';
import { Link } from '../../platform/router.tsx';
import { WO_KIND_LABEL, WO_PRIORITY_LABEL, WO_STATUS_LABEL, WO_STATUS_TONE, type WorkOrder } from '../types.ts';
import './tech.css';

export function TechQueue() {
  const queue = useResource<WorkOrder[]>('/maintenance/technician/queue');
  return (
    <div className="page tech" data-testid="tech-queue">
      <PageHeader title="My maintenance work" subtitle="Assigned to you first, then unassigned; most urgent first" />
      <ErrorBanner error={queue.error} onRetry={() => void queue.reload()} />
      {!queue.data && !queue.error && <Spinner />}
      {queue.data && queue.data.length === 0 && <Empty title="Nothing to do">No open work orders for you.</Empty>}
      <ul className="tech-queue">
        {queue.data?.map((w) => (
          <li key={w.id}>
            <Link to={`/maintenance/tech/${w.id}`} className={`tech-card tech-${w.priority}`} data-testid={`tech-order-${w.id}`}>
              <span className="tech-card-head">
                <strong>{w.id}</strong> <Badge tone={WO_STATUS_TONE[w.status]}>{WO_STATUS_LABEL[w.status]}</Badge>{' '}
                <Badge tone={w.priority === 'urgent' || w.priority === 'high' ? 'danger' : 'neutral'}>{WO_PRIORITY_LABEL[w.priority]}</Badge>
              </span>
              <span className="tech-card-what">{w.description}</span>
              <span className="tech-card-where">
                {w.equipment} · {WO_KIND_LABEL[w.kind]} · opened {formatDateTime(w.createdAt)}
                {w.assignee ? ` · assigned to ${w.assignee}` : ' · unassigned'}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
