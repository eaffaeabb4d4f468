// Which limits a machine's process-value chart draws. While an operation runs on the machine, its recipe's parameter
// limits are what the parameter lock watches (an alarm when a value leaves them, docs/execution.md), so the chart
// draws those; otherwise the tag's valid range from the plant model (equipment or class). The caption says which.
import type { TagInfo } from './types.ts';

/** The operation running on a machine, as `GET /api/stations/{path}` gives its `current` (only what the charts read). */
export interface RunningOperation {
  orderId: string;
  seq: number;
  parameters: Array<{ name: string; min?: number | null; max?: number | null }>;
}

export interface ChartLimits {
  min: number | null;
  max: number | null;
  /** 'recipe': the running operation's parameter limits; 'plant': the tag's valid range; 'none': no limits. */
  source: 'recipe' | 'plant' | 'none';
  /** What the caption says, e.g. "recipe limits (order DEMO-1001/10)". */
  label: string;
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function chartLimits(tag: Pick<TagInfo, 'tag' | 'min' | 'max'>, running: RunningOperation | null | undefined): ChartLimits {
  const p = running?.parameters.find((x) => x.name === tag.tag);
  if (running && p && (finite(p.min) !== null || finite(p.max) !== null))
    return { min: finite(p.min), max: finite(p.max), source: 'recipe', label: `recipe limits (order ${running.orderId}/${running.seq})` };
  if (tag.min !== null || tag.max !== null) return { min: tag.min, max: tag.max, source: 'plant', label: 'valid range (plant model)' };
  return { min: null, max: null, source: 'none', label: '' };
}
