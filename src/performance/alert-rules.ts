// Early-warning rules, the pure part: what a rule measures on one machine, whether that raises, keeps or clears an
// alert (with hysteresis, so a value hovering at the threshold does not raise an alert every 30 s), and the text.
import { z } from 'zod';
import type { Kpis } from './kpis.ts';
import type { StateSpan } from './time-model.ts';

export const RULE_KINDS = ['kpi_below', 'kpi_above', 'state_longer_than', 'scrap_rising'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const RULE_METRICS = ['oee', 'availability', 'effectiveness', 'quality', 'scrap_ratio'] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const alertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  metric: z.enum(RULE_METRICS).nullable(),
  /** state_longer_than: a PackML state name (Held, Aborted …) or a bucket (adet = down, adot = idle, unknown …). */
  state: z.string().nullable(),
  equipmentId: z.string(),
  /** kpi_*: a ratio (0.85 = 85 %); state_longer_than: seconds; scrap_rising: ratio points (0.02 = 2 points). */
  threshold: z.number(),
  /** How far the value must come back past the threshold before the alert clears (same unit as threshold). */
  hysteresis: z.number(),
  windowS: z.number(),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export type Decision = 'raise' | 'keep' | 'clear' | 'none';

/** Rules that fire when the value is high (above the threshold); kpi_below fires when it is low. */
const firesHigh = (kind: RuleKind) => kind !== 'kpi_below';

/**
 * What to do with the rule on one machine given the value now and whether an episode is open. A null value (no
 * planned time in the window, no parts) never raises and ends an open episode: the condition no longer holds.
 */
export function decide(rule: Pick<AlertRule, 'kind' | 'threshold' | 'hysteresis'>, value: number | null, open: boolean): Decision {
  if (value === null) return open ? 'clear' : 'none';
  const high = firesHigh(rule.kind);
  const holds = high ? value > rule.threshold : value < rule.threshold;
  if (!open) return holds ? 'raise' : 'none';
  const back = high ? value <= rule.threshold - rule.hysteresis : value >= rule.threshold + rule.hysteresis;
  return back ? 'clear' : 'keep';
}

export const metricOf = (k: Kpis, metric: RuleMetric): number | null => (metric === 'scrap_ratio' ? k.scrapRatio : k[metric]);

/** Scrap ratio of the recent window minus that of the window before it, in ratio points (null without parts). */
export function scrapRise(recent: Kpis, previous: Kpis): number | null {
  if (recent.scrapRatio === null || previous.scrapRatio === null) return null;
  return recent.scrapRatio - previous.scrapRatio;
}

/**
 * Seconds a machine has been in a state (by name or bucket) at `now`: the run of back-to-back matching intervals
 * holding `now`; 0 when it is in another state or there is no data at `now`.
 */
export function secondsInState(states: StateSpan[], now: number, state: string): number {
  const match = (s: StateSpan) => s.state === state || s.bucket === state;
  let i = states.findIndex((s) => s.start <= now && (s.end === null || s.end > now));
  if (i < 0 || !match(states[i])) return 0;
  let start = states[i].start;
  while (i > 0 && states[i - 1].end === start && match(states[i - 1])) start = states[--i].start;
  return (now - start) / 1000;
}

const METRIC_NAME: Record<RuleMetric, string> = {
  oee: 'OEE',
  availability: 'Availability',
  effectiveness: 'Effectiveness',
  quality: 'Quality',
  scrap_ratio: 'Scrap ratio',
};
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const span = (s: number) => (s >= 3600 ? `${+(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

/** One line a supervisor reads on the alert. */
export function describe(rule: Pick<AlertRule, 'kind' | 'metric' | 'state' | 'threshold' | 'windowS'>, value: number): string {
  switch (rule.kind) {
    case 'kpi_below':
    case 'kpi_above':
      return `${METRIC_NAME[rule.metric!]} ${pct(value)} ${rule.kind === 'kpi_below' ? '<' : '>'} ${pct(rule.threshold)} over the last ${span(rule.windowS)}`;
    case 'state_longer_than':
      return `${rule.state} for ${span(value)} (longer than ${span(rule.threshold)})`;
    case 'scrap_rising':
      return `Scrap ratio up ${(value * 100).toFixed(1)} points (more than ${(rule.threshold * 100).toFixed(1)}) against the ${span(rule.windowS)} before`;
  }
}
