// The port preventive plans read machine usage through (docs/architecture.md "Modules and their ports"), defined here
// by the consumer and bound in src/modules.ts to collect's `machineUsage`. Times are epoch ms; each call is one query
// for all the machines of a plan.

/** One machine to measure from `from` on; `target` asks when the usage since `from` reached it. */
export interface UsageWindow {
  equipmentId: string;
  from: number;
  target?: number | null;
}

export interface UsageFigure {
  usage: number;
  /** epoch ms when the usage since `from` reached `target`; null when it has not (yet) */
  reachedAt: number | null;
}

export interface PlanUsage {
  /** What a cumulative counter tag counted per machine in (from, to], surviving counter resets (and declared roll-overs). */
  counterUsage(q: UsageQuerier, tag: string, windows: UsageWindow[], to: number, rollover?: number | null): Promise<Map<string, UsageFigure>>;
  /** Running hours (state Execute) per machine in (from, to]; `target` in hours. */
  runningHours(q: UsageQuerier, windows: UsageWindow[], to: number): Promise<Map<string, UsageFigure>>;
  /** When a tag first went above/below a limit after `from`, and its latest value. */
  conditionSince(
    q: UsageQuerier,
    tag: string,
    op: 'above' | 'below',
    limit: number,
    windows: UsageWindow[],
    to: number,
  ): Promise<Map<string, { since: number | null; last: { ts: number; value: number } | null }>>;
}

/** A raw-SQL handle (the platform's database). */
export interface UsageQuerier {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}
