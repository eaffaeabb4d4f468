// SQL of the shop floor: an operation's run (claim, phase changes, completion), its journal, hand-entered quantities,
// labour sessions, andon calls and parameter-lock alarms. Bound parameters only.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import type { OperationPhase } from './events.ts';
import { ORDER_STATUSES, type OrderStatus } from './model.ts';

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());

export const OPERATION_PHASES = ['setup', 'running', 'paused'] as const satisfies readonly OperationPhase[];

export const runRowSchema = z.object({
  orderId: z.string(),
  seq: z.number(),
  status: z.enum(ORDER_STATUSES),
  phase: z.enum(OPERATION_PHASES).nullable(),
  equipment: z.string().nullable(),
  pauseReason: z.string().nullable(),
  setupStartedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  recipe: z.record(z.string(), z.unknown()).nullable(),
  recipeCommandId: z.string().nullable(),
  recipeVerified: z.boolean(),
  goodQty: z.number(),
  scrapQty: z.number(),
  startedBy: z.string().nullable(),
  completedBy: z.string().nullable(),
  rowVersion: z.number(),
});
export type RunRow = z.infer<typeof runRowSchema>;

const runOf = (r: Record<string, unknown>): RunRow => ({
  orderId: r.order_id as string,
  seq: Number(r.seq),
  status: r.status as OrderStatus,
  phase: (r.phase as RunRow['phase']) ?? null,
  equipment: (r.equipment as string | null) ?? null,
  pauseReason: (r.pause_reason as string | null) ?? null,
  setupStartedAt: iso(r.setup_started_at),
  startedAt: iso(r.started_at),
  completedAt: iso(r.completed_at),
  recipe: (r.recipe as Record<string, unknown> | null) ?? null,
  recipeCommandId: (r.recipe_command_id as string | null) ?? null,
  recipeVerified: Boolean(r.recipe_verified),
  goodQty: Number(r.good_qty),
  scrapQty: Number(r.scrap_qty),
  startedBy: (r.started_by as string | null) ?? null,
  completedBy: (r.completed_by as string | null) ?? null,
  rowVersion: Number(r.row_version),
});

const RUN_COLUMNS = sql.raw(
  'order_id, seq, status, phase, equipment, pause_reason, setup_started_at, started_at, completed_at, recipe, recipe_command_id, recipe_verified, good_qty, scrap_qty, started_by, completed_by, row_version',
);

export async function getRun(db: Db, orderId: string, seq: number, forUpdate = false): Promise<RunRow | undefined> {
  const lock = forUpdate ? sql.raw(' FOR UPDATE') : sql.raw('');
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT ${RUN_COLUMNS} FROM order_operations WHERE order_id = ${orderId} AND seq = ${seq}${lock}`);
  return rows[0] ? runOf(rows[0]) : undefined;
}

/** Operations running (in any phase) on the given machines, or everywhere. */
export async function runningOn(db: Db, equipment?: string[]): Promise<RunRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    equipment
      ? sql`SELECT ${RUN_COLUMNS} FROM order_operations WHERE status = 'running' AND equipment IN (SELECT jsonb_array_elements_text(${JSON.stringify(equipment)}::jsonb)) ORDER BY setup_started_at`
      : sql`SELECT ${RUN_COLUMNS} FROM order_operations WHERE status = 'running' ORDER BY setup_started_at`,
  );
  return rows.map(runOf);
}

export interface RunPatch {
  status?: string;
  phase?: RunRow['phase'];
  equipment?: string | null;
  pauseReason?: string | null;
  setupStartedAt?: boolean;
  startedAt?: boolean;
  completedAt?: boolean;
  recipe?: Record<string, unknown> | null;
  recipeCommandId?: string | null;
  recipeVerified?: boolean;
  goodQty?: number;
  scrapQty?: number;
  startedBy?: string;
  completedBy?: string;
}

/** Applies a patch and bumps row_version; `now()` stamps use the transaction's clock. */
export async function patchRun(db: Db, orderId: string, seq: number, p: RunPatch): Promise<RunRow> {
  const sets = [sql`row_version = row_version + 1`];
  if (p.status !== undefined) sets.push(sql`status = ${p.status}`);
  if (p.phase !== undefined) sets.push(sql`phase = ${p.phase}`);
  if (p.equipment !== undefined) sets.push(sql`equipment = ${p.equipment}`);
  if (p.pauseReason !== undefined) sets.push(sql`pause_reason = ${p.pauseReason}`);
  if (p.setupStartedAt) sets.push(sql`setup_started_at = now()`);
  if (p.startedAt) sets.push(sql`started_at = COALESCE(started_at, now())`);
  if (p.completedAt) sets.push(sql`completed_at = now()`);
  if (p.recipe !== undefined) sets.push(sql`recipe = ${p.recipe === null ? null : JSON.stringify(p.recipe)}::jsonb`);
  if (p.recipeCommandId !== undefined) sets.push(sql`recipe_command_id = ${p.recipeCommandId}::uuid`);
  if (p.recipeVerified !== undefined) sets.push(sql`recipe_verified = ${p.recipeVerified}`);
  if (p.goodQty !== undefined) sets.push(sql`good_qty = ${p.goodQty}`);
  if (p.scrapQty !== undefined) sets.push(sql`scrap_qty = ${p.scrapQty}`);
  if (p.startedBy !== undefined) sets.push(sql`started_by = ${p.startedBy}`);
  if (p.completedBy !== undefined) sets.push(sql`completed_by = ${p.completedBy}`);
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE order_operations SET ${sql.join(sets, sql`, `)} WHERE order_id = ${orderId} AND seq = ${seq} RETURNING ${RUN_COLUMNS}`,
  );
  return runOf(rows[0]);
}

export async function addEvent(
  db: Db,
  e: { orderId: string; seq: number; kind: string; actor: string; station: string | null; data?: Record<string, unknown> },
): Promise<void> {
  await db.execute(
    sql`INSERT INTO operation_events (order_id, seq, kind, actor, station, data) VALUES (${e.orderId}, ${e.seq}, ${e.kind}, ${e.actor}, ${e.station}, ${JSON.stringify(e.data ?? {})}::jsonb)`,
  );
}

/** One entry of an operation's shop-floor journal. */
export const operationEventSchema = z.object({
  id: z.number(),
  seq: z.number(),
  at: z.string(),
  kind: z.string(),
  actor: z.string(),
  station: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type OperationEvent = z.infer<typeof operationEventSchema>;

/** The journal in order; with `last`, only the latest entries. */
export async function listEvents(db: Db, orderId: string, seq?: number, last = 10_000): Promise<OperationEvent[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM (SELECT id, seq, at, kind, actor, station, data FROM operation_events
          WHERE order_id = ${orderId} AND (${seq ?? null}::int IS NULL OR seq = ${seq ?? null}::int) ORDER BY id DESC LIMIT ${last}) e ORDER BY id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    seq: Number(r.seq),
    at: iso(r.at)!,
    kind: r.kind as string,
    actor: r.actor as string,
    station: (r.station as string) ?? null,
    data: r.data as Record<string, unknown>,
  }));
}

export async function addQuantity(
  db: Db,
  q: { orderId: string; seq: number; kind: 'good' | 'scrap'; quantity: number; reason: string | null; fromGood: boolean; actor: string },
) {
  await db.execute(
    sql`INSERT INTO operation_quantities (order_id, seq, kind, quantity, reason, from_good, actor) VALUES (${q.orderId}, ${q.seq}, ${q.kind}, ${q.quantity}, ${q.reason}, ${q.fromGood}, ${q.actor})`,
  );
}

export const handTotalsSchema = z.object({
  good: z.number(),
  scrap: z.number(),
  scrapFromGood: z.number(),
  scrapByReason: z.array(z.object({ reason: z.string(), quantity: z.number() })),
});
export type HandTotals = z.infer<typeof handTotalsSchema>;

export async function handTotals(db: Db, orderId: string, seq: number): Promise<HandTotals> {
  const rows = await rowsOf<{ kind: string; reason: string | null; from_good: boolean; q: number }>(
    db,
    sql`SELECT kind, reason, from_good, sum(quantity)::float8 AS q FROM operation_quantities WHERE order_id = ${orderId} AND seq = ${seq} GROUP BY kind, reason, from_good`,
  );
  const t: HandTotals = { good: 0, scrap: 0, scrapFromGood: 0, scrapByReason: [] };
  const byReason = new Map<string, number>();
  for (const r of rows) {
    const q = Number(r.q);
    if (r.kind === 'good') t.good += q;
    else {
      t.scrap += q;
      if (r.from_good) t.scrapFromGood += q;
      byReason.set(r.reason ?? 'other', (byReason.get(r.reason ?? 'other') ?? 0) + q);
    }
  }
  t.scrapByReason = [...byReason].map(([reason, quantity]) => ({ reason, quantity })).sort((a, b) => b.quantity - a.quantity);
  return t;
}

// ---- labour -------------------------------------------------------------------------------------------------------

export async function openLabour(db: Db, l: { username: string; station: string; orderId: string | null; seq: number | null }): Promise<void> {
  await db.execute(
    sql`INSERT INTO labour_sessions (id, username, station, order_id, seq) VALUES (${randomUUID()}::uuid, ${l.username}, ${l.station}, ${l.orderId}, ${l.seq})`,
  );
}

/** Ends a person's open sessions (at one station, or everywhere); returns how many ended. */
export async function closeLabour(db: Db, username: string, station?: string): Promise<number> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`UPDATE labour_sessions SET ended_at = greatest(now(), started_at) WHERE username = ${username} AND ended_at IS NULL
        AND (${station ?? null}::text IS NULL OR station = ${station ?? null}::text) RETURNING id`,
  );
  return rows.length;
}

/** Ends every open session booked on an operation (it completed). */
export async function closeLabourOf(db: Db, orderId: string, seq: number): Promise<Array<{ username: string; station: string }>> {
  return rowsOf(
    db,
    sql`UPDATE labour_sessions SET ended_at = greatest(now(), started_at) WHERE order_id = ${orderId} AND seq = ${seq} AND ended_at IS NULL RETURNING username, station`,
  );
}

/** Someone signed in at a station now, and on which operation. */
export const openLabourSchema = z.object({ username: z.string(), orderId: z.string().nullable(), seq: z.number().nullable(), since: z.string() });

export async function openLabourAt(db: Db, station: string): Promise<Array<z.infer<typeof openLabourSchema>>> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT username, order_id, seq, started_at FROM labour_sessions WHERE station = ${station} AND ended_at IS NULL ORDER BY started_at`,
  );
  return rows.map((r) => ({
    username: r.username as string,
    orderId: (r.order_id as string) ?? null,
    seq: r.seq == null ? null : Number(r.seq),
    since: iso(r.started_at)!,
  }));
}

export interface LabourFilter {
  from: string;
  to: string;
  station?: string;
  username?: string;
  orderId?: string;
}

/** A labour session clipped to the period asked for. */
export const labourSessionSchema = z.object({
  username: z.string(),
  station: z.string(),
  orderId: z.string().nullable(),
  seq: z.number().nullable(),
  from: z.string(),
  to: z.string(),
  open: z.boolean(),
  seconds: z.number(),
});
export type LabourSession = z.infer<typeof labourSessionSchema>;

export async function labour(db: Db, f: LabourFilter): Promise<LabourSession[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT username, station, order_id, seq, greatest(started_at, ${f.from}::timestamptz) AS s, least(coalesce(ended_at, now()), ${f.to}::timestamptz) AS e, ended_at IS NULL AS open
        FROM labour_sessions
        WHERE started_at < ${f.to}::timestamptz AND coalesce(ended_at, now()) > ${f.from}::timestamptz
          AND (${f.station ?? null}::text IS NULL OR station = ${f.station ?? null}::text)
          AND (${f.username ?? null}::text IS NULL OR username = ${f.username ?? null}::text)
          AND (${f.orderId ?? null}::text IS NULL OR order_id = ${f.orderId ?? null}::text)
        ORDER BY started_at`,
  );
  return rows.map((r) => {
    const s = new Date(r.s as string).getTime();
    const e = new Date(r.e as string).getTime();
    return {
      username: r.username as string,
      station: r.station as string,
      orderId: (r.order_id as string) ?? null,
      seq: r.seq == null ? null : Number(r.seq),
      from: iso(r.s)!,
      to: iso(r.e)!,
      open: Boolean(r.open),
      seconds: Math.max(0, Math.round((e - s) / 1000)),
    };
  });
}

/** Everyone who worked on an order's operations. */
export async function operatorsOf(db: Db, orderId: string): Promise<Map<number, string[]>> {
  const rows = await rowsOf<{ seq: number; username: string }>(
    db,
    sql`SELECT DISTINCT seq, username FROM labour_sessions WHERE order_id = ${orderId} AND seq IS NOT NULL ORDER BY seq, username`,
  );
  const m = new Map<number, string[]>();
  for (const r of rows) m.set(Number(r.seq), [...(m.get(Number(r.seq)) ?? []), r.username]);
  return m;
}

/** The order's own status as its operations run (running at the first setup, completed after the last operation). */
export async function setOrderRunStatus(db: Db, orderId: string, status: 'running' | 'completed'): Promise<void> {
  await db.execute(sql`UPDATE production_orders SET status = ${status}, version = version + 1, updated_at = now() WHERE id = ${orderId}`);
}
