// Hand-computed cases: each a short history with its buckets and KPIs worked out in the comments.
import { describe, expect, it } from 'vitest';
import { calendarFn } from './calendar-windows.ts';
import { computeKpis } from './kpis.ts';
import { addTotals, computeTimeModel, derivedTimes, zeroTotals, type CalendarFn, type CountRow, type StateSpan } from './time-model.ts';

// Monday 2026-03-02, times in UTC
const at = (hhmm: string, day = 2) => Date.parse(`2026-03-0${day}T${hhmm}:00Z`);
const span = (a: string, b: string | null, state: string, bucket: string): StateSpan => ({ start: at(a), end: b === null ? null : at(b), state, bucket });
const count = (hhmm: string, delta: number, ict: number | null, kind: CountRow['kind'] = 'good'): CountRow => ({
  ts: at(hhmm),
  kind,
  delta,
  idealCycleTimeS: ict,
});
/** One shift 06:00–14:00, nothing planned inside it. */
const early: CalendarFn = (from, to) => ({
  pot: [{ start: Math.max(from, at('06:00')), end: Math.min(to, at('14:00')) }].filter((s) => s.end > s.start),
  planned: [],
});
const model = (states: StateSpan[], counts: CountRow[], from: string, to: string, calendar: CalendarFn = early, now = at('23:59')) =>
  computeTimeModel({ from: at(from), to: at(to), now, states, counts, calendar, minorStopThresholdS: 300 });

describe('ISO 22400 time model and KPIs, hand-computed', () => {
  it('a clean shift', () => {
    // Execute 06:00–14:00 = 28 800 s = POT = PBT = APT. 1380 good + 20 scrap at PRI 20 s.
    // A = 28 800 / 28 800 = 1; E = 20 × 1400 / 28 800 = 0.972222; Q = 1380 / 1400 = 0.985714; OEE = 0.958333
    const t = model([span('06:00', '14:00', 'Execute', 'apt')], [count('10:00', 1380, 20), count('11:00', 20, 20, 'scrap')], '06:00', '14:00');
    expect(derivedTimes(t)).toEqual({ pot: 28800, pdot: 0, pbt: 28800, adot: 0, aubt: 28800, adet: 0, aupt: 28800, asut: 0, apt: 28800, unknown: 0 });
    const k = computeKpis(t);
    expect(k.availability).toBe(1);
    expect(k.effectiveness).toBeCloseTo(0.972222, 6);
    expect(k.quality).toBeCloseTo(0.985714, 6);
    expect(k.oee).toBeCloseTo(0.958333, 6);
    expect(k.scrapRatio).toBeCloseTo(20 / 1400, 9);
    expect(k.mtbf).toBe(28800); // no failure: ISO 22400-2 divides by FE + 1 = 1 interval, the whole operating time
    expect(computeKpis(t, undefined, { mtbfDivisor: 'failures' }).mtbf).toBeNull(); // common practice: nothing to divide by
  });

  it('a shift with breaks and planned maintenance', () => {
    // Calendar: 06:00–14:00, breaks 09:00–09:15 (900 s) and 12:00–12:30 (1800 s); planned maintenance 10:00–11:00 (3600 s).
    // The machine runs through breakfast, is in maintenance mode 10:00–11:15 (15 min overrun = 900 s PDOT by state),
    // and runs 11:15–14:00 through lunch.
    // POT 28 800; PDOT = 900 + 1800 + 3600 (calendar) + 900 (state) = 7200; PBT = 21 600
    // APT = (06:00–10:00 − breakfast) 13 500 + (11:15–14:00 − lunch) 8100 = 21 600 → A = 1
    // 1000 good at PRI 20 s: E = 20 000 / 21 600 = 0.925926 = OEE
    const cal = calendarFn(
      {
        timezone: 'UTC',
        shifts: [
          {
            name: 'Early',
            start: '06:00',
            end: '14:00',
            days: [1, 2, 3, 4, 5],
            breaks: [
              { start: '09:00', end: '09:15' },
              { start: '12:00', end: '12:30' },
            ],
          },
        ],
        holidays: [],
        plannedDowntime: [{ from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:00:00Z', reason: 'mould service', equipmentPath: 'a/m1' }],
      },
      'a/m1',
    );
    const states = [span('06:00', '10:00', 'Execute', 'apt'), span('10:00', '11:15', 'Stopped', 'pdot'), span('11:15', '14:00', 'Execute', 'apt')];
    const t = model(states, [count('13:00', 1000, 20)], '00:00', '23:59', cal);
    expect(t.outside).toBe(86_340 - 28_800);
    expect(t.pdotPlanned).toBe(6300);
    expect(t.pdotState).toBe(900);
    expect(derivedTimes(t)).toMatchObject({ pot: 28800, pdot: 7200, pbt: 21600, apt: 21600, adet: 0, unknown: 0 });
    const k = computeKpis(t);
    expect(k.availability).toBe(1);
    expect(k.oee).toBeCloseTo(0.925926, 6);
  });

  it('a failure spanning a shift boundary is counted once, its time split between the shifts', () => {
    // Shifts Early 06–14 and Late 14–22. Execute until 13:30; a breakdown Aborting 13:30–13:31, Aborted 13:31–14:20,
    // Clearing 14:20–14:25, Stopped 14:25–14:30 (one stop of 60 min: a failure); Execute 14:30–22:00.
    // Early: APT 27 000, ADET 1800, 1 failure (it starts there) with its whole 3600 s to restoration: MTTR 3600
    //        (ISO 22400-2 MTTR = Σ TTR / FE, each TTR whole); MTBF = AUPT / (FE + 1) = 27 000 / 2 = 13 500
    // Late:  APT 27 000, ADET 1800, 0 failures: MTTR undefined (null); MTBF = 27 000 / 1
    // Day:   APT 54 000, ADET 3600, 1 failure: MTTR 3600, MTBF 54 000 / 2 = 27 000; uptime MTBF (57 600 − 3600) / 2
    // With the common-practice divisor (FE): Early 27 000, Late null, Day 54 000.
    const cal: CalendarFn = (from, to) => ({ pot: [{ start: Math.max(from, at('06:00')), end: Math.min(to, at('22:00')) }], planned: [] });
    const states = [
      span('06:00', '13:30', 'Execute', 'apt'),
      span('13:30', '13:31', 'Aborting', 'adet'),
      span('13:31', '14:20', 'Aborted', 'adet'),
      span('14:20', '14:25', 'Clearing', 'adet'),
      span('14:25', '14:30', 'Stopped', 'adet'),
      span('14:30', '22:00', 'Execute', 'apt'),
    ];
    const e = model(states, [], '06:00', '14:00', cal);
    const l = model(states, [], '14:00', '22:00', cal);
    const d = model(states, [], '06:00', '22:00', cal);
    expect([e.apt, e.adet, e.failures, e.failureS]).toEqual([27000, 1800, 1, 1800]);
    expect([l.apt, l.adet, l.failures, l.failureS]).toEqual([27000, 1800, 0, 1800]);
    expect([e.failureWholeS, l.failureWholeS, d.failureWholeS]).toEqual([3600, 0, 3600]);
    expect(computeKpis(e)).toMatchObject({ mttr: 3600, mtbf: 13500 });
    expect(computeKpis(l)).toMatchObject({ mttr: null, mtbf: 27000 });
    expect(computeKpis(d)).toMatchObject({ mttr: 3600, mtbf: 27000 });
    expect(computeKpis(d, { minorStops: 'availability', idle: 'iso', mtbf: 'uptime' }).mtbf).toBe(27000);
    const fe = { mtbfDivisor: 'failures' } as const;
    expect([computeKpis(e, undefined, fe).mtbf, computeKpis(l, undefined, fe).mtbf, computeKpis(d, undefined, fe).mtbf]).toEqual([27000, null, 54000]);
    // a 10:30–14:15 window holds the failure's start: its whole 3600 s, not the 2700 s inside the window
    expect(computeKpis(model(states, [], '10:30', '14:15', cal)).mttr).toBe(3600);
    expect(addTotals(addTotals(zeroTotals(), e), l)).toEqual(d);
  });

  it('an order change with setup uses the ideal cycle time of each product', () => {
    // 06:00–10:00 Execute product A (PRI 30 s): 450 parts → 13 500 s ideal
    // 10:00–11:00 Setup (ASUT 3600)
    // 11:00–14:00 Execute product B (PRI 20 s): 500 parts → 10 000 s ideal
    // APT 25 200, PBT 28 800: A = 0.875; E = 23 500 / 25 200 = 0.932540; OEE = 23 500 / 28 800 = 0.815972
    // NEE = AUPT / PBT × E × Q = 28 800 / 28 800 × 0.932540; setup rate = 3600 / 28 800 = 0.125
    const states = [span('06:00', '10:00', 'Execute', 'apt'), span('10:00', '11:00', 'Execute', 'asut'), span('11:00', '14:00', 'Execute', 'apt')];
    const t = model(states, [count('09:59', 450, 30), count('13:59', 500, 20)], '06:00', '14:00');
    const k = computeKpis(t);
    expect([t.apt, t.asut, t.idealS]).toEqual([25200, 3600, 23500]);
    expect(k.availability).toBe(0.875);
    expect(k.effectiveness).toBeCloseTo(0.93254, 5);
    expect(k.oee).toBeCloseTo(0.815972, 6);
    expect(k.nee).toBeCloseTo(0.93254, 5);
    expect(k.setupRate).toBe(0.125);
  });

  it('data gaps are unknown, never running', () => {
    // Period 06:00–14:00 but now = 12:00: the period ends at now. POT = 21 600.
    // 06:00–06:30 no data yet (1800 unknown), Execute 06:30–08:00 (5400), gap 08:00–09:00 (3600 unknown),
    // offline 09:00–10:00 (3600 unknown), Execute 10:00–now (7200, interval still open).
    // unknown 9000 + APT 12 600 = PBT 21 600; A = 12 600 / 21 600 = 0.583333
    const states = [span('06:30', '08:00', 'Execute', 'apt'), span('09:00', '10:00', 'Unknown', 'unknown'), span('10:00', null, 'Execute', 'apt')];
    const t = model(states, [], '06:00', '14:00', early, at('12:00'));
    expect(derivedTimes(t)).toMatchObject({ pot: 21600, pbt: 21600, apt: 12600, unknown: 9000 });
    expect(computeKpis(t).availability).toBeCloseTo(0.583333, 6);
  });

  it('a counter reset: parts are the deltas collect derived (100→150, reset, 3→10 = 50 + 3 + 7)', () => {
    // collect turns readings 100, 150, 3 (reset: a small value counts from zero), 10 into deltas 50, 3, 7 = 60 parts.
    // Execute 06:00–07:00 (3600), PRI 60 s: E = 60 × 60 / 3600 = 1
    const t = model([span('06:00', '07:00', 'Execute', 'apt')], [count('06:20', 50, 60), count('06:40', 3, 60), count('06:50', 7, 60)], '06:00', '07:00');
    expect(t.good).toBe(60);
    expect(computeKpis(t).effectiveness).toBe(1);
  });

  it('late-arriving data changes the figures of the period it belongs to, in any order of arrival', () => {
    // The model is a function of the stored history: a late Held 06:30–06:40 and 10 late parts give the same result
    // as if they had arrived on time. APT 3600 − 600 = 3000; ADET 600 (1 failure: 10 min ≥ 5 min threshold)
    const states = [span('06:00', '06:30', 'Execute', 'apt'), span('06:30', '06:40', 'Held', 'adet'), span('06:40', '07:00', 'Execute', 'apt')];
    const t = model(
      states,
      [count('06:50', 10, 60), count('06:20', 40, 60)].sort((a, b) => a.ts - b.ts),
      '06:00',
      '07:00',
    );
    expect([t.apt, t.adet, t.failures, t.good]).toEqual([3000, 600, 1, 50]);
    expect(computeKpis(t).effectiveness).toBe(1); // 50 × 60 / 3000
  });

  it('speed above ideal: effectiveness above 100 %', () => {
    // Execute 1 h, PRI 20 s → 180 parts ideal; 200 made: E = 4000 / 3600 = 1.111111
    const t = model([span('06:00', '07:00', 'Execute', 'apt')], [count('06:59', 200, 20)], '06:00', '07:00');
    expect(computeKpis(t).effectiveness).toBeCloseTo(1.111111, 6);
    expect(computeKpis(t).oee).toBeCloseTo(1.111111, 6);
  });

  it('minor stops: availability loss (ISO) or speed loss (common practice); OEE the same', () => {
    // 06:00–07:00 (PBT 3600): three Held stops of 60 s (minor, < 300 s), one Stopped of 600 s (failure),
    // Suspended 120 s (starved: external). APT 3600 − 180 − 600 − 120 = 2700. 120 parts at PRI 20 s = 2400 s.
    // ISO: A = 2700 / 3600 = 0.75; E = 2400 / 2700 = 0.888889; OEE = 2400 / 3600 = 0.666667
    // minor stops as speed loss: APT 2880; A = 0.8; E = 2400 / 2880 = 0.833333; OEE 0.666667
    const states = [
      span('06:00', '06:10', 'Execute', 'apt'),
      span('06:10', '06:11', 'Held', 'adet'),
      span('06:11', '06:20', 'Execute', 'apt'),
      span('06:20', '06:21', 'Held', 'adet'),
      span('06:21', '06:30', 'Execute', 'apt'),
      span('06:30', '06:31', 'Held', 'adet'),
      span('06:31', '06:40', 'Execute', 'apt'),
      span('06:40', '06:50', 'Stopped', 'adet'),
      span('06:50', '06:52', 'Suspended', 'adet'),
      span('06:52', '07:00', 'Execute', 'apt'),
    ];
    const t = model(states, [count('06:59', 120, 20)], '06:00', '07:00');
    expect([t.apt, t.adet, t.minorStopS, t.failureS, t.externalS, t.minorStops, t.failures]).toEqual([2700, 900, 180, 600, 120, 3, 1]);
    const iso = computeKpis(t);
    expect([iso.availability, iso.effectiveness, iso.oee].map((x) => +x!.toFixed(6))).toEqual([0.75, 0.888889, 0.666667]);
    const common = computeKpis(t, { minorStops: 'performance', idle: 'iso', mtbf: 'operating' });
    expect([common.availability, common.effectiveness, common.oee].map((x) => +x!.toFixed(6))).toEqual([0.8, 0.833333, 0.666667]);
  });

  it('idle time: lowers availability (ISO) or is excluded (common practice); time outside POT stays outside', () => {
    // 06:00–06:50 Execute (3000), 06:50–07:00 Idle (ADOT 600): ISO A = 3000 / 3600 = 0.833333; excluded: 3000 / 3000 = 1
    // The machine also ran 05:00–06:00, before its shift: outside POT (3600 s of APT outside, 100 parts not in PQ)
    const states = [span('05:00', '06:50', 'Execute', 'apt'), span('06:50', '07:00', 'Idle', 'adot')];
    const t = model(states, [count('05:30', 100, 20), count('06:30', 150, 20)], '05:00', '07:00');
    expect([t.outside, t.outsideApt, t.outsideGood, t.good, t.adot]).toEqual([3600, 3600, 100, 150, 600]);
    expect(computeKpis(t).availability).toBeCloseTo(0.833333, 6);
    expect(computeKpis(t, { minorStops: 'availability', idle: 'exclude', mtbf: 'operating' }).availability).toBe(1);
  });
});
