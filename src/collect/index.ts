// The collect module's face.
export { CollectService } from './collect.service.ts';
export { collectRoutes } from './collect.routes.ts';
export { LiveView, type LiveEvent } from './live.ts';
export type { CollectPipeline } from './pipeline.ts';
export type { CollectMetrics, EquipmentTag, MachineTile, QuarantineRecord, StateInterval, TagPoint } from './schemas.ts';
export type { RewriteListener, RewrittenRange } from './flush.ts';
export { payloadText, type DecodeResult, type Observation, type ObservationSink, type Rejection, type SourceRef, type SourceStatus, type TagValue } from './types.ts';
export type { EquipmentRegistry, RegisteredEquipment } from './registry.ts';
export { COMMAND_CONFIRM_STATES, confirmsCommand, PACKML_STATES, parsePackmlState, type Bucket, type PackmlState } from './states.ts';
export { alarmCode, createCollectHistory, operationContextAt, operationKey, type AlarmValueAt, type CollectHistory, type HistoryCount, type HistorySpan } from './history.ts';
export type { CollectEvents, StoredValue } from './events.ts';
