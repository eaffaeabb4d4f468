// The lots module's face: material lots, the ledger execution books material in, genealogy and trace.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { MaterialLedger } from './ledger.ts';
import { lotsRoutes } from './lots.routes.ts';
import { LotService } from './lots.service.ts';
import type { OrderLookup } from './model.ts';

export { MaterialLedger } from './ledger.ts';
export { lotsRoutes } from './lots.routes.ts';
export { LotService, type ReceiveInput } from './lots.service.ts';
export { LOT_STATUSES, type Lot, type LotStatus, type OrderLookup, type ProducedBy } from './model.ts';
export type { AffectedOrder } from './lots.repository.ts';
export { traceLots, traceToCsv, type Trace, type TraceNode } from './trace.ts';
export { DEFAULT_LIMITS, traverse, type Direction, type Edge, type EdgeSource, type TraverseLimits } from './traverse.ts';

export interface LotsModule extends TaktModule {
  lots: LotService;
  /** the ledger execution books material in (its LotLedger) */
  ledger: MaterialLedger;
}

/** `orders` is execution's order book: lots asks it about operations and orders instead of reading its tables. */
export function createLotsModule(ctx: AppContext, orders: OrderLookup): LotsModule {
  const lots = new LotService(ctx.db, ctx.events, orders);
  return { name: 'lots', lots, ledger: lots.ledger, routes: (fastify, c) => lotsRoutes(fastify, c, lots) };
}
