// Attributes charts (p, np, c, u): samples of counts, the centre from a baseline, and a window plotted against frozen
// limits. Montgomery, "Introduction to Statistical Quality Control", ch. 7.
import { type AttributesChart, checkNumber, checkTs, type ControlLimits, type Count, type Evaluated, SpcInputError } from './types.ts';

interface Sample {
  ts: string;
  count: number;
  n: number;
}

function samplesOf(chart: AttributesChart, counts: readonly Count[]): Sample[] {
  if (!Array.isArray(counts)) throw new SpcInputError('counts must be a list');
  const field = chart === 'p' || chart === 'np' ? 'defectives' : 'defects';
  return counts.map((c, i) => {
    const ts = checkTs(c?.ts, i);
    const count = checkNumber(c[field], field, i);
    if (count < 0 || !Number.isInteger(count)) throw new SpcInputError(`${field} of point ${i} must be a whole number of at least 0`);
    if (chart === 'c' && c.n === undefined) return { ts, count, n: 1 };
    const n = checkNumber(c.n, 'n', i);
    if (!(n > 0)) throw new SpcInputError(`n of point ${i} must be greater than 0`);
    if (field === 'defectives') {
      if (!Number.isInteger(n)) throw new SpcInputError(`n of point ${i} must be a whole number of units`);
      if (count > n) throw new SpcInputError(`point ${i} has ${count} defectives in ${n} units`);
    }
    return { ts, count, n };
  });
}

export function attributesLimits(chart: AttributesChart, counts: readonly Count[]): ControlLimits {
  const samples = samplesOf(chart, counts);
  if (samples.length === 0) throw new SpcInputError(`the ${chart} baseline has no samples`);
  const total = samples.reduce((s, x) => s + x.count, 0);
  const units = samples.reduce((s, x) => s + x.n, 0);
  const sizes = new Set(samples.map((s) => s.n));
  return {
    chart,
    // p̄ = Σd/Σn and ū = Σc/Σn weight each sample by its size; c̄ is the plain mean count per inspection unit
    center: chart === 'c' ? total / samples.length : total / units,
    sigma: null,
    spreadBar: null,
    subgroupSize: sizes.size === 1 ? samples[0].n : null,
    baseline: { from: samples[0].ts, to: samples[samples.length - 1].ts, points: samples.length, values: samples.length },
  };
}

/** Centre line and sigma of the plotted statistic for a sample of `n` units. */
export function attributeLine(chart: AttributesChart, center: number, n: number): { cl: number; sigma: number } {
  switch (chart) {
    case 'p':
      return { cl: center, sigma: Math.sqrt((center * (1 - center)) / n) };
    case 'np':
      return { cl: n * center, sigma: Math.sqrt(n * center * (1 - center)) };
    case 'c':
      return { cl: center, sigma: Math.sqrt(center) };
    case 'u':
      return { cl: center, sigma: Math.sqrt(center / n) };
  }
}

export function evaluateAttributes(chart: AttributesChart, counts: readonly Count[], limits: ControlLimits): Evaluated {
  const samples = samplesOf(chart, counts);
  const out: Evaluated = { points: [], sigma: [], secondary: null, pending: 0 };
  samples.forEach((s, index) => {
    const { cl, sigma } = attributeLine(chart, limits.center, s.n);
    const value = chart === 'p' || chart === 'u' ? s.count / s.n : s.count;
    // a count or a proportion cannot go below zero, so a negative lower limit is no limit (Montgomery §7.2)
    out.points.push({ index, ts: s.ts, value, n: s.n, centerLine: cl, ucl: cl + 3 * sigma, lcl: Math.max(0, cl - 3 * sigma) });
    out.sigma.push(sigma);
  });
  return out;
}
