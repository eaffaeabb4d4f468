// Textbook datasets with their published answers. The published figures are rounded as printed (and Montgomery rounds
// R̄ and s̄ before multiplying), so each case checks the published figure to its printed precision and the exact
// formula to machine precision.
import { describe, expect, it } from 'vitest';
import { analyze, computeLimits, contractView, evaluateChart, type Count, type Measurement } from '../index.ts';

// Montgomery, "Introduction to Statistical Quality Control", Example 6.1 / Table 6.3: inside diameter (mm) of forged
// piston rings, 25 phase-I subgroups of 5, then 15 phase-II subgroups; as distributed in the qcc R package
// (data/pistonrings.txt).
const PHASE_1 = [
  [74.03, 74.002, 74.019, 73.992, 74.008],
  [73.995, 73.992, 74.001, 74.011, 74.004],
  [73.988, 74.024, 74.021, 74.005, 74.002],
  [74.002, 73.996, 73.993, 74.015, 74.009],
  [73.992, 74.007, 74.015, 73.989, 74.014],
  [74.009, 73.994, 73.997, 73.985, 73.993],
  [73.995, 74.006, 73.994, 74.0, 74.005],
  [73.985, 74.003, 73.993, 74.015, 73.988],
  [74.008, 73.995, 74.009, 74.005, 74.004],
  [73.998, 74.0, 73.99, 74.007, 73.995],
  [73.994, 73.998, 73.994, 73.995, 73.99],
  [74.004, 74.0, 74.007, 74.0, 73.996],
  [73.983, 74.002, 73.998, 73.997, 74.012],
  [74.006, 73.967, 73.994, 74.0, 73.984],
  [74.012, 74.014, 73.998, 73.999, 74.007],
  [74.0, 73.984, 74.005, 73.998, 73.996],
  [73.994, 74.012, 73.986, 74.005, 74.007],
  [74.006, 74.01, 74.018, 74.003, 74.0],
  [73.984, 74.002, 74.003, 74.005, 73.997],
  [74.0, 74.01, 74.013, 74.02, 74.003],
  [73.988, 74.001, 74.009, 74.005, 73.996],
  [74.004, 73.999, 73.99, 74.006, 74.009],
  [74.01, 73.989, 73.99, 74.009, 74.014],
  [74.015, 74.008, 73.993, 74.0, 74.01],
  [73.982, 73.984, 73.995, 74.017, 74.013],
];
const PHASE_2 = [
  [74.012, 74.015, 74.03, 73.986, 74.0],
  [73.995, 74.01, 73.99, 74.015, 74.001],
  [73.987, 73.999, 73.985, 74.0, 73.99],
  [74.008, 74.01, 74.003, 73.991, 74.006],
  [74.003, 74.0, 74.001, 73.986, 73.997],
  [73.994, 74.003, 74.015, 74.02, 74.004],
  [74.008, 74.002, 74.018, 73.995, 74.005],
  [74.001, 74.004, 73.99, 73.996, 73.998],
  [74.015, 74.0, 74.016, 74.025, 74.0],
  [74.03, 74.005, 74.0, 74.016, 74.012],
  [74.001, 73.99, 73.995, 74.01, 74.024],
  [74.015, 74.02, 74.024, 74.005, 74.019],
  [74.035, 74.01, 74.012, 74.015, 74.026],
  [74.017, 74.013, 74.036, 74.025, 74.026],
  [74.01, 74.005, 74.029, 74.0, 74.02],
];
const measurements = (groups: number[][], first = 1): Measurement[] =>
  groups.flatMap((g, i) => g.map((value, j) => ({ ts: `2026-01-01T${String(i + first).padStart(2, '0')}:0${j}:00Z`, value, subgroup: i + first })));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const xbarbar = mean(PHASE_1.map(mean));
const rbar = mean(PHASE_1.map((g) => Math.max(...g) - Math.min(...g)));
const sbar = mean(PHASE_1.map(sd));

describe("X̄–R: Montgomery's piston rings (Example 6.1)", () => {
  const limits = computeLimits({ chart: 'xbar-r' }, measurements(PHASE_1));
  const r = evaluateChart({ chart: 'xbar-r' }, measurements(PHASE_1), limits, { ruleSet: 'nelson', rules: [1] });

  // The book prints X̿ = 74.001, limits 73.988 / 74.014; qcc on its copy of the data reports centre 74.00118,
  // σ̂ = R̄/d2 = 0.009785 and limits 73.98805 / 74.01431 (its R̄ = 0.02276; the book's 0.023 and R-chart UCL 0.049 come
  // from a table whose ranges sum to 0.581 and from rounding R̄ before multiplying).
  it('gives the published X̿ = 74.001, X̄ limits 73.988 / 74.014 (qcc: 74.00118, 73.98805 / 74.01431, σ̂ 0.009785)', () => {
    expect(r.centerLine).toBeCloseTo(74.001, 3);
    expect(r.centerLine).toBeCloseTo(74.00118, 5);
    expect(limits.sigma).toBeCloseTo(0.009785, 6);
    expect(r.ucl).toBeCloseTo(74.014, 3);
    expect(r.lcl).toBeCloseTo(73.988, 3);
    // qcc forms 3σ̂/√n where the table's A2 = 0.577 is rounded: they agree to 1e-5
    expect(r.ucl).toBeCloseTo(74.01431, 4);
    expect(r.lcl).toBeCloseTo(73.98805, 4);
    expect(Math.abs(r.secondary!.ucl! - 0.049)).toBeLessThan(0.0015);
    expect(r.secondary?.lcl).toBe(0);
    // and exactly the formulas: X̿ ± A2·R̄, D4·R̄, σ̂ = R̄/d2 with A2 = 0.577, D4 = 2.114, d2 = 2.326
    expect(r.centerLine).toBeCloseTo(xbarbar, 12);
    expect(r.ucl).toBeCloseTo(xbarbar + 0.577 * rbar, 12);
    expect(r.lcl).toBeCloseTo(xbarbar - 0.577 * rbar, 12);
    expect(r.secondary?.ucl).toBeCloseTo(2.114 * rbar, 12);
    expect(limits.sigma).toBeCloseTo(rbar / 2.326, 12);
    expect(r.points).toHaveLength(25);
    expect(r.points[0]).toMatchObject({ subgroup: 1, n: 5, ts: '2026-01-01T01:04:00Z' });
    expect(r.points[0].value).toBeCloseTo(74.0102, 10);
  });

  it('finds phase I in control, as the book does', () => {
    expect(r.violations).toEqual([]);
  });

  it('plots phase II against the frozen phase-I limits and flags the upward shift at the end of phase II (subgroups 37–39 above the UCL)', () => {
    const ph2 = evaluateChart({ chart: 'xbar-r' }, measurements(PHASE_2, 26), limits, { ruleSet: 'western-electric', rules: [1, 2, 3, 4] });
    expect(ph2.ucl).toBe(r.ucl);
    const beyond = ph2.violations.filter((v) => v.rule === 1 && v.chart === 'primary').map((v) => ph2.points[v.index].subgroup);
    expect(beyond).toEqual([37, 38, 39]);
    // the run rules see it coming earlier: 4 of 5 beyond 1σ ends at subgroup 38 at the latest
    expect(ph2.violations.some((v) => v.rule === 3 && (ph2.points[v.index].subgroup as number) <= 38)).toBe(true);
  });

  it('gives the capability for spec 74.000 ± 0.05 (book: σ̂ = R̄/d2 ≈ 0.0099, Cp ≈ 1.68 with R̄ rounded to 0.023; Pp, Ppk from s of all 125 values)', () => {
    const rep = analyze({ chart: 'xbar-r' }, measurements(PHASE_1), { spec: { lsl: 73.95, usl: 74.05 } });
    const c = rep.capability!;
    expect(c.withinMethod).toBe('R̄/d2');
    expect(c.sigmaWithin).toBeCloseTo(0.0099, 3);
    expect(Math.abs(c.cp! - 1.68)).toBeLessThan(0.025);
    const all = PHASE_1.flat();
    const s = sd(all);
    expect(c.cp).toBeCloseTo(0.1 / (6 * (rbar / 2.326)), 12);
    expect(c.cpk).toBeCloseTo(Math.min(74.05 - mean(all), mean(all) - 73.95) / (3 * (rbar / 2.326)), 12);
    expect(c.pp).toBeCloseTo(0.1 / (6 * s), 12);
    expect(c.ppk).toBeCloseTo(Math.min(74.05 - mean(all), mean(all) - 73.95) / (3 * s), 12);
    const view = contractView(rep);
    expect(view).toMatchObject({
      chart: 'xbar-r',
      centerLine: rep.centerLine,
      ucl: rep.ucl,
      lcl: rep.lcl,
      cp: c.cp,
      cpk: c.cpk,
      pp: c.pp,
      ppk: c.ppk,
      violations: [],
    });
    expect(view.points).toHaveLength(125);
    expect(view.points[5]).toEqual({ ts: '2026-01-01T02:00:00Z', value: 73.995, subgroup: 2 });
  });

  it('groups by fixed size the same way as by ids', () => {
    const plain = measurements(PHASE_1).map(({ ts, value }) => ({ ts, value }));
    const bySize = analyze({ chart: 'xbar-r', subgroupSize: 5 }, [...plain, { ts: 'late', value: 74 }]);
    expect(bySize.centerLine).toBeCloseTo(xbarbar, 12);
    expect(bySize.ucl).toBeCloseTo(xbarbar + 0.577 * rbar, 12);
    expect(bySize.pending).toBe(1);
    const pts = contractView(bySize).points;
    expect(pts[124].subgroup).toBe(25);
    expect(pts[125]).toEqual({ ts: 'late', value: 74 });
  });
});

describe('X̄–S: the same piston rings (Montgomery Example 6.3)', () => {
  const r = analyze({ chart: 'xbar-s' }, measurements(PHASE_1), { spec: { lsl: 73.95, usl: 74.05 } });
  it('gives the published s̄ ≈ 0.0094, X̄ limits 73.988 / 74.014, S limits 0 / 0.0196', () => {
    expect(r.secondary?.centerLine).toBeCloseTo(0.0094, 3);
    expect(r.ucl).toBeCloseTo(74.014, 3);
    expect(r.lcl).toBeCloseTo(73.988, 3);
    expect(r.secondary?.ucl).toBeCloseTo(0.0196, 3);
    expect(r.secondary?.lcl).toBe(0);
    // exactly: X̿ ± A3·s̄, B4·s̄ with A3, B4 from c4(5) (A3 = 1.427, B4 = 2.089 to the table's rounding)
    const k = 0.9399856;
    expect(r.ucl).toBeCloseTo(xbarbar + (3 / (k * Math.sqrt(5))) * sbar, 6);
    expect(r.secondary?.ucl).toBeCloseTo((1 + (3 * Math.sqrt(1 - k * k)) / k) * sbar, 6);
    expect(r.capability?.withinMethod).toBe('s̄/c4');
    expect(r.capability?.sigmaWithin).toBeCloseTo(sbar / k, 6);
  });
});

describe('I–MR: Montgomery Example 6.5 (mortgage loan processing cost, 20 weeks)', () => {
  const costs = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304];
  const data = costs.map((value, i) => ({ ts: `w${String(i + 1).padStart(2, '0')}`, value }));
  const r = analyze({ chart: 'i-mr' }, data, { spec: { usl: 320 } });
  it('gives x̄ = 300.5, MR̄ = 7.79, limits 279.78 / 321.22, MR UCL 25.45', () => {
    expect(r.centerLine).toBe(300.5);
    expect(r.secondary?.centerLine).toBeCloseTo(7.79, 2);
    expect(r.ucl).toBeCloseTo(321.22, 2);
    expect(r.lcl).toBeCloseTo(279.78, 2);
    expect(r.secondary?.ucl).toBeCloseTo(25.45, 2);
    expect(r.secondary?.lcl).toBe(0);
    expect(r.secondary?.points[0].value).toBeNull();
    expect(r.secondary?.points[1].value).toBe(22);
    expect(r.ucl).toBeCloseTo(300.5 + (3 * 148) / 19 / 1.128, 12);
    expect(r.violations.filter((v) => v.rule === 1)).toEqual([]);
  });
  it('states σ_within = MR̄/1.128 and gives only the one-sided index for a one-sided spec', () => {
    expect(r.capability).toMatchObject({ withinMethod: 'MR̄/1.128', cp: null, pp: null, lsl: null, usl: 320 });
    expect(r.capability?.cpk).toBeCloseTo((320 - 300.5) / (3 * (148 / 19 / 1.128)), 12);
    expect(r.capability?.ppk).toBeCloseTo((320 - 300.5) / (3 * Math.sqrt(costs.reduce((a, x) => a + (x - 300.5) ** 2, 0) / 19)), 12);
  });
});

// Montgomery Example 7.1 (orange-juice cans, 30 samples of 50)
const JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6];
const juice: Count[] = JUICE.map((defectives, i) => ({ ts: `s${i + 1}`, defectives, n: 50 }));

describe('p and np: Montgomery Example 7.1', () => {
  it('p: p̄ = 0.2313, limits 0.0524 / 0.4102, samples 15 and 23 above the UCL', () => {
    const r = analyze({ chart: 'p' }, juice, { rules: { ruleSet: 'nelson', rules: [1] } });
    expect(r.centerLine).toBeCloseTo(0.2313, 4);
    expect(r.ucl).toBeCloseTo(0.4102, 3);
    expect(r.lcl).toBeCloseTo(0.0524, 4);
    expect(r.violations.map((v) => v.ts)).toEqual(['s15', 's23']);
    expect(r.points[14].value).toBe(22 / 50);
    expect(r.capability).toBeNull();
    expect(contractView(r).violations).toEqual([
      { ts: 's15', rule: 1 },
      { ts: 's23', rule: 1 },
    ]);
  });
  it('np: n·p̄ = 11.57, limits 2.62 / 20.51', () => {
    const r = analyze({ chart: 'np' }, juice, { rules: { ruleSet: 'nelson', rules: [1] } });
    expect(r.centerLine).toBeCloseTo(11.57, 2);
    expect(r.ucl).toBeCloseTo(20.51, 2);
    expect(r.lcl).toBeCloseTo(2.62, 2);
    expect(r.violations.map((v) => v.ts)).toEqual(['s15', 's23']);
  });
  it('p with varying n: limits per point from p̄ = Σd/Σn', () => {
    const varying: Count[] = [
      { ts: 'a', defectives: 5, n: 100 },
      { ts: 'b', defectives: 2, n: 25 },
      { ts: 'c', defectives: 9, n: 400 },
    ];
    const r = analyze({ chart: 'p' }, varying);
    const pbar = 16 / 525;
    expect(r.centerLine).toBe(pbar);
    expect(r.ucl).toBeNull();
    r.points.forEach((p, i) => {
      const n = varying[i].n!;
      expect(p.ucl).toBeCloseTo(pbar + 3 * Math.sqrt((pbar * (1 - pbar)) / n), 14);
      expect(p.lcl).toBe(Math.max(0, pbar - 3 * Math.sqrt((pbar * (1 - pbar)) / n)));
    });
    expect(r.points[1].lcl).toBe(0);
  });
});

describe('c and u: Montgomery Examples 7.3 and 7.5', () => {
  it('c (nonconformities on 26 circuit boards): c̄ = 19.85, limits 6.48 / 33.22, samples 6 and 20 out', () => {
    const boards = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15];
    const r = analyze(
      { chart: 'c' },
      boards.map((defects, i) => ({ ts: `b${i + 1}`, defects })),
      { rules: { ruleSet: 'nelson', rules: [1] } },
    );
    expect(r.centerLine).toBeCloseTo(19.85, 2);
    // the book rounds c̄ to 19.85 before adding 3√c̄
    expect(Math.abs(r.ucl! - 33.22)).toBeLessThan(0.01);
    expect(Math.abs(r.lcl! - 6.48)).toBeLessThan(0.01);
    expect(r.ucl).toBeCloseTo(516 / 26 + 3 * Math.sqrt(516 / 26), 12);
    expect(r.violations.map((v) => v.ts)).toEqual(['b6', 'b20']);
  });
  it('u (nonconformities in 20 samples of 5 computers): ū = 1.93, limits 0.07 / 3.79, none out', () => {
    const pcs = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5];
    const r = analyze(
      { chart: 'u' },
      pcs.map((defects, i) => ({ ts: `u${i + 1}`, defects, n: 5 })),
      { rules: { ruleSet: 'nelson', rules: [1] } },
    );
    expect(r.centerLine).toBeCloseTo(1.93, 12);
    expect(r.ucl).toBeCloseTo(3.79, 2);
    expect(r.lcl).toBeCloseTo(0.07, 2);
    expect(r.violations).toEqual([]);
    expect(r.points[5].value).toBe(16 / 5);
  });
});
