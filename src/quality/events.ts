// The events quality publishes on the platform's bus (house rule 5), typed with quality's own words. Merged into the
// platform's EventMap. A reaction is what a characteristic's reaction plan (OCAP) did about one measurement; the
// nonconformance register opens an NCR from it, live pages refresh on it.

export const REACTION_ACTIONS = ['alarm', 'hold', 'stop'] as const;
export type ReactionAction = (typeof REACTION_ACTIONS)[number];

export interface QualityReaction {
  /** the reaction's own id (one per measurement that triggered the plan) */
  id: string;
  characteristic: string;
  characteristicName: string;
  /** the measurement that fired it; null when the value that fired it was not stored (see `unstored`) */
  measurementId: number | null;
  /** why the value that fired the reaction was not stored (an in-line value the stop was sent on before its flush) */
  unstored?: string | null;
  /** the measured value (variables) or the plotted statistic (attributes) */
  value: number | null;
  /** 'spec': outside LSL/USL; 'rule': an SPC run rule of the characteristic's rule set */
  trigger: 'spec' | 'rule';
  rule: number | null;
  /** what the plan did, in the order it did it */
  actions: ReactionAction[];
  /** holds placed by the reaction (ids of quality holds) */
  holds: string[];
  /** the machine command sent to stop the machine, when the plan stops it */
  commandId: string | null;
  equipment: string | null;
  orderId: string | null;
  operationSeq: number | null;
  lot: string | null;
  /** ISO 8601: when the measurement was taken */
  ts: string;
  /** a sentence a person reads: what was measured, which limit or rule, what was done */
  summary: string;
}

export interface QualityEvents {
  /** A reaction plan acted on a measurement (committed: the reaction and its holds are stored). */
  'quality.reaction': QualityReaction;
  /** A hold was released by a person with the quality role (committed). */
  'quality.released': { hold: string; kind: 'lot' | 'operation' | 'machine'; target: string; by: string; reason: string };
}

declare module '../platform/events.ts' {
  interface EventMap extends QualityEvents {}
}
