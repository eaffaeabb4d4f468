// SQL for quality's holds (ADR 0006): what a reaction plan put on hold, and who released it with which reason.
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';

export const HOLD_KINDS = ['lot', 'operation', 'machine'] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

export interface QualityHold {
  id: string;
  kind: HoldKind;
  /** the lot id, '<order>/<seq>' for an operation, the equipment id for a machine */
  target: string;
  reason: string;
  reaction: string | null;
  /** the owner's record: execution's operation hold id, the stop command's id */
  ref: string | null;
  placedAt: string;
  placedBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const str = (v: unknown) => (v == null ? null : String(v));

export const holdOf = (r: Row): QualityHold => ({
  id: r.id as string,
  kind: r.kind as HoldKind,
  target: r.target as string,
  reason: r.reason as string,
  reaction: str(r.reaction),
  ref: str(r.ref),
  placedAt: iso(r.placed_at)!,
  placedBy: r.placed_by as string,
  releasedAt: iso(r.released_at),
  releasedBy: str(r.released_by),
  releaseReason: str(r.release_reason),
});

export async function insertHold(db: Db, h: Pick<QualityHold, 'id' | 'kind' | 'target' | 'reason' | 'reaction' | 'ref' | 'placedBy'>): Promise<QualityHold> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_holds (id, kind, target, reason, reaction, ref, placed_by)
        VALUES (${h.id}, ${h.kind}, ${h.target}, ${h.reason}, ${h.reaction}, ${h.ref}, ${h.placedBy}) RETURNING *`,
  );
  return holdOf(row);
}

export async function getHold(db: Db, id: string, forUpdate = false): Promise<QualityHold | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM quality_holds WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM quality_holds WHERE id = ${id}`,
  );
  return rows[0] ? holdOf(rows[0]) : undefined;
}

export async function listHolds(db: Db, f: { status?: 'open' | 'released'; kind?: HoldKind; reaction?: string; limit: number }): Promise<QualityHold[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM quality_holds
        WHERE (${f.status ?? null}::text IS NULL OR (${f.status ?? null}::text = 'open') = (released_at IS NULL))
          AND (${f.kind ?? null}::text IS NULL OR kind = ${f.kind ?? null})
          AND (${f.reaction ?? null}::text IS NULL OR reaction = ${f.reaction ?? null})
        ORDER BY placed_at DESC, id LIMIT ${f.limit}`,
  );
  return rows.map(holdOf);
}

export async function releaseHold(db: Db, id: string, by: string, reason: string): Promise<QualityHold> {
  const [row] = await rowsOf<Row>(
    db,
    sql`UPDATE quality_holds SET released_at = now(), released_by = ${by}, release_reason = ${reason} WHERE id = ${id} RETURNING *`,
  );
  return holdOf(row);
}

/** Whether a machine is held by quality: an open machine hold on it. */
export async function openMachineHold(db: Db, equipmentId: string): Promise<QualityHold | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM quality_holds WHERE kind = 'machine' AND target = ${equipmentId} AND released_at IS NULL ORDER BY placed_at LIMIT 1`,
  );
  return rows[0] ? holdOf(rows[0]) : undefined;
}
