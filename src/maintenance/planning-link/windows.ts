// What maintenance tells the plan and the time model (docs/maintenance.md "Maintenance in the plan and the KPIs"): the
// planned windows of preventive work orders (planned downtime of their machine) and the open corrective work order's
// repair estimate of a machine. Read-only SQL over the work orders of migration 0027.
import { rowsOf, sql, textArray, type Db } from '../../platform/db/database.ts';
import type { WorkOrderStatus } from '../work-orders/model.ts';

export interface MaintenanceWindow {
  workOrderId: string;
  equipmentId: string;
  /** epoch ms */
  start: number;
  end: number;
  status: WorkOrderStatus;
}

/** Windows still ahead or under way: the scheduler keeps work out of them. */
export const PLANNED_WINDOW_STATUSES: readonly WorkOrderStatus[] = ['scheduled', 'in_progress'];
/** Windows that are planned downtime in the time model: planned ones, and those of work carried out in them. */
export const PDOT_WINDOW_STATUSES: readonly WorkOrderStatus[] = ['scheduled', 'in_progress', 'done', 'verified'];

const ms = (v: unknown) => new Date(v as string | Date).getTime();

/** Preventive work orders' planned windows overlapping [from, to) in the given statuses, by start. */
export async function preventiveWindows(db: Db, from: number, to: number, statuses: readonly WorkOrderStatus[]): Promise<MaintenanceWindow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT id, equipment_id, planned_start, planned_end, status FROM maintenance_work_orders
        WHERE kind = 'preventive' AND planned_start IS NOT NULL AND planned_end IS NOT NULL
          AND status = ANY(${textArray(statuses)})
          AND planned_end > ${new Date(from).toISOString()}::timestamptz AND planned_start < ${new Date(Math.min(to, 8.64e15)).toISOString()}::timestamptz
        ORDER BY planned_start, id`,
  );
  return rows.map((r) => ({
    workOrderId: String(r.id),
    equipmentId: String(r.equipment_id),
    start: ms(r.planned_start),
    end: ms(r.planned_end),
    status: r.status as WorkOrderStatus,
  }));
}

/**
 * The repair estimate of a machine's open corrective work order (requested … in progress) that has one: the one in
 * progress first, then the newest. Null when no open corrective order carries an estimate.
 */
export async function correctiveEstimate(db: Db, equipmentId: string): Promise<{ workOrderId: string; seconds: number } | null> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT id, estimate_minutes FROM maintenance_work_orders
        WHERE equipment_id = ${equipmentId} AND kind = 'corrective' AND estimate_minutes IS NOT NULL
          AND status IN ('requested', 'approved', 'scheduled', 'in_progress')
        ORDER BY (status = 'in_progress') DESC, created_at DESC, id DESC LIMIT 1`,
  );
  const r = rows[0];
  return r ? { workOrderId: String(r.id), seconds: Math.round(Number(r.estimate_minutes) * 60) } : null;
}

/** The face's link for planning and performance (bound to their ports in src/modules.ts). */
export class MaintenanceLink {
  constructor(private readonly db: () => Db) {}

  /** Planned windows the scheduler keeps free (scheduled or in progress). */
  plannedWindows = (from: number, to: number) => preventiveWindows(this.db(), from, to, PLANNED_WINDOW_STATUSES);

  /** Windows the time model counts as planned downtime (also those of work done in them). */
  downtimeWindows = (from: number, to: number) => preventiveWindows(this.db(), from, to, PDOT_WINDOW_STATUSES);

  repairEstimate = (equipmentId: string) => correctiveEstimate(this.db(), equipmentId);
}
