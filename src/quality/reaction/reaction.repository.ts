// SQL for reaction plans, the reactions (episodes) they fired and the measurements linked to them (ADR 0006).
import { rowsOf, sql, textArray, type Db } from '../../platform/db/database.ts';
import type { QualityReaction, ReactionAction } from '../events.ts';

export interface ReactionPlan {
  characteristic: string;
  /** react to a value outside LSL/USL */
  onSpec: boolean;
  /** SPC rule numbers (of the characteristic's rule set) that trigger the plan */
  rules: number[];
  /** alarm only; hold the operation and the lot in production; or also stop the machine */
  action: ReactionAction;
  updatedBy: string;
  updatedAt: string;
}

export interface ReactionRecord extends Omit<QualityReaction, 'characteristicName' | 'unstored'> {
  unstored: string | null;
  commandStatus: string | null;
  createdAt: string;
  closedAt: string | null;
  /** measurements of the episode after the one that fired it (recorded, not re-acted) */
  linked: number;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const num = (v: unknown) => (v == null ? null : Number(v));
const str = (v: unknown) => (v == null ? null : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

const planOf = (r: Row): ReactionPlan => ({
  characteristic: r.characteristic as string,
  onSpec: Boolean(r.on_spec),
  rules: json<number[]>(r.rules),
  action: r.action as ReactionAction,
  updatedBy: r.updated_by as string,
  updatedAt: iso(r.updated_at)!,
});

const reactionOf = (r: Row): ReactionRecord => ({
  id: r.id as string,
  characteristic: r.characteristic as string,
  measurementId: num(r.measurement_id),
  unstored: str(r.unstored),
  value: num(r.value),
  trigger: r.trigger as 'spec' | 'rule',
  rule: num(r.rule),
  actions: json<ReactionAction[]>(r.actions),
  holds: (r.holds as string[] | null) ?? [],
  commandId: str(r.command_id),
  commandStatus: str(r.command_status),
  equipment: str(r.equipment),
  orderId: str(r.order_id),
  operationSeq: num(r.operation_seq),
  lot: str(r.lot),
  ts: iso(r.ts)!,
  summary: r.summary as string,
  createdAt: iso(r.created_at)!,
  closedAt: iso(r.closed_at),
  linked: Number(r.linked ?? 0),
});

export async function getPlan(db: Db, characteristic: string): Promise<ReactionPlan | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_reaction_plans WHERE characteristic = ${characteristic}`);
  return rows[0] ? planOf(rows[0]) : undefined;
}

export async function putPlan(db: Db, p: Omit<ReactionPlan, 'updatedAt'>): Promise<ReactionPlan> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_reaction_plans (characteristic, on_spec, rules, action, updated_by)
        VALUES (${p.characteristic}, ${p.onSpec}, ${JSON.stringify(p.rules)}::jsonb, ${p.action}, ${p.updatedBy})
        ON CONFLICT (characteristic) DO UPDATE SET on_spec = EXCLUDED.on_spec, rules = EXCLUDED.rules, action = EXCLUDED.action,
          updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING *`,
  );
  return planOf(row);
}

export async function deletePlan(db: Db, characteristic: string): Promise<void> {
  await db.execute(sql`DELETE FROM quality_reaction_plans WHERE characteristic = ${characteristic}`);
}

const SELECT = sql`SELECT r.*,
    (SELECT array_agg(h.id ORDER BY h.placed_at, h.id) FROM quality_holds h WHERE h.reaction = r.id) AS holds,
    (SELECT count(*) FROM quality_reaction_measurements m WHERE m.reaction = r.id AND m.measurement_id <> r.measurement_id) AS linked
  FROM quality_reactions r`;

/** The open episode of a characteristic at a machine (null equipment: measurements without one), if any. */
export async function openReaction(db: Db, characteristic: string, equipment: string | null): Promise<ReactionRecord | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`${SELECT} WHERE r.characteristic = ${characteristic} AND r.equipment IS NOT DISTINCT FROM ${equipment} AND r.closed_at IS NULL
        ORDER BY r.created_at DESC LIMIT 1`,
  );
  return rows[0] ? reactionOf(rows[0]) : undefined;
}

export async function getReaction(db: Db, id: string): Promise<ReactionRecord | undefined> {
  const rows = await rowsOf<Row>(db, sql`${SELECT} WHERE r.id = ${id}`);
  return rows[0] ? reactionOf(rows[0]) : undefined;
}

export async function listReactions(db: Db, f: { characteristic?: string; limit: number }): Promise<ReactionRecord[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`${SELECT} WHERE (${f.characteristic ?? null}::text IS NULL OR r.characteristic = ${f.characteristic ?? null})
        ORDER BY r.created_at DESC, r.id LIMIT ${f.limit}`,
  );
  return rows.map(reactionOf);
}

export async function insertReaction(
  db: Db,
  r: Omit<ReactionRecord, 'holds' | 'commandId' | 'commandStatus' | 'createdAt' | 'closedAt' | 'linked'>,
): Promise<void> {
  await db.execute(
    sql`INSERT INTO quality_reactions (id, characteristic, measurement_id, unstored, value, trigger, rule, actions, equipment, order_id, operation_seq, lot, ts, summary)
        VALUES (${r.id}, ${r.characteristic}, ${r.measurementId}, ${r.unstored}, ${r.value}, ${r.trigger}, ${r.rule}, ${JSON.stringify(r.actions)}::jsonb,
          ${r.equipment}, ${r.orderId}, ${r.operationSeq}, ${r.lot}, ${r.ts}::timestamptz, ${r.summary})`,
  );
  if (r.measurementId !== null) await linkMeasurement(db, r.id, r.measurementId);
}

export async function linkMeasurement(db: Db, reaction: string, measurementId: number): Promise<void> {
  await db.execute(sql`INSERT INTO quality_reaction_measurements (reaction, measurement_id) VALUES (${reaction}, ${measurementId}) ON CONFLICT DO NOTHING`);
}

export async function setCommand(db: Db, id: string, commandId: string | null, status: string, summary: string): Promise<void> {
  await db.execute(sql`UPDATE quality_reactions SET command_id = ${commandId}, command_status = ${status}, summary = ${summary} WHERE id = ${id}`);
}

export async function closeReaction(db: Db, id: string): Promise<void> {
  await db.execute(sql`UPDATE quality_reactions SET closed_at = now() WHERE id = ${id} AND closed_at IS NULL`);
}

/** The measurements already linked to some reaction among these (a resent value is not evaluated twice). */
export async function linkedAmong(db: Db, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT measurement_id FROM quality_reaction_measurements WHERE measurement_id = ANY(${textArray(ids.map(String))}::bigint[])`,
  );
  return new Set(rows.map((r) => Number(r.measurement_id)));
}

/**
 * The recent measurements up to and including `ts` that a rule needs: the last `points` values (individuals,
 * attributes) or every value of the last `points` subgroups (X̄ charts), in time order.
 */
export async function recentMeasurements(db: Db, characteristic: string, ts: string, points: number, bySubgroup: boolean): Promise<Row[]> {
  const rows = bySubgroup
    ? await rowsOf<Row>(
        db,
        sql`SELECT * FROM quality_measurements WHERE characteristic = ${characteristic} AND subgroup IN (
              SELECT subgroup FROM quality_measurements WHERE characteristic = ${characteristic} AND ts <= ${ts}::timestamptz
              GROUP BY subgroup ORDER BY max(ts) DESC LIMIT ${points})
            ORDER BY ts, id`,
      )
    : await rowsOf<Row>(
        db,
        sql`SELECT * FROM quality_measurements WHERE characteristic = ${characteristic} AND ts <= ${ts}::timestamptz ORDER BY ts DESC, id DESC LIMIT ${points}`,
      );
  return bySubgroup ? rows : rows.reverse();
}

/** The open episodes (for the fast path's memory of them). */
export async function openEpisodes(db: Db): Promise<Array<{ id: string; characteristic: string; equipment: string | null }>> {
  const rows = await rowsOf<Row>(db, sql`SELECT id, characteristic, equipment FROM quality_reactions WHERE closed_at IS NULL`);
  return rows.map((r) => ({ id: r.id as string, characteristic: r.characteristic as string, equipment: str(r.equipment) }));
}
