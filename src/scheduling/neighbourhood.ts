// Neighbourhood of the job-shop tabu search (jobshop.ts): one critical path split into blocks, N7 moves
// within blocks and (flexible job shop) reassignments of critical operations, each scored by an
// O(block) head/tail estimate without applying it; plus the tabu memory the moves are checked against.
//
//   - N7 (Zhang et al. 2007): move an operation of a block to the block's start or end, and move the
//     block's first (last) operation to just after (before) any inner operation;
//   - for the flexible job shop, reassign a critical operation to another eligible machine at every
//     feasible position there (Mastrolilli & Gambardella 2000), estimated by the new head and tail.
// Tabu list: reversed machine-order pairs and abandoned (operation, machine) assignments, random tenure.

import type { Rng } from './rng.ts';
import type { ShopInstance } from './shop-instance.ts';
import type { State } from './shop-state.ts';
import type { TABU_PARAMS } from './jobshop.ts';

/** Move types: 0 forward (u after v), 1 backward (v before u), 2 reassign. */
export class Neighbourhood {
  private readonly inst: ShopInstance;
  private readonly st: State;
  private readonly rng: Rng;
  private readonly P: typeof TABU_PARAMS;
  private readonly baseTenure: number;

  /** Current iteration (set by the search loop; tabu entries hold the iteration they expire at). */
  iter = 0;
  /** Best makespan so far (aspiration: a tabu move is allowed if its estimate beats it). */
  best = Infinity;
  movesEvaluated = 0;

  // current critical path
  readonly path: Int32Array;
  pathLen = 0;
  private readonly ends: Int32Array;
  private readonly buf: Int32Array;

  // tabu on machine-order pairs: per machine a matrix over its eligible operations
  readonly tabu: Int32Array;
  readonly tabuAlt: Int32Array;
  private readonly tabuBase: Float64Array;
  private readonly hashed: boolean;
  private readonly tabuMask = (1 << 23) - 1;

  // candidate bookkeeping
  cType = 0; // 0 forward (u after v), 1 backward (v before u), 2 reassign
  cI = 0;
  cJ = 0;
  cOp = 0;
  cAlt = 0;
  cAfter = 0;
  cEst = 0;
  private cTies = 0;
  anyMove = false;
  fbCount = 0; // fallback (all tabu) reservoir
  fType = 0;
  fI = 0;
  fJ = 0;
  fOp = 0;
  fAlt = 0;
  fAfter = 0;
  fEst = 0;

  constructor(inst: ShopInstance, st: State, rng: Rng, params: typeof TABU_PARAMS, baseTenure: number) {
    this.inst = inst;
    this.st = st;
    this.rng = rng;
    this.P = params;
    this.baseTenure = baseTenure;
    const { N, M, machElig, altMach } = inst;
    this.tabuBase = new Float64Array(M + 1);
    let tabuSize = 0;
    for (let m = 0; m < M; m++) {
      this.tabuBase[m] = tabuSize;
      tabuSize += machElig[m] * machElig[m];
    }
    this.hashed = tabuSize > 1 << 23;
    this.tabu = new Int32Array(this.hashed ? 1 << 23 : Math.max(1, tabuSize));
    this.tabuAlt = new Int32Array(altMach.length);
    this.path = new Int32Array(N);
    this.ends = new Int32Array(M);
    this.buf = new Int32Array(N + 2);
  }

  private pairIndex(a: number, b: number): number {
    // "a before b" on machine mach[a] (== mach[b])
    const { mach, alt } = this.st;
    const { altLocal, machElig } = this.inst;
    const m = mach[a];
    const la = altLocal[alt[a]];
    const lb = altLocal[alt[b]];
    if (this.hashed) return (Math.imul(la * 0x9e3779b1 + lb, 0x85ebca6b) ^ m) & this.tabuMask;
    return this.tabuBase[m] + la * machElig[m] + lb;
  }

  private jpEnd(i: number): number {
    const { r, dur } = this.st;
    const { jobPrev, release } = this.inst;
    const jp = jobPrev[i];
    const e = jp >= 0 ? r[jp] + dur[jp] : 0;
    return e > release[i] ? e : release[i];
  }

  private jsTail(i: number): number {
    const { q, dur } = this.st;
    const js = this.inst.jobNext[i];
    return js >= 0 ? dur[js] + q[js] : 0;
  }

  /** Pick a longest path into `path` (random among ties). */
  criticalPath(): void {
    const { st, rng, path, ends } = this;
    const { M, jobPrev, jobNext } = this.inst;
    const { r, q, dur, mFirst, mNext } = st;
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
    this.pathLen = len;
  }

  /**
   * Trace a critical path and score every move of the neighbourhood. Afterwards `anyMove` says whether
   * the c* fields hold the best non-tabu (or aspirating) move, else `fbCount > 0` whether the f* fields
   * hold the best tabu one.
   */
  scan(): void {
    this.criticalPath();
    this.anyMove = false;
    this.fbCount = 0;
    const { path, pathLen } = this;
    const { mNext } = this.st;
    // blocks
    let s = 0;
    while (s < pathLen) {
      let e = s;
      while (e + 1 < pathLen && mNext[path[e]] === path[e + 1]) e++;
      if (e > s) {
        for (let i2 = s + 1; i2 <= e; i2++) this.evalBackward(s, i2); // to the block start
        for (let i2 = s; i2 < e; i2++) if (!(i2 === s && e === s + 1)) this.evalForward(i2, e); // to the block end
        for (let i2 = s + 1; i2 < e; i2++) {
          this.evalForward(s, i2); // first op after an inner op
          this.evalBackward(i2, e); // last op before an inner op
        }
      }
      s = e + 1;
    }
    if (this.inst.flexible) for (let pi = 0; pi < pathLen; pi++) this.evalReassign(pi);
  }

  private consider(type: number, i: number, j: number, op: number, a: number, after: number, est: number, isTabu: boolean): void {
    const rng = this.rng;
    this.movesEvaluated++;
    if (isTabu && est >= this.best) {
      this.fbCount++;
      const fbCount = this.fbCount;
      if (fbCount === 1 || est < this.fEst || (est === this.fEst && rng.int(fbCount) === 0)) {
        this.fType = type;
        this.fI = i;
        this.fJ = j;
        this.fOp = op;
        this.fAlt = a;
        this.fAfter = after;
        this.fEst = est;
      }
      return;
    }
    if (!this.anyMove || est < this.cEst) {
      this.anyMove = true;
      this.cTies = 1;
    } else if (est === this.cEst) {
      this.cTies++;
      if (rng.int(this.cTies) !== 0) return;
    } else return;
    this.cType = type;
    this.cI = i;
    this.cJ = j;
    this.cOp = op;
    this.cAlt = a;
    this.cAfter = after;
    this.cEst = est;
  }

  // forward: u = path[i] moved right after v = path[j] (i < j, same block)
  private evalForward(i: number, j: number): void {
    const { path, buf, tabu, iter } = this;
    const { r, q, dur, mPrev, mNext, alt } = this.st;
    const { jobNext } = this.inst;
    const u = path[i];
    const v = path[j];
    const js = jobNext[u];
    if (js >= 0 && (js === v || q[js] >= dur[v] + q[v])) return; // may create a cycle
    const pm = mPrev[u];
    let t = pm >= 0 ? r[pm] + dur[pm] : 0;
    let isTabu = false;
    for (let s = i + 1; s <= j; s++) {
      const x = path[s];
      const jpe = this.jpEnd(x);
      const h = jpe > t ? jpe : t;
      buf[s - i - 1] = h;
      t = h + dur[x];
      if (!isTabu && tabu[this.pairIndex(x, u)] > iter) isTabu = true;
    }
    const jpu = this.jpEnd(u);
    const hu = jpu > t ? jpu : t;
    const sm = mNext[v];
    let tq = sm >= 0 ? dur[sm] + q[sm] : 0;
    const jtu = this.jsTail(u);
    const qu = jtu > tq ? jtu : tq;
    let est = hu + dur[u] + qu;
    tq = dur[u] + qu;
    for (let s = j; s > i; s--) {
      const x = path[s];
      const jt = this.jsTail(x);
      const qx = jt > tq ? jt : tq;
      const e = buf[s - i - 1] + dur[x] + qx;
      if (e > est) est = e;
      tq = dur[x] + qx;
    }
    this.consider(0, i, j, u, alt[u], v, est, isTabu);
  }

  // backward: v = path[j] moved right before u = path[i] (i < j, same block)
  private evalBackward(i: number, j: number): void {
    const { path, buf, tabu, iter } = this;
    const { r, q, dur, mPrev, mNext, alt } = this.st;
    const { jobPrev } = this.inst;
    const u = path[i];
    const v = path[j];
    const jp = jobPrev[v];
    if (jp >= 0 && (jp === u || r[jp] >= r[u] + dur[u])) return;
    const pm = mPrev[u];
    let t = pm >= 0 ? r[pm] + dur[pm] : 0;
    const jpv = this.jpEnd(v);
    const hv = jpv > t ? jpv : t;
    t = hv + dur[v];
    let isTabu = false;
    for (let s = i; s < j; s++) {
      const x = path[s];
      const jpe = this.jpEnd(x);
      const h = jpe > t ? jpe : t;
      buf[s - i] = h;
      t = h + dur[x];
      if (!isTabu && tabu[this.pairIndex(v, x)] > iter) isTabu = true;
    }
    const sm = mNext[v];
    let tq = sm >= 0 ? dur[sm] + q[sm] : 0;
    let est = 0;
    for (let s = j - 1; s >= i; s--) {
      const x = path[s];
      const jt = this.jsTail(x);
      const qx = jt > tq ? jt : tq;
      const e = buf[s - i] + dur[x] + qx;
      if (e > est) est = e;
      tq = dur[x] + qx;
    }
    const jtv = this.jsTail(v);
    const qv = jtv > tq ? jtv : tq;
    const ev = hv + dur[v] + qv;
    if (ev > est) est = ev;
    this.consider(1, i, j, v, alt[v], mPrev[u], est, isTabu);
  }

  private evalReassign(pi: number): void {
    const { path, tabuAlt, iter } = this;
    const { r, q, dur, mPrev, mNext, mFirst, alt } = this.st;
    const { jobPrev, jobNext, altStart, altMach, altDur } = this.inst;
    const u = path[pi];
    const a0 = altStart[u];
    const a1 = altStart[u + 1];
    if (a1 - a0 < 2) return;
    const PJ = jobPrev[u];
    const SJ = jobNext[u];
    const jpe = this.jpEnd(u);
    const jst = this.jsTail(u);
    // lower estimate of the old machine's bridged path
    const pm = mPrev[u];
    const sm = mNext[u];
    let bridge = 0;
    if (pm >= 0 && sm >= 0) {
      const e = r[pm] + dur[pm];
      const je = this.jpEnd(sm);
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
          this.consider(2, pi, 0, u, a, prev, est, isTabu);
        }
        if (cur < 0) break;
        prev = cur;
        cur = mNext[cur];
      }
    }
  }

  /** Make the reverse of an applied move tabu (i, j index the path the move was chosen on). */
  markTabu(type: number, i: number, j: number, op: number, oldAlt: number): void {
    const { path, tabu, iter, baseTenure } = this;
    const ten = baseTenure + this.rng.int(Math.max(1, Math.round(baseTenure * this.P.tenureSpread)) + 1);
    if (type === 0) {
      // u moved after path[i+1..j]: forbid u before x again
      for (let s = i + 1; s <= j; s++) tabu[this.pairIndex(op, path[s])] = iter + ten;
    } else if (type === 1) {
      for (let s = i; s < j; s++) tabu[this.pairIndex(path[s], op)] = iter + ten;
    } else {
      this.tabuAlt[oldAlt] = iter + ten;
    }
  }
}
