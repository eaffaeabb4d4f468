// Retry schedule of the outbox: exponential backoff with a cap and "full jitter" (a random delay between half and
// all of the exponential step), so receivers coming back after an outage are not hit by every sender at once.

export interface BackoffPolicy {
  /** delay after the first failed attempt, ms */
  baseMs: number;
  /** no delay is longer than this, ms */
  capMs: number;
  /** fraction of the step that is random: 0 = exact, 0.5 = between half and all of it */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 30 * 60_000, jitter: 0.5 };

/** Delay before attempt `attempts + 1`, after `attempts` (≥ 1) failed ones: base · 2^(attempts−1), capped, jittered. */
export function backoffDelay(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = policy.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const step = Math.min(policy.capMs, exp);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.round(step * (1 - jitter * random()));
}
