// SQL for schedule versions, the orders the planner reads, and the planned slot it publishes into order_operations.
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import type { PlanOrder } from './model-map.ts';
import type { Assignment, Kpis, LateOrder } from './result.ts';

export const VERSION_STATUSES = ['running', 'ready', 'published', 'superseded', 'failed'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export const OBJECTIVES = ['makespan', 'tardiness', 'lexicographic'] as const;
export type ObjectiveChoice = (typeof OBJECTIVES)[number];
export const REASONS = ['manual', 'move', 'machine-down', 'rush-order', 'repair'] as const;
export type Reason = (typeof REASONS)[number];

export interface VersionRow {
  id: number;
  createdAt: string;
  createdBy: string;
  status: VersionStatus;
  objective: ObjectiveChoice;
  timeLimitS: number;
  progress: Record<string, unknown>;
  horizonStart: string;
  horizonEnd: string;
  basedOn: number | null;
  reason: Reason;
  reasonDetail: string;
  assignments: Assignment[];
  kpis: Partial<Kpis>;
  lateOrders: LateOrder[];
  stats: Record<string, unknown>;
  error: string | null;
  finishedAt: string | null;
  publishedAt: string | null;
  publishedBy: string | null;
}

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());
const json = <T>(v: unknown, fallback: T): T => (v == null ? fallback : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function versionOf(r: Record<string, unknown>, full: boolean): VersionRow {
  return {
    id: Number(r.id),
    createdAt: iso(r.created_at)!,
    createdBy: r.created_by as string,
    status: r.status as VersionStatus,
    objective: r.objective as ObjectiveChoice,
    timeLimitS: Number(r.time_limit_s),
    progress: json(r.progress, {}),
    horizonStart: iso(r.horizon_start)!,
    horizonEnd: iso(r.horizon_end)!,
    basedOn: r.based_on == null ? null : Number(r.based_on),
    reason: r.reason as Reason,
    reasonDetail: r.reason_detail as string,
    assignments: full ? json(r.assignments, []) : [],
    kpis: json(r.kpis, {}),
    lateOrders: json(r.late_orders, []),
    stats: json(r.stats, {}),
    error: (r.error as string | null) ?? null,
    finishedAt: iso(r.finished_at),
    publishedAt: iso(r.published_at),
    publishedBy: (r.published_by as string | null) ?? null,
  };
}

const LIST_COLUMNS = sql`id, created_at, created_by, status, objective, time_limit_s, progress, horizon_start, horizon_end, based_on, reason,
  reason_detail, kpis, late_orders, stats, error, finished_at, published_at, published_by`;

export interface NewVersion {
  createdBy: string;
  objective: ObjectiveChoice;
  timeLimitS: number;
  horizonStart: number;
  horizonEnd: number;
  basedOn: number | null;
  reason: Reason;
  reasonDetail: string;
}

export async function insertVersion(db: Db, v: NewVersion): Promise<VersionRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO schedule_versions (created_by, objective, time_limit_s, horizon_start, horizon_end, based_on, reason, reason_detail, progress)
        VALUES (${v.createdBy}, ${v.objective}, ${v.timeLimitS}, ${new Date(v.horizonStart).toISOString()}::timestamptz,
                ${new Date(v.horizonEnd).toISOString()}::timestamptz, ${v.basedOn}, ${v.reason}, ${v.reasonDetail}, ${JSON.stringify({ phase: 'queued', fraction: 0 })}::jsonb)
        RETURNING *`,
  );
  return versionOf(rows[0], true);
}

export async function getVersion(db: Db, id: number, forUpdate = false): Promise<VersionRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    forUpdate ? sql`SELECT * FROM schedule_versions WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM schedule_versions WHERE id = ${id}`,
  );
  return rows[0] ? versionOf(rows[0], true) : undefined;
}

export async function getModel(db: Db, id: number): Promise<unknown> {
  const rows = await rowsOf<{ model: unknown }>(db, sql`SELECT model FROM schedule_versions WHERE id = ${id}`);
  return rows[0] ? json(rows[0].model, null) : undefined;
}

export async function listVersions(db: Db, limit: number): Promise<VersionRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT ${LIST_COLUMNS} FROM schedule_versions ORDER BY id DESC LIMIT ${limit}`);
  return rows.map((r) => versionOf(r, false));
}

export async function publishedVersion(db: Db): Promise<VersionRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM schedule_versions WHERE status = 'published'`);
  return rows[0] ? versionOf(rows[0], true) : undefined;
}

/** Open proposals (ready, not yet published) made for a reason, newer than a version. */
export async function openProposals(db: Db, reason: Reason, newerThan: number): Promise<VersionRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT ${LIST_COLUMNS} FROM schedule_versions WHERE reason = ${reason} AND status IN ('running', 'ready') AND id > ${newerThan} ORDER BY id`,
  );
  return rows.map((r) => versionOf(r, false));
}

export async function setProgress(db: Db, id: number, progress: Record<string, unknown>): Promise<void> {
  await db.execute(sql`UPDATE schedule_versions SET progress = ${JSON.stringify(progress)}::jsonb WHERE id = ${id} AND status = 'running'`);
}

export interface Finished {
  assignments: Assignment[];
  kpis: Kpis;
  stats: Record<string, unknown>;
  model: unknown;
  progress: Record<string, unknown>;
}

export async function finishVersion(db: Db, id: number, f: Finished): Promise<void> {
  await db.execute(sql`UPDATE schedule_versions SET status = 'ready', assignments = ${JSON.stringify(f.assignments)}::jsonb, kpis = ${JSON.stringify(f.kpis)}::jsonb,
      late_orders = ${JSON.stringify(f.kpis.lateOrders)}::jsonb, stats = ${JSON.stringify(f.stats)}::jsonb, model = ${JSON.stringify(f.model)}::jsonb,
      progress = ${JSON.stringify(f.progress)}::jsonb, finished_at = now()
    WHERE id = ${id} AND status = 'running'`);
}

export async function failVersion(db: Db, id: number, error: string, stats: Record<string, unknown> = {}): Promise<void> {
  await db.execute(sql`UPDATE schedule_versions SET status = 'failed', error = ${error}, stats = stats || ${JSON.stringify(stats)}::jsonb, finished_at = now()
    WHERE id = ${id} AND status = 'running'`);
}

/** Versions left running by a process that stopped. */
export async function failInterrupted(db: Db): Promise<void> {
  await db.execute(sql`UPDATE schedule_versions SET status = 'failed', error = 'interrupted: the server stopped while it was computed', finished_at = now()
    WHERE status = 'running'`);
}

/** One transaction (the caller's): the published version is superseded, this one published, the planned slots rewritten. */
export async function publish(tx: Db, id: number, by: string, assignments: Assignment[]): Promise<number> {
  await tx.execute(sql`UPDATE schedule_versions SET status = 'superseded' WHERE status = 'published'`);
  await tx.execute(sql`UPDATE schedule_versions SET status = 'published', published_at = now(), published_by = ${by} WHERE id = ${id}`);
  await tx.execute(sql`UPDATE order_operations SET planned_equipment = NULL, planned_start = NULL, planned_end = NULL, planned_schedule = NULL
    WHERE planned_schedule IS NOT NULL`);
  const slots = assignments.map((a) => ({ order_id: a.orderId, seq: a.seq, machine: a.machine, start_at: a.start, end_at: a.end }));
  const rows = await rowsOf<{ n: number }>(
    tx,
    sql`WITH upd AS (
          UPDATE order_operations op SET planned_equipment = a.machine, planned_start = a.start_at::timestamptz, planned_end = a.end_at::timestamptz,
                 planned_schedule = ${String(id)}
          FROM jsonb_to_recordset(${JSON.stringify(slots)}::jsonb) AS a(order_id text, seq integer, machine text, start_at text, end_at text)
          WHERE op.order_id = a.order_id AND op.seq = a.seq AND op.status NOT IN ('completed', 'cancelled')
          RETURNING 1)
        SELECT count(*)::int AS n FROM upd`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Released (or running) orders with their operations, the shop-floor state included, most urgent first. */
export async function plannableOrders(db: Db): Promise<Array<Omit<PlanOrder, 'family'>>> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT o.id, o.product_id, o.priority, o.due_at, o.start_after, op.seq, op.name, op.candidates, op.run_time_s, op.setup_time_s,
               op.status AS op_status, op.phase, op.equipment, COALESCE(op.started_at, op.setup_started_at) AS started_at
        FROM production_orders o JOIN order_operations op ON op.order_id = o.id
        WHERE o.status IN ('released', 'running')
        ORDER BY o.priority, o.due_at NULLS LAST, o.id, op.seq`,
  );
  const orders = new Map<string, Omit<PlanOrder, 'family'>>();
  for (const r of rows) {
    const id = r.id as string;
    let o = orders.get(id);
    if (!o) {
      o = {
        id,
        productId: r.product_id as string,
        priority: Number(r.priority),
        dueAt: r.due_at == null ? null : Date.parse(iso(r.due_at)!),
        startAfter: r.start_after == null ? null : Date.parse(iso(r.start_after)!),
        operations: [],
      };
      orders.set(id, o);
    }
    o.operations.push({
      seq: Number(r.seq),
      name: r.name as string,
      candidates: json<string[]>(r.candidates, []),
      runTimeS: Number(r.run_time_s),
      setupTimeS: Number(r.setup_time_s),
      status: r.op_status as string,
      phase: (r.phase as string | null) ?? null,
      equipment: (r.equipment as string | null) ?? null,
      startedAt: r.started_at == null ? null : Date.parse(iso(r.started_at)!),
    });
  }
  return [...orders.values()];
}

/** Newly released urgent orders (for rush-order proposals): released after `since`, priority at most `maxPriority`. */
export async function urgentReleasedSince(db: Db, since: number, maxPriority: number): Promise<Array<{ id: string; priority: number; releasedAt: number }>> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT id, priority, released_at FROM production_orders
        WHERE status = 'released' AND priority <= ${maxPriority} AND released_at > ${new Date(since).toISOString()}::timestamptz ORDER BY released_at`,
  );
  return rows.map((r) => ({ id: r.id as string, priority: Number(r.priority), releasedAt: Date.parse(iso(r.released_at)!) }));
}
