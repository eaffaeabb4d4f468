// Control charts: limits computed once from a baseline and frozen, then any window of data evaluated against them.
// Formulas: Montgomery, "Introduction to Statistical Quality Control", ch. 6 (variables) and 7 (attributes); NIST/
// SEMATECH e-Handbook of Statistical Methods §6.3.2. Pure: no clock, no I/O; data arrive in time order.
import { c4, MAX_RANGE_SUBGROUP, MIN_SUBGROUP, MR_SPAN_FACTORS, rangeFactors, sdFactors } from './constants.ts';
import { DEFAULT_RULES, checkSelection, findViolations, type RuleSelection, type RuleSet, type Series } from './rules.ts';

export type VariablesChart = 'xbar-r' | 'xbar-s' | 'i-mr';
export type AttributesChart = 'p' | 'np' | 'c' | 'u';
export type ChartType = VariablesChart | AttributesChart;

export const VARIABLES_CHARTS: readonly VariablesChart[] = ['xbar-r', 'xbar-s', 'i-mr'];
export const ATTRIBUTES_CHARTS: readonly AttributesChart[] = ['p', 'np', 'c', 'u'];

/** One measured value; values sharing a `subgroup` id form one subgroup of an X̄ chart. */
export interface Measurement {
  ts: string;
  value: number;
  subgroup?: string | number;
}

/** One inspected sample: `defectives` (units that failed, p and np) or `defects` (nonconformities, c and u) in `n` units. */
export interface Count {
  ts: string;
  defectives?: number;
  defects?: number;
  n?: number;
}

/** How a variables chart groups its values: by the points' `subgroup` ids, else in consecutive runs of `subgroupSize`. */
export interface VariablesSpec {
  chart: VariablesChart;
  subgroupSize?: number;
}
export interface AttributesSpec {
  chart: AttributesChart;
}
export type ChartSpec = VariablesSpec | AttributesSpec;

/** Input the engine refuses, with a sentence a person can act on (the API answers it with 400). */
export class SpcInputError extends Error {
  override name = 'SpcInputError';
}

/**
 * Frozen limits: the parameters estimated from a baseline, from which the limits for a point of any sample size follow.
 * `center` is X̿, x̄, p̄, c̄ or ū; `sigma` is σ̂ within (R̄/d2, s̄/c4, MR̄/1.128) for variables, null for attributes
 * (their sigma follows from the centre and n). `spreadBar` (R̄, s̄ or MR̄) and `subgroupSize` are kept when the
 * baseline's subgroups were all of one size, so points of that size get exactly the textbook A2·R̄, B4·s̄, D4·MR̄.
 */
export interface ControlLimits {
  chart: ChartType;
  center: number;
  sigma: number | null;
  spreadBar: number | null;
  subgroupSize: number | null;
  baseline: { from: string; to: string; points: number; values: number };
}

/** The largest magnitude accepted for a value or count: sums and squares of such numbers stay finite and exact enough. */
export const MAX_MAGNITUDE = 1e12;

export interface PlottedPoint {
  index: number;
  ts: string;
  value: number;
  subgroup?: string | number;
  /** Values in the subgroup (1 for individuals), or units inspected. */
  n: number;
  centerLine: number;
  ucl: number;
  lcl: number;
}

export interface SecondaryPoint {
  index: number;
  ts: string;
  /** R, s or MR; null for the first point of an MR chart, which has no previous value. */
  value: number | null;
  centerLine: number;
  ucl: number;
  lcl: number;
}

export interface Violation {
  rule: number;
  ruleSet: RuleSet;
  /** 'secondary' only for rule 1 on the R, S or MR chart. */
  chart: 'primary' | 'secondary';
  index: number;
  ts: string;
  points: number[];
}

export interface ChartResult {
  chart: ChartType;
  /** One value when every point has the same limits (or there are no points and the baseline's size gives them), else null: see the points. */
  centerLine: number | null;
  ucl: number | null;
  lcl: number | null;
  points: PlottedPoint[];
  secondary: null | { chart: 'r' | 's' | 'mr'; centerLine: number | null; ucl: number | null; lcl: number | null; points: SecondaryPoint[] };
  violations: Violation[];
  /** Values after the last complete fixed-size subgroup, not yet plotted. */
  pending: number;
}

/** Whether a chart type is one of the variables charts (X̄–R, X̄–S, I–MR). */
export const isVariables = (chart: string): chart is VariablesChart => (VARIABLES_CHARTS as readonly string[]).includes(chart);

function checkChart(chart: unknown): asserts chart is ChartType {
  if (!(VARIABLES_CHARTS as readonly unknown[]).includes(chart) && !(ATTRIBUTES_CHARTS as readonly unknown[]).includes(chart))
    throw new SpcInputError(`unknown chart ${JSON.stringify(chart)}: use one of ${[...VARIABLES_CHARTS, ...ATTRIBUTES_CHARTS].join(', ')}`);
}

function checkNumber(v: unknown, what: string, at: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpcInputError(`${what} of point ${at} is not a finite number`);
  if (Math.abs(v) > MAX_MAGNITUDE) throw new SpcInputError(`${what} of point ${at} is beyond ±${MAX_MAGNITUDE}`);
  return v;
}

function checkTs(ts: unknown, at: number): string {
  if (typeof ts !== 'string' || ts === '') throw new SpcInputError(`point ${at} has no timestamp`);
  return ts;
}

// ---------------------------------------------------------------- variables

interface Subgroup {
  ts: string;
  id?: string | number;
  values: number[];
  mean: number;
  /** Range (X̄–R) or sample standard deviation (X̄–S). */
  spread: number;
}

export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation (n − 1), two-pass so that a large common offset does not eat the digits. */
export function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
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

const d2Or = (chart: VariablesChart, n: number) => (chart === 'xbar-r' ? rangeFactors(n).d2 : c4(n));

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

function variablesLimits(spec: VariablesSpec, points: readonly Measurement[]): ControlLimits {
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

interface Evaluated {
  points: PlottedPoint[];
  sigma: number[];
  secondary: ChartResult['secondary'];
  pending: number;
}

function evaluateVariables(spec: VariablesSpec, points: readonly Measurement[], limits: ControlLimits): Evaluated {
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

// ---------------------------------------------------------------- attributes

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

function attributesLimits(chart: AttributesChart, counts: readonly Count[]): ControlLimits {
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
function attributeLine(chart: AttributesChart, center: number, n: number): { cl: number; sigma: number } {
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

function evaluateAttributes(chart: AttributesChart, counts: readonly Count[], limits: ControlLimits): Evaluated {
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

// ---------------------------------------------------------------- public

function checkLimits(chart: ChartType, limits: ControlLimits): void {
  if (!limits || typeof limits !== 'object' || limits.chart !== chart) throw new SpcInputError(`the limits are for a ${limits?.chart} chart, not ${chart}`);
  if (!Number.isFinite(limits.center)) throw new SpcInputError('the limits have no finite centre line');
  if (isVariables(chart) && !(typeof limits.sigma === 'number' && Number.isFinite(limits.sigma) && limits.sigma >= 0))
    throw new SpcInputError('the limits of a variables chart need a finite sigma of at least 0');
  if ((chart === 'p' || chart === 'np') && !(limits.center >= 0 && limits.center <= 1)) throw new SpcInputError('p̄ must lie between 0 and 1');
  if ((chart === 'c' || chart === 'u') && !(limits.center >= 0)) throw new SpcInputError(`${chart === 'c' ? 'c̄' : 'ū'} must be at least 0`);
  // stored limits come back from the database or a person's edit: a size the constants do not cover is refused here,
  // not found out as a crash when the first point is plotted
  const n = limits.subgroupSize;
  const sizeOk =
    n === null ||
    (chart === 'i-mr'
      ? n === 1
      : chart === 'xbar-r'
        ? Number.isInteger(n) && n >= MIN_SUBGROUP && n <= MAX_RANGE_SUBGROUP
        : chart === 'xbar-s'
          ? Number.isInteger(n) && n >= MIN_SUBGROUP && n <= 1e6
          : typeof n === 'number' && n > 0 && n <= MAX_MAGNITUDE);
  if (!sizeOk) throw new SpcInputError(`the limits' subgroup size ${JSON.stringify(n)} does not fit a ${chart} chart`);
  if (limits.spreadBar !== null && !(typeof limits.spreadBar === 'number' && Number.isFinite(limits.spreadBar) && limits.spreadBar >= 0))
    throw new SpcInputError("the limits' average spread must be a finite number of at least 0, or null");
  if (Math.abs(limits.center) > MAX_MAGNITUDE || (limits.sigma !== null && limits.sigma > MAX_MAGNITUDE))
    throw new SpcInputError(`the limits are beyond ±${MAX_MAGNITUDE}`);
}

/** Estimates the chart's limits from a baseline window; store the result and pass it to evaluateChart from then on. */
export function computeLimits(spec: VariablesSpec, baseline: readonly Measurement[]): ControlLimits;
export function computeLimits(spec: AttributesSpec, baseline: readonly Count[]): ControlLimits;
export function computeLimits(spec: ChartSpec, baseline: readonly Measurement[] | readonly Count[]): ControlLimits;
export function computeLimits(spec: ChartSpec, baseline: readonly Measurement[] | readonly Count[]): ControlLimits {
  checkChart(spec?.chart);
  return isVariables(spec.chart)
    ? variablesLimits(spec as VariablesSpec, baseline as readonly Measurement[])
    : attributesLimits(spec.chart as AttributesChart, baseline as readonly Count[]);
}

const same = (xs: number[]): number | null => (xs.length && xs.every((x) => x === xs[0]) ? xs[0] : null);

/** Plots data against given (frozen) limits and applies the selected run rules. */
export function evaluateChart(spec: VariablesSpec, data: readonly Measurement[], limits: ControlLimits, rules?: RuleSelection): ChartResult;
export function evaluateChart(spec: AttributesSpec, data: readonly Count[], limits: ControlLimits, rules?: RuleSelection): ChartResult;
export function evaluateChart(spec: ChartSpec, data: readonly Measurement[] | readonly Count[], limits: ControlLimits, rules?: RuleSelection): ChartResult;
export function evaluateChart(
  spec: ChartSpec,
  data: readonly Measurement[] | readonly Count[],
  limits: ControlLimits,
  rules: RuleSelection = DEFAULT_RULES,
): ChartResult {
  checkChart(spec?.chart);
  if (limits && typeof limits === 'object')
    limits = { ...limits, sigma: limits.sigma ?? null, spreadBar: limits.spreadBar ?? null, subgroupSize: limits.subgroupSize ?? null };
  checkLimits(spec.chart, limits);
  const problem = checkSelection(rules);
  if (problem) throw new SpcInputError(problem);
  const ev = isVariables(spec.chart)
    ? evaluateVariables(spec as VariablesSpec, data as readonly Measurement[], limits)
    : evaluateAttributes(spec.chart as AttributesChart, data as readonly Count[], limits);
  const series: Series = {
    value: ev.points.map((p) => p.value),
    center: ev.points.map((p) => p.centerLine),
    ucl: ev.points.map((p) => p.ucl),
    lcl: ev.points.map((p) => p.lcl),
    sigma: ev.sigma,
  };
  const violations: Violation[] = findViolations(series, rules).map((h) => ({
    ...h,
    ruleSet: rules.ruleSet,
    chart: 'primary' as const,
    ts: ev.points[h.index].ts,
  }));
  if (ev.secondary && rules.rules.includes(1)) {
    for (const p of ev.secondary.points)
      if (p.value !== null && (p.value > p.ucl || p.value < p.lcl))
        violations.push({ rule: 1, ruleSet: rules.ruleSet, chart: 'secondary', index: p.index, ts: p.ts, points: [p.index] });
    violations.sort((a, b) => a.index - b.index || a.rule - b.rule || (a.chart === 'primary' ? -1 : 1));
  }
  const scalar = (pick: (p: PlottedPoint) => number, nominal: () => number | null) => (ev.points.length ? same(ev.points.map(pick)) : nominal());
  const nominal = nominalLimits(spec.chart, limits);
  const secondary = ev.secondary && {
    ...ev.secondary,
    centerLine: ev.secondary.points.length ? same(ev.secondary.points.map((p) => p.centerLine)) : (nominal?.secondary?.[0] ?? null),
    ucl: ev.secondary.points.length ? same(ev.secondary.points.map((p) => p.ucl)) : (nominal?.secondary?.[1] ?? null),
    lcl: ev.secondary.points.length ? same(ev.secondary.points.map((p) => p.lcl)) : (nominal?.secondary?.[2] ?? null),
  };
  return {
    chart: spec.chart,
    centerLine: scalar(
      (p) => p.centerLine,
      () => nominal?.primary[0] ?? null,
    ),
    ucl: scalar(
      (p) => p.ucl,
      () => nominal?.primary[1] ?? null,
    ),
    lcl: scalar(
      (p) => p.lcl,
      () => nominal?.primary[2] ?? null,
    ),
    points: ev.points,
    secondary,
    violations,
    pending: ev.pending,
  };
}

/** The limits at the baseline's own sample size, for an empty window: [centre, UCL, LCL] of each chart. */
function nominalLimits(chart: ChartType, limits: ControlLimits): { primary: number[]; secondary?: number[] } | null {
  const n = limits.subgroupSize;
  if (chart === 'c') {
    const s = Math.sqrt(limits.center);
    return { primary: [limits.center, limits.center + 3 * s, Math.max(0, limits.center - 3 * s)] };
  }
  if (n === null) return null;
  if (chart === 'p' || chart === 'np' || chart === 'u') {
    const { cl, sigma } = attributeLine(chart, limits.center, n);
    return { primary: [cl, cl + 3 * sigma, Math.max(0, cl - 3 * sigma)] };
  }
  const sigma = limits.sigma!;
  if (chart === 'i-mr') {
    const mrBar = limits.spreadBar ?? MR_SPAN_FACTORS.d2 * sigma;
    return {
      primary: [limits.center, limits.center + 3 * sigma, limits.center - 3 * sigma],
      secondary: [mrBar, MR_SPAN_FACTORS.D4 * mrBar, MR_SPAN_FACTORS.D3 * mrBar],
    };
  }
  const bar = limits.spreadBar ?? d2Or(chart as 'xbar-r' | 'xbar-s', n) * sigma;
  const [half, lo, hi] =
    chart === 'xbar-r'
      ? [rangeFactors(n).A2 * bar, rangeFactors(n).D3 * bar, rangeFactors(n).D4 * bar]
      : [sdFactors(n).A3 * bar, sdFactors(n).B3 * bar, sdFactors(n).B4 * bar];
  return { primary: [limits.center, limits.center + half, limits.center - half], secondary: [bar, hi, lo] };
}
