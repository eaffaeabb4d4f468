// The lots module's face: material lots, the ledger execution books material in, genealogy and trace.
export { MaterialLedger } from './ledger.ts';
export { lotsRoutes } from './lots.routes.ts';
export { LotService, type ReceiveInput } from './lots.service.ts';
export { LOT_STATUSES, type Lot, type LotStatus, type ProducedBy } from './model.ts';
export { traceLots, traceToCsv, type Trace, type TraceNode } from './trace.ts';
export { DEFAULT_LIMITS, traverse, type Direction, type Edge, type EdgeSource, type TraverseLimits } from './traverse.ts';
