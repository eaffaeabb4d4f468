// SQL for schedule versions. The orders the planner reads and the slots it publishes go through execution's order book.
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import { z } from 'zod';
import { assignmentSchema, kpisSchema, lateOrderSchema, type Assignment, type Kpis } from './result.ts';

export const VERSION_STATUSES = ['running', 'ready', 'published', 'superseded', 'failed'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export const OBJECTIVES = ['makespan', 'tardiness', 'lexicographic'] as const;
export type ObjectiveChoice = (typeof OBJECTIVES)[number];
export const REASONS = ['manual', 'move', 'machine-down', 'rush-order', 'repair'] as const;
export type Reason = (typeof REASONS)[number];

/** A schedule version as the API shows it (the list leaves `assignments` empty); instants are ISO 8601 strings. */
export const versionRowSchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
  status: z.enum(VERSION_STATUSES),
  objective: z.enum(OBJECTIVES),
  timeLimitS: z.number(),
  progress: z.record(z.string(), z.unknown()),
  horizonStart: z.string(),
  horizonEnd: z.string(),
  basedOn: z.number().nullable(),
  reason: z.enum(REASONS),
  reasonDetail: z.string(),
  assignments: z.array(assignmentSchema),
  kpis: kpisSchema.partial(),
  lateOrders: z.array(lateOrderSchema),
  stats: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  finishedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
});
export type VersionRow = z.infer<typeof versionRowSchema>;

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

/** One transaction (the caller's): the published version is superseded and this one published (its slots go to execution's order book). */
export async function publish(tx: Db, id: number, by: string): Promise<void> {
  await tx.execute(sql`UPDATE schedule_versions SET status = 'superseded' WHERE status = 'published'`);
  await tx.execute(sql`UPDATE schedule_versions SET status = 'published', published_at = now(), published_by = ${by} WHERE id = ${id}`);
}
