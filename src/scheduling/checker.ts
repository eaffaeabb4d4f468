// Independent feasibility checker. It shares only the problem types with the solver and recomputes
// everything from the plain schedule (start/end/machine per operation) with simple, obvious code.

import type { Problem, Schedule } from './model.ts';

export type ViolationKind =
  | 'missing'
  | 'duplicate'
  | 'unknown-operation'
  | 'machine'
  | 'duration'
  | 'precedence'
  | 'release'
  | 'overlap'
  | 'setup'
  | 'calendar'
  | 'frozen'
  | 'makespan'
  | 'tardiness'
  | 'time';

export interface Violation {
  kind: ViolationKind;
  message: string;
}

export interface CheckResult {
  ok: boolean;
  violations: Violation[];
  makespan: number;
  totalWeightedTardiness: number;
}

function brokenIntervals(problem: Problem, machine: number): Array<[number, number]> {
  const cal = problem.calendars?.[machine];
  if (!cal) return [];
  const out: Array<[number, number]> = [];
  for (const [s, e] of cal.unavailable ?? []) if (e > s) out.push([s, e]);
  if (cal.working) {
    // complement of the union of working windows
    const w = [...cal.working].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
    let covered = -Infinity;
    for (const [s, e] of w) {
      if (s > covered) out.push([covered, s]);
      if (e > covered) covered = e;
    }
    out.push([covered, Infinity]);
  }
  return out;
}

/** Length of the union of intervals intersected with [s, e). */
function blockedTime(intervals: Array<[number, number]>, s: number, e: number): number {
  const parts: Array<[number, number]> = [];
  for (const [a, b] of intervals) {
    const lo = Math.max(a, s);
    const hi = Math.min(b, e);
    if (hi > lo) parts.push([lo, hi]);
  }
  parts.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curS = -Infinity;
  let curE = -Infinity;
  for (const [lo, hi] of parts) {
    if (lo > curE) {
      if (curE > curS) total += curE - curS;
      curS = lo;
      curE = hi;
    } else if (hi > curE) curE = hi;
  }
  if (curE > curS) total += curE - curS;
  return total;
}

export function checkSchedule(problem: Problem, schedule: Schedule): CheckResult {
  const violations: Violation[] = [];
  const add = (kind: ViolationKind, message: string) => {
    if (violations.length < 200) violations.push({ kind, message });
  };

  // index the scheduled operations
  const placed: Array<Array<{ machine: number; start: number; end: number } | undefined>> = problem.jobs.map((j) =>
    new Array(j.operations.length).fill(undefined),
  );
  for (const s of schedule.operations) {
    const job = problem.jobs[s.job];
    if (!job || !Number.isInteger(s.op) || s.op < 0 || s.op >= job.operations.length) {
      add('unknown-operation', `scheduled operation (job ${s.job}, op ${s.op}) does not exist`);
      continue;
    }
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end) || !Number.isInteger(s.start) || !Number.isInteger(s.end)) {
      add('time', `job ${s.job} op ${s.op}: start/end must be integers (${s.start}, ${s.end})`);
    }
    if (placed[s.job][s.op]) {
      add('duplicate', `job ${s.job} op ${s.op} is scheduled more than once`);
      continue;
    }
    placed[s.job][s.op] = { machine: s.machine, start: s.start, end: s.end };
  }

  let makespan = 0;
  let twt = 0;
  problem.jobs.forEach((job, j) => {
    let completion = 0;
    job.operations.forEach((op, k) => {
      const p = placed[j][k];
      const name = `job ${j} op ${k}`;
      if (!p) {
        add('missing', `${name} is not scheduled`);
        return;
      }
      if (p.end > makespan) makespan = p.end;
      if (p.end > completion) completion = p.end;
      const alt = op.alternatives.find((a) => a.machine === p.machine);
      if (!alt) {
        add('machine', `${name} runs on machine ${p.machine}, which is not eligible`);
      } else {
        const broken = brokenIntervals(problem, p.machine);
        const length = p.end - p.start;
        if (broken.length === 0) {
          if (length !== alt.duration) add('duration', `${name} on machine ${p.machine} lasts ${length}, expected ${alt.duration}`);
        } else {
          const blocked = blockedTime(broken, p.start, p.end);
          const worked = length - blocked;
          if (worked !== alt.duration) add('duration', `${name} on machine ${p.machine} works ${worked} in [${p.start}, ${p.end}), expected ${alt.duration}`);
          if (alt.duration > 0) {
            if (!op.canPause && blocked > 0) add('calendar', `${name} on machine ${p.machine} overlaps unavailable time and may not pause`);
            for (const [a, b] of broken) {
              if (a <= p.start && p.start < b) add('calendar', `${name} starts at ${p.start} inside unavailable time [${a}, ${b})`);
              if (a < p.end && p.end <= b) add('calendar', `${name} ends at ${p.end} inside unavailable time [${a}, ${b})`);
            }
          }
        }
      }
      if (p.end < p.start) add('time', `${name} ends before it starts`);
      if (!op.frozen && p.start < (job.release ?? 0)) add('release', `${name} starts at ${p.start} before the job's release ${job.release ?? 0}`);
      if (p.start < 0 && !op.frozen) add('time', `${name} starts at negative time ${p.start}`);
      const preds = op.predecessors ?? (k > 0 ? [k - 1] : []);
      for (const q of preds) {
        const pq = placed[j][q];
        if (pq && pq.end > p.start) add('precedence', `${name} starts at ${p.start} before its predecessor op ${q} ends at ${pq.end}`);
      }
      if (op.frozen && (op.frozen.machine !== p.machine || op.frozen.start !== p.start))
        add('frozen', `${name} is frozen at machine ${op.frozen.machine} start ${op.frozen.start}, but scheduled on machine ${p.machine} at ${p.start}`);
    });
    if (job.due !== undefined && completion > job.due) twt += (job.weight ?? 1) * (completion - job.due);
  });

  // machine capacity with setups: sort each machine's operations by start
  const byMachine = new Map<number, Array<{ j: number; k: number; start: number; end: number }>>();
  problem.jobs.forEach((job, j) => {
    job.operations.forEach((_op, k) => {
      const p = placed[j][k];
      if (!p) return;
      let list = byMachine.get(p.machine);
      if (!list) byMachine.set(p.machine, (list = []));
      list.push({ j, k, start: p.start, end: p.end });
    });
  });
  for (const [m, list] of byMachine) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    const mat = problem.setups?.perMachine?.[m] ?? problem.setups?.global;
    let prev: (typeof list)[number] | undefined; // the operation with the latest end so far
    for (const b of list) {
      if (prev) {
        if (b.start < prev.end && b.end > b.start && prev.end > prev.start) {
          add('overlap', `machine ${m}: job ${prev.j} op ${prev.k} [${prev.start}, ${prev.end}) overlaps job ${b.j} op ${b.k} [${b.start}, ${b.end})`);
        } else {
          const fa = problem.jobs[prev.j].operations[prev.k].family ?? problem.jobs[prev.j].family ?? 0;
          const fb = problem.jobs[b.j].operations[b.k].family ?? problem.jobs[b.j].family ?? 0;
          const setup = mat?.[fa]?.[fb] ?? 0;
          if (b.start < prev.end + setup)
            add(
              'setup',
              `machine ${m}: job ${b.j} op ${b.k} starts at ${b.start}, but needs setup ${setup} after job ${prev.j} op ${prev.k} ends at ${prev.end}`,
            );
        }
      }
      if (!prev || b.end >= prev.end) prev = b;
    }
  }

  if (schedule.makespan !== makespan) add('makespan', `reported makespan ${schedule.makespan} differs from the latest end ${makespan}`);
  if (schedule.totalWeightedTardiness !== undefined && schedule.totalWeightedTardiness !== twt)
    add('tardiness', `reported total weighted tardiness ${schedule.totalWeightedTardiness} differs from the recomputed ${twt}`);

  return { ok: violations.length === 0, violations, makespan, totalWeightedTardiness: twt };
}
