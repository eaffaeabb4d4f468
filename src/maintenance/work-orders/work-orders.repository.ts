// SQL for maintenance work orders and their steps (ADR 0006): the tables of migration 0027.
import type { SQL } from 'drizzle-orm';
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { WorkOrder, WorkOrderKind, WorkOrderOrigin, WorkOrderPriority, WorkOrderStatus, WorkOrderStep } from './model.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());
const str = (v: unknown): string | null => (v == null ? null : String(v));

/** Work orders of a piece of equipment and everything below it in the plant model (by its id, or its path as a prefix). */
export const inEquipmentTree = (eq: { id: string; path: string }): SQL =>
  sql`(equipment_id = ${eq.id} OR equipment_path = ${eq.path} OR equipment_path LIKE ${`${eq.path.replace(/[\\%_]/g, '\\$&')}/%`})`;

export function workOrderOf(r: Row): WorkOrder {
  return {
    id: r.id as string,
    kind: r.kind as WorkOrderKind,
    equipment: r.equipment_path as string,
    equipmentId: r.equipment_id as string,
    description: r.description as string,
    status: r.status as WorkOrderStatus,
    priority: r.priority as WorkOrderPriority,
    origin: r.origin as WorkOrderOrigin,
    stopId: str(r.stop_id),
    stopStart: iso(r.stop_start),
    alarmCode: str(r.alarm_code),
    stopReason: str(r.stop_reason),
    planId: str(r.plan_id),
    plannedStart: iso(r.planned_start),
    plannedEnd: iso(r.planned_end),
    estimateMinutes: r.estimate_minutes == null ? null : Number(r.estimate_minutes),
    assignee: str(r.assignee),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    startedAt: iso(r.started_at),
    doneAt: iso(r.done_at),
    verifiedAt: iso(r.verified_at),
    version: Number(r.version),
  };
}

export interface NewWorkOrder {
  kind: WorkOrderKind;
  equipmentId: string;
  equipmentPath: string;
  description: string;
  priority: WorkOrderPriority;
  origin: WorkOrderOrigin;
  stopId: string | null;
  stopStart: Date | null;
  alarmCode: string | null;
  stopReason: string | null;
  planId: string | null;
  plannedStart: Date | null;
  plannedEnd: Date | null;
  estimateMinutes: number | null;
  assignee: string | null;
}

/** Inserts a work order; with `onStop`, a second one for the same breakdown stop is not inserted (undefined). */
export async function insertWorkOrder(db: Db, w: NewWorkOrder, by: string): Promise<WorkOrder | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_work_orders (id, kind, equipment_id, equipment_path, description, priority, origin, stop_id, stop_start,
          alarm_code, stop_reason, plan_id, planned_start, planned_end, estimate_minutes, assignee, created_by)
        VALUES ('WO-' || nextval('maintenance_work_order_number'), ${w.kind}, ${w.equipmentId}, ${w.equipmentPath}, ${w.description}, ${w.priority},
          ${w.origin}, ${w.stopId}, ${w.stopStart?.toISOString() ?? null}, ${w.alarmCode}, ${w.stopReason}, ${w.planId},
          ${w.plannedStart?.toISOString() ?? null}, ${w.plannedEnd?.toISOString() ?? null}, ${w.estimateMinutes}, ${w.assignee}, ${by})
        ON CONFLICT DO NOTHING
        RETURNING *`,
  );
  return rows[0] ? workOrderOf(rows[0]) : undefined;
}

export async function getWorkOrder(db: Db, id: string, forUpdate = false): Promise<WorkOrder | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM maintenance_work_orders WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM maintenance_work_orders WHERE id = ${id}`,
  );
  return rows[0] ? workOrderOf(rows[0]) : undefined;
}

/** The work order of a machine's stop (unique per machine and stop start, migration 0028), if one was opened. */
export async function breakdownOrderOf(db: Db, equipmentId: string, stopStart: Date): Promise<WorkOrder | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM maintenance_work_orders WHERE equipment_id = ${equipmentId} AND stop_start = ${stopStart.toISOString()} AND stop_start IS NOT NULL`,
  );
  return rows[0] ? workOrderOf(rows[0]) : undefined;
}

export interface WorkOrderFilter {
  equipmentId?: string;
  status?: readonly WorkOrderStatus[];
  kind?: WorkOrderKind;
  assignee?: string;
  limit: number;
}

export async function listWorkOrders(db: Db, f: WorkOrderFilter): Promise<WorkOrder[]> {
  const where = [sql`TRUE`];
  if (f.equipmentId) where.push(sql`equipment_id = ${f.equipmentId}`);
  if (f.status?.length)
    where.push(
      sql`status IN (${sql.join(
        f.status.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (f.kind) where.push(sql`kind = ${f.kind}`);
  if (f.assignee) where.push(sql`assignee = ${f.assignee}`);
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM maintenance_work_orders WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${f.limit}`,
  );
  return rows.map(workOrderOf);
}

export interface WorkOrderChange {
  status?: WorkOrderStatus;
  priority?: WorkOrderPriority;
  description?: string;
  plannedStart?: Date | null;
  plannedEnd?: Date | null;
  estimateMinutes?: number | null;
  assignee?: string | null;
}

/** Applies a change and stamps started/done/verified the first time the status reaches them. */
export async function updateWorkOrder(db: Db, before: WorkOrder, c: WorkOrderChange): Promise<void> {
  const status = c.status ?? before.status;
  const keep = <T>(v: T | undefined, old: T): T => (v === undefined ? old : v);
  const at = (d: Date | null | undefined, old: string | null) => (d === undefined ? old : (d?.toISOString() ?? null));
  await db.execute(
    sql`UPDATE maintenance_work_orders SET status = ${status}, priority = ${keep(c.priority, before.priority)},
          description = ${keep(c.description, before.description)}, planned_start = ${at(c.plannedStart, before.plannedStart)},
          planned_end = ${at(c.plannedEnd, before.plannedEnd)}, estimate_minutes = ${keep(c.estimateMinutes, before.estimateMinutes)},
          assignee = ${keep(c.assignee, before.assignee)},
          started_at = CASE WHEN ${status} = 'in_progress' AND started_at IS NULL THEN now() ELSE started_at END,
          done_at = CASE WHEN ${status} = 'done' THEN now() WHEN ${status} = 'in_progress' THEN NULL ELSE done_at END,
          verified_at = CASE WHEN ${status} = 'verified' THEN now() ELSE verified_at END,
          updated_at = now(), version = version + 1
        WHERE id = ${before.id}`,
  );
}

export async function insertStep(db: Db, id: string, from: WorkOrderStatus | null, to: WorkOrderStatus, by: string, reason: string | null): Promise<void> {
  await db.execute(
    sql`INSERT INTO maintenance_work_order_steps (work_order_id, from_status, to_status, by_user, reason) VALUES (${id}, ${from}, ${to}, ${by}, ${reason})`,
  );
}

export async function stepsOf(db: Db, id: string): Promise<WorkOrderStep[]> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM maintenance_work_order_steps WHERE work_order_id = ${id} ORDER BY id`);
  return rows.map((r) => ({
    from: (r.from_status as WorkOrderStatus | null) ?? null,
    to: r.to_status as WorkOrderStatus,
    by: r.by_user as string,
    at: iso(r.at)!,
    reason: str(r.reason),
  }));
}
