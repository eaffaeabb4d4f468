// Drift and shift detectors on a process tag's values (docs/maintenance.md, "Predictive maintenance"). Pure
// functions on evenly spaced points (bucket means of the collected values, see buckets()): EWMA with its exact
// time-varying limits and the tabular CUSUM (Montgomery, Introduction to Statistical Quality Control, ch. 9), plus a
// fixed-limit alarm for comparison. Each returns, point by point, whether the tag is in an alarm episode: an episode
// starts when the statistic signals and ends only when it is back to normal (hysteresis), so a statistic hovering at
// its limit is one episode, not many.

export interface Baseline {
  mean: number;
  sd: number;
}

export interface Point {
  /** epoch ms (the bucket's start) */
  ts: number;
  value: number;
}

export interface DetectorResult {
  /** the statistic per point (EWMA z, CUSUM max(C+, C−) in σ, or the value itself for the fixed limit) */
  stat: number[];
  /** per point: in an alarm episode */
  alarm: boolean[];
  /** indexes where an episode starts */
  onsets: number[];
}

/** Mean and sample standard deviation (n − 1) of the values; sd is never below a tiny floor so limits stay finite. */
export function baseline(values: readonly number[]): Baseline {
  const n = values.length;
  if (n === 0) throw new Error('baseline of no values');
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const ss = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return { mean, sd: Math.max(sd, 1e-9 * (1 + Math.abs(mean))) };
}

/** Means of the values per bucket of `bucketMs` (buckets without values are left out), in time order. */
export function buckets(values: readonly Point[], bucketMs: number): Point[] {
  const acc = new Map<number, { s: number; n: number }>();
  for (const v of values) {
    if (!Number.isFinite(v.value)) continue;
    const b = Math.floor(v.ts / bucketMs) * bucketMs;
    const a = acc.get(b);
    if (a) {
      a.s += v.value;
      a.n++;
    } else acc.set(b, { s: v.value, n: 1 });
  }
  return [...acc.entries()].sort((a, b) => a[0] - b[0]).map(([ts, a]) => ({ ts, value: a.s / a.n }));
}

/** Alarm episodes from a signal and a back-to-normal test per point (on at a signal, off once normal). */
export function episodes(signal: (i: number) => boolean, normal: (i: number) => boolean, n: number, stat: number[]): DetectorResult {
  const alarm: boolean[] = [];
  const onsets: number[] = [];
  let on = false;
  for (let i = 0; i < n; i++) {
    if (!on && signal(i)) {
      on = true;
      onsets.push(i);
    } else if (on && normal(i)) on = false;
    alarm.push(on);
  }
  return { stat, alarm, onsets };
}

export interface EwmaParams {
  /** weight of the newest point, 0 < λ ≤ 1 (typical 0.1–0.3) */
  lambda: number;
  /** width of the limits in σ of the EWMA (typical 3) */
  L: number;
}

/**
 * EWMA z_i = λ x_i + (1 − λ) z_{i−1}, z_0 = μ; limits μ ± L σ √(λ/(2−λ) · (1 − (1−λ)^{2i})). The episode ends when z is
 * back within half the limits' distance from μ.
 */
export function ewma(values: readonly number[], base: Baseline, p: EwmaParams): DetectorResult & { width: number[] } {
  const z: number[] = [];
  const width: number[] = [];
  let prev = base.mean;
  for (let i = 0; i < values.length; i++) {
    prev = p.lambda * values[i] + (1 - p.lambda) * prev;
    z.push(prev);
    width.push(p.L * base.sd * Math.sqrt((p.lambda / (2 - p.lambda)) * (1 - (1 - p.lambda) ** (2 * (i + 1)))));
  }
  const dev = (i: number) => Math.abs(z[i] - base.mean);
  return {
    ...episodes(
      (i) => dev(i) > width[i],
      (i) => dev(i) <= width[i] / 2,
      values.length,
      z,
    ),
    width,
  };
}

export interface CusumParams {
  /** allowance in σ (typical 0.5: tuned to a shift of 1 σ) */
  k: number;
  /** decision interval in σ (typical 4–5) */
  h: number;
}

/**
 * Tabular CUSUM: C+_i = max(0, x_i − (μ + kσ) + C+_{i−1}), C−_i = max(0, (μ − kσ) − x_i + C−_{i−1}); signals when either
 * exceeds hσ. The statistic reported is max(C+, C−)/σ; the episode ends when the sum that signalled is back to 0.
 */
export function cusum(values: readonly number[], base: Baseline, p: CusumParams): DetectorResult & { hi: number[]; lo: number[] } {
  const hi: number[] = [];
  const lo: number[] = [];
  let cp = 0;
  let cm = 0;
  for (const x of values) {
    cp = Math.max(0, x - (base.mean + p.k * base.sd) + cp);
    cm = Math.max(0, base.mean - p.k * base.sd - x + cm);
    hi.push(cp);
    lo.push(cm);
  }
  const stat = hi.map((c, i) => Math.max(c, lo[i]) / base.sd);
  // the episode ends when the sum that signalled is back to 0
  let side = hi;
  const signal = (i: number) => {
    if (stat[i] <= p.h) return false;
    side = hi[i] >= lo[i] ? hi : lo;
    return true;
  };
  return { ...episodes(signal, (i) => side[i] === 0, values.length, stat), hi, lo };
}

/** The fixed-limit alarm: on while a value is outside [min, max], off when it is back inside. */
export function fixedLimit(values: readonly number[], limits: { min?: number; max?: number }): DetectorResult {
  const out = (i: number) => (limits.max !== undefined && values[i] > limits.max) || (limits.min !== undefined && values[i] < limits.min);
  return episodes(out, (i) => !out(i), values.length, [...values]);
}
