// Control-chart constants, as a table in the code: the product needs nothing outside its own repository at run time.
//
// Why a table and not formulas for the range factors: d2 and d3 (mean and standard deviation of the range of n
// standard normal values) have no closed form, and the published, rounded table values are what quality engineers,
// auditors and every other SPC package use — a chart that differs from the textbook in the third decimal is "wrong" to
// them. Values for n = 2..10 are those of the project's reference (standards.md §7); n = 11..25 complete the same table
// as printed in ASTM E2587 "Standard Practice for Use of Control Charts in Statistical Process Control" and in
// Montgomery, "Introduction to Statistical Quality Control", Appendix VI. The unit tests check each row against its
// defining relations (A2 = 3/(d2·√n), D4 = 1 + 3·d3/d2, D3 = max(0, 1 − 3·d3/d2)) and d2 against numerical integration,
// so a typo in a digit cannot hide.
//
// The standard-deviation factors (c4, A3, B3, B4) do have a closed form through the gamma function; they are computed,
// not tabled, so X̄–S works for any subgroup size, and tested against the published table.

export const MIN_SUBGROUP = 2;
/** The range table stops here: beyond 25 the range wastes too much information and X̄–S is the chart to use. */
export const MAX_RANGE_SUBGROUP = 25;

export interface RangeFactors {
  A2: number;
  D3: number;
  D4: number;
  d2: number;
  d3: number;
}

// n: [A2, D3, D4, d2, d3]
const RANGE_TABLE: Record<number, [number, number, number, number, number]> = {
  2: [1.88, 0, 3.267, 1.128, 0.853],
  3: [1.023, 0, 2.574, 1.693, 0.888],
  4: [0.729, 0, 2.282, 2.059, 0.88],
  5: [0.577, 0, 2.114, 2.326, 0.864],
  6: [0.483, 0, 2.004, 2.534, 0.848],
  7: [0.419, 0.076, 1.924, 2.704, 0.833],
  8: [0.373, 0.136, 1.864, 2.847, 0.82],
  9: [0.337, 0.184, 1.816, 2.97, 0.808],
  10: [0.308, 0.223, 1.777, 3.078, 0.797],
  11: [0.285, 0.256, 1.744, 3.173, 0.787],
  12: [0.266, 0.283, 1.717, 3.258, 0.778],
  13: [0.249, 0.307, 1.693, 3.336, 0.77],
  14: [0.235, 0.328, 1.672, 3.407, 0.763],
  15: [0.223, 0.347, 1.653, 3.472, 0.756],
  16: [0.212, 0.363, 1.637, 3.532, 0.75],
  17: [0.203, 0.378, 1.622, 3.588, 0.744],
  18: [0.194, 0.391, 1.608, 3.64, 0.739],
  19: [0.187, 0.403, 1.597, 3.689, 0.734],
  20: [0.18, 0.415, 1.585, 3.735, 0.729],
  21: [0.173, 0.425, 1.575, 3.778, 0.724],
  22: [0.167, 0.434, 1.566, 3.819, 0.72],
  23: [0.162, 0.443, 1.557, 3.858, 0.716],
  24: [0.157, 0.451, 1.548, 3.895, 0.712],
  25: [0.153, 0.459, 1.541, 3.931, 0.708],
};

export function rangeFactors(n: number): RangeFactors {
  const row = RANGE_TABLE[n];
  if (!row) throw new RangeError(`range factors exist for subgroup sizes ${MIN_SUBGROUP}..${MAX_RANGE_SUBGROUP}, not ${n}`);
  const [A2, D3, D4, d2, d3] = row;
  return { A2, D3, D4, d2, d3 };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits, plenty for c4. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** c4(n) = √(2/(n−1)) · Γ(n/2) / Γ((n−1)/2): E[s] = c4·σ for n normal values (Montgomery §6.3). */
export function c4(n: number): number {
  if (!Number.isInteger(n) || n < MIN_SUBGROUP) throw new RangeError(`c4 needs a subgroup size of at least ${MIN_SUBGROUP}, not ${n}`);
  return Math.sqrt(2 / (n - 1)) * Math.exp(lnGamma(n / 2) - lnGamma((n - 1) / 2));
}

export interface SdFactors {
  c4: number;
  A3: number;
  B3: number;
  B4: number;
}

/** A3 = 3/(c4·√n); B3, B4 = 1 ∓ 3·√(1 − c4²)/c4, B3 clamped at 0 (a standard deviation is never negative). */
export function sdFactors(n: number): SdFactors {
  const k = c4(n);
  const spread = (3 * Math.sqrt(1 - k * k)) / k;
  return { c4: k, A3: 3 / (k * Math.sqrt(n)), B3: Math.max(0, 1 - spread), B4: 1 + spread };
}

/** Moving ranges of two consecutive values behave like ranges of subgroups of 2. */
export const MR_SPAN_FACTORS = rangeFactors(2);
