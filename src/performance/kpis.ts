// KPIs of ISO 22400-2 (§6, KPI descriptions) from the time model totals, with the common-practice alternatives as
// named settings. Every ratio is null when its denominator is zero (no planned time, no parts, no failures; MTBF with
// ISO's divisor FE + 1 has one without failures too, and is null only with neither operating time nor failures).
import { DEFAULT_CONVENTIONS, type PlantConventions } from './conventions.ts';
import { derivedTimes, type TimeTotals } from './time-model.ts';

export interface KpiSettings {
  /** 'availability' (ISO 22400-2: logged delays are ADET, an availability loss) or 'performance' (common
   *  practice: minor stops count as production time and show up as lower effectiveness). */
  minorStops: 'availability' | 'performance';
  /** 'iso' (ADOT — idle, no order, no demand — lowers availability) or 'exclude' (common practice: idle time is
   *  taken out of planned busy time before availability is computed). */
  idle: 'iso' | 'exclude';
  /** 'operating' (ISO 22400-2: mean operating time AUPT between failures) or 'uptime' (common practice:
   *  planned busy time minus failure time, per failure). */
  mtbf: 'operating' | 'uptime';
}

export const DEFAULT_SETTINGS: KpiSettings = { minorStops: 'availability', idle: 'iso', mtbf: 'operating' };

export const SETTING_TEXT = {
  minorStops: {
    availability: 'minor stops are ADET: an availability loss (ISO 22400-2)',
    performance: 'minor stops count as production time: a speed loss (common practice)',
  },
  idle: {
    iso: 'idle / no-demand time (ADOT) lowers availability (ISO 22400-2)',
    exclude: 'idle / no-demand time (ADOT) is left out of planned busy time (common practice)',
  },
  mtbf: {
    operating: 'MTBF = AUPT / intervals between failures: operating time between failures (ISO 22400-2)',
    uptime: 'MTBF = (PBT − failure time) / intervals between failures: uptime per failure (common practice)',
  },
} as const;

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const times = (...xs: Array<number | null>): number | null => (xs.some((x) => x === null) ? null : xs.reduce<number>((p, x) => p * (x as number), 1));

export interface Kpis {
  oee: number | null;
  availability: number | null;
  effectiveness: number | null;
  quality: number | null;
  nee: number | null;
  allocationEfficiency: number | null;
  utilizationEfficiency: number | null;
  technicalEfficiency: number | null;
  setupRate: number | null;
  /** Parts per hour of AUBT (the time an order is on the unit; ISO: PQ / AOET). */
  throughputRate: number | null;
  scrapRatio: number | null;
  reworkRatio: number | null;
  firstPassYield: number | null;
  /** Seconds. */
  mtbf: number | null;
  mttr: number | null;
}

/** The figures a KPI is computed from after the settings are applied (so a user can redo the arithmetic). */
export interface KpiInputs {
  pbt: number;
  apt: number;
  adet: number;
  aubt: number;
  aupt: number;
  asut: number;
  pq: number;
  gq: number;
  sq: number;
  rq: number;
  idealS: number;
  failures: number;
  failureS: number;
  /** Σ whole restoration times of the failures counted in the period (ISO 22400-2 Σ TTR). */
  failureWholeS: number;
}

export function kpiInputs(t: TimeTotals, s: KpiSettings = DEFAULT_SETTINGS): KpiInputs {
  const d = derivedTimes(t);
  const moved = s.minorStops === 'performance' ? t.minorStopS : 0;
  const pbt = s.idle === 'exclude' ? d.pbt - d.adot : d.pbt;
  const apt = d.apt + moved;
  const adet = d.adet - moved;
  const aupt = d.asut + apt;
  return {
    pbt,
    apt,
    adet,
    aupt,
    aubt: aupt + adet,
    asut: d.asut,
    pq: t.good + t.scrap + t.rework,
    gq: t.good,
    sq: t.scrap,
    rq: t.rework,
    idealS: t.idealS,
    failures: t.failures,
    failureS: t.failureS,
    failureWholeS: t.failureWholeS,
  };
}

/**
 * How many intervals between failures MTBF divides by: ISO 22400-2 MTBF = Σ TBF(i) / (FE + 1), i = 1 … FE + 1 (FE
 * failures split the operating time into FE + 1 stretches; with none, MTBF is the whole operating time), or FE
 * (common practice; null without failures). The plant's `mtbfDivisor` convention chooses (conventions.ts).
 */
export function mtbfIntervals(failures: number, divisor: PlantConventions['mtbfDivisor']): number {
  return divisor === 'failures' ? failures : failures + 1;
}

export function computeKpis(t: TimeTotals, s: KpiSettings = DEFAULT_SETTINGS, c: Pick<PlantConventions, 'mtbfDivisor'> = DEFAULT_CONVENTIONS): Kpis {
  const x = kpiInputs(t, s);
  const intervals = mtbfIntervals(x.failures, c.mtbfDivisor);
  const betweenFailures = s.mtbf === 'uptime' ? x.pbt - x.failureS : x.aupt;
  const availability = ratio(x.apt, x.pbt); // ISO 22400-2 Availability = APT / PBT
  const effectiveness = ratio(x.idealS, x.apt); // ISO 22400-2 Effectiveness = PRI × PQ / APT (Σ over products)
  const quality = ratio(x.gq, x.pq); // ISO 22400-2 Quality ratio = GQ / PQ
  return {
    oee: times(availability, effectiveness, quality), // ISO 22400-2 OEE index = A × E × QR
    availability,
    effectiveness,
    quality,
    nee: times(ratio(x.aupt, x.pbt), effectiveness, quality), // ISO 22400-2 NEE = AUPT / PBT × E × QR
    allocationEfficiency: ratio(x.aubt, x.pbt), // ISO 22400-2 AUBT / PBT
    utilizationEfficiency: ratio(x.apt, x.aubt), // ISO 22400-2 APT / AUBT
    technicalEfficiency: ratio(x.apt, x.apt + x.adet), // ISO 22400-2 APT / (APT + ADET)
    setupRate: ratio(x.asut, x.aupt), // ISO 22400-2 ASUT / AUPT
    throughputRate: x.aubt > 0 ? x.pq / (x.aubt / 3600) : null, // ISO 22400-2 PQ / AOET, AOET ≈ AUBT without orders
    scrapRatio: ratio(x.sq, x.pq), // ISO 22400-2 SQ / PQ
    reworkRatio: ratio(x.rq, x.pq), // ISO 22400-2 RQ / PQ
    firstPassYield: ratio(x.pq - x.sq - x.rq, x.pq), // ISO 22400-2 GP / IP, with every part inspected: (PQ − SQ − RQ) / PQ
    // ISO 22400-2 MTBF = Σ TBF / (FE + 1), TBF in operating time (AUPT); null with neither time nor failures
    mtbf: x.failures > 0 || betweenFailures > 0 ? ratio(betweenFailures, intervals) : null,
    // ISO 22400-2 MTTR = Σ TTR / FE: each failure with its whole time to restoration, in the period where it began
    mttr: ratio(x.failureWholeS, x.failures),
  };
}
