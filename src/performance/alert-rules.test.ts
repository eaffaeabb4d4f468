import { describe as group, expect, it } from 'vitest';
import { decide, describe, scrapRise, secondsInState } from './alert-rules.ts';
import { computeKpis } from './kpis.ts';
import { zeroTotals, type StateSpan } from './time-model.ts';

const below = { kind: 'kpi_below' as const, threshold: 0.85, hysteresis: 0.02 };
const above = { kind: 'kpi_above' as const, threshold: 0.05, hysteresis: 0.01 };

group('alert rules', () => {
  it('kpi_below raises under the threshold and clears only above threshold + hysteresis', () => {
    expect(decide(below, 0.84, false)).toBe('raise');
    expect(decide(below, 0.85, false)).toBe('none'); // not below
    expect(decide(below, 0.86, true)).toBe('keep'); // back over 85 % but not over 87 %
    expect(decide(below, 0.87, true)).toBe('clear');
    expect(decide(below, 0.5, true)).toBe('keep');
  });

  it('kpi_above mirrors it; no data never raises and ends an episode', () => {
    expect(decide(above, 0.051, false)).toBe('raise');
    expect(decide(above, 0.045, true)).toBe('keep');
    expect(decide(above, 0.04, true)).toBe('clear');
    expect(decide(above, null, false)).toBe('none');
    expect(decide(above, null, true)).toBe('clear');
  });

  it('scrap rise is the difference of the two windows in ratio points', () => {
    const k = (good: number, scrap: number) => computeKpis({ ...zeroTotals(), good, scrap });
    expect(scrapRise(k(95, 5), k(99, 1))).toBeCloseTo(0.04, 10); // 5 % − 1 %
    expect(scrapRise(k(95, 5), k(0, 0))).toBeNull();
  });

  it('time in a state follows back-to-back matching intervals (by state or bucket)', () => {
    const m = 60_000;
    const states: StateSpan[] = [
      { start: 0, end: 10 * m, state: 'Execute', bucket: 'apt' },
      { start: 10 * m, end: 12 * m, state: 'Aborting', bucket: 'adet' },
      { start: 12 * m, end: null, state: 'Aborted', bucket: 'adet' },
    ];
    expect(secondsInState(states, 30 * m, 'adet')).toBe(20 * 60); // down since 10 min
    expect(secondsInState(states, 30 * m, 'Aborted')).toBe(18 * 60);
    expect(secondsInState(states, 5 * m, 'adet')).toBe(0);
    expect(secondsInState([{ start: 0, end: 5 * m, state: 'Held', bucket: 'adet' }], 6 * m, 'Held')).toBe(0); // no data at now
  });

  it('describes the alert in plain words', () => {
    expect(describe({ kind: 'kpi_below', metric: 'availability', state: null, threshold: 0.85, windowS: 3600 }, 0.62)).toBe(
      'Availability 62.0 % < 85.0 % over the last 1 h',
    );
    expect(describe({ kind: 'state_longer_than', metric: null, state: 'adet', threshold: 600, windowS: 3600 }, 840)).toBe(
      'adet for 14 min (longer than 10 min)',
    );
  });
});
