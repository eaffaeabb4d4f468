// The collect module's face.
export { CollectService, type QuarantineEntry, type StateInterval, type TagInfo, type TagPoint } from './collect.service.ts';
export { collectRoutes } from './collect.routes.ts';
export { LiveView, type LiveEvent, type MachineTile } from './live.ts';
export type { CollectPipeline, CollectMetrics } from './pipeline.ts';
export type { RewriteListener, RewrittenRange } from './flush.ts';
export { payloadText, type DecodeResult, type Observation, type ObservationSink, type Rejection, type SourceRef, type SourceStatus, type TagValue } from './types.ts';
export type { EquipmentRegistry, RegisteredEquipment } from './registry.ts';
export { COMMAND_CONFIRM_STATES, confirmsCommand, PACKML_STATES, parsePackmlState, type Bucket, type PackmlState } from './states.ts';
export { alarmCode, createCollectHistory, operationContextAt, operationKey, type AlarmValueAt, type CollectHistory, type HistoryCount, type HistorySpan } from './history.ts';
export type { CollectEvents, StoredValue } from './events.ts';
