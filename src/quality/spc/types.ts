// The SPC engine's shared vocabulary: chart types, the data they take (measurements, counts), frozen limits, plotted
// points and violations, the input error, and the small checks and statistics both chart families use
// (variables.ts, attributes.ts); charts.ts computes and evaluates a chart over them. Pure: no clock, no I/O.
import type { RuleSet } from './rules.ts';

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

export function checkChart(chart: unknown): asserts chart is ChartType {
  if (!(VARIABLES_CHARTS as readonly unknown[]).includes(chart) && !(ATTRIBUTES_CHARTS as readonly unknown[]).includes(chart))
    throw new SpcInputError(`unknown chart ${JSON.stringify(chart)}: use one of ${[...VARIABLES_CHARTS, ...ATTRIBUTES_CHARTS].join(', ')}`);
}

export function checkNumber(v: unknown, what: string, at: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpcInputError(`${what} of point ${at} is not a finite number`);
  if (Math.abs(v) > MAX_MAGNITUDE) throw new SpcInputError(`${what} of point ${at} is beyond ±${MAX_MAGNITUDE}`);
  return v;
}

export function checkTs(ts: unknown, at: number): string {
  if (typeof ts !== 'string' || ts === '') throw new SpcInputError(`point ${at} has no timestamp`);
  return ts;
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

/** A window plotted against limits, before the run rules: what each chart family hands back to evaluateChart. */
export interface Evaluated {
  points: PlottedPoint[];
  sigma: number[];
  secondary: ChartResult['secondary'];
  pending: number;
}
