// Stable repair of a plan (pure): keep every operation of the previous plan that is still feasible exactly where it
// was (frozen), and hand only the affected operations back to the engine. This is "affected operations rescheduling"
// (Abumaizar & Svestka 1997) used as a stability-first repair: the previous plan is the reference, the disturbance
// (a pinned move, a machine down, a rush order, work that did not start in time) decides which operations are
// affected, and the closure over the job chains keeps the model consistent (a frozen operation's predecessors are
// frozen too). The engine then optimises its objective over the affected operations around the fixed ones.
import { fitCalendar, predecessorsOf, setupTime, unavailableIntervals, type Problem } from '../scheduling/index.ts';

export interface Placement {
  job: number;
  op: number;
  machine: number;
  start: number;
}

export interface RepairInput {
  problem: Problem;
  /** The previous plan, in this problem's indices (operations it did not have are simply absent). */
  base: Placement[];
  /** An operation the supervisor placed by hand: it is frozen there, the rest is repaired around it. */
  pinned?: Placement;
  /** Operations that must be planned again whatever their previous place (e.g. those giving way to a rush order). */
  release?: Set<string>;
}

export interface RepairResult {
  problem: Problem;
  kept: number;
  replanned: number;
}

export class RepairRefused extends Error {}

const key = (j: number, k: number) => `${j}:${k}`;

/** Earliest-possible end of an operation started at `start` on machine m, or undefined if it cannot start there. */
function endAt(problem: Problem, unav: Array<Array<[number, number]>>, p: Placement): number | undefined {
  const op = problem.jobs[p.job].operations[p.op];
  const alt = op.alternatives.find((a) => a.machine === p.machine);
  if (!alt) return undefined;
  const [s, e] = fitCalendar(unav[p.machine], p.start, alt.duration, !!op.canPause);
  return s === p.start ? e : undefined;
}

export function stableRepair(input: RepairInput): RepairResult {
  const { problem } = input;
  const unav = Array.from({ length: problem.machineCount }, (_, m) => unavailableIntervals(problem.calendars?.[m]));
  const fam = (j: number, k: number) => problem.jobs[j].operations[k].family ?? problem.jobs[j].family ?? 0;
  // fixed: frozen by the model (running) or pinned; they never give way
  const fixed = new Map<string, Placement & { end: number }>();
  problem.jobs.forEach((job, j) => {
    job.operations.forEach((op, k) => {
      if (!op.frozen) return;
      const p = { job: j, op: k, machine: op.frozen.machine, start: op.frozen.start };
      fixed.set(key(j, k), { ...p, end: endAt(problem, unav, p) ?? p.start });
    });
  });
  const pin = input.pinned;
  if (pin) {
    const where = `${problem.jobs[pin.job].name ?? pin.job} operation ${pin.op}`;
    if (fixed.has(key(pin.job, pin.op))) throw new RepairRefused(`${where} is running and cannot be moved`);
    const end = endAt(problem, unav, pin);
    if (end === undefined) throw new RepairRefused(`${where} cannot start there: the machine is not working at that time`);
    fixed.set(key(pin.job, pin.op), { ...pin, end });
  }
  // kept: previous placements still standing
  const kept = new Map<string, Placement & { end: number }>();
  for (const b of input.base) {
    const k = key(b.job, b.op);
    if (fixed.has(k) || input.release?.has(k)) continue;
    const job = problem.jobs[b.job];
    if (!job || b.op >= job.operations.length) continue;
    let start = b.start;
    if (start < 0) {
      // due to start already but not started: it stays on its machine, from the next working moment
      const op = job.operations[b.op];
      const alt = op.alternatives.find((a) => a.machine === b.machine);
      if (!alt) continue;
      start = fitCalendar(unav[b.machine], job.release ?? 0, alt.duration, !!op.canPause)[0];
      if (start === Infinity) continue;
    }
    if (start < (job.release ?? 0)) continue;
    const end = endAt(problem, unav, { ...b, start });
    if (end !== undefined) kept.set(k, { ...b, start, end });
  }
  const placed = (j: number, k: number) => kept.get(key(j, k)) ?? fixed.get(key(j, k));

  for (let changed = true; changed; ) {
    changed = false;
    // 1. job chains: an operation stays only if its predecessors are placed and finish before it starts
    problem.jobs.forEach((job, j) => {
      job.operations.forEach((_op, k) => {
        const self = placed(j, k);
        if (!self) return;
        for (const q of predecessorsOf(job, k)) {
          const pq = placed(j, q);
          if (pq && pq.end <= self.start) continue;
          if (kept.delete(key(j, k))) changed = true;
          else if (pin && pin.job === j && pin.op === k)
            throw new RepairRefused(
              pq
                ? `${job.name ?? j}: the operation before it ends ${pq.end - self.start} s after the chosen start`
                : `${job.name ?? j}: the operation before it must be planned first`,
            );
          return;
        }
      });
    });
    // 2. machines: no overlap, setups between neighbours; a kept operation gives way to a fixed one, the later to the earlier
    const byMachine = new Map<number, Array<Placement & { end: number; isFixed: boolean }>>();
    for (const [k, p] of [...fixed.entries(), ...kept.entries()]) {
      const list = byMachine.get(p.machine) ?? [];
      list.push({ ...p, isFixed: fixed.has(k) });
      byMachine.set(p.machine, list);
    }
    for (const [m, list] of byMachine) {
      list.sort((a, b) => a.start - b.start || Number(b.isFixed) - Number(a.isFixed));
      let prev: (typeof list)[number] | undefined;
      for (const cur of list) {
        if (prev && cur.start < prev.end + setupTime(problem, m, fam(prev.job, prev.op), fam(cur.job, cur.op))) {
          const loser = !cur.isFixed ? cur : !prev.isFixed ? prev : undefined;
          if (!loser) {
            const name = (p: Placement) => `${problem.jobs[p.job].name ?? p.job} operation ${p.op}`;
            throw new RepairRefused(`${name(cur)} would overlap ${name(prev)} on ${problem.machineNames?.[m] ?? m}`);
          }
          kept.delete(key(loser.job, loser.op));
          changed = true;
          if (loser === prev) break; // re-sweep this machine on the next round
          continue;
        }
        prev = cur;
      }
    }
  }

  const out: Problem = {
    ...problem,
    jobs: problem.jobs.map((job, j) => ({
      ...job,
      operations: job.operations.map((op, k) => {
        const p = kept.get(key(j, k)) ?? (pin && pin.job === j && pin.op === k ? pin : undefined);
        return p ? { ...op, frozen: { machine: p.machine, start: p.start } } : op;
      }),
    })),
  };
  const total = problem.jobs.reduce((n, j) => n + j.operations.length, 0);
  return { problem: out, kept: kept.size, replanned: total - kept.size - fixed.size };
}
