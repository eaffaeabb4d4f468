// The in-line fast path's decision (docs/quality.md "Latency"), pure so it is tested over random inputs (early.test.ts):
// a value collect has just accepted (before its flush) stops the machine at once when the characteristic's plan stops
// the machine on the spec limits, the value is a finite number outside LSL/USL, and no episode is open (nor a stop
// already on its way) for that characteristic at that machine. Everything else waits for the stored evaluation.
import type { Characteristic } from '../model.ts';
import type { ReactionPlan } from '../reaction/reaction.repository.ts';
import { specViolation, type Fired } from '../reaction/trigger.ts';

export interface EarlyState {
  /** the closed loop's ports are there (machines can be stopped at all) */
  loop: boolean;
  /** an episode of this characteristic is open at this machine */
  episodeOpen: boolean;
  /** a stop sent on the fast path for this characteristic at this machine waits to become a reaction */
  stopPending: boolean;
}

/** What fires the early stop, or null when the value must wait for the stored evaluation (or fires nothing). */
export function earlyStop(
  plan: Pick<ReactionPlan, 'action' | 'onSpec'> | null | undefined,
  c: Pick<Characteristic, 'kind' | 'lsl' | 'usl'>,
  value: unknown,
  state: EarlyState,
): Fired | null {
  if (!state.loop || plan?.action !== 'stop' || !plan.onSpec || c.kind !== 'variable') return null;
  if (state.episodeOpen || state.stopPending) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return specViolation(value, c.lsl, c.usl);
}
