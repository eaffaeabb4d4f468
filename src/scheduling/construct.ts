// Construction heuristics for the job-shop engine (jobshop.ts): Giffler–Thompson style dispatch with
// several priority rules; the search keeps the best.

import type { Rng } from './rng.ts';
import type { ShopInstance } from './shop-instance.ts';
import type { State } from './shop-state.ts';

export const RULES = ['MWKR', 'MOR', 'SPT', 'MWKR-ECT', 'LWKR-RAND', 'MWKR-RAND'] as const;
export type Rule = (typeof RULES)[number] | 'RAND';

export function construct(inst: ShopInstance, rule: Rule, rng: Rng, st: State, seq: Int32Array, seqStart: Int32Array, alt: Int32Array): number {
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
