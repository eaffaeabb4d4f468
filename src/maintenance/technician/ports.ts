// The port technician work receives (docs/architecture.md, "Modules and their ports"), defined here by the consumer:
// spare parts issued from material lots through the lots ledger. src/modules.ts binds it to lots' `spareParts()`.
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import type { SparePart } from './model.ts';

export interface SpareParts {
  /**
   * Issues `quantity` of a lot to a work order, in the caller's transaction, by the ledger's rules: an unknown lot is
   * 404, a held, used-up, scrapped or returned lot or too small a quantity 409, a bad lot number or quantity 400.
   */
  issue(tx: Db, actor: Actor, r: { lotId: string; quantity: number; workOrderId: string; equipment: string | null }): Promise<SparePart>;
  /** What was issued to a work order, in booking order. */
  issuedTo(db: Db, workOrderId: string): Promise<SparePart[]>;
}
