import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseline, buckets, cusum, ewma, fixedLimit } from './detectors.ts';
import { fitLine, forecast, predict, t975 } from './forecast.ts';
import { fitWeibull, gammaFn } from './weibull.ts';

const H = 3600_000;
const pts = (ys: number[], stepH = 1) => ys.map((value, i) => ({ ts: i * stepH * H, value }));

describe('baseline and buckets', () => {
  it('mean and sample sd; bucket means in time order', () => {
    const b = baseline([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(b.mean).toBe(5);
    expect(b.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(
      buckets(
        [
          { ts: 61_000, value: 3 },
          { ts: 1000, value: 1 },
          { ts: 2000, value: 2 },
        ],
        60_000,
      ),
    ).toEqual([
      { ts: 0, value: 1.5 },
      { ts: 60_000, value: 3 },
    ]);
  });
});

describe('EWMA', () => {
  it('matches the hand-computed statistic and limits, with hysteresis', () => {
    // μ 0, σ 1, λ 0.5, L 3: z = 0, 1, 2.5, 1.25, 0.625; widths 3√(1/3 (1 − 0.25^i))
    const r = ewma([0, 2, 4, 0, 0], { mean: 0, sd: 1 }, { lambda: 0.5, L: 3 });
    expect(r.stat).toEqual([0, 1, 2.5, 1.25, 0.625]);
    expect(r.width[0]).toBeCloseTo(1.5, 12);
    expect(r.width[1]).toBeCloseTo(3 * Math.sqrt(0.3125), 12);
    expect(r.width[2]).toBeCloseTo(3 * Math.sqrt(63 / 192), 12);
    // signals at 2.5 > 1.7185; 1.25 is still beyond half the limit (≈ 0.86), 0.625 is back to normal
    expect(r.alarm).toEqual([false, false, true, true, false]);
    expect(r.onsets).toEqual([2]);
  });

  it('property: z stays within the range of μ and the values, and shifting everything by c changes no alarm', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (xs, lambda, c) => {
          const base = { mean: 0, sd: 5 };
          const r = ewma(xs, base, { lambda, L: 3 });
          const lo = Math.min(0, ...xs) - 1e-9;
          const hi = Math.max(0, ...xs) + 1e-9;
          expect(r.stat.every((z) => z >= lo && z <= hi)).toBe(true);
          const s = ewma(
            xs.map((x) => x + c),
            { mean: c, sd: 5 },
            { lambda, L: 3 },
          );
          // compare away from the limit edges (floating-point ties)
          r.alarm.forEach((a, i) => {
            if (Math.abs(Math.abs(r.stat[i]) - r.width[i]) > 1e-6 && Math.abs(Math.abs(r.stat[i]) - r.width[i] / 2) > 1e-6) expect(s.alarm[i]).toBe(a);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('CUSUM', () => {
  it('matches the hand-computed sums; the episode ends when the signalling sum is back to 0', () => {
    // μ 10, σ 1, k 0.5, h 4: C+ = 1.5, 3, 4.5 (signal), 3, 1.5, 0 (normal); C− collects 0.5 per point of 9
    const r = cusum([12, 12, 12, 9, 9, 9, 9], { mean: 10, sd: 1 }, { k: 0.5, h: 4 });
    expect(r.hi).toEqual([1.5, 3, 4.5, 3, 1.5, 0, 0]);
    expect(r.lo).toEqual([0, 0, 0, 0.5, 1, 1.5, 2]);
    expect(r.alarm).toEqual([false, false, true, true, true, false, false]);
    expect(r.onsets).toEqual([2]);
    const down = cusum([7, 7, 10.5, 10.5, 10.5], { mean: 10, sd: 1 }, { k: 0.5, h: 4 });
    expect(down.lo).toEqual([2.5, 5, 4, 3, 2]);
    expect(down.onsets).toEqual([1]);
  });

  it('property: the sums are never negative and an in-control constant series never signals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 80 }),
        fc.double({ min: -0.49, max: 0.49, noNaN: true }),
        (xs, c) => {
          const r = cusum(xs, { mean: 0, sd: 1 }, { k: 0.5, h: 4 });
          expect(r.hi.every((v) => v >= 0) && r.lo.every((v) => v >= 0)).toBe(true);
          expect(
            cusum(
              xs.map(() => c),
              { mean: 0, sd: 1 },
              { k: 0.5, h: 4 },
            ).onsets,
          ).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('fixed limit', () => {
  it('is on while a value is outside the limits', () => {
    expect(fixedLimit([1, 5, 6, 2, 11, -1], { min: 0, max: 5 }).onsets).toEqual([2, 4]);
    expect(fixedLimit([1, 5, 6, 2, 11, -1], { min: 0, max: 5 }).alarm).toEqual([false, false, true, false, true, true]);
  });
});

describe('trend forecast', () => {
  it('fits a line and its 95 % prediction interval (checked against scipy)', () => {
    const f = fitLine(pts([1.0, 1.9, 3.2, 3.9, 5.1, 6.0]));
    expect(f.intercept).toBeCloseTo(0.995238095, 8);
    expect(f.slopePerH).toBeCloseTo(1.008571429, 8);
    expect(f.s).toBeCloseTo(0.129467775, 8);
    expect(f.slopeT).toBeCloseTo(32.58847, 4);
    const p = predict(f, 8);
    expect(p.lo).toBeCloseTo(8.452173695, 3);
    expect(p.hi).toBeCloseTo(9.675445353, 3);
    expect(t975(4)).toBe(2.776);
    expect(t975(1000)).toBeCloseTo(1.9623, 3);
  });

  it('an exact line crosses its limit at the hand-computed time; a flat or receding trend heads for none', () => {
    // 10, 12, 14, 16 at 0–3 h: 20 is reached 2 h after the last point; no scatter, so the band is the line
    const f = forecast(pts([10, 12, 14, 16]), { max: 20 }, 10);
    expect(f.limit).toBe(20);
    expect(f.hours).toBe(2);
    expect(f.earliestHours).toBe(2);
    expect(f.latestHours).toBe(2);
    expect(forecast(pts([16, 14, 12, 10]), { max: 20 }, 10).limit).toBeNull();
    expect(forecast(pts([16, 14, 12, 10]), { min: 4, max: 20 }, 10).hours).toBe(3);
    expect(forecast(pts([5, 5, 5]), { min: 0, max: 20 }, 10).hours).toBeNull();
  });

  it('property: the band contains the line, widens away from the data, and earliest ≤ central ≤ latest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 30 }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        (noise, slope) => {
          const f = forecast(pts(noise.map((e, i) => 50 + slope * i + e)), { max: 100 }, 200);
          for (const b of f.band) expect(b.lo <= b.fit + 1e-9 && b.fit <= b.hi + 1e-9).toBe(true);
          const w = f.band.map((b) => b.hi - b.lo);
          expect(w[w.length - 1]).toBeGreaterThanOrEqual(w[0] - 1e-9);
          if (f.hours !== null && f.earliestHours !== null) expect(f.earliestHours).toBeLessThanOrEqual(f.hours);
          if (f.hours !== null && f.latestHours !== null) expect(f.latestHours).toBeGreaterThanOrEqual(f.hours);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('Weibull', () => {
  it('matches scipy weibull_min.fit(floc=0) on a hand-picked sample', () => {
    const f = fitWeibull([12, 35, 47, 61, 80, 95]);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.beta).toBeCloseTo(2.07377, 3);
    expect(f.eta).toBeCloseTo(61.9402, 2);
    expect(f.mtbf).toBeCloseTo(61.9402 * gammaFn(1 + 1 / 2.07377), 1);
    expect(gammaFn(5)).toBeCloseTo(24, 9);
    expect(gammaFn(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 9);
  });

  it('says when there are not enough failures', () => {
    expect(fitWeibull([10, 20, 30, 40])).toEqual({ ok: false, n: 4, reason: 'not enough failures (4); a Weibull fit needs at least 5' });
    expect(fitWeibull([]).ok).toBe(false);
    expect(fitWeibull([7, 7, 7, 7, 7]).ok).toBe(false);
  });

  it('property: scaling the times by c scales η by c and leaves β alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 1000, noNaN: true }), { minLength: 5, maxLength: 40 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (xs, c) => {
          const a = fitWeibull(xs);
          const b = fitWeibull(xs.map((x) => x * c));
          if (!a.ok || !b.ok) return;
          expect(b.beta).toBeCloseTo(a.beta, 4);
          expect(b.eta / (a.eta * c)).toBeCloseTo(1, 4);
        },
      ),
      { numRuns: 150 },
    );
  });
});
