// Property test (issue #12 item 4): on random histories — states with gaps, maintenance mode, breaks and planned
// windows, parts counted anywhere (in breaks too), products with and without an ideal cycle time — the figures the
// API returns keep the invariants of losses.ts: every loss ≥ 0, the losses add up to planned busy time, availability
// and quality within [0, 1], effectiveness above 1 only when the ideal cycle time is too slow. Plus the hand-computed
// break case that showed a negative reduced-speed loss.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConventions, type PlantConventions } from './conventions.ts';
import type { Span } from './intervals.ts';
import { computeKpis, kpiInputs, type KpiSettings } from './kpis.ts';
import { sixBigLosses } from './losses.ts';
import { PerformanceService } from './performance.service.ts';
import { computeTimeModel, derivedTimes, type CalendarFn, type CountRow, type StateSpan, type TimeTotals } from './time-model.ts';

const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);
const MIN = 60_000;
const DAY0 = at('00:00');
/** What the API returns for these totals (performance.service.ts, no instance state involved). */
const figures = (t: TimeTotals, s: KpiSettings) => PerformanceService.prototype.figures.call(null, t, s);

const STATES: Array<[string, string]> = [
  ['Execute', 'apt'],
  ['Execute', 'apt'],
  ['Execute', 'apt'],
  ['Held', 'adet'],
  ['Stopped', 'adet'],
  ['Aborted', 'adet'],
  ['Suspended', 'adet'],
  ['Idle', 'adot'],
  ['Execute', 'asut'],
  ['Stopped', 'pdot'],
  ['Execute', 'pdot'],
  ['Unknown', 'unknown'],
];
const SETTINGS: KpiSettings[] = [
  { minorStops: 'availability', idle: 'iso', mtbf: 'operating' },
  { minorStops: 'performance', idle: 'iso', mtbf: 'operating' },
  { minorStops: 'availability', idle: 'exclude', mtbf: 'uptime' },
  { minorStops: 'performance', idle: 'exclude', mtbf: 'operating' },
];

const stateArb = fc.record({
  kind: fc.integer({ min: 0, max: STATES.length - 1 }),
  lenMin: fc.integer({ min: 1, max: 150 }),
  gapMin: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 40 })),
  order: fc.boolean(),
});
const countArb = fc.record({
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  kind: fc.constantFrom<CountRow['kind']>('good', 'good', 'good', 'scrap', 'rework'),
  delta: fc.integer({ min: 1, max: 400 }),
  ict: fc.constantFrom<number | null>(null, 5, 12, 30, 60, 240),
});
const historyArb = fc.record({
  shift: fc.tuple(fc.integer({ min: 0, max: 12 * 60 }), fc.integer({ min: 30, max: 12 * 60 })),
  breaks: fc.array(fc.tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 1, max: 90 })), { maxLength: 4 }),
  startMin: fc.integer({ min: 0, max: 600 }),
  states: fc.array(stateArb, { minLength: 1, maxLength: 30 }),
  lastOpen: fc.boolean(),
  counts: fc.array(countArb, { maxLength: 40 }),
  period: fc.tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 1, max: 24 * 60 })),
  conventions: fc.record({
    maintenanceMode: fc.constantFrom<PlantConventions['maintenanceMode']>('planned', 'unplanned'),
    stopWithoutOrder: fc.constantFrom<PlantConventions['stopWithoutOrder']>('unplanned', 'idle'),
    mtbfDivisor: fc.constantFrom<PlantConventions['mtbfDivisor']>('failuresPlusOne', 'failures'),
  }),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

function run(h: History): TimeTotals {
  const shift: Span = { start: DAY0 + h.shift[0] * MIN, end: DAY0 + (h.shift[0] + h.shift[1]) * MIN };
  const planned: Span[] = h.breaks.map(([a, len]) => ({ start: DAY0 + a * MIN, end: DAY0 + (a + len) * MIN }));
  const calendar: CalendarFn = (from, to) => ({
    pot: [{ start: Math.max(from, shift.start), end: Math.min(to, shift.end) }].filter((s) => s.end > s.start),
    planned: planned.map((p) => ({ start: Math.max(from, p.start), end: Math.min(to, p.end) })).filter((s) => s.end > s.start),
  });
  const states: Array<StateSpan & { orderId: string | null }> = [];
  let t = DAY0 + h.startMin * MIN;
  for (const s of h.states) {
    const [state, bucket] = STATES[s.kind];
    states.push(applyConventions({ start: t, end: t + s.lenMin * MIN, state, bucket, orderId: s.order ? 'O1' : null }, h.conventions));
    t += (s.lenMin + s.gapMin) * MIN;
  }
  if (h.lastOpen) states[states.length - 1].end = null;
  const counts: CountRow[] = h.counts
    .map((c) => ({ ts: DAY0 + c.minute * MIN + 17_000, kind: c.kind, delta: c.delta, idealCycleTimeS: c.ict }))
    .sort((a, b) => a.ts - b.ts);
  const from = DAY0 + h.period[0] * MIN;
  return computeTimeModel({ from, to: from + h.period[1] * MIN, now: DAY0 + 23 * 60 * MIN, states, counts, calendar, minorStopThresholdS: 300 });
}

describe('loss invariants over random histories (property)', () => {
  it('every loss ≥ 0, losses add up to PBT, availability and quality in [0, 1], effectiveness > 1 only with a slow ideal', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const t = run(h);
        const d = derivedTimes(t);
        // every second of the period in exactly one bucket
        expect(d.pot).toBeCloseTo(d.pdot + d.pbt, 6);
        expect(d.pbt).toBeCloseTo(d.adot + d.adet + d.asut + d.apt + d.unknown, 6);
        for (const s of SETTINGS) {
          const f = figures(t, s);
          const x = kpiInputs(t, s);
          const l = f.sixBigLosses;
          for (const [name, v] of Object.entries(l)) expect(v, `${name} ≥ 0`).toBeGreaterThanOrEqual(0);
          const sum =
            l.breakdowns +
            l.setupAndAdjustment +
            l.idlingAndMinorStops +
            l.reducedSpeed +
            l.processDefects +
            l.reducedYield +
            l.fullyProductive +
            (l.noData ?? 0);
          expect(Math.abs(sum - x.pbt), `losses ${sum} vs PBT ${x.pbt}`).toBeLessThan(0.01); // figures are rounded to ms
          const k = computeKpis(t, s, h.conventions);
          for (const r of [k.availability, k.quality, k.oee === null || k.effectiveness === null || k.effectiveness <= 1 ? k.oee : null])
            if (r !== null) expect(r).toBeGreaterThanOrEqual(0), expect(r).toBeLessThanOrEqual(1 + 1e-12);
          const raw = sixBigLosses(t, s);
          if (k.effectiveness !== null && k.effectiveness > 1 + 1e-12) expect(raw.aboveIdealS).toBeGreaterThan(0);
          if (k.mttr !== null) expect(k.mttr).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400, seed: 1207 },
    );
  });

  it('parts made during a break are not produced quantity: no negative reduced-speed loss (hand-computed)', () => {
    // Shift 06:00–14:00 with a break 10:00–10:30 (PDOT 1800 s); the machine runs through it: PBT = APT = 27 000 s.
    // Counts (PRI 60 s): 400 good 08:00, 20 scrap 13:00 — and 30 good 10:10 + 5 scrap 10:20 inside the break.
    // The break's parts are PDOT like its time: PQ 420, GQ 400 (pdotGood 30, pdotScrap 5); Σ PRI × PQ = 25 200 s.
    // E = 25 200 / 27 000 = 0.933333; Q = 400 / 420 = 0.952381; reduced speed 27 000 − 25 200 = 1800 s;
    // defects 25 200 × 20 / 420 = 1200 s; fully productive 25 200 × 400 / 420 = 24 000 s; 1800 + 1200 + 24 000 = PBT.
    // (Before: PQ 455, Σ PRI × PQ 27 300 s, E 1.011111 and a reduced-speed loss of −300 s.)
    const calendar: CalendarFn = (from, to) => ({
      pot: [{ start: Math.max(from, at('06:00')), end: Math.min(to, at('14:00')) }].filter((s) => s.end > s.start),
      planned: [{ start: Math.max(from, at('10:00')), end: Math.min(to, at('10:30')) }].filter((s) => s.end > s.start),
    });
    const c = (hhmm: string, delta: number, kind: CountRow['kind'] = 'good'): CountRow => ({ ts: at(hhmm), kind, delta, idealCycleTimeS: 60 });
    const t = computeTimeModel({
      from: at('06:00'),
      to: at('14:00'),
      now: at('23:00'),
      calendar,
      minorStopThresholdS: 300,
      states: [{ start: at('06:00'), end: at('14:00'), state: 'Execute', bucket: 'apt' }],
      counts: [c('08:00', 400), c('10:10', 30), c('10:20', 5, 'scrap'), c('13:00', 20, 'scrap')],
    });
    const f = figures(t, SETTINGS[0]);
    expect(f.counts).toEqual({ pq: 420, gq: 400, sq: 20, rq: 0 });
    expect(f.inputs).toMatchObject({ pdotGood: 30, pdotScrap: 5, idealS: 25200 });
    expect(f.effectiveness).toBeCloseTo(0.933333, 6);
    expect(f.quality).toBeCloseTo(0.952381, 6);
    expect(f.sixBigLosses).toMatchObject({ reducedSpeed: 1800, processDefects: 1200, fullyProductive: 24000, aboveIdealS: 0 });
  });

  it('an ideal cycle time slower than the machine: effectiveness stays above 1, the reduced-speed loss is 0 (hand-computed)', () => {
    // 06:00–07:00 Execute (APT 3600 s), 100 good at PRI 45 s: Σ PRI × PQ = 4500 s → E = 1.25 (ideal too slow);
    // reduced speed 0, fully productive = APT 3600 s, aboveIdealS 900 s (not a loss, not in the sum).
    const t = computeTimeModel({
      from: at('06:00'),
      to: at('07:00'),
      now: at('23:00'),
      minorStopThresholdS: 300,
      calendar: (from, to) => ({ pot: [{ start: from, end: to }], planned: [] }),
      states: [{ start: at('06:00'), end: at('07:00'), state: 'Execute', bucket: 'apt' }],
      counts: [{ ts: at('06:30'), kind: 'good', delta: 100, idealCycleTimeS: 45 }],
    });
    const f = figures(t, SETTINGS[0]);
    expect(f.effectiveness).toBe(1.25);
    expect(f.sixBigLosses).toMatchObject({ reducedSpeed: 0, fullyProductive: 3600, aboveIdealS: 900 });
  });
});
