// Control charts: limits computed once from a baseline and frozen, then any window of data evaluated against them.
// Formulas: Montgomery, "Introduction to Statistical Quality Control", ch. 6 (variables) and 7 (attributes); NIST/
// SEMATECH e-Handbook of Statistical Methods §6.3.2. Pure: no clock, no I/O; data arrive in time order. The chart
// families live in variables.ts and attributes.ts, their shared types in types.ts; this file checks limits, dispatches
// to a family, applies the run rules and is the engine's one entry (it re-exports what callers use).
import { attributeLine, attributesLimits, evaluateAttributes } from './attributes.ts';
import { MAX_RANGE_SUBGROUP, MIN_SUBGROUP, MR_SPAN_FACTORS, rangeFactors, sdFactors } from './constants.ts';
import { DEFAULT_RULES, checkSelection, findViolations, type RuleSelection, type Series } from './rules.ts';
import {
  type AttributesChart,
  type AttributesSpec,
  type ChartResult,
  type ChartSpec,
  type ChartType,
  checkChart,
  type ControlLimits,
  type Count,
  isVariables,
  MAX_MAGNITUDE,
  type Measurement,
  type PlottedPoint,
  SpcInputError,
  type VariablesSpec,
  type Violation,
} from './types.ts';
import { d2Or, evaluateVariables, variablesLimits } from './variables.ts';

export {
  ATTRIBUTES_CHARTS,
  isVariables,
  MAX_MAGNITUDE,
  mean,
  sampleSd,
  SpcInputError,
  VARIABLES_CHARTS,
  type AttributesChart,
  type AttributesSpec,
  type ChartResult,
  type ChartSpec,
  type ChartType,
  type ControlLimits,
  type Count,
  type Measurement,
  type PlottedPoint,
  type SecondaryPoint,
  type VariablesChart,
  type VariablesSpec,
  type Violation,
} from './types.ts';
export { withinSigma } from './variables.ts';

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
  if (
    Math.abs(limits.center) > MAX_MAGNITUDE ||
    (limits.sigma !== null && limits.sigma > MAX_MAGNITUDE) ||
    (limits.spreadBar !== null && limits.spreadBar > MAX_MAGNITUDE)
  )
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
