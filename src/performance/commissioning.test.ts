// Time before a machine's commissioning is not planned (issue #12 item 6): hand-computed on the time model.
import { describe, expect, it } from 'vitest';
import { fromCommissioning } from './calendar-windows.ts';
import { computeTimeModel, derivedTimes, type CalendarFn } from './time-model.ts';

const H = 3_600_000;
const T = Date.UTC(2026, 0, 5, 0);
// planned around the clock with a break 10:00–10:30
const cal: CalendarFn = (from, to) => ({
  pot: [{ start: from, end: to }],
  planned: [{ start: T + 10 * H, end: T + 10.5 * H }].filter((b) => b.end > from && b.start < to),
});

describe('commissioning', () => {
  it('a 24-hour period of a machine commissioned at 08:00 that runs from then on: POT 16 h, the 8 h before outside', () => {
    const t = computeTimeModel({
      from: T,
      to: T + 24 * H,
      now: T + 30 * H,
      states: [{ start: T + 8 * H, end: null, state: 'Execute', bucket: 'apt' }],
      counts: [],
      calendar: fromCommissioning(cal, T + 8 * H),
      minorStopThresholdS: 300,
    });
    // POT 16 h = 57 600 s; PDOT the break 1800 s; PBT 55 800 s all running; unknown 0 (was 8 h unknown: A = 0.646)
    expect(t.outside).toBe(8 * 3600);
    expect(derivedTimes(t)).toMatchObject({ pot: 57600, pdot: 1800, pbt: 55800, apt: 55800, unknown: 0 });
  });

  it('never commissioned: no planned time; commissioned before the period: unchanged', () => {
    const never = computeTimeModel({
      from: T,
      to: T + 24 * H,
      now: T + 30 * H,
      states: [],
      counts: [],
      calendar: fromCommissioning(cal, Infinity),
      minorStopThresholdS: 300,
    });
    expect(never).toMatchObject({ pot: 0, unknown: 0, outside: 86400 });
    expect(fromCommissioning(cal, T - H)(T, T + 24 * H)).toEqual(cal(T, T + 24 * H));
  });
});
