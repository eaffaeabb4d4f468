import { describe, expect, it } from 'vitest';
import { analyze, computeLimits, contractView, evaluateChart, SpcInputError, type Measurement } from '../index.ts';
import { rangeFactors, sdFactors } from './constants.ts';

const m = (rows: [string | number, number][]): Measurement[] => rows.map(([subgroup, value], i) => ({ ts: `t${String(i).padStart(2, '0')}`, value, subgroup }));

describe('subgroups of unequal size', () => {
  // subgroup a: n = 2, R = 2; b: n = 4, R = 4; c: n = 3, R = 1
  const data = m([
    ['a', 10],
    ['a', 12],
    ['b', 9],
    ['b', 13],
    ['b', 11],
    ['b', 10],
    ['c', 11],
    ['c', 12],
    ['c', 11.5],
  ]);

  it('X̄–R: σ̂ is the mean of R/d2(n), X̿ weighted by size, and each subgroup gets the limits of its own n', () => {
    const r = analyze({ chart: 'xbar-r' }, data);
    const sigma = (2 / 1.128 + 4 / 2.059 + 1 / 1.693) / 3;
    const grand = (10 + 12 + 9 + 13 + 11 + 10 + 11 + 12 + 11.5) / 9;
    expect(r.limits).toMatchObject({ subgroupSize: null, spreadBar: null });
    expect(r.limits.sigma).toBeCloseTo(sigma, 12);
    expect(r.centerLine).toBeCloseTo(grand, 12);
    expect(r.ucl).toBeNull();
    expect(r.lcl).toBeNull();
    expect(r.points.map((p) => [p.subgroup, p.n, p.ts])).toEqual([
      ['a', 2, 't01'],
      ['b', 4, 't05'],
      ['c', 3, 't08'],
    ]);
    r.points.forEach((p) => {
      const f = rangeFactors(p.n);
      expect(p.ucl).toBeCloseTo(grand + f.A2 * f.d2 * sigma, 12);
      expect(p.lcl).toBeCloseTo(grand - f.A2 * f.d2 * sigma, 12);
    });
    r.secondary!.points.forEach((p, i) => {
      const f = rangeFactors(r.points[i].n);
      expect(p.centerLine).toBeCloseTo(f.d2 * sigma, 12);
      expect(p.ucl).toBeCloseTo(f.D4 * f.d2 * sigma, 12);
    });
  });

  it('X̄–S: σ̂ is the mean of s/c4(n); S limits B3·c4(n)·σ̂ … B4·c4(n)·σ̂', () => {
    const r = analyze({ chart: 'xbar-s' }, data);
    const sigma = r.limits.sigma!;
    r.secondary!.points.forEach((p, i) => {
      const f = sdFactors(r.points[i].n);
      expect(p.ucl).toBeCloseTo(f.B4 * f.c4 * sigma, 12);
      expect(r.points[i].ucl - r.centerLine!).toBeCloseTo((3 * sigma) / Math.sqrt(r.points[i].n), 12);
    });
  });
});

describe('frozen limits', () => {
  const baseline = Array.from({ length: 20 }, (_, i) => ({ ts: `b${i}`, value: 10 + ((i * 7) % 5) / 10 }));
  const limits = computeLimits({ chart: 'i-mr' }, baseline);

  it('record the baseline they came from and survive a JSON round trip', () => {
    expect(limits.baseline).toEqual({ from: 'b0', to: 'b19', points: 20, values: 20 });
    const later = [
      { ts: 'x1', value: 11.5 },
      { ts: 'x2', value: 10.2 },
    ];
    expect(evaluateChart({ chart: 'i-mr' }, later, JSON.parse(JSON.stringify(limits)))).toEqual(evaluateChart({ chart: 'i-mr' }, later, limits));
  });

  it('do not move with the window, while window limits do', () => {
    const shifted = baseline.map((p) => ({ ...p, value: p.value + 1 }));
    expect(analyze({ chart: 'i-mr' }, shifted, { limits }).centerLine).toBe(limits.center);
    expect(analyze({ chart: 'i-mr' }, shifted).centerLine).toBeCloseTo(limits.center + 1, 12);
  });

  it("still give the chart's lines for an empty window, at the baseline's size", () => {
    const r = evaluateChart({ chart: 'i-mr' }, [], limits);
    expect(r).toMatchObject({ centerLine: limits.center, points: [], violations: [] });
    expect(r.ucl).toBeCloseTo(limits.center + 3 * limits.sigma!, 12);
    expect(r.secondary?.ucl).toBeCloseTo(3.267 * limits.spreadBar!, 12);
    const p = computeLimits({ chart: 'p' }, [
      { ts: 'a', defectives: 3, n: 50 },
      { ts: 'b', defectives: 5, n: 50 },
    ]);
    expect(evaluateChart({ chart: 'p' }, [], p).ucl).toBeCloseTo(0.08 + 3 * Math.sqrt((0.08 * 0.92) / 50), 12);
  });

  it('are refused for another chart', () => {
    expect(() => evaluateChart({ chart: 'xbar-r', subgroupSize: 5 }, [], limits)).toThrow(/limits are for a i-mr chart, not xbar-r/);
  });
});

describe('refusals say what is wrong', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['unknown chart', () => analyze({ chart: 'pareto' as never }, []), /unknown chart "pareto"/],
    ['no grouping', () => analyze({ chart: 'xbar-r' }, [{ ts: 'a', value: 1 }]), /give each point a subgroup id or set subgroupSize/],
    [
      'mixed ids',
      () =>
        analyze({ chart: 'xbar-r' }, [
          { ts: 'a', value: 1, subgroup: 1 },
          { ts: 'b', value: 2 },
        ]),
      /every point names its subgroup or none/,
    ],
    [
      'subgroup of one',
      () =>
        analyze(
          { chart: 'xbar-s' },
          m([
            [1, 1],
            [1, 2],
            [2, 3],
          ]),
        ),
      /subgroup 2 has 1 value; xbar-s needs at least 2/,
    ],
    [
      'too big for R',
      () =>
        analyze(
          { chart: 'xbar-r', subgroupSize: 26 },
          Array.from({ length: 26 }, (_, i) => ({ ts: `${i}`, value: i })),
        ),
      /at most 25 per subgroup \(use xbar-s\)/,
    ],
    ['bad size', () => analyze({ chart: 'xbar-r', subgroupSize: 1 }, []), /subgroupSize must be a whole number of at least 2/],
    ['empty baseline', () => analyze({ chart: 'xbar-r', subgroupSize: 5 }, [{ ts: 'a', value: 1 }]), /no complete subgroup/],
    ['one individual', () => analyze({ chart: 'i-mr' }, [{ ts: 'a', value: 1 }]), /at least 2 values/],
    [
      'NaN',
      () =>
        analyze({ chart: 'i-mr' }, [
          { ts: 'a', value: Number.NaN },
          { ts: 'b', value: 1 },
        ]),
      /value of point 0 is not a finite number/,
    ],
    [
      'huge',
      () =>
        analyze({ chart: 'i-mr' }, [
          { ts: 'a', value: 1e13 },
          { ts: 'b', value: 1 },
        ]),
      /beyond/,
    ],
    ['no ts', () => analyze({ chart: 'i-mr' }, [{ ts: '', value: 1 }]), /point 0 has no timestamp/],
    ['too many defectives', () => analyze({ chart: 'p' }, [{ ts: 'a', defectives: 6, n: 5 }]), /6 defectives in 5 units/],
    ['fractional defects', () => analyze({ chart: 'c' }, [{ ts: 'a', defects: 1.5 }]), /whole number/],
    ['no n', () => analyze({ chart: 'u' }, [{ ts: 'a', defects: 1 }]), /n of point 0 is not a finite number/],
    ['zero n', () => analyze({ chart: 'u' }, [{ ts: 'a', defects: 1, n: 0 }]), /greater than 0/],
  ];
  it.each(cases)('%s', (_name, run, message) => {
    expect(run).toThrow(SpcInputError);
    expect(run).toThrow(message);
  });
});

describe('contract view', () => {
  it("lists each rule once per point, with the point's time, and the window's values as points", () => {
    const values = [0, 0.1, -0.1, 0.05, -0.05, 0, 0.1, -0.1, 0, 0.02, 5];
    const limits = computeLimits(
      { chart: 'i-mr' },
      values.slice(0, 10).map((value, i) => ({ ts: `t${i}`, value })),
    );
    const r = analyze(
      { chart: 'i-mr' },
      values.map((value, i) => ({ ts: `t${i}`, value })),
      { limits, rules: { ruleSet: 'western-electric', rules: [1] } },
    );
    // the jump to 5 is beyond the I chart's and the MR chart's limits: one entry
    expect(r.violations.map((v) => v.chart)).toEqual(['primary', 'secondary']);
    const view = contractView(r);
    expect(view.violations).toEqual([{ ts: 't10', rule: 1 }]);
    expect(view.points[10]).toEqual({ ts: 't10', value: 5 });
    expect(Object.keys(view).sort()).toEqual(['centerLine', 'chart', 'cp', 'cpk', 'lcl', 'points', 'pp', 'ppk', 'ucl', 'violations']);
  });
});
