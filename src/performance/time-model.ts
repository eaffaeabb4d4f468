// The ISO 22400-2 time model of one work unit over one period, from its state intervals, counts and shift calendar.
// Pure: the repository loads the rows, this sorts every second of the period into exactly one bucket.
//
//   period = outside (not planned: no shift, holiday) + POT
//   POT    = PDOT (breaks, planned downtime, maintenance mode) + PBT                 ISO 22400-2 §5.3
//   PBT    = ADOT + ADET + ASUT + APT + unknown (no data: never counted as running)
//
// Decisions (docs/performance.md):
// - Time outside POT is outside the model: whatever the machine did there is reported as `outside` (with the
//   machine's own buckets in `outsideBuckets`), and parts counted there go to `outsideCounts`, not to PQ — so
//   effectiveness never compares parts made on a Saturday with production time on a Friday.
// - Breaks and planned downtime are PDOT whatever the machine did; parts counted in them are treated like the time:
//   they go to `pdotGood`/`pdotScrap`, not to PQ (so effectiveness never divides break parts by production time).
// - Maintenance mode (bucket pdot) inside PBT is PDOT as well (`pdotState`), and so are parts counted in it — unless
//   the plant's conventions make it an unplanned repair (conventions.ts, applied before this model runs).
// - MTTR (ISO 22400-2 MTTR = Σ TTR / FE): a failure counts once, in the period holding its first second of planned
//   busy time, with its whole restoration time in planned busy time (`failureWholeS`), even the part after the
//   period ends — so a breakdown across a shift change has the same MTTR in either shift's report.
// - A stop is a maximal run of back-to-back ADET intervals that are not external (Suspended = starved/blocked).
//   A stop shorter than the minor-stop threshold (its whole length, not the part in the period) is a minor stop,
//   otherwise a failure. A stop is counted once, in the period holding its first second of planned busy time.
import { contains, firstInside, intersect, measure, overlap, subtract, union, type Span } from './intervals.ts';

export const BUCKETS = ['apt', 'asut', 'adet', 'adot', 'pdot', 'unknown'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** ADET states that are external to the unit (starved or blocked) rather than its own stop. */
export const EXTERNAL_STATES = new Set(['Suspended', 'Suspending', 'Unsuspending']);

export interface StateSpan {
  start: number;
  /** null = still open (runs until now). */
  end: number | null;
  state: string;
  bucket: string;
}

export interface CountRow {
  ts: number;
  kind: 'good' | 'scrap' | 'rework';
  delta: number;
  /** PRI of what was made (product routing, else the machine's own); null when neither is known. */
  idealCycleTimeS: number | null;
}

/** Planned operation time and planned downtime windows of the unit's calendar over [from, to). */
export interface CalendarWindows {
  /** Shifts (holidays already left out). */
  pot: Span[];
  /** Breaks and planned downtime windows (may overlap each other). */
  planned: Span[];
}

export type CalendarFn = (from: number, to: number) => CalendarWindows;

/** Additive totals of one period: the sum over sub-periods equals the total of the whole (roll-ups rely on it). */
export interface TimeTotals {
  /** Seconds. */
  period: number;
  outside: number;
  pot: number;
  pdotPlanned: number;
  pdotState: number;
  adot: number;
  adet: number;
  asut: number;
  apt: number;
  unknown: number;
  /** ADET split: failures, minor stops, external (starved/blocked). */
  failureS: number;
  minorStopS: number;
  externalS: number;
  failures: number;
  minorStops: number;
  /** Σ whole planned-busy-time length of the failures counted in this period (also the part outside it). */
  failureWholeS: number;
  good: number;
  scrap: number;
  rework: number;
  /** Σ PRI × quantity over PQ (seconds). */
  idealS: number;
  /** Parts with no ideal cycle time known (left out of idealS). */
  noIdealQ: number;
  outsideApt: number;
  outsideGood: number;
  outsideScrap: number;
  /** Parts counted in planned downtime (breaks, planned windows, maintenance mode): not in PQ. */
  pdotGood: number;
  pdotScrap: number;
}

export const TOTAL_KEYS = [
  'period',
  'outside',
  'pot',
  'pdotPlanned',
  'pdotState',
  'adot',
  'adet',
  'asut',
  'apt',
  'unknown',
  'failureS',
  'minorStopS',
  'externalS',
  'failures',
  'minorStops',
  'good',
  'scrap',
  'rework',
  'idealS',
  'noIdealQ',
  'outsideApt',
  'outsideGood',
  'outsideScrap',
  'failureWholeS',
  'pdotGood',
  'pdotScrap',
] as const satisfies ReadonlyArray<keyof TimeTotals>;

export const zeroTotals = (): TimeTotals => Object.fromEntries(TOTAL_KEYS.map((k) => [k, 0])) as unknown as TimeTotals;

export function addTotals(a: TimeTotals, b: TimeTotals): TimeTotals {
  for (const k of TOTAL_KEYS) a[k] += b[k];
  return a;
}

export interface ModelInput {
  from: number;
  to: number;
  /** Time after now has not happened: the period ends at now. */
  now: number;
  /** Intervals overlapping [from, to), sorted; may reach beyond it (a stop's full length decides if it is minor). */
  states: StateSpan[];
  counts: CountRow[];
  calendar: CalendarFn;
  minorStopThresholdS: number;
  /** The stops of a longer history that `states` is a slice of (stopsOf over the whole history). */
  stops?: Map<StateSpan, Stop>;
}

export interface Stop {
  start: number;
  end: number;
  minor: boolean;
}

/** Planned busy time windows: POT minus breaks and planned downtime. */
export function pbtWindows(w: CalendarWindows): { pot: Span[]; planned: Span[]; pbt: Span[] } {
  const pot = union(w.pot);
  const planned = intersect(union(w.planned), pot);
  return { pot, planned, pbt: subtract(pot, planned) };
}

const isStopInterval = (s: StateSpan) => s.bucket === 'adet' && !EXTERNAL_STATES.has(s.state);

/** Maximal runs of back-to-back own-stop intervals, by interval. */
export function stopsOf(states: StateSpan[], now: number, threshold: number): Map<StateSpan, Stop> {
  const byIndex = new Map<StateSpan, Stop>();
  let run: Stop | undefined;
  let prevEnd: number | null = null;
  for (const s of states) {
    const end = s.end ?? now;
    if (isStopInterval(s)) {
      if (!run || prevEnd !== s.start) run = { start: s.start, end, minor: false };
      run.end = end;
      byIndex.set(s, run);
    } else run = undefined;
    prevEnd = end;
  }
  for (const r of new Set(byIndex.values())) r.minor = r.end - r.start < threshold * 1000;
  return byIndex;
}

export function computeTimeModel(input: ModelInput): TimeTotals {
  const from = input.from;
  const to = Math.max(from, Math.min(input.to, input.now));
  const t = zeroTotals();
  if (to <= from) return t;
  const { pot, planned, pbt } = pbtWindows(input.calendar(from, to));
  const ms = 1000;
  t.period = (to - from) / ms;
  t.pot = measure(pot) / ms;
  t.pdotPlanned = measure(planned) / ms;
  t.outside = t.period - t.pot;

  const stops = input.stops ?? stopsOf(input.states, input.now, input.minorStopThresholdS);
  const counted = new Set<Stop>();
  /** Maintenance-mode time: PDOT, for the parts counted in it as much as for the time. */
  const pdotStates: Span[] = [];
  const add = (a: number, b: number, s: StateSpan | undefined, stop: Stop | undefined) => {
    if (b <= a) return;
    const inPbt = overlap(pbt, a, b) / ms;
    const bucket = s?.bucket ?? 'unknown';
    if (bucket === 'pdot') pdotStates.push({ start: a, end: b });
    if (bucket === 'apt') t.outsideApt += (b - a - overlap(pot, a, b)) / ms;
    switch (bucket) {
      case 'pdot':
        t.pdotState += inPbt;
        break;
      case 'apt':
        t.apt += inPbt;
        break;
      case 'asut':
        t.asut += inPbt;
        break;
      case 'adot':
        t.adot += inPbt;
        break;
      case 'adet':
        t.adet += inPbt;
        if (!stop) t.externalS += inPbt;
        else if (stop.minor) t.minorStopS += inPbt;
        else t.failureS += inPbt;
        break;
      default:
        t.unknown += inPbt;
    }
  };

  let cursor = from;
  for (const s of input.states) {
    const start = Math.max(s.start, cursor);
    const end = Math.min(s.end ?? input.now, to);
    if (end <= from || start >= to || end <= start) continue;
    if (start > cursor) add(cursor, start, undefined, undefined); // a gap in the data
    const stop = stops.get(s);
    add(start, end, s, stop);
    cursor = end;
    if (stop && !counted.has(stop)) {
      counted.add(stop);
      // counted where the stop first costs planned busy time (for stops reaching outside the period: the calendar there)
      const inside = stop.start >= from && stop.end <= to;
      const stopPbt = inside ? pbt : pbtWindows(input.calendar(stop.start, stop.end)).pbt;
      const first = firstInside(stopPbt, stop.start, stop.end);
      if (first !== undefined && first >= from && first < to) {
        if (stop.minor) t.minorStops++;
        else {
          t.failures++;
          // ISO 22400-2 MTTR: the whole time to restoration of each failure, not the part inside this period
          t.failureWholeS += overlap(stopPbt, stop.start, stop.end) / ms;
        }
      }
    }
  }
  if (cursor < to) add(cursor, to, undefined, undefined);

  for (const c of input.counts) {
    if (c.ts < from || c.ts >= to || c.delta <= 0) continue;
    const inPot = contains(pot, c.ts);
    if (!inPot) {
      if (c.kind === 'good') t.outsideGood += c.delta;
      else t.outsideScrap += c.delta;
      continue;
    }
    // parts and time alike: a part counted in planned downtime is not produced in planned busy time (ISO 22400-2
    // PQ is the quantity produced in the order's production time); it is reported, not dropped
    if (contains(planned, c.ts) || contains(pdotStates, c.ts)) {
      if (c.kind === 'good') t.pdotGood += c.delta;
      else t.pdotScrap += c.delta;
      continue;
    }
    t[c.kind] += c.delta;
    if (c.idealCycleTimeS && c.idealCycleTimeS > 0) t.idealS += c.delta * c.idealCycleTimeS;
    else t.noIdealQ += c.delta;
  }
  return t;
}

/** The time model's derived figures (ISO 22400-2 §5.3): PDOT, PBT, AUBT, AUPT. */
export function derivedTimes(t: TimeTotals) {
  const pdot = t.pdotPlanned + t.pdotState;
  const aupt = t.asut + t.apt;
  const aubt = aupt + t.adet;
  return { pot: t.pot, pdot, pbt: t.pot - pdot, adot: t.adot, aubt, adet: t.adet, aupt, asut: t.asut, apt: t.apt, unknown: t.unknown };
}

/** Stops (failures and minor stops) that start in [from, to), for downtime lists and reasons. */
export function listStops(states: StateSpan[], now: number, thresholdS: number): Array<Stop & { states: string[] }> {
  const stops = stopsOf(states, now, thresholdS);
  const out = new Map<Stop, Stop & { states: string[] }>();
  for (const [s, stop] of stops) {
    const o = out.get(stop) ?? { ...stop, states: [] };
    if (!o.states.includes(s.state)) o.states.push(s.state);
    out.set(stop, o);
  }
  return [...out.values()];
}
