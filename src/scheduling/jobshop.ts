// Makespan engine for the (flexible) job shop on the disjunctive graph: dispatch-rule construction, then
// tabu search on the critical path. Used for problems without calendars, setups or frozen operations and
// with chain precedence (the benchmark case); the plant features go through the list engine (list.ts).
//
// Representation: operations 0..N-1 (jobs in order, operations in order); each operation has an
// assigned machine/duration and sits in a doubly linked machine sequence. Heads r (earliest start) and
// tails q (longest path from the operation's end to the sink) are recomputed in O(N) after each move by a
// topological sweep. Candidate moves are scored by O(block) head/tail estimates (Balas & Vazacopoulos
// 1998; Zhang et al. 2007) and only the chosen one is applied.
//
// Neighbourhood (on one critical path, split into blocks of operations consecutive on a machine):
//   - N7 (Zhang et al. 2007): move an operation of a block to the block's start or end, and move the
//     block's first (last) operation to just after (before) any inner operation;
//   - for the flexible job shop, reassign a critical operation to another eligible machine at every
//     feasible position there (Mastrolilli & Gambardella 2000), estimated by the new head and tail.
// Tabu list: reversed machine-order pairs and abandoned (operation, machine) assignments, random tenure.
// When the search stalls it restarts from an elite solution with a random critical-path perturbation.

import type { Problem, SolveOptions, SolveResult, Schedule, ScheduledOperation } from './model.ts';
import { Rng } from './rng.ts';

/** Search parameters (exported for tuning experiments; the defaults are what the benchmark measured). */
export const TABU_PARAMS = {
  /** Tenure for the job shop: base + n/m, plus a random part of up to `tenureSpread` × that. */
  tenureBase: 10,
  tenureSpread: 0.5,
  /** Tenure base for the flexible job shop (plus N/(4M)). */
  flexTenureBase: 4,
  /** Non-improving iterations before a restart: clamp(N × stallPerOp, stallMin, stallMax). */
  stallPerOp: 20,
  stallMin: 2000,
  stallMax: 20000,
  /** Random perturbation moves at a restart: perturbMin + rand(perturbRand). */
  perturbMin: 4,
  perturbRand: 6,
  /** Restart from the global best with probability 1/eliteOdds, else from a random elite. */
  eliteOdds: 3,
  eliteCap: 6,
  /** Job shop: path relinking between elite solutions once the pool has prMinPool members. */
  pathRelinking: true,
  /** Incremental head/tail update after within-machine moves (false: full recomputation, for testing). */
  incremental: true,
  /** Debug: compare every incremental evaluation with a full one (slow; tests only). */
  debugVerify: false,
  prMinPool: 4,
  prFrom: 0.25,
  prTo: 0.5,
};

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
      if (op.predecessors && !(op.predecessors.length === (k > 0 ? 1 : 0) && (k === 0 || op.predecessors[0] === k - 1)))
        return false;
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

/** Mutable solution: machine assignment and machine sequences, with heads and tails. */
class State {
  readonly inst: ShopInstance;
  readonly alt: Int32Array; // chosen alternative index per operation
  readonly mach: Int32Array;
  readonly dur: Int32Array;
  readonly mPrev: Int32Array;
  readonly mNext: Int32Array;
  readonly mFirst: Int32Array;
  readonly mLast: Int32Array;
  readonly r: Int32Array;
  readonly q: Int32Array;
  readonly topo: Int32Array;
  readonly indeg: Int32Array;
  // incremental evaluation: position in the topological order, prefix maximum of ends, DFS buffers
  readonly tpos: Int32Array;
  readonly prefMax: Int32Array;
  private readonly stack: Int32Array;
  private readonly fwd: Int32Array;
  private readonly bwd: Int32Array;
  private readonly posF: Int32Array;
  private readonly posB: Int32Array;
  private readonly mark: Uint32Array;
  private readonly dirty: Uint32Array;
  private stamp = 0;
  makespan = 0;

  constructor(inst: ShopInstance) {
    this.inst = inst;
    const { N, M } = inst;
    this.alt = new Int32Array(N);
    this.mach = new Int32Array(N);
    this.dur = new Int32Array(N);
    this.mPrev = new Int32Array(N).fill(-1);
    this.mNext = new Int32Array(N).fill(-1);
    this.mFirst = new Int32Array(M).fill(-1);
    this.mLast = new Int32Array(M).fill(-1);
    this.r = new Int32Array(N);
    this.q = new Int32Array(N);
    this.topo = new Int32Array(N);
    this.indeg = new Int32Array(N);
    this.tpos = new Int32Array(N);
    this.prefMax = new Int32Array(N);
    this.stack = new Int32Array(N);
    this.fwd = new Int32Array(N);
    this.bwd = new Int32Array(N);
    this.posF = new Int32Array(N);
    this.posB = new Int32Array(N);
    this.mark = new Uint32Array(N);
    this.dirty = new Uint32Array(N);
  }

  /** Load from an assignment (alternative per op) and a flat list of operations per machine. */
  load(alt: Int32Array, seq: Int32Array, seqStart: Int32Array): void {
    const { M } = this.inst;
    this.alt.set(alt);
    for (let i = 0; i < alt.length; i++) {
      this.mach[i] = this.inst.altMach[alt[i]];
      this.dur[i] = this.inst.altDur[alt[i]];
    }
    for (let m = 0; m < M; m++) {
      let prev = -1;
      this.mFirst[m] = -1;
      for (let s = seqStart[m]; s < seqStart[m + 1]; s++) {
        const o = seq[s];
        this.mPrev[o] = prev;
        if (prev >= 0) this.mNext[prev] = o;
        else this.mFirst[m] = o;
        prev = o;
      }
      if (prev >= 0) this.mNext[prev] = -1;
      this.mLast[m] = prev;
    }
  }

  save(alt: Int32Array, seq: Int32Array, seqStart: Int32Array): void {
    const { M } = this.inst;
    alt.set(this.alt);
    let s = 0;
    for (let m = 0; m < M; m++) {
      seqStart[m] = s;
      for (let o = this.mFirst[m]; o >= 0; o = this.mNext[o]) seq[s++] = o;
    }
    seqStart[M] = s;
  }

  /** Recompute heads, tails and makespan. Returns -1 if the graph has a cycle. */
  evaluate(): number {
    const { N } = this.inst;
    const { jobPrev, jobNext, release } = this.inst;
    const { mPrev, mNext, r, q, dur, topo, indeg } = this;
    let tail = 0;
    for (let i = 0; i < N; i++) {
      const d = (jobPrev[i] >= 0 ? 1 : 0) + (mPrev[i] >= 0 ? 1 : 0);
      indeg[i] = d;
      if (d === 0) topo[tail++] = i;
    }
    let head = 0;
    let cmax = 0;
    while (head < tail) {
      const i = topo[head++];
      let h = release[i];
      const jp = jobPrev[i];
      if (jp >= 0) {
        const e = r[jp] + dur[jp];
        if (e > h) h = e;
      }
      const mp = mPrev[i];
      if (mp >= 0) {
        const e = r[mp] + dur[mp];
        if (e > h) h = e;
      }
      r[i] = h;
      const end = h + dur[i];
      if (end > cmax) cmax = end;
      const jn = jobNext[i];
      if (jn >= 0 && --indeg[jn] === 0) topo[tail++] = jn;
      const mn = mNext[i];
      if (mn >= 0 && --indeg[mn] === 0) topo[tail++] = mn;
    }
    if (tail < N) return -1;
    const { tpos, prefMax } = this;
    let pm = 0;
    for (let t = 0; t < N; t++) {
      const i = topo[t];
      tpos[i] = t;
      const e = r[i] + dur[i];
      if (e > pm) pm = e;
      prefMax[t] = pm;
    }
    for (let t = N - 1; t >= 0; t--) {
      const i = topo[t];
      let v = 0;
      const jn = jobNext[i];
      if (jn >= 0) v = dur[jn] + q[jn];
      const mn = mNext[i];
      if (mn >= 0) {
        const w = dur[mn] + q[mn];
        if (w > v) v = w;
      }
      q[i] = v;
    }
    this.makespan = cmax;
    return cmax;
  }

  /**
   * Re-evaluate after moving `op` within its machine with moveOp (same machine). The topological order
   * is repaired for the one new arc that may contradict it (Pearce & Kelly 2006), then heads are
   * recomputed from the first affected position onwards and tails from the last affected position
   * backwards. Returns -1 if the move created a cycle (the caller undoes it and calls evaluate()).
   */
  evaluateAfterMove(op: number, oldPrev: number, oldNext: number): number {
    const { N, jobPrev, jobNext, release } = this.inst;
    const { mPrev, mNext, r, q, dur, topo, tpos } = this;
    const after = mPrev[op];
    const nn = mNext[op];
    let lo = tpos[op];
    let hi = lo;
    let x = -1;
    let y = -1;
    if (after >= 0 && tpos[after] > tpos[op]) {
      x = after;
      y = op;
    } else if (nn >= 0 && tpos[op] > tpos[nn]) {
      x = op;
      y = nn;
    }
    if (x >= 0) {
      // new arc x→y with tpos[x] > tpos[y]: move the part of y's descendants before x behind x's ancestors
      const lb = tpos[y];
      const ub = tpos[x];
      const { stack, fwd, bwd, posF, posB, mark } = this;
      const st = ++this.stamp;
      let nf = 0;
      let sp = 0;
      stack[sp++] = y;
      mark[y] = st;
      while (sp > 0) {
        const w = stack[--sp];
        posF[nf++] = tpos[w];
        const a = jobNext[w];
        if (a >= 0 && mark[a] !== st && tpos[a] <= ub) {
          if (a === x) return -1;
          mark[a] = st;
          stack[sp++] = a;
        }
        const b = mNext[w];
        if (b >= 0 && mark[b] !== st && tpos[b] <= ub) {
          if (b === x) return -1;
          mark[b] = st;
          stack[sp++] = b;
        }
      }
      let nb = 0;
      stack[sp++] = x;
      mark[x] = st;
      while (sp > 0) {
        const w = stack[--sp];
        posB[nb++] = tpos[w];
        const a = jobPrev[w];
        if (a >= 0 && mark[a] !== st && tpos[a] >= lb) {
          mark[a] = st;
          stack[sp++] = a;
        }
        const b = mPrev[w];
        if (b >= 0 && mark[b] !== st && tpos[b] >= lb) {
          mark[b] = st;
          stack[sp++] = b;
        }
      }
      const pf = posF.subarray(0, nf).sort();
      const pb = posB.subarray(0, nb).sort();
      for (let k = 0; k < nf; k++) fwd[k] = topo[pf[k]];
      for (let k = 0; k < nb; k++) bwd[k] = topo[pb[k]];
      // merged free positions, in increasing order: ancestors of x first, then descendants of y
      let i1 = 0;
      let i2 = 0;
      for (let k = 0; k < nf + nb; k++) {
        let slot: number;
        if (i2 >= nb || (i1 < nf && pf[i1] < pb[i2])) slot = pf[i1++];
        else slot = pb[i2++];
        const node = k < nb ? bwd[k] : fwd[k - nb];
        topo[slot] = node;
        tpos[node] = slot;
      }
      if (lb < lo) lo = lb;
      if (ub > hi) hi = ub;
    }
    if (oldNext >= 0 && tpos[oldNext] < lo) lo = tpos[oldNext];
    if (nn >= 0 && tpos[nn] < lo) lo = tpos[nn];
    if (tpos[op] < lo) lo = tpos[op];
    if (oldPrev >= 0 && tpos[oldPrev] > hi) hi = tpos[oldPrev];
    if (after >= 0 && tpos[after] > hi) hi = tpos[after];
    if (tpos[op] > hi) hi = tpos[op];
    // heads: only operations whose predecessor set or predecessor head changed
    const dirty = this.dirty;
    const sh = ++this.stamp;
    dirty[op] = sh;
    if (oldNext >= 0) dirty[oldNext] = sh;
    if (nn >= 0) dirty[nn] = sh;
    for (let t = lo; t < N; t++) {
      const i = topo[t];
      if (dirty[i] !== sh) continue;
      let h = release[i];
      const jp = jobPrev[i];
      if (jp >= 0) {
        const e = r[jp] + dur[jp];
        if (e > h) h = e;
      }
      const mp = mPrev[i];
      if (mp >= 0) {
        const e = r[mp] + dur[mp];
        if (e > h) h = e;
      }
      if (h !== r[i]) {
        r[i] = h;
        const jn = jobNext[i];
        if (jn >= 0) dirty[jn] = sh;
        const mn = mNext[i];
        if (mn >= 0) dirty[mn] = sh;
      }
    }
    const stq = ++this.stamp;
    dirty[op] = stq;
    if (oldPrev >= 0) dirty[oldPrev] = stq;
    if (after >= 0) dirty[after] = stq;
    for (let t = hi; t >= 0; t--) {
      const i = topo[t];
      if (dirty[i] !== stq) continue;
      let v = 0;
      const jn = jobNext[i];
      if (jn >= 0) v = dur[jn] + q[jn];
      const mn = mNext[i];
      if (mn >= 0) {
        const w = dur[mn] + q[mn];
        if (w > v) v = w;
      }
      if (v !== q[i]) {
        q[i] = v;
        const jp = jobPrev[i];
        if (jp >= 0) dirty[jp] = stq;
        const mp = mPrev[i];
        if (mp >= 0) dirty[mp] = stq;
      }
    }
    // makespan: the longest path starts at a source, i.e. the first operation of a machine without job predecessor
    let pm = 0;
    const { mFirst } = this;
    for (let m = 0; m < mFirst.length; m++) {
      const f = mFirst[m];
      if (f >= 0 && jobPrev[f] < 0) {
        const e = r[f] + dur[f] + q[f];
        if (e > pm) pm = e;
      }
    }
    this.makespan = pm;
    return pm;
  }

  /** Move operation `op` to machine alternative `a`, right after `after` (-1: first on the machine). */
  moveOp(op: number, a: number, after: number): void {
    const { mPrev, mNext, mFirst, mLast } = this;
    const oldM = this.mach[op];
    const p = mPrev[op];
    const n = mNext[op];
    if (p >= 0) mNext[p] = n;
    else mFirst[oldM] = n;
    if (n >= 0) mPrev[n] = p;
    else mLast[oldM] = p;
    const m = this.inst.altMach[a];
    this.alt[op] = a;
    this.mach[op] = m;
    this.dur[op] = this.inst.altDur[a];
    const nn = after >= 0 ? mNext[after] : mFirst[m];
    mPrev[op] = after;
    mNext[op] = nn;
    if (after >= 0) mNext[after] = op;
    else mFirst[m] = op;
    if (nn >= 0) mPrev[nn] = op;
    else mLast[m] = op;
  }

  toSchedule(): ScheduledOperation[] {
    const out: ScheduledOperation[] = [];
    const { N, jobOf, opOf } = this.inst;
    for (let i = 0; i < N; i++)
      out.push({ job: jobOf[i], op: opOf[i], machine: this.mach[i], start: this.r[i], end: this.r[i] + this.dur[i] });
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------
// Construction: Giffler–Thompson style dispatch with several priority rules; keep the best.

const RULES = ['MWKR', 'MOR', 'SPT', 'MWKR-ECT', 'LWKR-RAND', 'MWKR-RAND'] as const;
type Rule = (typeof RULES)[number] | 'RAND';

function construct(inst: ShopInstance, rule: Rule, rng: Rng, st: State, seq: Int32Array, seqStart: Int32Array, alt: Int32Array): number {
  const { N, M, nJobs, altStart, altMach, altDur, jobFirst, release } = inst;
  // remaining work per op using the minimum duration
  const minDur = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let d = Infinity;
    for (let a = altStart[i]; a < altStart[i + 1]; a++) if (altDur[a] < d) d = altDur[a];
    minDur[i] = d;
  }
  const work = new Float64Array(N);
  for (let j = 0; j < nJobs; j++) {
    let w = 0;
    for (let i = jobFirst[j + 1] - 1; i >= jobFirst[j]; i--) {
      w += minDur[i];
      work[i] = w;
    }
  }
  const noise = new Float64Array(N);
  const rand = rule === 'RAND' || rule.endsWith('RAND');
  for (let i = 0; i < N; i++) noise[i] = rand ? rng.float() : 0;
  const next = new Int32Array(nJobs);
  const jobReady = new Float64Array(nJobs);
  for (let j = 0; j < nJobs; j++) {
    next[j] = jobFirst[j];
    jobReady[j] = release[jobFirst[j]];
  }
  const machReady = new Float64Array(M);
  const perMach: number[][] = Array.from({ length: M }, () => []);
  const prio = (i: number, est: number): number => {
    switch (rule) {
      case 'MWKR':
      case 'MWKR-ECT':
        return work[i];
      case 'MWKR-RAND':
        return work[i] * (0.85 + 0.3 * noise[i]);
      case 'LWKR-RAND':
        return -est + work[i] * 0.2 * noise[i];
      case 'MOR':
        return jobFirst[inst.jobOf[i] + 1] - i + work[i] * 1e-6;
      case 'SPT':
        return -minDur[i] + work[i] * 1e-6;
      default:
        return noise[i];
    }
  };
  for (let step = 0; step < N; step++) {
    // earliest completion over (ready op, eligible machine)
    let cStar = Infinity;
    let mStar = -1;
    for (let j = 0; j < nJobs; j++) {
      const i = next[j];
      if (i >= jobFirst[j + 1]) continue;
      for (let a = altStart[i]; a < altStart[i + 1]; a++) {
        const m = altMach[a];
        const c = Math.max(jobReady[j], machReady[m]) + altDur[a];
        if (c < cStar || (c === cStar && m < mStar)) {
          cStar = c;
          mStar = m;
        }
      }
    }
    // candidates: ready ops that can start on mStar before cStar
    let bestOp = -1;
    let bestA = -1;
    let bestP = -Infinity;
    for (let j = 0; j < nJobs; j++) {
      const i = next[j];
      if (i >= jobFirst[j + 1]) continue;
      for (let a = altStart[i]; a < altStart[i + 1]; a++) {
        if (altMach[a] !== mStar) continue;
        const est = Math.max(jobReady[j], machReady[mStar]);
        if (est >= cStar && !(est === cStar && altDur[a] === 0)) continue;
        let pr = prio(i, est);
        if (rule === 'MWKR-ECT') pr = pr - (est + altDur[a]) * 0.5;
        if (pr > bestP) {
          bestP = pr;
          bestOp = i;
          bestA = a;
        }
      }
    }
    if (bestOp < 0) throw new Error('construction failed');
    const j = inst.jobOf[bestOp];
    const m = altMach[bestA];
    const start = Math.max(jobReady[j], machReady[m]);
    const end = start + altDur[bestA];
    jobReady[j] = end;
    machReady[m] = end;
    alt[bestOp] = bestA;
    perMach[m].push(bestOp);
    next[j]++;
  }
  let s = 0;
  for (let m = 0; m < M; m++) {
    seqStart[m] = s;
    for (const o of perMach[m]) seq[s++] = o;
  }
  seqStart[M] = s;
  st.load(alt, seq, seqStart);
  return st.evaluate();
}

// ---------------------------------------------------------------------------------------------------
// Tabu search

export interface ShopSearchResult {
  alt: Int32Array;
  seq: Int32Array;
  seqStart: Int32Array;
  makespan: number;
  operations: ScheduledOperation[];
}

export function solveShop(problem: Problem, options: SolveOptions = {}): SolveResult {
  const t0 = performance.now();
  const timeLimit = options.timeLimitMs ?? 10_000;
  const deadline = t0 + timeLimit;
  const maxIter = options.maxIterations ?? Infinity;
  const rng = new Rng(options.seed ?? 1);
  const inst = buildInstance(problem);
  const { N, M, jobPrev, jobNext, release, altStart, altMach, altDur, altLocal, machElig } = inst;
  const target = Math.max(options.target ?? -Infinity, inst.lowerBound);
  const st = new State(inst);
  const elapsed = () => performance.now() - t0;

  // --- construction
  const seq = new Int32Array(N);
  const seqStart = new Int32Array(M + 1);
  const altTmp = new Int32Array(N);
  const bestAlt = new Int32Array(N);
  const bestSeq = new Int32Array(N);
  const bestSeqStart = new Int32Array(M + 1);
  let best = Infinity;
  const rules: Rule[] = [...RULES];
  for (let k = 0; k < 8; k++) rules.push('MWKR-RAND');
  for (const rule of rules) {
    const c = construct(inst, rule, rng, st, seq, seqStart, altTmp);
    if (c >= 0 && c < best) {
      best = c;
      st.save(bestAlt, bestSeq, bestSeqStart);
    }
    if (performance.now() > deadline) break;
  }
  const initial = best;
  const constructionMs = elapsed();
  options.onImprove?.({ elapsedMs: constructionMs, objective: best, makespan: best, iteration: 0, phase: 'construction' });

  // --- tabu search state
  st.load(bestAlt, bestSeq, bestSeqStart);
  st.evaluate();
  const { r, q, dur, mPrev, mNext, mFirst, mach, alt } = st;

  // tabu on machine-order pairs: per machine a matrix over its eligible operations
  const tabuBase = new Float64Array(M + 1);
  let tabuSize = 0;
  for (let m = 0; m < M; m++) {
    tabuBase[m] = tabuSize;
    tabuSize += machElig[m] * machElig[m];
  }
  const hashed = tabuSize > 1 << 23;
  const tabu = new Int32Array(hashed ? 1 << 23 : Math.max(1, tabuSize));
  const tabuMask = (1 << 23) - 1;
  const tabuAlt = new Int32Array(altMach.length);
  const pairIndex = (a: number, b: number): number => {
    // "a before b" on machine mach[a] (== mach[b])
    const m = mach[a];
    const la = altLocal[alt[a]];
    const lb = altLocal[alt[b]];
    if (hashed) return (Math.imul(la * 0x9e3779b1 + lb, 0x85ebca6b) ^ m) & tabuMask;
    return tabuBase[m] + la * machElig[m] + lb;
  };

  const path = new Int32Array(N);
  const ends = new Int32Array(M);
  const buf = new Int32Array(N + 2);
  let iter = 0;
  let movesEvaluated = 0;
  let restarts = 0;
  let bestIteration = 0;
  let sinceImprove = 0;
  const flexible = inst.flexible;
  const nJobs = inst.nJobs;
  const P = TABU_PARAMS;
  const baseTenure = flexible ? P.flexTenureBase + Math.round(N / (M * 4)) : P.tenureBase + Math.round(nJobs / M);
  const stallLimit = Math.max(P.stallMin, Math.min(P.stallMax, N * P.stallPerOp));
  let pathLen = 0;

  const jpEnd = (i: number): number => {
    const jp = jobPrev[i];
    const e = jp >= 0 ? r[jp] + dur[jp] : 0;
    return e > release[i] ? e : release[i];
  };
  const jsTail = (i: number): number => {
    const js = jobNext[i];
    return js >= 0 ? dur[js] + q[js] : 0;
  };

  const criticalPath = (): void => {
    const cmax = st.makespan;
    // start at a source (first on its machine, no job predecessor) on a longest path; trace forward
    let nEnds = 0;
    for (let m = 0; m < M; m++) {
      const f = mFirst[m];
      if (f >= 0 && jobPrev[f] < 0 && r[f] + dur[f] + q[f] === cmax) ends[nEnds++] = f;
    }
    let cur = ends[nEnds > 1 ? rng.int(nEnds) : 0];
    let len = 0;
    for (;;) {
      path[len++] = cur;
      const t = q[cur];
      if (t === 0) break;
      const ms = mNext[cur];
      const js = jobNext[cur];
      const mOk = ms >= 0 && dur[ms] + q[ms] === t;
      const jOk = js >= 0 && dur[js] + q[js] === t;
      if (mOk && jOk) cur = (rng.u32() & 1) === 0 ? ms : js;
      else if (mOk) cur = ms;
      else cur = js;
    }
    pathLen = len;
  };

  // candidate bookkeeping
  let cType = 0; // 0 forward (u after v), 1 backward (v before u), 2 reassign
  let cI = 0;
  let cJ = 0;
  let cOp = 0;
  let cAlt = 0;
  let cAfter = 0;
  let cEst = 0;
  let cTies = 0;
  let anyMove = false;
  let fbCount = 0; // fallback (all tabu) reservoir
  let fType = 0;
  let fI = 0;
  let fJ = 0;
  let fOp = 0;
  let fAlt = 0;
  let fAfter = 0;
  let fEst = 0;

  const consider = (type: number, i: number, j: number, op: number, a: number, after: number, est: number, isTabu: boolean): void => {
    movesEvaluated++;
    if (isTabu && est >= best) {
      fbCount++;
      if (fbCount === 1 || est < fEst || (est === fEst && rng.int(fbCount) === 0)) {
        fType = type;
        fI = i;
        fJ = j;
        fOp = op;
        fAlt = a;
        fAfter = after;
        fEst = est;
      }
      return;
    }
    if (!anyMove || est < cEst) {
      anyMove = true;
      cTies = 1;
    } else if (est === cEst) {
      cTies++;
      if (rng.int(cTies) !== 0) return;
    } else return;
    cType = type;
    cI = i;
    cJ = j;
    cOp = op;
    cAlt = a;
    cAfter = after;
    cEst = est;
  };

  // forward: u = path[i] moved right after v = path[j] (i < j, same block)
  const evalForward = (i: number, j: number): void => {
    const u = path[i];
    const v = path[j];
    const js = jobNext[u];
    if (js >= 0 && (js === v || q[js] >= dur[v] + q[v])) return; // may create a cycle
    const pm = mPrev[u];
    let t = pm >= 0 ? r[pm] + dur[pm] : 0;
    let isTabu = false;
    for (let s = i + 1; s <= j; s++) {
      const x = path[s];
      const jpe = jpEnd(x);
      const h = jpe > t ? jpe : t;
      buf[s - i - 1] = h;
      t = h + dur[x];
      if (!isTabu && tabu[pairIndex(x, u)] > iter) isTabu = true;
    }
    const jpu = jpEnd(u);
    const hu = jpu > t ? jpu : t;
    const sm = mNext[v];
    let tq = sm >= 0 ? dur[sm] + q[sm] : 0;
    const jtu = jsTail(u);
    const qu = jtu > tq ? jtu : tq;
    let est = hu + dur[u] + qu;
    tq = dur[u] + qu;
    for (let s = j; s > i; s--) {
      const x = path[s];
      const jt = jsTail(x);
      const qx = jt > tq ? jt : tq;
      const e = buf[s - i - 1] + dur[x] + qx;
      if (e > est) est = e;
      tq = dur[x] + qx;
    }
    consider(0, i, j, u, alt[u], v, est, isTabu);
  };

  // backward: v = path[j] moved right before u = path[i] (i < j, same block)
  const evalBackward = (i: number, j: number): void => {
    const u = path[i];
    const v = path[j];
    const jp = jobPrev[v];
    if (jp >= 0 && (jp === u || r[jp] >= r[u] + dur[u])) return;
    const pm = mPrev[u];
    let t = pm >= 0 ? r[pm] + dur[pm] : 0;
    const jpv = jpEnd(v);
    const hv = jpv > t ? jpv : t;
    t = hv + dur[v];
    let isTabu = false;
    for (let s = i; s < j; s++) {
      const x = path[s];
      const jpe = jpEnd(x);
      const h = jpe > t ? jpe : t;
      buf[s - i] = h;
      t = h + dur[x];
      if (!isTabu && tabu[pairIndex(v, x)] > iter) isTabu = true;
    }
    const sm = mNext[v];
    let tq = sm >= 0 ? dur[sm] + q[sm] : 0;
    let est = 0;
    for (let s = j - 1; s >= i; s--) {
      const x = path[s];
      const jt = jsTail(x);
      const qx = jt > tq ? jt : tq;
      const e = buf[s - i] + dur[x] + qx;
      if (e > est) est = e;
      tq = dur[x] + qx;
    }
    const jtv = jsTail(v);
    const qv = jtv > tq ? jtv : tq;
    const ev = hv + dur[v] + qv;
    if (ev > est) est = ev;
    consider(1, i, j, v, alt[v], mPrev[u], est, isTabu);
  };

  const evalReassign = (pi: number): void => {
    const u = path[pi];
    const a0 = altStart[u];
    const a1 = altStart[u + 1];
    if (a1 - a0 < 2) return;
    const PJ = jobPrev[u];
    const SJ = jobNext[u];
    const jpe = jpEnd(u);
    const jst = jsTail(u);
    // lower estimate of the old machine's bridged path
    const pm = mPrev[u];
    const sm = mNext[u];
    let bridge = 0;
    if (pm >= 0 && sm >= 0) {
      const e = r[pm] + dur[pm];
      const je = jpEnd(sm);
      bridge = (e > je ? e : je) + dur[sm] + q[sm];
    }
    for (let a = a0; a < a1; a++) {
      if (a === alt[u]) continue;
      const m = altMach[a];
      const p = altDur[a];
      const isTabu = tabuAlt[a] > iter;
      let prev = -1;
      let cur = mFirst[m];
      for (;;) {
        // position between prev and cur; once prev is reachable from SJ, all later ones are
        if (prev >= 0 && SJ >= 0 && (prev === SJ || q[SJ] >= dur[prev] + q[prev])) break;
        if (cur < 0 || PJ < 0 || (cur !== PJ && r[PJ] < r[cur] + dur[cur])) {
          const pe = prev >= 0 ? r[prev] + dur[prev] : 0;
          const h = pe > jpe ? pe : jpe;
          const ct = cur >= 0 ? dur[cur] + q[cur] : 0;
          const t = ct > jst ? ct : jst;
          let est = h + p + t;
          if (bridge > est) est = bridge;
          consider(2, pi, 0, u, a, prev, est, isTabu);
        }
        if (cur < 0) break;
        prev = cur;
        cur = mNext[cur];
      }
    }
  };

  const markTabu = (type: number, i: number, j: number, op: number, oldAlt: number): void => {
    const ten = baseTenure + rng.int(Math.max(1, Math.round(baseTenure * P.tenureSpread)) + 1);
    if (type === 0) {
      // u moved after path[i+1..j]: forbid u before x again
      for (let s = i + 1; s <= j; s++) tabu[pairIndex(op, path[s])] = iter + ten;
    } else if (type === 1) {
      for (let s = i; s < j; s++) tabu[pairIndex(path[s], op)] = iter + ten;
    } else {
      tabuAlt[oldAlt] = iter + ten;
    }
  };

  // elite pool for restarts
  const eliteCap = P.eliteCap;
  const elite: Array<{ alt: Int32Array; seq: Int32Array; seqStart: Int32Array; makespan: number }> = [];
  const runAlt = new Int32Array(N);
  const runSeq = new Int32Array(N);
  const runSeqStart = new Int32Array(M + 1);
  let runBest = Infinity;
  const sameSolution = (a: { alt: Int32Array; seq: Int32Array }, b: { alt: Int32Array; seq: Int32Array }): boolean => {
    for (let k = 0; k < N; k++) if (a.seq[k] !== b.seq[k] || a.alt[k] !== b.alt[k]) return false;
    return true;
  };
  const pushElite = (): void => {
    const e = { alt: runAlt.slice(), seq: runSeq.slice(), seqStart: runSeqStart.slice(), makespan: runBest };
    for (const x of elite) if (x.makespan === e.makespan && sameSolution(x, e)) return;
    if (elite.length < eliteCap) elite.push(e);
    else {
      let w = 0;
      for (let k = 1; k < elite.length; k++) if (elite[k].makespan > elite[w].makespan) w = k;
      if (e.makespan <= elite[w].makespan) elite[w] = e;
    }
  };

  // Path relinking (Peng, Lü & Cheng 2015): walk from elite solution A towards elite B by swapping the
  // operation B has at a position into that position on A's machine; restart the tabu search from the
  // best solution met between a quarter and a half of the way.
  const prCur = new Int32Array(N);
  const prPos = new Int32Array(N);
  const prBest = new Int32Array(N);
  const prDiff: number[] = [];
  const pathRelink = (): void => {
    const ia = rng.int(elite.length);
    let ib = rng.int(elite.length - 1);
    if (ib >= ia) ib++;
    const A = elite[ia];
    const B = elite[ib];
    prCur.set(A.seq);
    for (let k = 0; k < N; k++) prPos[prCur[k]] = k;
    prDiff.length = 0;
    for (let k = 0; k < N; k++) if (prCur[k] !== B.seq[k]) prDiff.push(k);
    const d = prDiff.length;
    const lo = Math.max(1, Math.floor(d * P.prFrom));
    const hi = Math.max(lo, Math.floor(d * P.prTo));
    let steps = 0;
    let bestVal = Infinity;
    let fails = 0;
    while (prDiff.length && steps < hi && fails < 50) {
      const t = rng.int(prDiff.length);
      const k = prDiff[t];
      if (prCur[k] === B.seq[k]) {
        prDiff[t] = prDiff[prDiff.length - 1];
        prDiff.pop();
        continue;
      }
      const x = B.seq[k];
      const j = prPos[x];
      const y = prCur[k];
      prCur[k] = x;
      prCur[j] = y;
      prPos[x] = k;
      prPos[y] = j;
      st.load(A.alt, prCur, A.seqStart);
      const c = st.evaluate();
      if (c < 0) {
        prCur[k] = y;
        prCur[j] = x;
        prPos[x] = j;
        prPos[y] = k;
        prDiff[t] = prDiff[prDiff.length - 1];
        prDiff.pop();
        fails++;
        continue;
      }
      steps++;
      if (steps >= lo && c < bestVal) {
        bestVal = c;
        prBest.set(prCur);
      }
    }
    if (bestVal === Infinity) prBest.set(prCur);
    st.load(A.alt, prBest, A.seqStart);
    if (st.evaluate() < 0) {
      st.load(A.alt, A.seq, A.seqStart);
      st.evaluate();
    }
  };

  const tSearch = performance.now();
  let stopped = best <= target;
  while (!stopped && iter < maxIter) {
    if ((iter & 31) === 0 && performance.now() >= deadline) break;
    iter++;
    criticalPath();
    anyMove = false;
    fbCount = 0;
    // blocks
    let s = 0;
    while (s < pathLen) {
      let e = s;
      while (e + 1 < pathLen && mNext[path[e]] === path[e + 1]) e++;
      if (e > s) {
        for (let i2 = s + 1; i2 <= e; i2++) evalBackward(s, i2); // to the block start
        for (let i2 = s; i2 < e; i2++) if (!(i2 === s && e === s + 1)) evalForward(i2, e); // to the block end
        for (let i2 = s + 1; i2 < e; i2++) {
          evalForward(s, i2); // first op after an inner op
          evalBackward(i2, e); // last op before an inner op
        }
      }
      s = e + 1;
    }
    if (flexible) for (let pi = 0; pi < pathLen; pi++) evalReassign(pi);

    let type: number, mi: number, mj: number, op: number, a: number, after: number;
    if (anyMove) {
      type = cType; mi = cI; mj = cJ; op = cOp; a = cAlt; after = cAfter;
    } else if (fbCount > 0) {
      type = fType; mi = fI; mj = fJ; op = fOp; a = fAlt; after = fAfter;
    } else {
      break; // no move at all: the critical path is a single chain of job arcs, optimal
    }
    const oldAlt = alt[op];
    const oldPrev = mPrev[op];
    const oldNext = mNext[op];
    st.moveOp(op, a, after);
    const c = type === 2 || !P.incremental ? st.evaluate() : st.evaluateAfterMove(op, oldPrev, oldNext);
    if (P.debugVerify && c >= 0) verifyIncremental(c);
    if (c < 0) {
      st.moveOp(op, oldAlt, oldPrev);
      st.evaluate();
      // forbid this move for a while
      if (type === 2) tabuAlt[a] = iter + baseTenure;
      continue;
    }
    // mark tabu using the path of the previous state (still in `path`)
    markTabu(type, mi, mj, op, oldAlt);
    if (c < runBest) {
      runBest = c;
      st.save(runAlt, runSeq, runSeqStart);
    }
    if (c < best) {
      best = c;
      bestIteration = iter;
      st.save(bestAlt, bestSeq, bestSeqStart);
      sinceImprove = 0;
      options.onImprove?.({ elapsedMs: elapsed(), objective: best, makespan: best, iteration: iter, phase: 'tabu' });
      if (best <= target) {
        stopped = true;
        break;
      }
    } else if (++sinceImprove > stallLimit) {
      // restart from an elite solution with a perturbation
      if (runBest < Infinity) pushElite();
      runBest = Infinity;
      restarts++;
      if (!flexible && P.pathRelinking && elite.length >= P.prMinPool) {
        pathRelink();
      } else if (!flexible && P.pathRelinking) {
        construct(inst, 'MWKR-RAND', rng, st, seq, seqStart, altTmp); // a fresh start to fill the pool
      } else {
        const src = elite.length && rng.int(P.eliteOdds) > 0 ? elite[rng.int(elite.length)] : null;
        if (src) st.load(src.alt, src.seq, src.seqStart);
        else st.load(bestAlt, bestSeq, bestSeqStart);
        st.evaluate();
        perturb(P.perturbMin + rng.int(P.perturbRand));
      }
      tabu.fill(0);
      tabuAlt.fill(0);
      sinceImprove = 0;
    }
  }

  function verifyIncremental(c: number): void {
    const r1 = r.slice();
    const q1 = q.slice();
    const c2 = st.evaluate();
    if (c2 !== c) throw new Error(`incremental makespan ${c} != full ${c2}`);
    for (let k = 0; k < N; k++)
      if (r1[k] !== r[k] || q1[k] !== q[k]) throw new Error(`incremental head/tail mismatch at operation ${k}`);
  }

  function perturb(steps: number): void {
    for (let k = 0; k < steps; k++) {
      criticalPath();
      // random adjacent swap on a critical block, or a random reassignment
      const cands: number[] = [];
      for (let i2 = 0; i2 + 1 < pathLen; i2++) if (mNext[path[i2]] === path[i2 + 1]) cands.push(i2);
      if (flexible && (cands.length === 0 || rng.int(2) === 0)) {
        const u = path[rng.int(pathLen)];
        const na = altStart[u + 1] - altStart[u];
        if (na > 1) {
          const a2 = altStart[u] + rng.int(na);
          const m2 = altMach[a2];
          // insert at a random feasible-looking position: after the last op whose head is below u's head
          let after = -1;
          for (let o = mFirst[m2]; o >= 0; o = mNext[o]) {
            if (o === u) continue;
            if (r[o] < r[u]) after = o;
            else break;
          }
          const oa = alt[u];
          const op2 = mPrev[u];
          st.moveOp(u, a2, after);
          if (st.evaluate() < 0) {
            st.moveOp(u, oa, op2);
            st.evaluate();
          }
          continue;
        }
      }
      if (cands.length === 0) return;
      const i2 = cands[rng.int(cands.length)];
      const u = path[i2];
      const v = path[i2 + 1];
      if (jobNext[u] === v) continue;
      st.moveOp(u, alt[u], v);
      if (st.evaluate() < 0) {
        st.moveOp(u, alt[u], mPrev[v]);
        st.evaluate();
      }
    }
  }

  const searchMs = performance.now() - tSearch;
  st.load(bestAlt, bestSeq, bestSeqStart);
  const fin = st.evaluate();
  const operations = st.toSchedule();
  const schedule: Schedule = { makespan: fin, totalWeightedTardiness: 0, operations };
  return {
    schedule,
    stats: {
      engine: 'tabu',
      constructionMs,
      searchMs,
      iterations: iter,
      movesEvaluated,
      restarts,
      initialObjective: initial,
      bestIteration,
    },
  };
}
