// Operation holds (issue #15, "Holds"): an operation on hold cannot be completed. Execution owns the hold's state;
// quality places and releases holds through the `OperationHolds` port (a reaction plan that found the operation's
// product out of spec). Placing and releasing are audited in their own transaction.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';

export interface OperationHold {
  id: string;
  orderId: string;
  seq: number;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

/** What other modules get: hold an operation, release that hold, ask whether an operation is held. */
export interface OperationHolds {
  hold(actor: Actor, orderId: string, seq: number, reason: string): Promise<OperationHold>;
  release(actor: Actor, holdId: string, reason: string): Promise<OperationHold>;
  /** The open holds of the operation (none: not held). */
  isHeld(orderId: string, seq: number): Promise<OperationHold[]>;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const holdOf = (r: Row): OperationHold => ({
  id: r.id as string,
  orderId: r.order_id as string,
  seq: Number(r.seq),
  reason: r.reason as string,
  placedBy: r.placed_by as string,
  placedAt: iso(r.placed_at)!,
  releasedAt: iso(r.released_at),
  releasedBy: (r.released_by as string | null) ?? null,
  releaseReason: (r.release_reason as string | null) ?? null,
});

/** The operation's open holds, read in the caller's transaction (complete() asks on its locked operation). */
export async function openHoldsOf(db: Db, orderId: string, seq: number): Promise<OperationHold[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM operation_holds WHERE order_id = ${orderId} AND seq = ${seq} AND released_at IS NULL ORDER BY placed_at, id`,
  );
  return rows.map(holdOf);
}

/** The 409 a held operation's completion answers: which hold, placed by whom, and why. */
export function heldError(orderId: string, seq: number, holds: OperationHold[]): AppError {
  const h = holds[0];
  return new AppError(
    'conflict',
    `operation ${seq} of order '${orderId}' is on hold (hold ${h.id}, placed by ${h.placedBy}: ${h.reason}): it cannot be completed until the hold is released`,
    { holds: holds.map((x) => ({ id: x.id, reason: x.reason, placedBy: x.placedBy, placedAt: x.placedAt })) },
  );
}

export function createOperationHolds(db: Db): OperationHolds {
  return {
    async hold(actor, orderId, seq, reason) {
      return db.transaction(async (tx) => {
        const [op] = await rowsOf<Row>(tx, sql`SELECT status FROM order_operations WHERE order_id = ${orderId} AND seq = ${seq} FOR UPDATE`);
        if (!op) throw notFound('operation', `${orderId}/${seq}`);
        const [row] = await rowsOf<Row>(
          tx,
          sql`INSERT INTO operation_holds (id, order_id, seq, reason, placed_by) VALUES (${randomUUID()}, ${orderId}, ${seq}, ${reason}, ${actor.name}) RETURNING *`,
        );
        const after = holdOf(row);
        await appendAudit(tx, actor, { action: 'hold', entity: 'order_operation', entityId: `${orderId}/${seq}`, after, reason });
        return after;
      });
    },
    async release(actor, holdId, reason) {
      return db.transaction(async (tx) => {
        const [row] = await rowsOf<Row>(tx, sql`SELECT * FROM operation_holds WHERE id = ${holdId} FOR UPDATE`);
        if (!row) throw notFound('operation hold', holdId);
        const before = holdOf(row);
        if (before.releasedAt) throw new AppError('conflict', `operation hold ${holdId} was released already (${before.releasedAt} by ${before.releasedBy})`);
        const [next] = await rowsOf<Row>(
          tx,
          sql`UPDATE operation_holds SET released_at = now(), released_by = ${actor.name}, release_reason = ${reason} WHERE id = ${holdId} RETURNING *`,
        );
        const after = holdOf(next);
        await appendAudit(tx, actor, { action: 'release', entity: 'order_operation', entityId: `${before.orderId}/${before.seq}`, before, after, reason });
        return after;
      });
    },
    isHeld: (orderId, seq) => openHoldsOf(db, orderId, seq),
  };
}
