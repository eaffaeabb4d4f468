// What corrective maintenance needs from the machines' data, in its own words (consumer-defined ports, bound in
// src/modules.ts to performance's stops and collect's state events): the stops of a machine and when its state changes.

/** One stop of a machine as performance lists it (GET /api/performance/stops): a maximal run of unplanned downtime. */
export interface StopFact {
  equipmentId: string;
  /** the machine's ISA-95 path */
  path: string;
  /** ISO 8601: when the stop began — a stop's id (`stopId`) */
  start: string;
  /** ISO 8601: when it ended, or now while it goes on */
  end: string;
  ongoing: boolean;
  durationS: number;
  /** the alarm active when the stop began, if the machine publishes one */
  alarmCode: string | null;
  /** the stop's reason (a person's classification, or its alarm code's mapping) */
  reason: string | null;
}

export interface StopLookup {
  /** The stops of one machine overlapping [fromMs, toMs), oldest first; none for equipment that is not a machine. */
  stopsOf(equipmentId: string, fromMs: number, toMs: number): Promise<StopFact[]>;
  /** Calls back whenever a machine's state changes; `down` when it is in unplanned downtime since `since` (epoch ms). */
  onStateChange(listener: (e: { equipmentId: string; down: boolean; since: number }) => void): () => void;
  /** The machines in unplanned downtime now, with when it began (epoch ms): checked when maintenance starts. */
  downNow(): Array<{ equipmentId: string; since: number }>;
}
