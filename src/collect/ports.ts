// What other modules get from collect: narrow ports, never the CollectService itself (issue #14 item 1). Each is a
// slice of something collect already keeps, so the factory hands out the real objects and nothing is copied.
import type { CollectService } from './collect.service.ts';
import type { Contextualizer } from './context.ts';
import type { CollectPipeline } from './pipeline.ts';
import type { EquipmentRegistry } from './registry.ts';

/** The machines as collect knows them now: one by id or path (404 when unknown), their current states, latest tag values. */
export type MachineView = Pick<CollectService, 'equipment' | 'machineStates' | 'tags' | 'liveness'>;

/** The registry, read only: which equipment exists, by id, path or Sparkplug id, and how Sparkplug metrics map to tags. */
export type EquipmentDirectory = Pick<EquipmentRegistry, 'all' | 'byEquipmentId' | 'byEquipmentPath' | 'bySparkplugId' | 'sparkplugMetricTag'>;

/** How execution tells collect which operation a machine's data belongs to, and that the answer changed. */
export type OrderContextPort = Pick<Contextualizer, 'setOrderContextProvider' | 'invalidate'>;

/** What was going on at a machine at an instant: its shift and the order, operation and lot in context (read only). */
export type ContextLookup = Pick<Contextualizer, 'at'>;

/** The HTTP ingest's door: a batch in, one outcome per observation back (the caller answers each row). */
export type IngestSink = Pick<CollectPipeline, 'submitWithOutcomes'>;
