// Orders → the scheduling engine's model (pure). Each released order is a job whose remaining operations form a chain;
// eligible machines come from the operation's candidates (a work centre stands for the machines under it); machine
// calendars become working windows in seconds from the horizon start; running operations are frozen on their machine.
import { fitCalendar, setupTime, unavailableIntervals, type Calendar, type Job, type Objective, type Operation, type Problem } from '../scheduling/index.ts';
import { plannedDowntimeFor, shiftsBetween } from '../plant/index.ts';
import type { PlannableOperation, PlannableOrder } from '../execution/index.ts';

/** A plant shift calendar as the plant module stores it. */
export type PlantCalendar = Parameters<typeof shiftsBetween>[0];

export interface PlanMachine {
  path: string;
  name: string;
  calendar: PlantCalendar | null;
  /** The machine is down: unavailable from the horizon start until this instant (epoch ms). */
  downUntil?: number;
  /** Maintenance windows (preventive work orders scheduled or in progress): unavailable, epoch ms [start, end). */
  maintenance?: Array<[number, number]>;
}

/**
 * An operation as execution's order book gives it (one definition: src/execution/order-book.ts); one in progress may
 * carry its remaining time from its counted parts (snapshot.ts), which then replaces the clock's estimate.
 */
export type PlanOperation = PlannableOperation & { remainingS?: number };

/** An order to plan: the order book's, with its product family for changeovers (the product's family, else its id). */
export type PlanOrder = Omit<PlannableOrder, 'operations'> & { family: string; operations: PlanOperation[] };

export interface ModelInput {
  /** Horizon start, epoch ms (whole seconds). Model time 0 is this instant; one model unit is one second. */
  now: number;
  horizonMs: number;
  machines: PlanMachine[];
  orders: PlanOrder[];
  objective: Objective;
}

export interface ModelIndex {
  horizonStart: number;
  machines: string[];
  orders: string[];
  seqs: number[][];
  /** Operation in progress on the shop floor (frozen). */
  running: boolean[][];
  families: string[];
}

export interface BuiltModel {
  problem: Problem;
  index: ModelIndex;
  /** Orders left out, with the reason (no machine can run an operation). */
  skipped: Array<{ orderId: string; reason: string }>;
}

/** A not-started operation's status is released (or running while another operation of its order runs). */
const DONE = new Set(['completed', 'cancelled']);

/** Lower priority number = more urgent = higher weight (B2MML Priority 1 before 2). Integer, at least 1. */
export function priorityWeight(priority: number): number {
  return Math.max(1, Math.round(10_000 / (Math.max(0, priority) + 10)));
}

/** The machines (leaf equipment of the planning list) a candidate path stands for: itself, or every machine below it. */
export function expandCandidates(candidates: string[], machines: string[]): string[] {
  const out = new Set<string>();
  for (const c of candidates) for (const m of machines) if (m === c || m.startsWith(`${c}/`)) out.add(m);
  return [...out].sort();
}

/** Working windows and unavailable time of one machine in model seconds over [0, horizon). Null: always available. */
export function machineCalendar(machine: PlanMachine, now: number, horizonMs: number): Calendar | null {
  const toS = (ms: number) => (ms - now) / 1000;
  const unavailable: Array<[number, number]> = [];
  if (machine.downUntil !== undefined && machine.downUntil > now) unavailable.push([0, Math.ceil(toS(machine.downUntil))]);
  for (const [a, b] of machine.maintenance ?? [])
    if (b > now && a < now + horizonMs) unavailable.push([Math.max(0, Math.floor(toS(a))), Math.ceil(toS(Math.min(b, now + horizonMs)))]);
  if (!machine.calendar) return unavailable.length ? { unavailable } : null;
  const to = now + horizonMs;
  const working: Array<[number, number]> = [];
  for (const shift of shiftsBetween(machine.calendar, now, to)) {
    // a shift minus its breaks: the machine is planned to work only there
    let t = shift.start;
    for (const b of [...shift.breaks].sort((x, y) => x.start - y.start)) {
      if (b.start > t) working.push([Math.ceil(toS(t)), Math.floor(toS(b.start))]);
      t = Math.max(t, b.end);
    }
    if (shift.end > t) working.push([Math.ceil(toS(t)), Math.floor(toS(shift.end))]);
  }
  for (const d of plannedDowntimeFor(machine.calendar, machine.path, now, to)) unavailable.push([Math.floor(toS(d.start)), Math.ceil(toS(d.end))]);
  return { working: working.filter(([s, e]) => e > s), ...(unavailable.length ? { unavailable } : {}) };
}

/** Remaining work of an operation in progress: its standard time minus the wall-clock time since it started. */
export function remainingS(op: PlanOperation, now: number): number {
  const total = op.setupTimeS + op.runTimeS;
  const elapsed = op.startedAt === null ? 0 : Math.max(0, (now - op.startedAt) / 1000);
  return Math.max(60, Math.round(total - elapsed));
}

export const isInProgress = (op: PlanOperation) => op.status === 'running' && (op.phase !== null || op.startedAt !== null);

export function buildModel(input: ModelInput): BuiltModel {
  const { now, horizonMs } = input;
  const machinePaths = input.machines.map((m) => m.path);
  const machineIndex = new Map(machinePaths.map((p, i) => [p, i]));
  const calendars = input.machines.map((m) => machineCalendar(m, now, horizonMs));
  const unav = calendars.map((c) => unavailableIntervals(c));
  const families: string[] = [];
  const familyIndex = (f: string) => {
    let i = families.indexOf(f);
    if (i < 0) i = families.push(f) - 1;
    return i;
  };
  const jobs: Job[] = [];
  const index: ModelIndex = { horizonStart: now, machines: machinePaths, orders: [], seqs: [], running: [], families };
  const skipped: BuiltModel['skipped'] = [];
  // the changeover into family f on machine m: the longest routing setup of f's operations that can run there
  const setupInto = new Map<string, number>();

  for (const order of input.orders) {
    const ops = [...order.operations].filter((o) => !DONE.has(o.status)).sort((a, b) => a.seq - b.seq);
    if (!ops.length) continue;
    const fam = familyIndex(order.family);
    const operations: Operation[] = [];
    let problem: string | undefined;
    for (const op of ops) {
      const k = operations.length;
      if (isInProgress(op)) {
        const m = op.equipment === null ? undefined : machineIndex.get(op.equipment);
        if (m === undefined) {
          problem = `operation ${op.seq} runs on '${op.equipment ?? '?'}', which is not a machine of the plan`;
          break;
        }
        const duration = op.remainingS ?? remainingS(op, now);
        const [start] = fitCalendar(unav[m], 0, duration, true);
        if (start === Infinity) {
          problem = `operation ${op.seq}: ${op.equipment} has no working time left in the horizon`;
          break;
        }
        operations.push({ alternatives: [{ machine: m, duration }], predecessors: [], canPause: true, frozen: { machine: m, start } });
        continue;
      }
      const eligible = expandCandidates(op.candidates, machinePaths);
      if (!eligible.length) {
        problem = `operation ${op.seq} (${op.name}) has no machine: candidates ${op.candidates.join(', ') || 'none'}`;
        break;
      }
      const duration = Math.max(1, Math.round(op.runTimeS));
      for (const p of eligible) {
        const key = `${machineIndex.get(p)}|${fam}`;
        setupInto.set(key, Math.max(setupInto.get(key) ?? 0, Math.round(op.setupTimeS)));
      }
      operations.push({
        alternatives: eligible.map((p) => ({ machine: machineIndex.get(p)!, duration })),
        predecessors: k > 0 ? [k - 1] : [],
        canPause: true,
      });
    }
    if (problem) {
      skipped.push({ orderId: order.id, reason: problem });
      continue;
    }
    const release = order.startAfter === null ? 0 : Math.max(0, Math.ceil((order.startAfter - now) / 1000));
    jobs.push({
      name: order.id,
      operations,
      release,
      ...(order.dueAt === null ? {} : { due: Math.round((order.dueAt - now) / 1000) }),
      weight: priorityWeight(order.priority),
      family: fam,
    });
    index.orders.push(order.id);
    index.seqs.push(ops.map((o) => o.seq));
    index.running.push(ops.map((o) => isInProgress(o)));
  }

  const F = Math.max(1, families.length);
  const perMachine = machinePaths.map((_, m) =>
    Array.from({ length: F }, (_a, a) => Array.from({ length: F }, (_b, b) => (a === b ? 0 : (setupInto.get(`${m}|${b}`) ?? 0)))),
  );
  const problem: Problem = {
    machineCount: Math.max(1, machinePaths.length),
    jobs,
    machineNames: machinePaths,
    calendars,
    setups: { perMachine },
    objective: input.objective,
    name: `plan ${new Date(now).toISOString()}`,
  };
  return { problem, index, skipped };
}

/** Setup before each scheduled operation on its machine (from the family of the one before it). */
export function setupsBefore(problem: Problem, ops: Array<{ job: number; op: number; machine: number; start: number }>): Map<string, number> {
  const out = new Map<string, number>();
  const byMachine = new Map<number, typeof ops>();
  for (const o of ops) byMachine.set(o.machine, [...(byMachine.get(o.machine) ?? []), o]);
  for (const [m, list] of byMachine) {
    list.sort((a, b) => a.start - b.start);
    list.forEach((o, i) => {
      const prev = list[i - 1];
      const fam = (x: typeof o) => problem.jobs[x.job].operations[x.op].family ?? problem.jobs[x.job].family ?? 0;
      out.set(`${o.job}:${o.op}`, prev ? setupTime(problem, m, fam(prev), fam(o)) : 0);
    });
  }
  return out;
}
