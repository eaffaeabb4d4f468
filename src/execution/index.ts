// The execution module's face: other modules import only from here.
export { createOperationHolds, type OperationHold, type OperationHolds } from './holds.ts';
export { createExecutionModule, type ExecutionDeps, type ExecutionModule } from './module.ts';
export { ShopFloor, type CompleteResult, type OperationFigures } from './shopfloor.service.ts';
export type { OperationView, StationView } from './shopfloor.views.ts';
export type { LabourSession, OperationEvent, RunRow } from './shopfloor.repository.ts';
export type { AlarmRow, AndonRow, ReasonCode } from './andon.repository.ts';
export type { DispatchRow } from './execution.repository.ts';
export { ExecutionService, type IntakeResult, type PublicOperation, type PublicOrder, type RequestOutcome } from './execution.service.ts';
export {
  ORDER_SOURCES,
  ORDER_STATUSES,
  type MaterialLine,
  type OrderInput,
  type OrderSource,
  type OrderStatus,
  type ParameterValue,
  type PlannedOperation,
} from './model.ts';
export type { ExecutionEvents, OperationPhase } from './events.ts';
export type { CompletionHook, ConsumedLot, LotLedger, OperationPerformance, OrderPerformance, ProducedLot } from './contracts.ts';
export { orderPerformanceSchema } from './contracts.ts';
export { fromBody } from './intake.ts';
export { GATED_ACTIONS, type BlockingCheck, type ChecksGate, type CurrentWork } from './checks-gate.ts';
export type { RepairGate } from './repair-gate.ts';
export { scrapReasons, type ScrapReason, type ScrapReasonCatalogue } from './scrap-reasons.ts';
export { orderBook, type OrderBook, type OrderSummary, type PlannableOperation, type PlannableOrder, type PlannedSlot } from './order-book.ts';
export { reworkOperations, type AddedRework, type ReworkOperations, type ReworkRequest } from './rework.ts';
export { checkWhole, COUNTABLE_UNITS, isCountable, wholeProblem } from './units.ts';
export { yieldFigures, type YieldFigures } from './yield-figures.ts';
