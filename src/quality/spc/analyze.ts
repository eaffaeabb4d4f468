// One call for a characteristic's SPC view of a time window: the chart against its frozen limits (or limits the window
// itself gives, when none are frozen yet), the run-rule violations, and for variables the capability and histogram of
// the same values. `contractView` is the body of GET /api/quality/characteristics/{id}/spc, so the route only fetches.
import { capability, histogram, type Capability, type Histogram, type SpecLimits, type WithinMethod } from './capability.ts';
import {
  computeLimits,
  evaluateChart,
  SpcInputError,
  VARIABLES_CHARTS,
  withinSigma,
  type AttributesSpec,
  type ChartResult,
  type ChartSpec,
  type ControlLimits,
  type Count,
  type Measurement,
  type VariablesChart,
  type VariablesSpec,
} from './charts.ts';
import { DEFAULT_RULES, type RuleSelection } from './rules.ts';

export interface SpcOptions {
  /** Frozen limits; without them the limits are computed from the window's own data. */
  limits?: ControlLimits | null;
  rules?: RuleSelection;
  spec?: SpecLimits;
  bins?: number;
}

export interface SpcReport extends ChartResult {
  limits: ControlLimits;
  limitsFrom: 'frozen' | 'window';
  /** Variables charts only. */
  capability: Capability | null;
  histogram: Histogram | null;
  /** The window's values as given (variables) or counts (attributes), for the contract's `points`. */
  input: readonly Measurement[] | readonly Count[];
}

const WITHIN: Record<VariablesChart, WithinMethod> = { 'xbar-r': 'R̄/d2', 'xbar-s': 's̄/c4', 'i-mr': 'MR̄/1.128' };

export function analyze(spec: VariablesSpec, data: readonly Measurement[], options?: SpcOptions): SpcReport;
export function analyze(spec: AttributesSpec, data: readonly Count[], options?: SpcOptions): SpcReport;
export function analyze(spec: ChartSpec, data: readonly Measurement[] | readonly Count[], options?: SpcOptions): SpcReport;
export function analyze(spec: ChartSpec, data: readonly Measurement[] | readonly Count[], options: SpcOptions = {}): SpcReport {
  const limits = options.limits ?? computeLimits(spec, data);
  const chart = evaluateChart(spec, data, limits, options.rules ?? DEFAULT_RULES);
  let cap: Capability | null = null;
  let hist: Histogram | null = null;
  if ((VARIABLES_CHARTS as readonly string[]).includes(spec.chart)) {
    const vspec = spec as VariablesSpec;
    const measurements = data as readonly Measurement[];
    // capability is of the values plotted: a trailing incomplete subgroup is not yet part of the chart
    const values = measurements.slice(0, measurements.length - chart.pending).map((m) => m.value);
    cap = capability(values, withinSigma(vspec, measurements), WITHIN[vspec.chart], options.spec ?? {});
    hist = histogram(values, options.spec ?? {}, options.bins);
  } else if (options.spec && (options.spec.lsl != null || options.spec.usl != null)) {
    throw new SpcInputError(`spec limits belong to variables characteristics, not to a ${spec.chart} chart`);
  }
  return { ...chart, limits, limitsFrom: options.limits ? 'frozen' : 'window', capability: cap, histogram: hist, input: data };
}

export interface SpcContract {
  chart: string;
  centerLine: number | null;
  ucl: number | null;
  lcl: number | null;
  points: { ts: string; value: number; subgroup?: string | number }[];
  violations: { ts: string; rule: number }[];
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

/**
 * The external contract's shape. `points` are the window's measurements as taken (each with its subgroup id, or for
 * fixed-size grouping the subgroup's 1-based ordinal in the window), so a client can recompute every number from them;
 * for attributes, the plotted proportion or count per sample. A violation is reported once per point and rule.
 */
export function contractView(report: SpcReport): SpcContract {
  let points: SpcContract['points'];
  if (report.capability) {
    const ms = report.input as readonly Measurement[];
    const grouped = report.chart !== 'i-mr' && ms.length > 0 && ms[0].subgroup === undefined;
    const size = grouped ? (report.points[0]?.n ?? 0) : 0;
    points = ms.map((m, i) => {
      const subgroup = grouped ? (i < ms.length - report.pending ? Math.floor(i / size) + 1 : undefined) : m.subgroup;
      return subgroup === undefined ? { ts: m.ts, value: m.value } : { ts: m.ts, value: m.value, subgroup };
    });
  } else {
    points = report.points.map((p) => ({ ts: p.ts, value: p.value }));
  }
  const seen = new Set<string>();
  const violations: SpcContract['violations'] = [];
  for (const v of report.violations) {
    const key = `${v.index}/${v.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push({ ts: v.ts, rule: v.rule });
  }
  const c = report.capability;
  return {
    chart: report.chart,
    centerLine: report.centerLine,
    ucl: report.ucl,
    lcl: report.lcl,
    points,
    violations,
    cp: c?.cp ?? null,
    cpk: c?.cpk ?? null,
    pp: c?.pp ?? null,
    ppk: c?.ppk ?? null,
  };
}
