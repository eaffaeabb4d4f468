// A solved schedule → what a supervisor reads: assignments with real times, due-date risk, KPIs, and the difference to
// the published plan (pure).
import { z } from 'zod';
import { unavailableIntervals, type Problem, type Schedule } from '../scheduling/index.ts';
import { setupsBefore, type ModelIndex } from './model-map.ts';

export const RISKS = ['on-time', 'at-risk', 'late'] as const;
export type Risk = (typeof RISKS)[number];

/** Instants are ISO 8601 strings. */
export const assignmentSchema = z.object({
  orderId: z.string(),
  seq: z.number(),
  machine: z.string(),
  start: z.string(),
  end: z.string(),
  /** Changeover before this operation on its machine, seconds. */
  setupS: z.number(),
  /** In progress on the shop floor: frozen where it runs. */
  running: z.boolean(),
  /** Placed by hand (a move). */
  pinned: z.boolean().optional(),
  risk: z.enum(RISKS),
  /** Machines that can run it (targets of a move). */
  eligible: z.array(z.string()),
  productId: z.string().optional(),
  priority: z.number().optional(),
  dueAt: z.string().nullable().optional(),
});
export type Assignment = z.infer<typeof assignmentSchema>;

export const lateOrderSchema = z.object({ orderId: z.string(), dueAt: z.string(), completion: z.string(), lateS: z.number() });
export type LateOrder = z.infer<typeof lateOrderSchema>;

export const kpisSchema = z.object({
  makespanS: z.number(),
  makespanEnd: z.string().nullable(),
  totalWeightedTardiness: z.number(),
  lateOrders: z.array(lateOrderSchema),
  /** Working time planned / working time available until the plan's end, per machine (0…1). */
  utilisation: z.record(z.string(), z.number()),
  operations: z.number(),
});
export type Kpis = z.infer<typeof kpisSchema>;

/** Slack under which an order on time counts as at risk: a quarter of its remaining work, at least an hour. */
export function riskOf(completionS: number, dueS: number | undefined, workS: number): Risk {
  if (dueS === undefined) return 'on-time';
  if (completionS > dueS) return 'late';
  return dueS - completionS < Math.max(3600, workS / 4) ? 'at-risk' : 'on-time';
}

function availableS(problem: Problem, m: number, until: number): number {
  let blocked = 0;
  for (const [a, b] of unavailableIntervals(problem.calendars?.[m])) {
    const lo = Math.max(0, a);
    const hi = Math.min(until, b);
    if (hi > lo) blocked += hi - lo;
  }
  return Math.max(0, until - blocked);
}

export function describeSchedule(
  problem: Problem,
  index: ModelIndex,
  schedule: Schedule,
  pinned?: { job: number; op: number },
): { assignments: Assignment[]; kpis: Kpis } {
  const at = (s: number) => new Date(index.horizonStart + s * 1000).toISOString();
  const setups = setupsBefore(problem, schedule.operations);
  const completion = new Map<number, number>();
  const work = new Map<number, number>();
  const busy = new Map<number, number>();
  for (const o of schedule.operations) {
    completion.set(o.job, Math.max(completion.get(o.job) ?? 0, o.end));
    const d = problem.jobs[o.job].operations[o.op].alternatives.find((a) => a.machine === o.machine)?.duration ?? 0;
    work.set(o.job, (work.get(o.job) ?? 0) + d);
    busy.set(o.machine, (busy.get(o.machine) ?? 0) + d);
  }
  const risk = new Map<number, Risk>();
  const lateOrders: LateOrder[] = [];
  problem.jobs.forEach((job, j) => {
    const c = completion.get(j) ?? 0;
    risk.set(j, riskOf(c, job.due, work.get(j) ?? 0));
    if (job.due !== undefined && c > job.due) lateOrders.push({ orderId: index.orders[j], dueAt: at(job.due), completion: at(c), lateS: c - job.due });
  });
  const assignments: Assignment[] = schedule.operations
    .map((o) => ({
      orderId: index.orders[o.job],
      seq: index.seqs[o.job][o.op],
      machine: index.machines[o.machine],
      start: at(o.start),
      end: at(o.end),
      setupS: setups.get(`${o.job}:${o.op}`) ?? 0,
      running: index.running[o.job][o.op],
      ...(pinned && pinned.job === o.job && pinned.op === o.op ? { pinned: true } : {}),
      risk: risk.get(o.job)!,
      eligible: problem.jobs[o.job].operations[o.op].alternatives.map((x) => index.machines[x.machine]),
    }))
    .sort((a, b) => a.start.localeCompare(b.start) || a.machine.localeCompare(b.machine));
  const makespan = schedule.operations.length ? schedule.makespan : 0;
  const utilisation: Record<string, number> = {};
  index.machines.forEach((path, m) => {
    const avail = availableS(problem, m, makespan);
    utilisation[path] = avail > 0 ? Math.round(((busy.get(m) ?? 0) / avail) * 1000) / 1000 : 0;
  });
  return {
    assignments,
    kpis: {
      makespanS: makespan,
      makespanEnd: schedule.operations.length ? at(makespan) : null,
      totalWeightedTardiness: schedule.totalWeightedTardiness,
      lateOrders: lateOrders.sort((a, b) => b.lateS - a.lateS),
      utilisation,
      operations: assignments.length,
    },
  };
}

const slotSchema = z.object({ machine: z.string(), start: z.string() });
export const movedSchema = z.object({ orderId: z.string(), seq: z.number(), from: slotSchema, to: slotSchema });
export type Moved = z.infer<typeof movedSchema>;

export const assignmentDiffSchema = z.object({ moved: z.array(movedSchema), added: z.number(), removed: z.number(), unchanged: z.number() });
export type AssignmentDiff = z.infer<typeof assignmentDiffSchema>;

/** Operations whose machine changed or whose start moved by a minute or more; and those only one side has. */
export function diffAssignments(current: Assignment[], published: Assignment[]): AssignmentDiff {
  const before = new Map(published.map((a) => [`${a.orderId}#${a.seq}`, a]));
  const moved: Moved[] = [];
  let added = 0;
  let unchanged = 0;
  for (const a of current) {
    const b = before.get(`${a.orderId}#${a.seq}`);
    before.delete(`${a.orderId}#${a.seq}`);
    if (!b) added++;
    else if (b.machine !== a.machine || Math.abs(Date.parse(b.start) - Date.parse(a.start)) >= 60_000)
      moved.push({ orderId: a.orderId, seq: a.seq, from: { machine: b.machine, start: b.start }, to: { machine: a.machine, start: a.start } });
    else unchanged++;
  }
  return { moved, added, removed: before.size, unchanged };
}
