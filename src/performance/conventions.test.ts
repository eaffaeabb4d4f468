// Plant conventions (issue #12 item 5), hand-computed on the pure time model: maintenance mode as planned downtime or
// as an unplanned repair, stops without an order as delays or idle time, and how the properties are inherited.
import { describe, expect, it } from 'vitest';
import { applyConventions, conventionsFrom, DEFAULT_CONVENTIONS, type PlantConventions } from './conventions.ts';
import { computeKpis } from './kpis.ts';
import { computeTimeModel, derivedTimes, type CalendarFn, type StateSpan } from './time-model.ts';

const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);
const span = (a: string, b: string, state: string, bucket: string, orderId: string | null = null) => ({ start: at(a), end: at(b), state, bucket, orderId });
const allDay: CalendarFn = (from, to) => ({ pot: [{ start: from, end: to }], planned: [] });

// 06:00–08:00 Execute (order O1); 08:00–09:00 Stopped in maintenance mode (bucket pdot); 09:00–10:00 Execute (O1);
// 10:00–10:30 Stopped with no order; 10:30–11:00 Stopped with order O2 (back-to-back with the one before: one stop
// 10:00–11:00 under the default); 11:00–12:00 Execute (O2). 60 good at 08:30, PRI 60 s.
const history = [
  span('06:00', '08:00', 'Execute', 'apt', 'O1'),
  span('08:00', '09:00', 'Stopped', 'pdot'),
  span('09:00', '10:00', 'Execute', 'apt', 'O1'),
  span('10:00', '10:30', 'Stopped', 'adet'),
  span('10:30', '11:00', 'Stopped', 'adet', 'O2'),
  span('11:00', '12:00', 'Execute', 'apt', 'O2'),
];
const model = (c: PlantConventions) =>
  computeTimeModel({
    from: at('06:00'),
    to: at('12:00'),
    now: at('23:00'),
    calendar: allDay,
    minorStopThresholdS: 300,
    states: history.map((s) => applyConventions(s, c)) as StateSpan[],
    counts: [{ ts: at('08:30'), kind: 'good', delta: 60, idealCycleTimeS: 60 }],
  });

describe('plant conventions, hand-computed', () => {
  it('defaults: maintenance mode is planned downtime; a stop is a stop with or without an order', () => {
    // PDOT 3600 (maintenance), PBT 18 000, APT 14 400, ADET 3600 (one failure 10:00–11:00): A = 0.8, MTTR 3600;
    // the 60 parts of the maintenance hour are PDOT (pdotGood), not PQ.
    const t = model(DEFAULT_CONVENTIONS);
    expect(derivedTimes(t)).toMatchObject({ pdot: 3600, pbt: 18000, apt: 14400, adet: 3600, adot: 0 });
    expect([t.failures, t.failureWholeS, t.good, t.pdotGood]).toEqual([1, 3600, 0, 60]);
    expect(computeKpis(t)).toMatchObject({ availability: 0.8, mttr: 3600 });
  });

  it('maintenanceMode=unplanned: the repair is ADET, a failure with its time in MTTR, and its parts count', () => {
    // PBT 21 600, APT 14 400, ADET 7200: two failures (08:00–09:00 and 10:00–11:00): A = 0.666667, MTTR 3600
    const t = model({ ...DEFAULT_CONVENTIONS, maintenanceMode: 'unplanned' });
    expect(derivedTimes(t)).toMatchObject({ pdot: 0, pbt: 21600, apt: 14400, adet: 7200 });
    expect([t.failures, t.failureWholeS, t.good, t.pdotGood]).toEqual([2, 7200, 60, 0]);
    expect(computeKpis(t).availability).toBeCloseTo(2 / 3, 9);
    expect(computeKpis(t).mttr).toBe(3600);
  });

  it('stopWithoutOrder=idle: a stop with no order on the unit is ADOT; with an order it stays a failure', () => {
    // 10:00–10:30 (no order) → ADOT 1800; 10:30–11:00 (order O2) → ADET 1800, one failure of 1800 s
    // PBT 18 000, APT 14 400: A = 0.8 under idle=iso; with idle=exclude A = 14 400 / 16 200 = 0.888889
    const t = model({ ...DEFAULT_CONVENTIONS, stopWithoutOrder: 'idle' });
    expect(derivedTimes(t)).toMatchObject({ pbt: 18000, apt: 14400, adet: 1800, adot: 1800 });
    expect([t.failures, t.failureWholeS]).toEqual([1, 1800]);
    expect(computeKpis(t, { minorStops: 'availability', idle: 'exclude', mtbf: 'operating' }).availability).toBeCloseTo(0.888889, 6);
  });

  it('properties are inherited from the nearest level that sets them; other values are ignored', () => {
    const machine = { idealCycleTime: { value: 12, unit: 's' }, mtbfDivisor: { value: 'failures' } };
    const line = { maintenanceMode: { value: 'bogus' } };
    const site = { maintenanceMode: { value: 'unplanned' }, stopWithoutOrder: 'idle', mtbfDivisor: { value: 'failuresPlusOne' } };
    expect(conventionsFrom([machine, line, site])).toEqual({ maintenanceMode: 'unplanned', stopWithoutOrder: 'idle', mtbfDivisor: 'failures' });
    expect(conventionsFrom([{}, {}])).toEqual(DEFAULT_CONVENTIONS);
  });
});
