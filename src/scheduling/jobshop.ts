// Makespan engine for the (flexible) job shop on the disjunctive graph: dispatch-rule construction, then
// tabu search on the critical path. Used for problems without calendars, setups or frozen operations and
// with chain precedence (the benchmark case); the plant features go through the list engine (list.ts).
//
// Representation (shop-instance.ts, shop-state.ts): operations 0..N-1 (jobs in order, operations in
// order); each operation has an assigned machine/duration and sits in a doubly linked machine sequence.
// Heads r (earliest start) and tails q (longest path from the operation's end to the sink) are recomputed
// in O(N) after each move by a topological sweep. Candidate moves are scored by O(block) head/tail
// estimates (Balas & Vazacopoulos 1998; Zhang et al. 2007) and only the chosen one is applied.
//
// Neighbourhood and tabu memory: neighbourhood.ts. Construction: construct.ts. This file holds the search
// loop: when the search stalls it restarts from an elite solution with a random critical-path
// perturbation (flexible job shop) or by path relinking between elite solutions (job shop).

import type { Problem, SolveOptions, SolveResult, Schedule, ScheduledOperation } from './model.ts';
import { Rng } from './rng.ts';
import { buildInstance } from './shop-instance.ts';
import { State } from './shop-state.ts';
import { RULES, construct, type Rule } from './construct.ts';
import { Neighbourhood } from './neighbourhood.ts';

export { isPureShop, buildInstance, type ShopInstance } from './shop-instance.ts';

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
  const { N, M, jobNext, altStart, altMach } = inst;
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
  const { r, q, mPrev, mNext, mFirst, alt } = st;

  let iter = 0;
  let restarts = 0;
  let bestIteration = 0;
  let sinceImprove = 0;
  const flexible = inst.flexible;
  const nJobs = inst.nJobs;
  const P = TABU_PARAMS;
  const baseTenure = flexible ? P.flexTenureBase + Math.round(N / (M * 4)) : P.tenureBase + Math.round(nJobs / M);
  const stallLimit = Math.max(P.stallMin, Math.min(P.stallMax, N * P.stallPerOp));
  const nb = new Neighbourhood(inst, st, rng, P, baseTenure);
  nb.best = best;
  const { path, tabu, tabuAlt } = nb;

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
    nb.iter = iter;
    nb.scan();

    let type: number, mi: number, mj: number, op: number, a: number, after: number;
    if (nb.anyMove) {
      type = nb.cType;
      mi = nb.cI;
      mj = nb.cJ;
      op = nb.cOp;
      a = nb.cAlt;
      after = nb.cAfter;
    } else if (nb.fbCount > 0) {
      type = nb.fType;
      mi = nb.fI;
      mj = nb.fJ;
      op = nb.fOp;
      a = nb.fAlt;
      after = nb.fAfter;
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
    nb.markTabu(type, mi, mj, op, oldAlt);
    if (c < runBest) {
      runBest = c;
      st.save(runAlt, runSeq, runSeqStart);
    }
    if (c < best) {
      best = c;
      nb.best = c;
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
    for (let k = 0; k < N; k++) if (r1[k] !== r[k] || q1[k] !== q[k]) throw new Error(`incremental head/tail mismatch at operation ${k}`);
  }

  function perturb(steps: number): void {
    for (let k = 0; k < steps; k++) {
      nb.criticalPath();
      // random adjacent swap on a critical block, or a random reassignment
      const cands: number[] = [];
      for (let i2 = 0; i2 + 1 < nb.pathLen; i2++) if (mNext[path[i2]] === path[i2 + 1]) cands.push(i2);
      if (flexible && (cands.length === 0 || rng.int(2) === 0)) {
        const u = path[rng.int(nb.pathLen)];
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
      movesEvaluated: nb.movesEvaluated,
      restarts,
      initialObjective: initial,
      bestIteration,
    },
  };
}
