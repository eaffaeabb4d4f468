// The scheduling model: jobs of operations on machines, with the plant features (release and due dates,
// sequence-dependent setups, machine calendars, frozen operations) and the schedule the solver returns.
// Times are integers in an arbitrary unit (minutes in the plant, abstract units in the benchmarks).
// Machines are numbered 0..machineCount-1 internally; `machineBase` says how a source file numbered them.

/** One way to run an operation: on `machine`, taking `duration` time units. */
export interface Alternative {
  machine: number;
  duration: number;
}

/** An operation already running or frozen by the planner: it stays on this machine at this start. */
export interface Frozen {
  machine: number;
  start: number;
}

export interface Operation {
  /** Eligible machines with their own processing times (one entry = classic job shop). */
  alternatives: Alternative[];
  /**
   * Indices (within the same job) of operations that must finish before this one starts.
   * Omitted: the previous operation of the job (a chain); an empty array means no predecessor.
   */
  predecessors?: number[];
  /** Product family for sequence-dependent setups; defaults to the job's family, then 0. */
  family?: number;
  /** May the operation be interrupted by a calendar break and resume after it? Default false. */
  canPause?: boolean;
  /** Running or frozen operation: fixed machine and start. */
  frozen?: Frozen;
}

export interface Job {
  name?: string;
  operations: Operation[];
  /** No operation of the job starts before this time. Default 0. */
  release?: number;
  /** Due date for the tardiness objective. Default: none (never tardy). */
  due?: number;
  /** Weight for the tardiness objective. Default 1. */
  weight?: number;
  /** Default product family of the job's operations. */
  family?: number;
}

/**
 * A machine calendar. `unavailable` lists intervals [start, end) when the machine cannot work (breaks,
 * maintenance, nights); `working`, if given, lists the only windows when it can (everything else,
 * including the time after the last window, is unavailable). Both may be given; they combine.
 */
export interface Calendar {
  working?: Array<[number, number]>;
  unavailable?: Array<[number, number]>;
}

/**
 * Sequence-dependent setup times: the time that must elapse on a machine between the end of an operation
 * of family a and the start of the next operation of family b is matrix[a][b]. `perMachine[m]`, if
 * present, overrides `global` for machine m. No setup before the first operation on a machine.
 */
export interface Setups {
  global?: number[][];
  perMachine?: Array<number[][] | undefined | null>;
}

export type ObjectiveName = 'makespan' | 'tardiness';

/**
 * `makespan`, `tardiness` (total weighted tardiness), or a lexicographic list such as
 * ['tardiness', 'makespan'] (first minimise tardiness, then makespan among equals).
 */
export type Objective = ObjectiveName | ObjectiveName[];

export interface Problem {
  machineCount: number;
  jobs: Job[];
  /** How machines are numbered in the source (0 for jssp files, 1 for Brandimarte fjsp files). */
  machineBase?: number;
  machineNames?: string[];
  setups?: Setups;
  /** Per machine; undefined/null = always available. */
  calendars?: Array<Calendar | undefined | null>;
  objective?: Objective;
  /** Name of the instance (file name), for messages. */
  name?: string;
}

export interface ScheduledOperation {
  job: number;
  op: number;
  machine: number;
  start: number;
  end: number;
}

export interface Objectives {
  makespan: number;
  totalWeightedTardiness: number;
}

export interface Schedule extends Objectives {
  operations: ScheduledOperation[];
}

export interface SolveStats {
  /** Which engine ran: 'tabu' (disjunctive-graph tabu search) or 'list' (decoder-based local search). */
  engine: 'tabu' | 'list';
  constructionMs: number;
  searchMs: number;
  iterations: number;
  movesEvaluated: number;
  restarts: number;
  /** Makespan (or objective value) of the best construction. */
  initialObjective: number;
  /** Iterations at which the best solution was found. */
  bestIteration: number;
}

export interface SolveResult {
  schedule: Schedule;
  stats: SolveStats;
}

export interface SolveOptions {
  /** Hard time limit in milliseconds (default 10 000). */
  timeLimitMs?: number;
  /** Iteration limit for the local search (deterministic stop). */
  maxIterations?: number;
  /** Random seed (default 1). */
  seed?: number;
  /** Stop as soon as the objective reaches this value (e.g. a known lower bound). */
  target?: number;
  /** Called on each improvement of the best solution. */
  onImprove?: (info: { elapsedMs: number; objective: number; makespan: number; iteration: number; phase: string }) => void;
}

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/** Predecessor list of an operation, resolving the chain default. */
export function predecessorsOf(job: Job, opIndex: number): number[] {
  const op = job.operations[opIndex];
  if (op.predecessors) return op.predecessors;
  return opIndex > 0 ? [opIndex - 1] : [];
}

export function familyOf(job: Job, opIndex: number): number {
  return job.operations[opIndex].family ?? job.family ?? 0;
}

export function setupTime(problem: Problem, machine: number, fromFamily: number, toFamily: number): number {
  const s = problem.setups;
  if (!s) return 0;
  const mat = s.perMachine?.[machine] ?? s.global;
  if (!mat) return 0;
  return mat[fromFamily]?.[toFamily] ?? 0;
}

/** Sorted, merged unavailable intervals of a calendar; the last may end at Infinity. */
export function unavailableIntervals(cal: Calendar | undefined | null): Array<[number, number]> {
  if (!cal) return [];
  const raw: Array<[number, number]> = [];
  for (const [s, e] of cal.unavailable ?? []) if (e > s) raw.push([s, e]);
  if (cal.working) {
    const w = cal.working.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
    let t = -Infinity;
    for (const [s, e] of w) {
      if (s > t) raw.push([t, s]);
      t = Math.max(t, e);
    }
    raw.push([t, Infinity]);
  }
  raw.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const iv of raw) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

export function objectiveList(obj: Objective | undefined): ObjectiveName[] {
  if (!obj) return ['makespan'];
  return Array.isArray(obj) ? (obj.length ? obj : ['makespan']) : [obj];
}

/** Lexicographic comparison of two objective records under the problem's objective. Negative = a better. */
export function compareObjectives(obj: Objective | undefined, a: Objectives, b: Objectives): number {
  for (const name of objectiveList(obj)) {
    const va = name === 'makespan' ? a.makespan : a.totalWeightedTardiness;
    const vb = name === 'makespan' ? b.makespan : b.totalWeightedTardiness;
    if (va !== vb) return va - vb;
  }
  return 0;
}

/** Objectives of a list of scheduled operations (makespan = max end; tardiness per job completion). */
export function computeObjectives(problem: Problem, ops: ScheduledOperation[]): Objectives {
  let makespan = 0;
  const completion = new Array<number>(problem.jobs.length).fill(0);
  for (const o of ops) {
    if (o.end > makespan) makespan = o.end;
    if (o.end > completion[o.job]) completion[o.job] = o.end;
  }
  let twt = 0;
  problem.jobs.forEach((job, j) => {
    if (job.due !== undefined && completion[j] > job.due) twt += (job.weight ?? 1) * (completion[j] - job.due);
  });
  return { makespan, totalWeightedTardiness: twt };
}

/** Checks the problem is well formed (indices in range, integer non-negative times, acyclic precedence). */
export function validateProblem(problem: Problem): void {
  const M = problem.machineCount;
  if (!Number.isInteger(M) || M < 1) throw new ModelError(`machineCount must be a positive integer, got ${M}`);
  const isTime = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  problem.jobs.forEach((job, j) => {
    if (job.operations.length === 0) throw new ModelError(`job ${j} has no operations`);
    if (job.release !== undefined && !isTime(job.release)) throw new ModelError(`job ${j}: release must be a non-negative integer`);
    if (job.due !== undefined && !Number.isInteger(job.due)) throw new ModelError(`job ${j}: due must be an integer`);
    if (job.weight !== undefined && !(job.weight >= 0)) throw new ModelError(`job ${j}: weight must be non-negative`);
    job.operations.forEach((op, k) => {
      const where = `job ${j}, operation ${k}`;
      if (!op.alternatives.length) throw new ModelError(`${where}: no machine can run it`);
      const seen = new Set<number>();
      for (const a of op.alternatives) {
        if (!Number.isInteger(a.machine) || a.machine < 0 || a.machine >= M) throw new ModelError(`${where}: machine ${a.machine} out of range 0..${M - 1}`);
        if (seen.has(a.machine)) throw new ModelError(`${where}: machine ${a.machine} listed twice`);
        seen.add(a.machine);
        if (!isTime(a.duration)) throw new ModelError(`${where}: duration ${a.duration} must be a non-negative integer`);
      }
      for (const p of predecessorsOf(job, k)) {
        if (!Number.isInteger(p) || p < 0 || p >= job.operations.length || p === k) throw new ModelError(`${where}: bad predecessor ${p}`);
      }
      if (op.frozen) {
        if (!op.alternatives.some((a) => a.machine === op.frozen!.machine))
          throw new ModelError(`${where}: frozen on machine ${op.frozen.machine}, which is not eligible`);
        if (!Number.isInteger(op.frozen.start)) throw new ModelError(`${where}: frozen start must be an integer`);
        for (const p of predecessorsOf(job, k))
          if (!job.operations[p].frozen) throw new ModelError(`${where}: frozen, but its predecessor ${p} is not (freeze or drop finished predecessors)`);
      }
    });
    // acyclic precedence within the job
    const n = job.operations.length;
    const state = new Uint8Array(n);
    const visit = (k: number): void => {
      if (state[k] === 2) return;
      if (state[k] === 1) throw new ModelError(`job ${j}: precedence cycle through operation ${k}`);
      state[k] = 1;
      for (const p of predecessorsOf(job, k)) visit(p);
      state[k] = 2;
    };
    for (let k = 0; k < n; k++) visit(k);
  });
}
