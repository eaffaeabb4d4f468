// Properties every chart must have, over random inputs: what a transformation of the data does to the chart, that
// limits are never NaN/Infinity and never negative where the statistic cannot be, and that bad input is refused with a
// SpcInputError rather than a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyze,
  capability,
  computeLimits,
  evaluateChart,
  histogram,
  SpcInputError,
  type Count,
  type Measurement,
  type SpcReport,
  type VariablesSpec,
} from '../index.ts';

const value = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((x) => x / 1000);
const variablesSpec = fc.constantFrom<VariablesSpec>(
  { chart: 'xbar-r', subgroupSize: 2 },
  { chart: 'xbar-r', subgroupSize: 5 },
  { chart: 'xbar-r', subgroupSize: 25 },
  { chart: 'xbar-s', subgroupSize: 3 },
  { chart: 'xbar-s', subgroupSize: 30 },
  { chart: 'i-mr' },
);
const variablesCase = variablesSpec.chain((spec) =>
  fc.record({ spec: fc.constant(spec), values: fc.array(value, { minLength: 2 * (spec.subgroupSize ?? 1), maxLength: 60 }) }),
);
const toData = (values: number[]): Measurement[] => values.map((v, i) => ({ ts: `t${i}`, value: v }));

/** Every number anywhere in the report. */
function numbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (Array.isArray(x)) for (const y of x) numbers(y, out);
  else if (x && typeof x === 'object') for (const y of Object.values(x)) numbers(y, out);
  return out;
}

const close = (a: number | null | undefined, b: number | null | undefined, scale: number) => {
  expect(a === null || a === undefined).toBe(b === null || b === undefined);
  if (a != null && b != null) expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
};

describe('variables charts', () => {
  it('have limits symmetric about the centre line, on every point', () => {
    fc.assert(
      fc.property(variablesCase, ({ spec, values }) => {
        const r = analyze(spec, toData(values));
        for (const p of r.points) close(p.ucl - p.centerLine, p.centerLine - p.lcl, Math.abs(p.centerLine));
      }),
    );
  });

  it('move centre line and limits with a shift of every value, and keep the spread charts, Cp and Pp (Cpk, Ppk too when the spec moves along)', () => {
    fc.assert(
      fc.property(variablesCase, value, fc.integer({ min: -1000, max: 1000 }), ({ spec, values }, k, width) => {
        const lsl = -Math.abs(width) - 1,
          usl = Math.abs(width) + 1;
        const a = analyze(spec, toData(values), { spec: { lsl, usl } });
        const b = analyze(spec, toData(values.map((v) => v + k)), { spec: { lsl: lsl + k, usl: usl + k } });
        const scale = 1e3 + Math.abs(k);
        a.points.forEach((p, i) => {
          close(b.points[i].value, p.value + k, scale);
          close(b.points[i].ucl, p.ucl + k, scale);
          close(b.points[i].lcl, p.lcl + k, scale);
          close(b.secondary!.points[i].value, a.secondary!.points[i].value, scale);
          close(b.secondary!.points[i].ucl, a.secondary!.points[i].ucl, scale);
        });
        close(b.centerLine, a.centerLine! + k, scale);
        for (const key of ['cp', 'pp', 'cpk', 'ppk'] as const) {
          const [x, y] = [a.capability![key], b.capability![key]];
          // an index is a ratio over a sigma; compare relative to its size
          if (x !== null && y !== null) expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
          else expect((x === null && y === null) || Math.abs(x ?? y!) > 1e6).toBe(true);
        }
      }),
    );
  });

  it('scale centre line, limits and spread with the values, and keep every capability index when the spec scales too', () => {
    fc.assert(
      fc.property(variablesCase, fc.constantFrom(0.001, 0.5, 2, 1000), ({ spec, values }, k) => {
        const a = analyze(spec, toData(values), { spec: { lsl: -2000, usl: 1500 } });
        const b = analyze(spec, toData(values.map((v) => v * k)), { spec: { lsl: -2000 * k, usl: 1500 * k } });
        const scale = 1e3 * k;
        a.points.forEach((p, i) => {
          close(b.points[i].ucl, p.ucl * k, scale);
          close(b.points[i].lcl, p.lcl * k, scale);
          close(b.secondary!.points[i].ucl, a.secondary!.points[i].ucl * k, scale);
        });
        for (const key of ['cp', 'pp', 'cpk', 'ppk'] as const) {
          const [x, y] = [a.capability![key], b.capability![key]];
          if (x !== null && y !== null) expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
        }
      }),
    );
  });

  it('evaluate the baseline against its own frozen limits exactly as the window computes them', () => {
    fc.assert(
      fc.property(variablesCase, ({ spec, values }) => {
        const data = toData(values);
        const limits = computeLimits(spec, data);
        const frozen = analyze(spec, data, { limits: JSON.parse(JSON.stringify(limits)) });
        const own = analyze(spec, data);
        expect(frozen.points).toEqual(own.points);
        expect(frozen.limitsFrom).toBe('frozen');
        expect(own.limitsFrom).toBe('window');
      }),
    );
  });
});

const countCase = fc.constantFrom('p', 'np', 'c', 'u' as const).chain((chart) =>
  fc.record({
    chart: fc.constant(chart),
    rows: fc.array(
      fc.integer({ min: 1, max: 500 }).chain((n) => fc.record({ n: fc.constant(n), k: fc.integer({ min: 0, max: chart === 'p' || chart === 'np' ? n : 40 }) })),
      { minLength: 1, maxLength: 40 },
    ),
  }),
);
const toCounts = (chart: string, rows: { n: number; k: number }[]): Count[] =>
  rows.map(({ n, k }, i) => (chart === 'p' || chart === 'np' ? { ts: `t${i}`, defectives: k, n } : { ts: `t${i}`, defects: k, n }));

describe('limits never go below zero where the statistic cannot', () => {
  it('attribute charts clamp the LCL at 0 (and p stays a proportion)', () => {
    fc.assert(
      fc.property(countCase, ({ chart, rows }) => {
        const r = analyze({ chart }, toCounts(chart, rows));
        for (const p of r.points) {
          expect(p.lcl).toBeGreaterThanOrEqual(0);
          expect(p.lcl).toBeLessThanOrEqual(p.centerLine);
          expect(p.ucl).toBeGreaterThanOrEqual(p.centerLine);
          if (chart === 'p') expect(p.value).toBeLessThanOrEqual(1);
        }
        expect(numbers(r).every(Number.isFinite)).toBe(true);
      }),
    );
  });

  it('R, S and MR charts have an LCL of at least 0, below their centre line', () => {
    fc.assert(
      fc.property(variablesCase, ({ spec, values }) => {
        const r = analyze(spec, toData(values));
        for (const p of r.secondary!.points) {
          expect(p.lcl).toBeGreaterThanOrEqual(0);
          expect(p.lcl).toBeLessThanOrEqual(p.centerLine);
          if (p.value !== null) expect(p.value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('no NaN or Infinity on any finite input', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  it('variables: every number in the report is finite, or the input is refused as such', () => {
    fc.assert(
      fc.property(
        variablesSpec,
        fc.array(fc.oneof(finite, value), { maxLength: 40 }),
        fc.option(fc.record({ lsl: fc.option(finite), usl: fc.option(finite) })),
        (spec, values, specLimits) => {
          let r: SpcReport;
          try {
            r = analyze(spec, toData(values), { spec: specLimits ?? {} });
          } catch (e) {
            expect(e).toBeInstanceOf(SpcInputError);
            return;
          }
          expect(numbers(r).filter((x) => !Number.isFinite(x))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('capability with 0 or 1 values, or no spread, gives nulls', () => {
    for (const values of [[], [1], [2, 2, 2]]) {
      const c = capability(values, values.length > 1 ? 0 : null, 'MR̄/1.128', { lsl: 0, usl: 3 });
      expect(c).toMatchObject({ cp: null, cpk: null, pp: null, ppk: null, cpl: null, cpu: null, ppl: null, ppu: null });
      expect(numbers(c).every(Number.isFinite)).toBe(true);
    }
    expect(analyze({ chart: 'i-mr' }, toData([5, 5, 5]), { spec: { lsl: 0, usl: 10 } }).capability).toMatchObject({
      cp: null,
      cpk: null,
      pp: null,
      ppk: null,
      sigmaWithin: 0,
      sigmaOverall: 0,
    });
  });
});

describe('capability and histogram', () => {
  it('one-sided specs give Cpk/Ppk and null Cp/Pp', () => {
    const values = [9.8, 10.1, 10.0, 9.9, 10.3, 10.2];
    const only = (spec: { lsl?: number; usl?: number }) => capability(values, 0.15, 'MR̄/1.128', spec);
    const m = values.reduce((a, b) => a + b) / values.length;
    expect(only({ lsl: 9 })).toMatchObject({ cp: null, pp: null, cpu: null, ppu: null });
    expect(only({ lsl: 9 }).cpk).toBeCloseTo((m - 9) / 0.45, 12);
    expect(only({ usl: 11 })).toMatchObject({ cp: null, pp: null, cpl: null, ppl: null });
    expect(only({ usl: 11 }).cpk).toBeCloseTo((11 - m) / 0.45, 12);
    expect(only({})).toMatchObject({ cp: null, cpk: null, pp: null, ppk: null });
    expect(only({ lsl: 9, usl: 11 }).cp).toBeCloseTo(2 / 0.9, 12);
  });

  it('refuses crossed or non-finite spec limits', () => {
    expect(() => capability([1, 2], 1, 'R̄/d2', { lsl: 3, usl: 3 })).toThrow(SpcInputError);
    expect(() => capability([1, 2], 1, 'R̄/d2', { lsl: Number.NaN })).toThrow(/lsl must be a finite number/);
    expect(() => analyze({ chart: 'c' }, [{ ts: 'a', defects: 1 }], { spec: { usl: 3 } })).toThrow(/spec limits belong to variables/);
  });

  it('bins hold every value once, are contiguous, and carry the spec limits on the axis', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }), (values, bins) => {
        const h = histogram(values, { lsl: -2000, usl: 5 }, bins);
        expect(h.bins.reduce((s, b) => s + b.count, 0)).toBe(values.length);
        for (let i = 1; i < h.bins.length; i++) expect(h.bins[i].from).toBe(h.bins[i - 1].to);
        if (values.length) {
          expect(h.bins[0].from).toBe(Math.min(...values));
          expect(h.bins[h.bins.length - 1].to).toBe(Math.max(...values));
          expect(h.axis).toEqual({ min: -2000, max: Math.max(5, ...values) });
          for (const v of values) expect(h.bins.some((b) => v >= b.from && v <= b.to && b.count > 0)).toBe(true);
        }
        expect(h).toMatchObject({ lsl: -2000, usl: 5 });
      }),
    );
    expect(histogram([1, 2, 3, 4, 5, 6, 7, 8], {}).bins.map((b) => b.count)).toEqual([2, 2, 2, 2]);
    expect(() => histogram([1], {}, 0)).toThrow(SpcInputError);
  });
});

describe('bounded fuzz: malformed input is refused with SpcInputError, never another error', () => {
  it('holds for stored limits that come back damaged', () => {
    const num = fc.oneof(fc.double(), fc.integer({ min: -3, max: 40 }), fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 2 }));
    const limits = fc.record(
      { chart: fc.constantFrom('xbar-r', 'xbar-s', 'i-mr', 'p', 'np', 'c', 'u'), center: num, sigma: num, spreadBar: num, subgroupSize: num },
      { requiredKeys: ['chart'] },
    );
    const data = fc.array(
      fc.record({
        ts: fc.constant('t'),
        value: value,
        subgroup: fc.integer({ min: 1, max: 3 }),
        defects: fc.nat(9),
        defectives: fc.nat(3),
        n: fc.integer({ min: 3, max: 9 }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(limits, data, (l, rows) => {
        try {
          const r = evaluateChart({ chart: l.chart, subgroupSize: 3 } as VariablesSpec, rows as Measurement[], l as never);
          expect(numbers(r).filter((x) => !Number.isFinite(x))).toEqual([]);
        } catch (e) {
          if (!(e instanceof SpcInputError)) throw e;
        }
      }),
      {
        numRuns: 500,
        // found by CI: a finite average spread so large that D4 × MR̄ overflows to Infinity
        examples: [[{ chart: 'i-mr', center: 0, sigma: 0, spreadBar: 1e308 }, [{ ts: 't', value: 0, subgroup: 1, defects: 0, defectives: 0, n: 3 }]]],
      },
    );
  });

  const junk = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string({ maxLength: 3 }),
    fc.double(),
    fc.integer({ min: -5, max: 60 }),
    fc.boolean(),
    fc.constant({}),
    fc.constant([]),
  );
  const row = fc.record(
    {
      ts: fc.oneof(fc.constant('t'), junk),
      value: fc.oneof(value, junk),
      subgroup: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 4 }), junk),
      defects: fc.oneof(fc.nat(30), junk),
      defectives: fc.oneof(fc.nat(30), junk),
      n: fc.oneof(fc.integer({ min: 1, max: 40 }), junk),
    },
    { requiredKeys: [] },
  );
  const chart = fc.oneof(fc.constantFrom('xbar-r', 'xbar-s', 'i-mr', 'p', 'np', 'c', 'u'), junk);
  const rules = fc.record({
    ruleSet: fc.oneof(fc.constantFrom('nelson', 'western-electric'), junk),
    rules: fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 4 }),
  });
  it('holds over random charts, rows, subgroup sizes, rule selections and frozen limits', () => {
    fc.assert(
      fc.property(
        chart,
        fc.array(row, { maxLength: 40 }),
        fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 30 }), junk),
        rules,
        fc.boolean(),
        (c, rows, size, sel, freeze) => {
          const spec = { chart: c, subgroupSize: size } as VariablesSpec;
          try {
            const limits = freeze ? computeLimits(spec, rows.slice(0, 10) as Measurement[]) : undefined;
            const r = limits ? evaluateChart(spec, rows as Measurement[], limits, sel as never) : analyze(spec, rows as Measurement[], { rules: sel as never });
            expect(numbers(r).filter((x) => !Number.isFinite(x))).toEqual([]);
          } catch (e) {
            if (!(e instanceof SpcInputError)) throw e;
            expect(e.message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
