// What a nonconformance's disposition books in the lot ledger (quality's NcrLots port, wired in src/modules.ts): a
// scrap or a return to the supplier of a lot or part of it, and the release of a held lot used as is. Every method runs
// in the caller's transaction, so the disposition and its booking land together or not at all.
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { changeLot, leaveRule, releaseRule } from './changes.ts';
import * as repo from './lots.repository.ts';
import type { Lot } from './model.ts';

export class LotDispositions {
  get(db: Db, id: string): Promise<Lot | undefined> {
    return repo.getLot(db, id);
  }

  /** Scraps `quantity` of the lot (null: all that is left). */
  scrap(tx: Db, actor: Actor, id: string, quantity: number | null, reason: string): Promise<Lot> {
    return changeLot(tx, actor, id, 'scrap', reason, (lot) => leaveRule(lot, 'scrapped', quantity), { scrapped: quantity ?? 'all' });
  }

  /** Sends `quantity` of a received lot back to its supplier (null: all that is left); a lot Takt made has no supplier. */
  returnToSupplier(tx: Db, actor: Actor, id: string, quantity: number | null, reason: string): Promise<Lot> {
    return changeLot(
      tx,
      actor,
      id,
      'return',
      reason,
      (lot) => {
        if (lot.producedBy) throw new AppError('conflict', `lot ${lot.id} was made by order ${lot.producedBy.orderId}: it has no supplier to be returned to`);
        return leaveRule(lot, 'returned', quantity);
      },
      { returned: quantity ?? 'all' },
    );
  }

  /** Releases a held lot (409 when it is not on hold). */
  release(tx: Db, actor: Actor, id: string, reason: string): Promise<Lot> {
    return changeLot(tx, actor, id, 'release', reason, releaseRule);
  }
}
