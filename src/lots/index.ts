// The lots module's face: material lots, the ledger execution books material in, genealogy and trace.
import type { TaktModule } from '../platform/app.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { changeLot, releaseRule } from './changes.ts';
import { LotDispositions } from './dispositions.ts';
import { issuedTo, issueToWorkOrder, type IssueRequest } from './issues.ts';
import type { MaterialLedger } from './ledger.ts';
import { lotsRoutes } from './lots.routes.ts';
import { LotService } from './lots.service.ts';
import { LOT_RECORD_TYPE, type LotReleasePolicy, type OrderLookup } from './model.ts';

export { MaterialLedger } from './ledger.ts';
export type { IssuedPart, IssueRequest } from './issues.ts';
export { LotDispositions } from './dispositions.ts';
export { LotService, type ReceiveInput } from './lots.service.ts';
export {
  LOT_ID,
  LOT_RECORD_TYPE,
  LOT_STATUSES,
  lotIdSchema,
  type Lot,
  type LotReleasePolicy,
  type LotStatus,
  type OrderLookup,
  type ProducedBy,
} from './model.ts';
export type { AffectedOrder } from './lots.repository.ts';
export { traceLots, traceToCsv, type Trace, type TraceNode } from './trace.ts';
export { DEFAULT_LIMITS, traverse, type Direction, type Edge, type EdgeSource, type TraverseLimits } from './traverse.ts';

/**
 * Holding and releasing lots for another module (quality's reaction plans; a release runs in the caller's
 * transaction, through the same rule and audit as the lot page's), and which lots an operation consumed:
 * what a consumer's `LotHolds` port asks of lots. The ledger refuses consuming a lot on hold.
 */
export function lotHolds(lots: LotService, db: AppContext['db']) {
  return {
    hold: (actor: Actor, lotId: string, reason: string) => lots.hold(actor, lotId, reason),
    // in the caller's transaction; quality required the lot.release signatures on its own hold record before it calls this
    release: (tx: AppContext['db'], actor: Actor, lotId: string, reason: string) => changeLot(tx, actor, lotId, 'release', reason, releaseRule),
    get: (lotId: string) => lots.get(lotId),
    async consumedAt(orderId: string, seq: number): Promise<string[]> {
      const rows = await lots.ledger.consumedBy(db, orderId);
      return [...new Set(rows.filter((r) => r.seq === seq).map((r) => r.lotId))];
    },
  };
}

/**
 * Spare parts for maintenance: issuing a lot's material to a work order through the ledger's rules (a held or empty
 * lot is refused, the quantity checked) and listing what a work order was issued — what maintenance's `SpareParts`
 * port asks of lots. `issue` runs in the caller's transaction.
 */
export function spareParts() {
  return {
    issue: (tx: AppContext['db'], actor: Actor, r: IssueRequest) => issueToWorkOrder(tx, actor, r),
    issuedTo: (db: AppContext['db'], workOrderId: string) => issuedTo(db, workOrderId),
  };
}

export interface LotsModule extends TaktModule {
  lots: LotService;
  /** the ledger execution books material in (its LotLedger) */
  ledger: MaterialLedger;
  /** what a nonconformance's disposition books (quality's NcrLots port) */
  dispositions: LotDispositions;
}

/** The ports lots receives. */
export interface LotsDeps {
  /** execution's order book: lots asks it about operations and orders instead of reading its tables */
  orders: OrderLookup;
  /** the plant module's equipment lookup: the materials */
  plant: EquipmentLookup;
  /** the signature policy a release at the lot's page must satisfy (src/modules.ts binds the signing service) */
  releasePolicy?: LotReleasePolicy;
}

export function createLotsModule(ctx: AppContext, deps: LotsDeps): LotsModule {
  const lots = new LotService(ctx.db, deps.orders, deps.plant);
  lots.releasePolicy = deps.releasePolicy;
  // a lot can be signed (for lot.release at its page): the signing service hashes the lot as it is now
  const unregister = ctx.signatures.register(LOT_RECORD_TYPE, (id) => lots.find(id));
  return {
    name: 'lots',
    lots,
    ledger: lots.ledger,
    dispositions: new LotDispositions(),
    routes: lotsRoutes(lots),
    async stop() {
      unregister();
    },
  };
}
