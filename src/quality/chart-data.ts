// A characteristic's measurements as the SPC engine's input, and its contract view of a window: pure functions the
// service, the reaction plans and the pages' views share (no database, no I/O).
import { AppError } from '../platform/errors.ts';
import type { Characteristic, StoredMeasurement } from './model.ts';
import { analyze, contractView, type SpcContract, type SpcReport } from './spc/analyze.ts';
import { computeLimits, isVariables, SpcInputError, type ChartSpec, type ControlLimits, type Count, type Measurement } from './spc/charts.ts';
import { MIN_SUBGROUP } from './spc/constants.ts';
import type { RuleSelection } from './spc/rules.ts';

export function specOf(c: Characteristic): ChartSpec {
  return isVariables(c.chart) ? { chart: c.chart as 'i-mr', subgroupSize: c.chart === 'i-mr' ? undefined : c.subgroupSize } : { chart: c.chart as 'p' };
}

/**
 * The engine's input from stored measurements. On an X̄ chart a subgroup the window's edge cut down to one value is
 * left out: one value has no spread, and the rest of the window is still a chart.
 */
export function dataOf(c: Characteristic, ms: StoredMeasurement[]): Measurement[] | Count[] {
  if (c.chart === 'i-mr') return ms.map((m) => ({ ts: m.ts, value: m.value! }));
  if (c.chart === 'xbar-r' || c.chart === 'xbar-s') {
    const sizes = new Map<string, number>();
    for (const m of ms) sizes.set(m.subgroup!, (sizes.get(m.subgroup!) ?? 0) + 1);
    return ms.filter((m) => sizes.get(m.subgroup!)! >= MIN_SUBGROUP).map((m) => ({ ts: m.ts, value: m.value!, subgroup: m.subgroup! }));
  }
  if (c.chart === 'p' || c.chart === 'np') return ms.map((m) => ({ ts: m.ts, defectives: m.defectives!, n: m.n! }));
  if (c.chart === 'u') return ms.map((m) => ({ ts: m.ts, defects: m.defects!, n: m.n! }));
  return ms.map((m) => ({ ts: m.ts, defects: m.defects! }));
}

export function rulesOf(c: Characteristic): RuleSelection {
  return { ruleSet: c.ruleSet, rules: c.rules };
}

/**
 * The contract's body: against the frozen limits when there are any, else against limits the window itself gives. A
 * window with too little to estimate limits from (no frozen ones) still lists its points, with null limits.
 */
export function contractOf(
  c: Characteristic,
  data: Measurement[] | Count[],
  frozen: ControlLimits | null,
): { body: SpcContract; limits: 'frozen' | 'window' | null; report: SpcReport | null } {
  const spec = specOf(c);
  const limitsSpec = isVariables(c.chart) ? { lsl: c.lsl ?? undefined, usl: c.usl ?? undefined } : undefined;
  try {
    let limits = frozen;
    if (!limits) {
      try {
        limits = computeLimits(spec, data as Measurement[]);
      } catch (err) {
        if (!(err instanceof SpcInputError)) throw err;
        const points = isVariables(c.chart)
          ? (data as Measurement[]).map((m) => (m.subgroup === undefined ? { ts: m.ts, value: m.value } : { ts: m.ts, value: m.value, subgroup: m.subgroup }))
          : (data as Count[]).map((k) => ({
              ts: k.ts,
              value: c.chart === 'p' ? k.defectives! / k.n! : c.chart === 'u' ? k.defects! / k.n! : (k.defectives ?? k.defects)!,
            }));
        return {
          body: { chart: c.chart, centerLine: null, ucl: null, lcl: null, points, violations: [], cp: null, cpk: null, pp: null, ppk: null },
          limits: null,
          report: null,
        };
      }
    }
    const report = analyze(spec, data as Measurement[], { limits: frozen, rules: rulesOf(c), spec: limitsSpec });
    return { body: contractView(report), limits: frozen ? 'frozen' : 'window', report };
  } catch (err) {
    if (err instanceof SpcInputError) throw new AppError('conflict', `${c.id}'s measurements cannot be charted as ${c.chart}: ${err.message}`);
    throw err;
  }
}
