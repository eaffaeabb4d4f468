// The defect breakdown's rule over random counts (c/u: the counts add up to the defects; p/np: each count at most the
// defectives, together at least the defectives), codes outside the catalogue, and when a batch takes a check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defectBreakdown } from '../measurements.ts';
import type { Characteristic, StoredMeasurement } from '../model.ts';
import { taken } from './checks.service.ts';

const CODES = new Set(['flash', 'dimension', 'damaged']);
const char = (chart: Characteristic['chart']): Characteristic =>
  ({ id: 'X', kind: chart === 'i-mr' ? 'variable' : 'attribute', chart, subgroupSize: 1 }) as Characteristic;
const breakdown = fc.dictionary(fc.constantFrom('flash', 'dimension', 'damaged'), fc.integer({ min: 1, max: 20 }), { minKeys: 1 });
const sum = (b: Record<string, number>) => Object.values(b).reduce((s, n) => s + n, 0);

describe('a defect breakdown is accepted iff …', () => {
  it('c and u charts: its counts add up to the defects', () => {
    fc.assert(
      fc.property(fc.constantFrom('c' as const, 'u' as const), breakdown, fc.integer({ min: 0, max: 80 }), (chart, b, defects) => {
        const out = defectBreakdown(b, char(chart), { defects, defectives: null }, CODES);
        expect(typeof out !== 'string').toBe(sum(b) === defects);
      }),
    );
  });

  it('p and np charts: every count is at most the defectives and together they are at least the defectives', () => {
    fc.assert(
      fc.property(fc.constantFrom('p' as const, 'np' as const), breakdown, fc.integer({ min: 0, max: 40 }), (chart, b, defectives) => {
        const out = defectBreakdown(b, char(chart), { defects: null, defectives }, CODES);
        expect(typeof out !== 'string').toBe(Object.values(b).every((n) => n <= defectives) && sum(b) >= defectives);
      }),
    );
  });

  it('refuses codes outside the catalogue, zero or fractional counts, an empty breakdown and a variable characteristic', () => {
    const c = char('c');
    expect(defectBreakdown({ burn: 1 }, c, { defects: 1, defectives: null }, CODES)).toContain("'burn' is not a defect code");
    expect(defectBreakdown({ flash: 0 }, c, { defects: 0, defectives: null }, CODES)).toContain('at least 1');
    expect(defectBreakdown({ flash: 1.5 }, c, { defects: 1.5, defectives: null }, CODES)).toContain('whole count');
    expect(defectBreakdown({}, c, { defects: 0, defectives: null }, CODES)).toContain('1 to 50 codes');
    expect(defectBreakdown([1], c, { defects: 1, defectives: null }, CODES)).toContain('an object');
    expect(defectBreakdown({ flash: 1 }, char('i-mr'), { defects: null, defectives: null }, CODES)).toContain('attribute characteristics');
    expect(defectBreakdown({ flash: 1 }, c, { defects: 1, defectives: null }, undefined)).toContain('not a defect code');
    expect(defectBreakdown(undefined, c, { defects: 1, defectives: null }, CODES)).toBeNull();
    expect(defectBreakdown({ flash: 2, damaged: 1 }, c, { defects: 3, defectives: null }, CODES)).toEqual({ flash: 2, damaged: 1 });
  });
});

describe('a batch takes the check iff …', () => {
  const m = (over: Partial<StoredMeasurement>) => ({ value: null, n: null, ...over }) as StoredMeasurement;
  it('variables: it holds sampleSize values; attributes: one record of at least sampleSize units (or no n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 12 }), (size, count) => {
        const values = Array.from({ length: count }, (_, i) => m({ value: i }));
        expect(taken({ kind: 'parts', everyParts: 5, sampleSize: size, graceParts: 0 }, values)).toBe(count >= size);
      }),
    );
    const plan = { kind: 'lot' as const, sampleSize: 10, graceMinutes: 0 };
    expect(taken(plan, [m({ n: 10 })])).toBe(true);
    expect(taken(plan, [m({ n: 9 })])).toBe(false);
    expect(taken(plan, [m({ n: null })])).toBe(true);
  });
});
