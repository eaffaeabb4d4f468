// The shop-floor API's shapes (/api/stations, /api/operations, /api/andon, /api/alarms, /api/orders) are the server's
// own (src/execution/index.ts): the terminal, the supervisor's view and the orders pages read them. Timestamps are
// ISO 8601 UTC.
import type { OperationView, PublicOperation } from '../../../src/execution/index.ts';

export type {
  AlarmRow as Alarm,
  AndonRow as AndonCall,
  CompleteResult,
  ConsumedLot,
  OperationView,
  OrderStatus,
  ProducedLot,
  PublicOrder as Order,
  ReasonCode,
  StationView,
} from '../../../src/execution/index.ts';
export type { CommandRecord } from '../../../src/connectors/index.ts';

/** An operation of an order, as GET /api/orders/{id} lists them. */
export type OrderOperation = PublicOperation;
/** An entry of the shop-floor journal (an operation's `events`, GET /api/orders/{id}/events). */
export type JournalEntry = OperationView['events'][number];
