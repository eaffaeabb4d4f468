// Mutable disjunctive-graph solution for the job-shop engine (jobshop.ts): machine assignment and doubly
// linked machine sequences, with heads r (earliest start) and tails q (longest path from the operation's
// end to the sink). Full O(N) evaluation by a topological sweep, and an incremental re-evaluation after a
// move within one machine.

import type { ScheduledOperation } from './model.ts';
import type { ShopInstance } from './shop-instance.ts';

/** Mutable solution: machine assignment and machine sequences, with heads and tails. */
export class State {
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
    for (let i = 0; i < N; i++) out.push({ job: jobOf[i], op: opOf[i], machine: this.mach[i], start: this.r[i], end: this.r[i] + this.dur[i] });
    return out;
  }
}
