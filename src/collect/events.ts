// The events collect publishes on the platform's bus (house rule 5), typed with collect's own words: the effective
// machine state (PackML or Unknown) and its ISO 22400-2 time bucket. Merged into the platform's EventMap.
import type { Bucket, MachineState } from './states.ts';

export interface StoredValue {
  equipmentId: string;
  tag: string;
  ts: number;
  value: number | string | boolean;
}

export interface CollectEvents {
  /** Values just committed by the collect pipeline (late values excluded: they do not change the present). */
  'collect.stored': { values: StoredValue[] };
  /** A machine's effective state changed (PackML state, or Unknown when its source went offline). */
  'collect.state': { equipmentId: string; state: MachineState; bucket: Bucket; since: number; online: boolean };
  /** Parts counted from a machine counter; shiftStart identifies the shift they belong to. */
  'collect.counts': { equipmentId: string; ts: number; kind: 'good' | 'scrap'; delta: number; shiftStart: number | null };
  /** Late data made collect rebuild a machine's state intervals and counts over [from, to] (committed). */
  'collect.rewritten': { equipmentId: string; from: number; to: number };
  'collect.quarantined': { receivedAt: number; equipmentPath: string | null; reason: string; topic: string };
}

declare module '../platform/events.ts' {
  interface EventMap extends CollectEvents {}
}
