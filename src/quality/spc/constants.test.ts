import { describe, expect, it } from 'vitest';
import { c4, lnGamma, MAX_RANGE_SUBGROUP, MIN_SUBGROUP, rangeFactors, sdFactors } from './constants.ts';

// Φ through the complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7): far finer than the
// table's third decimal, which is all these checks need.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
const phi = (x: number) => 0.5 * erfc(-x / Math.SQRT2);

/** d2(n) = E[range of n standard normals] = ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx, by Simpson's rule on [−12, 12]. */
function d2ByIntegration(n: number): number {
  const a = -12,
    b = 12,
    steps = 4800,
    h = (b - a) / steps;
  const f = (x: number) => 1 - phi(x) ** n - (1 - phi(x)) ** n;
  let sum = f(a) + f(b);
  for (let i = 1; i < steps; i++) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return (sum * h) / 3;
}

const sizes = Array.from({ length: MAX_RANGE_SUBGROUP - MIN_SUBGROUP + 1 }, (_, i) => i + MIN_SUBGROUP);

describe('range factors (A2, D3, D4, d2, d3) for n = 2..25', () => {
  it.each(sizes)("n = %i: d2 matches the integral, and A2, D3, D4 follow from d2 and d3 to the table's rounding", (n) => {
    const f = rangeFactors(n);
    expect(Math.abs(f.d2 - d2ByIntegration(n))).toBeLessThan(0.0006);
    expect(Math.abs(f.A2 - 3 / (f.d2 * Math.sqrt(n)))).toBeLessThan(0.0011);
    expect(Math.abs(f.D4 - (1 + (3 * f.d3) / f.d2))).toBeLessThan(0.0021);
    expect(Math.abs(f.D3 - Math.max(0, 1 - (3 * f.d3) / f.d2))).toBeLessThan(0.0021);
  });

  it('the rows the project reference (standards.md §7) prints are the ones in code', () => {
    expect(rangeFactors(2)).toMatchObject({ A2: 1.88, D3: 0, D4: 3.267, d2: 1.128 });
    expect(rangeFactors(5)).toMatchObject({ A2: 0.577, D3: 0, D4: 2.114, d2: 2.326 });
    expect(rangeFactors(7)).toMatchObject({ A2: 0.419, D3: 0.076, D4: 1.924, d2: 2.704 });
    expect(rangeFactors(10)).toMatchObject({ A2: 0.308, D3: 0.223, D4: 1.777, d2: 3.078 });
  });

  it('refuses sizes outside the table', () => {
    for (const n of [0, 1, 26, 2.5, -3]) expect(() => rangeFactors(n)).toThrow(/2\.\.25/);
  });
});

describe('standard-deviation factors from the gamma function', () => {
  it('lnGamma agrees with factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(30)).toBeCloseTo(Math.log(8.841761993739701e30), 10);
  });

  // Published values: Montgomery, Appendix VI; ASTM E2587 Table 1 (c4 to 4 decimals, A3/B3/B4 to 3).
  const published: [number, number, number, number, number][] = [
    // n, c4, A3, B3, B4
    [2, 0.7979, 2.659, 0, 3.267],
    [3, 0.8862, 1.954, 0, 2.568],
    [4, 0.9213, 1.628, 0, 2.266],
    [5, 0.94, 1.427, 0, 2.089],
    [6, 0.9515, 1.287, 0.03, 1.97],
    [7, 0.9594, 1.182, 0.118, 1.882],
    [8, 0.965, 1.099, 0.185, 1.815],
    [9, 0.9693, 1.032, 0.239, 1.761],
    [10, 0.9727, 0.975, 0.284, 1.716],
    [15, 0.9823, 0.789, 0.428, 1.572],
    [20, 0.9869, 0.68, 0.51, 1.49],
    [25, 0.9896, 0.606, 0.565, 1.435],
  ];
  it.each(published)('n = %i: c4 %f, A3 %f, B3 %f, B4 %f', (n, pc4, pA3, pB3, pB4) => {
    const f = sdFactors(n);
    expect(Math.abs(f.c4 - pc4)).toBeLessThanOrEqual(0.00005 + 1e-12);
    expect(Math.abs(f.A3 - pA3)).toBeLessThanOrEqual(0.0005 + 1e-12);
    expect(Math.abs(f.B3 - pB3)).toBeLessThanOrEqual(0.0005 + 1e-12);
    expect(Math.abs(f.B4 - pB4)).toBeLessThanOrEqual(0.0005 + 1e-12);
  });

  it('c4 rises towards 1 and is defined beyond the range table', () => {
    let prev = 0;
    for (let n = 2; n <= 200; n++) {
      const k = c4(n);
      expect(k).toBeGreaterThan(prev);
      expect(k).toBeLessThan(1);
      prev = k;
    }
    expect(() => c4(1)).toThrow(/at least 2/);
  });
});
