// Job-shop instance for the disjunctive-graph engine (jobshop.ts): flat arrays over operations 0..N-1
// (jobs in order, operations in order) with their eligible machine alternatives, and the test for which
// problems the engine handles exactly.

import type { Problem } from './model.ts';

export interface ShopInstance {
  N: number;
  M: number;
  nJobs: number;
  jobOf: Int32Array;
  opOf: Int32Array;
  jobPrev: Int32Array;
  jobNext: Int32Array;
  release: Int32Array;
  altStart: Int32Array; // N+1
  altMach: Int32Array;
  altDur: Int32Array;
  altLocal: Int32Array; // local index of the operation among the machine's eligible operations
  machElig: Int32Array; // eligible operation count per machine
  jobFirst: Int32Array;
  flexible: boolean;
  /** Simple lower bound on the makespan. */
  lowerBound: number;
}

/** Can the disjunctive-graph engine handle this problem exactly? */
export function isPureShop(problem: Problem): boolean {
  const obj = problem.objective;
  if (obj && !(obj === 'makespan' || (Array.isArray(obj) && obj.length === 1 && obj[0] === 'makespan'))) return false;
  if (problem.calendars?.some((c) => c && ((c.unavailable?.length ?? 0) > 0 || c.working))) return false;
  const s = problem.setups;
  const nonZero = (mat: number[][] | undefined | null) => !!mat && mat.some((row) => row?.some((v) => v > 0));
  if (s && (nonZero(s.global) || s.perMachine?.some((m) => nonZero(m)))) return false;
  for (const job of problem.jobs)
    for (let k = 0; k < job.operations.length; k++) {
      const op = job.operations[k];
      if (op.frozen) return false;
      if (op.predecessors && !(op.predecessors.length === (k > 0 ? 1 : 0) && (k === 0 || op.predecessors[0] === k - 1))) return false;
    }
  return true;
}

export function buildInstance(problem: Problem): ShopInstance {
  const M = problem.machineCount;
  let N = 0;
  let A = 0;
  for (const j of problem.jobs) {
    N += j.operations.length;
    for (const o of j.operations) A += o.alternatives.length;
  }
  const inst: ShopInstance = {
    N,
    M,
    nJobs: problem.jobs.length,
    jobOf: new Int32Array(N),
    opOf: new Int32Array(N),
    jobPrev: new Int32Array(N),
    jobNext: new Int32Array(N),
    release: new Int32Array(N),
    altStart: new Int32Array(N + 1),
    altMach: new Int32Array(A),
    altDur: new Int32Array(A),
    altLocal: new Int32Array(A),
    machElig: new Int32Array(M),
    jobFirst: new Int32Array(problem.jobs.length + 1),
    flexible: false,
    lowerBound: 0,
  };
  let i = 0;
  let a = 0;
  const load = new Float64Array(M);
  let lb = 0;
  problem.jobs.forEach((job, j) => {
    inst.jobFirst[j] = i;
    let jobLen = job.release ?? 0;
    job.operations.forEach((op, k) => {
      inst.jobOf[i] = j;
      inst.opOf[i] = k;
      inst.jobPrev[i] = k > 0 ? i - 1 : -1;
      inst.jobNext[i] = k < job.operations.length - 1 ? i + 1 : -1;
      inst.release[i] = job.release ?? 0;
      inst.altStart[i] = a;
      if (op.alternatives.length > 1) inst.flexible = true;
      let minD = Infinity;
      for (const alt of op.alternatives) {
        inst.altMach[a] = alt.machine;
        inst.altDur[a] = alt.duration;
        inst.altLocal[a] = inst.machElig[alt.machine]++;
        if (alt.duration < minD) minD = alt.duration;
        a++;
      }
      jobLen += minD;
      if (op.alternatives.length === 1) load[op.alternatives[0].machine] += minD;
      i++;
    });
    if (jobLen > lb) lb = jobLen;
  });
  inst.jobFirst[problem.jobs.length] = N;
  inst.altStart[N] = a;
  for (let m = 0; m < M; m++) if (load[m] > lb) lb = load[m];
  inst.lowerBound = lb;
  return inst;
}
