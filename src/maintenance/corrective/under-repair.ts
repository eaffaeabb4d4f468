// "Under repair" (docs/maintenance.md "Corrective work orders"): a machine with a corrective work order in progress —
// a technician is working on it. Requested, approved or scheduled corrective orders do not count: the machine may still
// run until someone starts the repair. Execution asks it through its RepairGate before setting up, starting or resuming.
import type { Db } from '../../platform/db/database.ts';
import { rowsOf, sql } from '../../platform/db/database.ts';

export interface UnderRepair {
  equipmentId: string;
  /** the machine's ISA-95 path */
  equipment: string;
  workOrder: { id: string; status: 'in_progress'; description: string; startedAt: string | null; assignee: string | null; stopStart: string | null };
}

type Row = { id: string; equipment_id: string; equipment_path: string; description: string; started_at: unknown; assignee: string | null; stop_start: unknown };
const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());

const of = (r: Row): UnderRepair => ({
  equipmentId: r.equipment_id,
  equipment: r.equipment_path,
  workOrder: { id: r.id, status: 'in_progress', description: r.description, startedAt: iso(r.started_at), assignee: r.assignee, stopStart: iso(r.stop_start) },
});

/** Every machine under repair, with its earliest started corrective work order in progress. */
export async function listUnderRepair(db: Db): Promise<UnderRepair[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT id, equipment_id, equipment_path, description, started_at, assignee, stop_start FROM maintenance_work_orders
        WHERE kind = 'corrective' AND status = 'in_progress' ORDER BY equipment_path, started_at, id`,
  );
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.equipment_id) && seen.add(r.equipment_id)).map(of);
}

/** The machine's repair in progress, if any (index maintenance_work_orders_equipment). */
export async function underRepair(db: Db, equipmentId: string): Promise<UnderRepair | null> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT id, equipment_id, equipment_path, description, started_at, assignee, stop_start FROM maintenance_work_orders
        WHERE equipment_id = ${equipmentId} AND status = 'in_progress' AND kind = 'corrective' ORDER BY started_at, id LIMIT 1`,
  );
  return rows[0] ? of(rows[0]) : null;
}
