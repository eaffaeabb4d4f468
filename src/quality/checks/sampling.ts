// Sampling plans of characteristics and the one rule that says whether a check is due at a station (pure: no clock,
// no database). A plan says how often a characteristic is measured at the station that makes it: every N parts,
// every T minutes of production, the first piece after a setup, or once per material lot; how many values one check
// takes (sampleSize); and how far past due production may go before the station is blocked (the grace, in the plan's
// own unit: parts for 'parts' and 'first-piece', minutes for 'time' and 'lot'). docs/quality.md "Sampling and checks due".
import { z } from 'zod';

export const SAMPLING_KINDS = ['parts', 'time', 'first-piece', 'lot'] as const;
export type SamplingKind = (typeof SAMPLING_KINDS)[number];

/** The largest count, minutes or sample a plan takes: beyond these it is a typing error, not a plan. */
export const MAX_EVERY_PARTS = 1_000_000;
export const MAX_MINUTES = 7 * 24 * 60;
export const MAX_SAMPLE = 1000;

const sampleSize = z.number().int().min(1).max(MAX_SAMPLE);
const parts = (min: number) => z.number().int().min(min).max(MAX_EVERY_PARTS);
const minutes = (min: number) => z.number().int().min(min).max(MAX_MINUTES);

export const samplingPlanSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('parts'), everyParts: parts(1), sampleSize, graceParts: parts(0).default(0) }).strict(),
  z.object({ kind: z.literal('time'), everyMinutes: minutes(1), sampleSize, graceMinutes: minutes(0).default(0) }).strict(),
  z.object({ kind: z.literal('first-piece'), sampleSize, graceParts: parts(0).default(0) }).strict(),
  z.object({ kind: z.literal('lot'), sampleSize, graceMinutes: minutes(0).default(0) }).strict(),
]);
export type SamplingPlan = z.infer<typeof samplingPlanSchema>;

/** The operation running at a station now, as the checks need it (times in epoch ms). */
export interface RunAtStation {
  orderId: string;
  seq: number;
  phase: 'setup' | 'running' | 'paused';
  setupStartedAt: number;
  /** production start (after setup); null while still setting up */
  startedAt: number | null;
  /** parts the operation has made so far: good + scrap, machine and hand counts */
  parts: number;
  /** the material lot last booked against the operation, and when */
  lot: { id: string; since: number } | null;
}

/** The last check of a characteristic at the station: which operation, its part count then, the lot then, when. */
export interface CheckMark {
  orderId: string | null;
  seq: number | null;
  parts: number;
  lot: string | null;
  at: number;
}

export const DUE_REASONS = ['parts', 'time', 'first-piece', 'lot'] as const;
export type DueReason = (typeof DUE_REASONS)[number];

export interface Due {
  reason: DueReason;
  /** when the check fell due; null for a part count (a count, not a clock, made it due: see partsSince) */
  dueSince: number | null;
  /** parts made since the last check of this operation (all of its parts when it has none) */
  partsSince: number;
  /** past the point where it fell due (more parts than the plan's N, later than its instant) */
  overdue: boolean;
  /** past its grace: the station's production actions are refused until the check is entered */
  blocking: boolean;
}

/** Whether the mark was taken on this run of this operation (a mark of an earlier operation, or before its setup, is not). */
export function sameRun(run: RunAtStation, mark: CheckMark | null): mark is CheckMark {
  return mark !== null && mark.orderId === run.orderId && mark.seq === run.seq && mark.at >= run.setupStartedAt;
}

/**
 * Whether a check is due, with the one rule per kind (the property tests state them):
 * - parts: due iff partsSince ≥ everyParts; blocking iff partsSince ≥ everyParts + graceParts.
 * - time: production has started and now ≥ dueAt, dueAt = (the later of the run's last check and its production
 *   start) + everyMinutes; blocking iff now ≥ dueAt + graceMinutes.
 * - first-piece: due iff this run of the operation has no check yet (from its setup on); blocking iff
 *   partsSince ≥ graceParts (grace 0: no part is reported before the first piece is checked).
 * - lot: due iff a lot is booked against the operation and the last check was not of that lot; blocking iff
 *   now ≥ the lot's booking + graceMinutes.
 * No running operation at the station: nothing is due.
 */
export function dueCheck(plan: SamplingPlan, run: RunAtStation | null, mark: CheckMark | null, now: number): Due | null {
  if (!run) return null;
  const same = sameRun(run, mark);
  const partsSince = Math.max(0, same ? run.parts - mark.parts : run.parts);
  switch (plan.kind) {
    case 'parts': {
      if (partsSince < plan.everyParts) return null;
      return { reason: 'parts', dueSince: null, partsSince, overdue: partsSince > plan.everyParts, blocking: partsSince >= plan.everyParts + plan.graceParts };
    }
    case 'time': {
      if (run.startedAt === null) return null;
      const from = same ? Math.max(mark.at, run.startedAt) : run.startedAt;
      const dueAt = from + plan.everyMinutes * 60_000;
      if (now < dueAt) return null;
      return { reason: 'time', dueSince: dueAt, partsSince, overdue: now > dueAt, blocking: now >= dueAt + plan.graceMinutes * 60_000 };
    }
    case 'first-piece': {
      if (same) return null;
      return { reason: 'first-piece', dueSince: run.setupStartedAt, partsSince, overdue: partsSince > 1, blocking: partsSince >= plan.graceParts };
    }
    case 'lot': {
      if (!run.lot || (mark !== null && mark.lot === run.lot.id)) return null;
      const since = run.lot.since;
      return { reason: 'lot', dueSince: since, partsSince, overdue: now > since, blocking: now >= since + plan.graceMinutes * 60_000 };
    }
  }
}
