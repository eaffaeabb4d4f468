// Preventive plans' words and the due-point arithmetic (docs/maintenance.md "Preventive plans"): pure functions from
// a plan, its last done record and a usage reading to the next due point, its status and the anchor a finished
// work order sets for the following interval.

export const PLAN_BASES = ['calendar', 'cycles', 'hours', 'tonnes', 'condition'] as const;
export type PlanBasis = (typeof PLAN_BASES)[number];

/** The external contract's bases: a tonnes plan is a counted-usage plan and is reported as 'cycles' there. */
export const CONTRACT_BASES = ['calendar', 'cycles', 'hours', 'condition'] as const;
export type ContractBasis = (typeof CONTRACT_BASES)[number];
export const contractBasis = (b: PlanBasis): ContractBasis => (b === 'tonnes' ? 'cycles' : b);

export const INTERVAL_UNITS = ['days', 'weeks'] as const;
export const COUNTER_UNITS = ['kg', 't'] as const;
export const CONDITION_OPS = ['above', 'below'] as const;

export const PLAN_STATUSES = ['ok', 'soon', 'due', 'overdue'] as const;
/** ok: not yet within the lead; soon: within the lead before the due point; due: up to the end of the tolerance; overdue: after it. */
export type PlanStatus = (typeof PLAN_STATUSES)[number];

const DAY_MS = 86_400_000;

export interface Plan {
  id: string;
  name: string;
  /** the machine's ISA-95 path, or null for a plan on an equipment class */
  equipment: string | null;
  equipmentId: string | null;
  equipmentClass: string | null;
  basis: PlanBasis;
  interval: number | null;
  intervalUnit: 'days' | 'weeks' | null;
  counterTag: string | null;
  counterUnit: 'kg' | 't' | null;
  rollover: number | null;
  conditionOp: 'above' | 'below' | null;
  conditionLimit: number | null;
  /** in the basis's unit: days (calendar), cycles, running hours, tonnes */
  lead: number;
  tolerance: number;
  tasks: string;
  estimateMinutes: number | null;
  active: boolean;
  startAt: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DoneRecord {
  equipmentId: string;
  workOrderId: string | null;
  at: string;
  /** usage counted since the plan's start when it was done (usage plans) */
  usage: number | null;
  anchorAt: string | null;
  anchorUsage: number | null;
  onTime: boolean | null;
  by: string;
}

/** What the usage port said for one machine: the usage since `from` and when it reached the target. */
export interface Reading {
  usage: number;
  reachedAt: number | null;
  /** condition plans: since when the tag is beyond its limit, and its latest value */
  since?: number | null;
  last?: { ts: number; value: number } | null;
}

export interface MachineDue {
  equipmentId: string;
  equipment: string;
  status: PlanStatus;
  /** ISO: the due instant (calendar); when the usage reached its due point or the condition was met; else null */
  due: string | null;
  /** usage counted since the plan's start at which it is due (cycles, hours, tonnes); else null */
  dueAtUsage: number | null;
  /** usage counted since the plan's start now (cycles, hours, tonnes) */
  usage: number | null;
  /** share of the interval used (0 … 1 and beyond when overdue); null for condition plans */
  progress: number | null;
  lastDone: DoneRecord | null;
  /** condition plans: the watched tag's latest value */
  lastValue: { ts: string; value: number } | null;
}

export const isUsageBasis = (b: PlanBasis): b is 'cycles' | 'hours' | 'tonnes' => b === 'cycles' || b === 'hours' || b === 'tonnes';

/** Calendar interval in ms. */
export const intervalMs = (p: Pick<Plan, 'interval' | 'intervalUnit'>): number => (p.interval ?? 0) * (p.intervalUnit === 'weeks' ? 7 : 1) * DAY_MS;

/** Where the usage of the current interval is counted from: the last done (its time and usage) or the plan's start. */
export function usageFrom(plan: Plan, last: DoneRecord | null): { at: number; usage: number; anchorUsage: number } {
  return last
    ? { at: Date.parse(last.at), usage: last.usage ?? 0, anchorUsage: last.anchorUsage ?? last.usage ?? 0 }
    : { at: Date.parse(plan.startAt), usage: 0, anchorUsage: 0 };
}

/** The due point of the current interval: an instant (calendar) or a usage since the plan's start (usage plans). */
export function duePoint(plan: Plan, last: DoneRecord | null): { at: number | null; usage: number | null } {
  if (plan.basis === 'calendar') return { at: (last?.anchorAt ? Date.parse(last.anchorAt) : Date.parse(plan.startAt)) + intervalMs(plan), usage: null };
  if (isUsageBasis(plan.basis)) return { at: null, usage: usageFrom(plan, last).anchorUsage + (plan.interval ?? 0) };
  return { at: null, usage: null };
}

const statusOf = (now: number, due: number, lead: number, tolerance: number): PlanStatus =>
  now < due - lead ? 'ok' : now < due ? 'soon' : now <= due + tolerance ? 'due' : 'overdue';

/** A machine's next due point and status now, from its last done record and a reading since `usageFrom`. */
export function machineDue(plan: Plan, machine: { id: string; path: string }, last: DoneRecord | null, reading: Reading | undefined, now: number): MachineDue {
  const base = { equipmentId: machine.id, equipment: machine.path, lastDone: last, lastValue: null, usage: null, dueAtUsage: null, progress: null };
  if (plan.basis === 'calendar') {
    const due = duePoint(plan, last).at!;
    const anchor = due - intervalMs(plan);
    return {
      ...base,
      status: statusOf(now, due, plan.lead * DAY_MS, plan.tolerance * DAY_MS),
      due: new Date(due).toISOString(),
      progress: Math.max(0, (now - anchor) / (due - anchor)),
    };
  }
  if (plan.basis === 'condition') {
    const since = reading?.since ?? null;
    return {
      ...base,
      status: since === null ? 'ok' : 'due',
      due: since === null ? null : new Date(since).toISOString(),
      lastValue: reading?.last ? { ts: new Date(reading.last.ts).toISOString(), value: reading.last.value } : null,
    };
  }
  const from = usageFrom(plan, last);
  const dueAtUsage = duePoint(plan, last).usage!;
  const usage = from.usage + (reading?.usage ?? 0);
  // a due point at or before the interval's start (done late, outside the tolerance) was reached then
  const reachedAt = dueAtUsage <= from.usage ? from.at : (reading?.reachedAt ?? null);
  return {
    ...base,
    status: statusOf(usage, dueAtUsage, plan.lead, plan.tolerance),
    due: reachedAt === null ? null : new Date(reachedAt).toISOString(),
    dueAtUsage,
    usage,
    progress: Math.max(0, (usage - from.anchorUsage) / (plan.interval ?? 1)),
  };
}

/**
 * What a finished work order records: done within the tolerance window around the due point, the next interval
 * counts from the due point (the schedule does not drift); outside it, from when it was done.
 */
export function doneRecord(
  plan: Plan,
  last: DoneRecord | null,
  done: { equipmentId: string; workOrderId: string | null; at: number; usageSinceFrom: number; by: string },
): DoneRecord {
  const common = { equipmentId: done.equipmentId, workOrderId: done.workOrderId, at: new Date(done.at).toISOString(), by: done.by };
  const point = duePoint(plan, last);
  if (plan.basis === 'calendar') {
    const onTime = Math.abs(done.at - point.at!) <= plan.tolerance * DAY_MS;
    return { ...common, usage: null, anchorUsage: null, onTime, anchorAt: new Date(onTime ? point.at! : done.at).toISOString() };
  }
  if (isUsageBasis(plan.basis)) {
    const usage = usageFrom(plan, last).usage + done.usageSinceFrom;
    const onTime = Math.abs(usage - point.usage!) <= plan.tolerance;
    return { ...common, usage, anchorAt: null, onTime, anchorUsage: onTime ? point.usage! : usage };
  }
  return { ...common, usage: null, anchorAt: null, anchorUsage: null, onTime: null };
}

/** The key of a due point: one generated work order per plan, machine and key. */
export function dueKey(plan: Plan, d: MachineDue): string | null {
  if (plan.basis === 'calendar') return `t:${d.due}`;
  if (plan.basis === 'condition') return d.due ? `c:${d.due}` : null;
  return `u:${d.dueAtUsage}`;
}
