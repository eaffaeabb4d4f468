// A change of one lot outside the shop-floor bookings (hold, release, scrap, return, count), inside the caller's
// transaction: the row is locked, the rule may refuse, the change and its audit entry land together. The lot service's
// own actions and a nonconformance's dispositions (dispositions.ts) go through the same rules.
import { checkWhole } from '../execution/index.ts';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import * as repo from './lots.repository.ts';
import { amount, checkQuantity, EPSILON, type Lot } from './model.ts';

export type LotChange = { quantity: number; status: Lot['status']; holdReason: string | null };

/** Locks the lot, applies `change` (which may refuse), writes it and its audit entry (with `extra` beside the after-image). */
export async function changeLot(
  tx: Db,
  actor: Actor,
  id: string,
  action: string,
  reason: string | null,
  change: (lot: Lot) => LotChange,
  extra: Record<string, unknown> = {},
): Promise<Lot> {
  const before = await repo.getLot(tx, id, true);
  if (!before) throw notFound('lot', id);
  const after = await repo.updateLot(tx, id, change(before));
  await appendAudit(tx, actor, { action, entity: 'material_lot', entityId: id, before, after: { ...after, ...extra }, reason });
  return after;
}

export function holdRule(lot: Lot, reason: string): LotChange {
  if (lot.status === 'on_hold') throw new AppError('conflict', `lot ${lot.id} is already on hold (reason: ${lot.holdReason ?? 'none given'})`);
  if (lot.status !== 'available') throw new AppError('conflict', `lot ${lot.id} is ${lot.status}: only an available lot can be put on hold`);
  return { quantity: lot.quantity, status: 'on_hold', holdReason: reason };
}

export function releaseRule(lot: Lot): LotChange {
  if (lot.status !== 'on_hold') throw new AppError('conflict', `lot ${lot.id} is ${lot.status}, not on hold: there is nothing to release`);
  return { quantity: lot.quantity, status: 'available', holdReason: null };
}

/**
 * Stock leaving through a door other than production (scrap, return to supplier): all of what is left (`quantity`
 * null, or all of it) gives the lot that status and keeps its quantity on record; part of it lowers the quantity and
 * leaves the status as it was (a held lot stays held).
 */
export function leaveRule(lot: Lot, status: 'scrapped' | 'returned', quantity: number | null): LotChange {
  const gone = status === 'scrapped' ? 'scrapped' : 'returned to its supplier';
  if (lot.status === 'scrapped' || lot.status === 'returned')
    throw new AppError('conflict', `lot ${lot.id} was ${lot.status === 'scrapped' ? 'scrapped' : 'returned to its supplier'} already`);
  if (lot.status === 'consumed') throw new AppError('conflict', `lot ${lot.id} is used up (consumed): there is nothing left to be ${gone}`);
  if (quantity === null || Math.abs(quantity - lot.quantity) <= EPSILON * Math.max(1, lot.initialQuantity))
    return { quantity: lot.quantity, status, holdReason: lot.holdReason };
  checkQuantity(quantity);
  checkWhole(quantity, lot.unit);
  if (quantity > lot.quantity)
    throw new AppError('conflict', `lot ${lot.id} holds ${amount(lot.quantity, lot.unit)}: ${amount(quantity, lot.unit)} cannot be ${gone}`);
  return { quantity: lot.quantity - quantity, status: lot.status, holdReason: lot.holdReason };
}
