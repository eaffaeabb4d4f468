// SQL for preventive plans, their done history and their generated occurrences: the tables of migration 0030.
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { DoneRecord, Plan, PlanBasis } from './model.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());
const num = (v: unknown): number | null => (v == null ? null : Number(v));
const str = (v: unknown): string | null => (v == null ? null : String(v));

function planOf(r: Row): Plan {
  return {
    id: r.id as string,
    name: r.name as string,
    equipment: str(r.equipment_path),
    equipmentId: str(r.equipment_id),
    equipmentClass: str(r.equipment_class),
    basis: r.basis as PlanBasis,
    interval: num(r.interval_value),
    intervalUnit: str(r.interval_unit) as Plan['intervalUnit'],
    counterTag: str(r.counter_tag),
    counterUnit: str(r.counter_unit) as Plan['counterUnit'],
    rollover: num(r.rollover),
    conditionOp: str(r.condition_op) as Plan['conditionOp'],
    conditionLimit: num(r.condition_limit),
    lead: Number(r.lead_value),
    tolerance: Number(r.tolerance_value),
    tasks: r.tasks as string,
    estimateMinutes: num(r.estimate_minutes),
    active: Boolean(r.active),
    startAt: iso(r.start_at)!,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    version: Number(r.version),
  };
}

/** The stored fields of a plan (what create and update write). */
export type PlanFields = Omit<Plan, 'id' | 'createdBy' | 'createdAt' | 'updatedAt' | 'version' | 'startAt'> & { startAt: Date };

export async function insertPlan(db: Db, p: PlanFields, by: string): Promise<Plan> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_plans (id, name, equipment_id, equipment_path, equipment_class, basis, interval_value, interval_unit, counter_tag,
          counter_unit, rollover, condition_op, condition_limit, lead_value, tolerance_value, tasks, estimate_minutes, active, start_at, created_by)
        VALUES ('PM-' || nextval('maintenance_plan_number'), ${p.name}, ${p.equipmentId}, ${p.equipment}, ${p.equipmentClass}, ${p.basis}, ${p.interval},
          ${p.intervalUnit}, ${p.counterTag}, ${p.counterUnit}, ${p.rollover}, ${p.conditionOp}, ${p.conditionLimit}, ${p.lead}, ${p.tolerance},
          ${p.tasks}, ${p.estimateMinutes}, ${p.active}, ${p.startAt.toISOString()}, ${by})
        RETURNING *`,
  );
  return planOf(rows[0]);
}

export async function updatePlan(db: Db, id: string, p: PlanFields): Promise<void> {
  await db.execute(
    sql`UPDATE maintenance_plans SET name = ${p.name}, equipment_id = ${p.equipmentId}, equipment_path = ${p.equipment}, equipment_class = ${p.equipmentClass},
          basis = ${p.basis}, interval_value = ${p.interval}, interval_unit = ${p.intervalUnit}, counter_tag = ${p.counterTag}, counter_unit = ${p.counterUnit},
          rollover = ${p.rollover}, condition_op = ${p.conditionOp}, condition_limit = ${p.conditionLimit}, lead_value = ${p.lead},
          tolerance_value = ${p.tolerance}, tasks = ${p.tasks}, estimate_minutes = ${p.estimateMinutes}, active = ${p.active},
          start_at = ${p.startAt.toISOString()}, updated_at = now(), version = version + 1
        WHERE id = ${id}`,
  );
}

export async function deletePlan(db: Db, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM maintenance_plans WHERE id = ${id}`);
}

export async function getPlan(db: Db, id: string, forUpdate = false): Promise<Plan | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM maintenance_plans WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM maintenance_plans WHERE id = ${id}`,
  );
  return rows[0] ? planOf(rows[0]) : undefined;
}

export async function listPlans(db: Db, f: { active?: boolean } = {}): Promise<Plan[]> {
  const rows = await rowsOf<Row>(
    db,
    f.active === undefined
      ? sql`SELECT * FROM maintenance_plans ORDER BY created_at, id`
      : sql`SELECT * FROM maintenance_plans WHERE active = ${f.active} ORDER BY created_at, id`,
  );
  return rows.map(planOf);
}

/** Per machine, the plan's latest done record. */
export async function lastDone(db: Db, planId: string): Promise<Map<string, DoneRecord>> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT DISTINCT ON (equipment_id) * FROM maintenance_plan_done WHERE plan_id = ${planId} ORDER BY equipment_id, done_at DESC, id DESC`,
  );
  return new Map(rows.map((r) => [r.equipment_id as string, doneOf(r)]));
}

function doneOf(r: Row): DoneRecord {
  return {
    equipmentId: r.equipment_id as string,
    workOrderId: str(r.work_order_id),
    at: iso(r.done_at)!,
    usage: num(r.usage_at_done),
    anchorAt: iso(r.anchor_at),
    anchorUsage: num(r.anchor_usage),
    onTime: r.on_time == null ? null : Boolean(r.on_time),
    by: r.by_user as string,
  };
}

/** Records that the plan's work was done on a machine; a work order is recorded once (false when it already was). */
export async function insertDone(db: Db, planId: string, d: DoneRecord): Promise<boolean> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_plan_done (plan_id, equipment_id, work_order_id, done_at, usage_at_done, anchor_at, anchor_usage, on_time, by_user)
        VALUES (${planId}, ${d.equipmentId}, ${d.workOrderId}, ${d.at}, ${d.usage}, ${d.anchorAt}, ${d.anchorUsage}, ${d.onTime}, ${d.by})
        ON CONFLICT DO NOTHING RETURNING id`,
  );
  return rows.length > 0;
}

export async function doneHistory(db: Db, planId: string, limit = 100): Promise<DoneRecord[]> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM maintenance_plan_done WHERE plan_id = ${planId} ORDER BY done_at DESC, id DESC LIMIT ${limit}`);
  return rows.map(doneOf);
}

/** Claims a due point of a plan on a machine; false when it was claimed before (its work order exists). */
export async function claimOccurrence(
  db: Db,
  o: { planId: string; equipmentId: string; duePoint: string; dueAt: string | null; dueUsage: number | null },
): Promise<boolean> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_plan_occurrences (plan_id, equipment_id, due_point, due_at, due_usage)
        VALUES (${o.planId}, ${o.equipmentId}, ${o.duePoint}, ${o.dueAt}, ${o.dueUsage}) ON CONFLICT DO NOTHING RETURNING plan_id`,
  );
  return rows.length > 0;
}

export async function setOccurrenceOrder(db: Db, o: { planId: string; equipmentId: string; duePoint: string }, workOrderId: string): Promise<void> {
  await db.execute(
    sql`UPDATE maintenance_plan_occurrences SET work_order_id = ${workOrderId}
        WHERE plan_id = ${o.planId} AND equipment_id = ${o.equipmentId} AND due_point = ${o.duePoint}`,
  );
}

export async function releaseOccurrence(db: Db, o: { planId: string; equipmentId: string; duePoint: string }): Promise<void> {
  await db.execute(
    sql`DELETE FROM maintenance_plan_occurrences WHERE plan_id = ${o.planId} AND equipment_id = ${o.equipmentId} AND due_point = ${o.duePoint} AND work_order_id IS NULL`,
  );
}

export interface Occurrence {
  equipmentId: string;
  duePoint: string;
  dueAt: string | null;
  dueUsage: number | null;
  workOrderId: string | null;
  createdAt: string;
}

export async function occurrences(db: Db, planId: string, limit = 100): Promise<Occurrence[]> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM maintenance_plan_occurrences WHERE plan_id = ${planId} ORDER BY created_at DESC LIMIT ${limit}`);
  return rows.map((r) => ({
    equipmentId: r.equipment_id as string,
    duePoint: r.due_point as string,
    dueAt: iso(r.due_at),
    dueUsage: num(r.due_usage),
    workOrderId: str(r.work_order_id),
    createdAt: iso(r.created_at)!,
  }));
}
