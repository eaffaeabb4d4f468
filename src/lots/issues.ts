// Issuing material from a lot to a maintenance work order (a spare part): the same ledger rules as a consumption at
// the terminal — the lot must exist, be available (a held, used-up, scrapped or returned lot is refused), give whole
// pieces when counted in pieces, and hold the quantity — booked as a lot_consumptions row with method 'issue' naming
// the work order (no operation, no genealogy: a spare part goes into a machine, not into a product). Always inside the
// caller's transaction, with the lot row locked, so two issues racing for the same lot serialise.
import { checkWhole } from '../execution/index.ts';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { lockForBooking } from './lots.repository.ts';
import { amount, checkLotId, checkQuantity, EPSILON, unusable } from './model.ts';

export interface IssuedPart {
  id: number;
  lotId: string;
  materialId: string;
  quantity: number;
  unit: string;
  workOrderId: string;
  by: string;
  equipment: string | null;
  at: string;
}

export interface IssueRequest {
  lotId: string;
  quantity: number;
  workOrderId: string;
  /** the machine the part goes into (the work order's equipment path) */
  equipment: string | null;
}

/** Issues `quantity` of a lot to a work order; refusals: 400 (lot number, quantity), 404 (lot), 409 (held, too little). */
export async function issueToWorkOrder(tx: Db, actor: Actor, r: IssueRequest): Promise<IssuedPart> {
  checkLotId(r.lotId);
  checkQuantity(r.quantity);
  const lot = await lockForBooking(tx, r.lotId);
  if (!lot) throw notFound('lot', r.lotId);
  const refusal = unusable(lot, 'issued');
  if (refusal) throw refusal;
  checkWhole(r.quantity, lot.unit);
  const slack = EPSILON * Math.max(1, lot.initialQuantity);
  if (r.quantity > lot.quantity + slack)
    throw new AppError('conflict', `lot ${lot.id} holds ${amount(lot.quantity, lot.unit)}, ${amount(r.quantity, lot.unit)} cannot be issued`);
  const quantity = Math.min(r.quantity, lot.quantity);
  const left = lot.quantity - quantity;
  const usedUp = left <= slack;
  const after = { quantity: usedUp ? 0 : left, status: usedUp ? ('consumed' as const) : lot.status };
  const [row] = await rowsOf<Record<string, unknown>>(
    tx,
    sql`WITH u AS (
          UPDATE material_lots SET quantity = ${after.quantity}, status = ${after.status}, updated_at = now(), row_version = row_version + 1
          WHERE id = ${lot.id} RETURNING id
        )
        INSERT INTO lot_consumptions (lot_id, order_id, seq, work_order_id, quantity, unit, method, actor, equipment)
        SELECT u.id, NULL, NULL, ${r.workOrderId}, ${quantity}, ${lot.unit}, 'issue', ${actor.name}, ${r.equipment} FROM u
        RETURNING id, at`,
  );
  await appendAudit(tx, actor, {
    action: 'issue',
    entity: 'material_lot',
    entityId: lot.id,
    before: { quantity: lot.quantity, status: lot.status },
    after: { ...after, issued: quantity, workOrderId: r.workOrderId, equipment: r.equipment },
  });
  return {
    id: Number(row!.id),
    lotId: lot.id,
    materialId: lot.materialId,
    quantity,
    unit: lot.unit,
    workOrderId: r.workOrderId,
    by: actor.name,
    equipment: r.equipment,
    at: new Date(row!.at as string).toISOString(),
  };
}

/** What was issued to a work order, in booking order. */
export async function issuedTo(db: Db, workOrderId: string): Promise<IssuedPart[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT c.id, c.lot_id, l.material_id, c.quantity, c.unit, c.work_order_id, c.actor, c.equipment, c.at
        FROM lot_consumptions c JOIN material_lots l ON l.id = c.lot_id
        WHERE c.work_order_id = ${workOrderId} AND c.method = 'issue' ORDER BY c.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    lotId: r.lot_id as string,
    materialId: r.material_id as string,
    quantity: Number(r.quantity),
    unit: r.unit as string,
    workOrderId: r.work_order_id as string,
    by: r.actor as string,
    equipment: (r.equipment as string | null) ?? null,
    at: new Date(r.at as string).toISOString(),
  }));
}
