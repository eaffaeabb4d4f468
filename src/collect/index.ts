// The collect module's face: the factory, the ports other modules receive, and its public types.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { collectRoutes } from './collect.routes.ts';
import { CollectService } from './collect.service.ts';
import { createCollectHistory, type CollectHistory } from './history.ts';
import { LiveView } from './live.ts';
import type { ContextLookup, EquipmentDirectory, IngestSink, MachineView, OrderContextPort } from './ports.ts';
import type { ObservationSink } from './types.ts';
import type { RewriteListener } from './flush.ts';
import type { AcceptedValues } from './accepted.ts';

export { CollectService } from './collect.service.ts';
export { LiveView, type LiveEvent } from './live.ts';
export type { ContextLookup, EquipmentDirectory, IngestSink, MachineView, OrderContextPort } from './ports.ts';
export type { ContextRecord } from './context.ts';
export type { CollectPipeline } from './pipeline.ts';
export type { CollectMetrics, EquipmentTag, MachineTile, QuarantineRecord, StateInterval, TagPoint } from './schemas.ts';
export type { RewriteListener, RewrittenRange } from './flush.ts';
export {
  payloadText,
  type DecodeResult,
  type Observation,
  type ObservationSink,
  type Rejection,
  type SourceRef,
  type SourceStatus,
  type TagValue,
} from './types.ts';
export type { EquipmentRegistry, RegisteredEquipment } from './registry.ts';
export { COMMAND_CONFIRM_STATES, confirmsCommand, PACKML_STATES, parsePackmlState, type Bucket, type PackmlState } from './states.ts';
export {
  alarmCode,
  createCollectHistory,
  operationContextAt,
  operationKey,
  type AlarmValueAt,
  type CollectHistory,
  type HistoryCount,
  type HistorySpan,
} from './history.ts';
export type { CollectEvents, StoredValue } from './events.ts';
export type { AcceptedFate, AcceptedListener, AcceptedValues } from './accepted.ts';
// machine usage for usage-based maintenance plans (bound to maintenance's PlanUsage port in src/modules.ts)
export {
  conditionSince,
  counterUsage,
  machineUsage,
  runningHours,
  type ConditionFigure,
  type MachineUsage,
  type UsageFigure,
  type UsageWindow,
} from './usage.ts';

export interface CollectModule extends TaktModule {
  /** The service itself: for the composition root and tests only; modules get the ports below. */
  collect: CollectService;
  live: LiveView;
  /** Where connectors deliver what machines send. */
  sink: ObservationSink;
  ingest: IngestSink;
  directory: EquipmentDirectory;
  machines: MachineView;
  orderContext: OrderContextPort;
  /** Reads the context of a machine's data at an instant (quality's in-line measurements). */
  contexts: ContextLookup;
  /** How performance and execution read machine history: one definition of a good count. */
  history: CollectHistory;
  /** Tells a listener, inside collect's own transactions, which stretches of history were written or rewritten. */
  onRewritten(listener: RewriteListener): () => void;
  /** Reads the registry and calendars again (a master-data change). */
  reload(): Promise<void>;
  /** Each value as collect accepts it into its buffer, before the flush, and then its fate (accepted.ts). */
  onAccepted: AcceptedValues['onAccepted'];
}

/** `plant` is the plant module's equipment lookup: the registry and the calendars are loaded through it. */
export async function createCollectModule(ctx: AppContext, deps: { plant: EquipmentLookup }): Promise<CollectModule> {
  const collect = new CollectService(ctx, deps.plant);
  await collect.start();
  const live = new LiveView(collect, ctx.events, ctx.database);
  await live.start();
  ctx.health.set('collect', () => collect.pipeline.health());
  return {
    name: 'collect',
    collect,
    live,
    sink: collect.pipeline,
    ingest: collect.pipeline,
    directory: collect.registry,
    machines: collect,
    orderContext: collect.contexts,
    contexts: collect.contexts,
    history: createCollectHistory(),
    onRewritten: (listener) => collect.onRewritten(listener),
    reload: () => collect.reload(),
    onAccepted: (listener) => collect.pipeline.accepted.onAccepted(listener),
    routes: collectRoutes(collect, live),
    closing: () => live.stop(),
    async stop() {
      await collect.stop();
    },
  };
}
