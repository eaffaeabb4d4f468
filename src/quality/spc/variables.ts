// Variables charts (X̄–R, X̄–S, I–MR): subgroups, σ̂ within, limits from a baseline, and a window plotted against
// frozen limits. Montgomery, "Introduction to Statistical Quality Control", ch. 6; NIST/SEMATECH §6.3.2.
import { c4, MAX_RANGE_SUBGROUP, MIN_SUBGROUP, MR_SPAN_FACTORS, rangeFactors, sdFactors } from './constants.ts';
import {
  checkNumber,
  checkTs,
  type ControlLimits,
  type Evaluated,
  type Measurement,
  mean,
  sampleSd,
  SpcInputError,
  type VariablesChart,
  type VariablesSpec,
} from './types.ts';

interface Subgroup {
  ts: string;
  id?: string | number;
  values: number[];
  mean: number;
  /** Range (X̄–R) or sample standard deviation (X̄–S). */
  spread: number;
}

function checkMeasurements(points: readonly Measurement[]): void {
  if (!Array.isArray(points)) throw new SpcInputError('points must be a list');
  points.forEach((p, i) => {
    checkTs(p?.ts, i);
    checkNumber(p.value, 'value', i);
    if (p.subgroup !== undefined && typeof p.subgroup !== 'string' && typeof p.subgroup !== 'number')
      throw new SpcInputError(`subgroup of point ${i} must be a string or a number`);
  });
}

/** Groups by subgroup id (in order of first appearance) when the points carry ids, else in consecutive runs of `size`. */
function subgroupsOf(spec: VariablesSpec, points: readonly Measurement[]): { groups: Subgroup[]; pending: number } {
  const withId = points.filter((p) => p.subgroup !== undefined).length;
  if (withId > 0 && withId < points.length) throw new SpcInputError('either every point names its subgroup or none does');
  const raw: { ts: string; id?: string | number; values: number[] }[] = [];
  let pending = 0;
  if (withId > 0) {
    const byId = new Map<string | number, { ts: string; id?: string | number; values: number[] }>();
    for (const p of points) {
      let g = byId.get(p.subgroup!);
      if (!g) byId.set(p.subgroup!, (g = { ts: p.ts, id: p.subgroup, values: [] }));
      g.values.push(p.value);
      g.ts = p.ts;
    }
    raw.push(...byId.values());
  } else {
    const size = spec.subgroupSize;
    if (size === undefined) throw new SpcInputError(`${spec.chart} needs subgroups: give each point a subgroup id or set subgroupSize`);
    if (!Number.isInteger(size) || size < MIN_SUBGROUP) throw new SpcInputError(`subgroupSize must be a whole number of at least ${MIN_SUBGROUP}`);
    const whole = points.length - (points.length % size);
    pending = points.length - whole;
    for (let i = 0; i < whole; i += size) raw.push({ ts: points[i + size - 1].ts, values: points.slice(i, i + size).map((p) => p.value) });
  }
  const groups = raw.map((g) => {
    const n = g.values.length;
    if (n < MIN_SUBGROUP)
      throw new SpcInputError(
        `subgroup ${JSON.stringify(g.id)} has ${n} value; ${spec.chart} needs at least ${MIN_SUBGROUP} per subgroup (use i-mr for individuals)`,
      );
    if (spec.chart === 'xbar-r' && n > MAX_RANGE_SUBGROUP)
      throw new SpcInputError(`subgroup ${JSON.stringify(g.id)} has ${n} values; xbar-r takes at most ${MAX_RANGE_SUBGROUP} per subgroup (use xbar-s)`);
    const spread = spec.chart === 'xbar-r' ? Math.max(...g.values) - Math.min(...g.values) : sampleSd(g.values);
    return { ts: g.ts, id: g.id, values: g.values, mean: mean(g.values), spread };
  });
  return { groups, pending };
}

export const d2Or = (chart: VariablesChart, n: number) => (chart === 'xbar-r' ? rangeFactors(n).d2 : c4(n));

/** σ̂ within of a set of subgroups: the mean of R/d2(n) (or s/c4(n)), which is R̄/d2 (s̄/c4) when all n are equal. */
function withinFromSubgroups(chart: 'xbar-r' | 'xbar-s', groups: Subgroup[]): number {
  return mean(groups.map((g) => g.spread / d2Or(chart, g.values.length)));
}

function movingRanges(values: readonly number[]): number[] {
  return values.slice(1).map((v, i) => Math.abs(v - values[i]));
}

/**
 * σ_within of a window as the capability indices want it: R̄/d2 (X̄–R), s̄/c4 (X̄–S), MR̄/1.128 (I–MR); null when the
 * window has no subgroup or fewer than two individuals.
 */
export function withinSigma(spec: VariablesSpec, points: readonly Measurement[]): number | null {
  checkMeasurements(points);
  if (spec.chart === 'i-mr') {
    if (points.length < 2) return null;
    return mean(movingRanges(points.map((p) => p.value))) / MR_SPAN_FACTORS.d2;
  }
  const { groups } = subgroupsOf(spec, points);
  return groups.length ? withinFromSubgroups(spec.chart, groups) : null;
}

export function variablesLimits(spec: VariablesSpec, points: readonly Measurement[]): ControlLimits {
  checkMeasurements(points);
  if (spec.chart === 'i-mr') {
    if (points.length < 2) throw new SpcInputError('an i-mr baseline needs at least 2 values (one moving range)');
    const values = points.map((p) => p.value);
    const mrBar = mean(movingRanges(values));
    const baseline = { from: points[0].ts, to: points[points.length - 1].ts, points: points.length, values: points.length };
    return { chart: 'i-mr', center: mean(values), sigma: mrBar / MR_SPAN_FACTORS.d2, spreadBar: mrBar, subgroupSize: 1, baseline };
  }
  const { groups } = subgroupsOf(spec, points);
  if (groups.length === 0) throw new SpcInputError(`the ${spec.chart} baseline has no complete subgroup`);
  const sizes = new Set(groups.map((g) => g.values.length));
  const n = sizes.size === 1 ? groups[0].values.length : null;
  const values = groups.flatMap((g) => g.values);
  return {
    chart: spec.chart,
    // X̿ = Σx/N, the mean of the subgroup means weighted by their sizes (equal to the plain mean of means for equal n)
    center: n ? mean(groups.map((g) => g.mean)) : mean(values),
    sigma: withinFromSubgroups(spec.chart, groups),
    spreadBar: n ? mean(groups.map((g) => g.spread)) : null,
    subgroupSize: n,
    baseline: { from: groups[0].ts, to: groups[groups.length - 1].ts, points: groups.length, values: values.length },
  };
}

export function evaluateVariables(spec: VariablesSpec, points: readonly Measurement[], limits: ControlLimits): Evaluated {
  checkMeasurements(points);
  const center = limits.center;
  const sigma = limits.sigma!;
  if (spec.chart === 'i-mr') {
    const mrBar = limits.spreadBar ?? MR_SPAN_FACTORS.d2 * sigma;
    const values = points.map((p) => p.value);
    const mr = movingRanges(values);
    return {
      points: points.map((p, index) => ({
        index,
        ts: p.ts,
        value: p.value,
        ...(p.subgroup !== undefined ? { subgroup: p.subgroup } : {}),
        n: 1,
        centerLine: center,
        ucl: center + 3 * sigma,
        lcl: center - 3 * sigma,
      })),
      sigma: points.map(() => sigma),
      secondary: {
        chart: 'mr',
        centerLine: mrBar,
        ucl: MR_SPAN_FACTORS.D4 * mrBar,
        lcl: MR_SPAN_FACTORS.D3 * mrBar,
        points: points.map((p, index) => ({
          index,
          ts: p.ts,
          value: index === 0 ? null : mr[index - 1],
          centerLine: mrBar,
          ucl: MR_SPAN_FACTORS.D4 * mrBar,
          lcl: MR_SPAN_FACTORS.D3 * mrBar,
        })),
      },
      pending: 0,
    };
  }
  const { groups, pending } = subgroupsOf(spec, points);
  const out: Evaluated = {
    points: [],
    sigma: [],
    secondary: { chart: spec.chart === 'xbar-r' ? 'r' : 's', centerLine: null, ucl: null, lcl: null, points: [] },
    pending,
  };
  groups.forEach((g, index) => {
    const n = g.values.length;
    const bar = n === limits.subgroupSize && limits.spreadBar !== null ? limits.spreadBar : d2Or(spec.chart as 'xbar-r' | 'xbar-s', n) * sigma;
    let half: number, lo: number, hi: number;
    if (spec.chart === 'xbar-r') {
      const f = rangeFactors(n);
      [half, lo, hi] = [f.A2 * bar, f.D3 * bar, f.D4 * bar];
    } else {
      const f = sdFactors(n);
      [half, lo, hi] = [f.A3 * bar, f.B3 * bar, f.B4 * bar];
    }
    out.points.push({
      index,
      ts: g.ts,
      value: g.mean,
      ...(g.id !== undefined ? { subgroup: g.id } : {}),
      n,
      centerLine: center,
      ucl: center + half,
      lcl: center - half,
    });
    out.sigma.push(half / 3);
    out.secondary!.points.push({ index, ts: g.ts, value: g.spread, centerLine: bar, ucl: hi, lcl: lo });
  });
  return out;
}
