// Nakajima's six big losses (docs/standards.md §1) in seconds of planned busy time, from the time model totals.
// Pure. Invariants (property test in losses.test.ts, over random histories):
//   - every loss is ≥ 0;
//   - the losses, no-data time and fully productive time add up to planned busy time (PBT after the KPI settings);
//   - effectiveness (Σ PRI × PQ / APT) is left unclamped: above 1 it says the ideal cycle time is slower than the
//     machine (ISO 22400-2 allows effectiveness > 1). The reduced-speed loss is then 0, never negative, and the excess
//     is reported as `aboveIdealS` (not a loss; the ideal cycle time needs checking).
import { kpiInputs, type KpiSettings } from './kpis.ts';
import type { TimeTotals } from './time-model.ts';

export interface SixBigLosses {
  breakdowns: number;
  setupAndAdjustment: number;
  idlingAndMinorStops: number;
  reducedSpeed: number;
  processDefects: number;
  reducedYield: number;
  fullyProductive: number;
  /** PBT without data (source offline): neither a loss of a known kind nor productive. */
  noData: number;
  /** Σ PRI × PQ beyond APT: the parts needed less time than the ideal cycle time says (not part of the sum). */
  aboveIdealS: number;
}

export function sixBigLosses(t: TimeTotals, s: KpiSettings): SixBigLosses {
  const x = kpiInputs(t, s);
  // value-adding time at ideal speed, at most the production time it was made in
  const valueS = Math.min(t.idealS, t.apt);
  const bad = x.sq + x.rq;
  return {
    breakdowns: t.failureS,
    setupAndAdjustment: t.asut,
    // minor stops are here under either setting: `minorStops=performance` moves them into APT for the KPIs, but
    // they are still minor stops, not slow running (else they would be counted twice)
    idlingAndMinorStops: t.minorStopS + t.externalS + (s.idle === 'iso' ? t.adot : 0),
    reducedSpeed: t.apt - valueS,
    processDefects: x.pq > 0 ? (valueS * bad) / x.pq : 0, // scrap and rework (RQ) both cost their production time
    reducedYield: 0, // start-up scrap is not told apart from other scrap yet
    fullyProductive: x.pq > 0 ? (valueS * x.gq) / x.pq : 0,
    noData: t.unknown,
    aboveIdealS: t.idealS - valueS,
  };
}
