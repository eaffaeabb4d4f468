// "Under repair" for every page that shows machines (live plant, machine page, terminal, shop floor): the machines
// with a corrective work order in progress (GET /api/maintenance/under-repair), refreshed every 15 s.
import { useEffect } from 'react';
import './maintenance.css';
import { Badge } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import type { UnderRepair } from './types.ts';

const REFRESH_MS = 15_000;

/** The machines under repair, by equipment id and by path. */
export function useUnderRepair(): { byId: Map<string, UnderRepair>; byPath: Map<string, UnderRepair>; reload(): void } {
  const list = useResource<UnderRepair[]>('/maintenance/under-repair');
  const { reload } = list;
  useEffect(() => {
    const t = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);
  const rows = list.data ?? [];
  return { byId: new Map(rows.map((r) => [r.equipmentId, r])), byPath: new Map(rows.map((r) => [r.equipment, r])), reload: () => void reload() };
}

/** The badge of a machine under repair, naming (and linking to) its work order. */
export function UnderRepairBadge({ repair, link = true }: { repair: UnderRepair | undefined; link?: boolean }) {
  if (!repair) return null;
  const title = `Under repair: work order ${repair.workOrder.id} — ${repair.workOrder.description}`;
  return (
    <span className="under-repair" data-testid="under-repair" title={title}>
      <Badge tone="danger">Under repair</Badge>{' '}
      {link ? <Link to={`/maintenance/work-orders/${encodeURIComponent(repair.workOrder.id)}`}>{repair.workOrder.id}</Link> : repair.workOrder.id}
    </span>
  );
}
