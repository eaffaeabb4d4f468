// The lots module's face: material lots, the ledger execution books material in, genealogy and trace.
export { MaterialLedger } from './ledger.ts';
export { lotsRoutes } from './lots.routes.ts';
export { LotService, type ReceiveInput } from './lots.service.ts';
export { LOT_STATUSES, type Lot, type LotStatus, type ProducedBy } from './model.ts';
export { traceLots, traceToCsv, type Trace, type TraceNode } from './trace.ts';
export { DEFAULT_LIMITS, traverse, type Direction, type Edge, type EdgeSource, type TraverseLimits } from './traverse.ts';
export type { OrderLookup } from './model.ts';

import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { MaterialLedger as Ledger } from './ledger.ts';
import { lotsRoutes as routes } from './lots.routes.ts';
import { LotService as Service } from './lots.service.ts';
import type { OrderLookup as Orders } from './model.ts';

export interface LotsModule extends TaktModule {
  lots: Service;
  /** the ledger execution books material in (its LotLedger) */
  ledger: Ledger;
}

/** `orders` is execution's order book: lots asks it about operations and orders instead of reading its tables. */
export function createLotsModule(ctx: AppContext, orders: Orders): LotsModule {
  const lots = new Service(ctx.db, ctx.events, orders);
  return { name: 'lots', lots, ledger: lots.ledger, routes: (fastify, c) => routes(fastify, c, lots) };
}
