// The live-data API's shapes (/api/live/*, tag values, state intervals, quarantine) are the server's own
// (src/collect/index.ts). Timestamps are ISO 8601 UTC, except in the stream's value and quarantine events (epoch ms).
import type { LiveEvent } from '../../../src/collect/index.ts';

export type {
  Bucket,
  EquipmentTag as TagInfo,
  MachineTile as LiveMachine,
  QuarantineRecord as QuarantineEntry,
  StateInterval,
  TagPoint,
} from '../../../src/collect/index.ts';

/** The `value` stream event (only for the equipment asked for with `?equipment=`). */
export type ValueEvent = Extract<LiveEvent, { type: 'value' }>['data'];
/** The `quarantine` stream event. */
export type QuarantineEvent = Extract<LiveEvent, { type: 'quarantine' }>['data'];
