// What fires a reaction plan and when a run of violations is one episode — pure, so the rules are tested over random
// sequences (trigger.test.ts). The service reads the recent points and the open episode and asks these functions.
import { evaluateChart, isVariables, type ChartSpec, type ControlLimits, type Count, type Measurement } from '../spc/charts.ts';
import type { RuleSet } from '../spc/rules.ts';

/** Plotted points a rule needs to be decided on the newest point (the rule's run length). */
export const RULE_POINTS: Record<RuleSet, Record<number, number>> = {
  nelson: { 1: 1, 2: 9, 3: 6, 4: 14, 5: 3, 6: 5, 7: 15, 8: 8 },
  'western-electric': { 1: 1, 2: 3, 3: 5, 4: 8 },
};

/** How many plotted points to read back for these rules: the longest run, plus one for the moving range. */
export function pointsNeeded(ruleSet: RuleSet, rules: readonly number[]): number {
  return Math.max(1, ...rules.map((r) => RULE_POINTS[ruleSet][r] ?? 1)) + 1;
}

export interface Fired {
  trigger: 'spec' | 'rule';
  rule: number | null;
  /** what a person reads: which limit or rule */
  what: string;
}

/** A variable value outside LSL/USL (a limit that is not set does not fire). */
export function specViolation(value: number | null, lsl: number | null, usl: number | null): Fired | null {
  if (value === null) return null;
  if (lsl !== null && value < lsl) return { trigger: 'spec', rule: null, what: `below LSL ${lsl}` };
  if (usl !== null && value > usl) return { trigger: 'spec', rule: null, what: `above USL ${usl}` };
  return null;
}

/**
 * The plan's SPC rules on the newest plotted point, against the frozen limits, over the recent points only (as many
 * as the rules need). The newest point must be the measurement's own (on an X̄ chart: its subgroup, once complete).
 */
export function ruleViolation(
  spec: ChartSpec,
  recent: readonly Measurement[] | readonly Count[],
  limits: ControlLimits,
  selection: { ruleSet: RuleSet; rules: readonly number[] },
  planRules: readonly number[],
  ts: string,
): Fired | null {
  if (!planRules.length || !recent.length) return null;
  const result = evaluateChart(spec, recent as Measurement[], limits, { ruleSet: selection.ruleSet, rules: [...planRules] });
  const last = result.points.at(-1);
  if (!last || Date.parse(last.ts) !== Date.parse(ts)) return null;
  if (isVariables(spec.chart) && spec.chart !== 'i-mr' && last.n < (spec as { subgroupSize?: number }).subgroupSize!) return null;
  const hit = result.violations.filter((v) => v.index === last.index && planRules.includes(v.rule)).sort((a, b) => a.rule - b.rule)[0];
  return hit
    ? { trigger: 'rule', rule: hit.rule, what: `${selection.ruleSet} rule ${hit.rule}${hit.chart === 'secondary' ? ' on the range chart' : ''}` }
    : null;
}

/** The open episode of a characteristic at a machine, as far as the decision needs it. */
export interface Episode {
  /** holds the reaction placed that are still open */
  openHolds: number;
  /** whether it placed any hold at all (an alarm-only reaction did not) */
  placedHolds: boolean;
}

/**
 * One measurement's step: `react` opens an episode (one reaction: holds, one stop command); `link` records it on the
 * open episode without acting again; `close` ends an alarm-only episode (a conforming value); `none`: nothing open,
 * nothing wrong. An episode with holds ends only when its last hold is released (`released`), so a run of
 * violations while the machine is stopped and held never sends a second stop.
 */
export function episodeStep(open: Episode | null, violated: boolean): 'react' | 'link' | 'close' | 'none' {
  if (!open) return violated ? 'react' : 'none';
  if (open.placedHolds && open.openHolds > 0) return 'link';
  if (open.placedHolds) return violated ? 'react' : 'close';
  return violated ? 'link' : 'close';
}

/** After a release: whether the episode ends (its last open hold was released). */
export const released = (open: Episode): boolean => open.placedHolds && open.openHolds === 0;
