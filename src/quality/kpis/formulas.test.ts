// The quality KPI formulas on hand-computed cases (docs/quality.md, "Quality KPIs"), then their invariants on random
// inputs: 0 ≤ FPY ≤ 1, the Pareto's cumulative share ends at 1 and sums are consistent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpis, copqOf, figuresOf, pareto, rolledThroughputYield, UNASSIGNED } from './formulas.ts';
import type { QualityCost, ReworkRow, YieldGroup } from './model.ts';

const cost = (product: string, unitCost: number, reworkCost: number | null, currency = 'EUR'): QualityCost => ({
  product,
  unitCost,
  reworkCost,
  currency,
  updatedBy: 't',
  updatedAt: '2026-12-01T00:00:00.000Z',
});
const group = (product: string, seq: number, machine: string | null, good: number, scrap: number, reasons: Array<[string, number]> = []): YieldGroup => ({
  product,
  seq,
  machine,
  operations: 1,
  good,
  scrap,
  scrapByReason: reasons.map(([reason, quantity]) => ({ reason, label: null, quantity })),
});

describe('figures of one group', () => {
  it('90 good, 10 scrap, 5 reworked: scrap 10 %, rework 5 %, quality ratio 90 %, FPY 85 %', () => {
    expect(figuresOf(90, 10, 5)).toEqual({
      produced: 100,
      good: 90,
      scrap: 10,
      reworked: 5,
      scrapRate: 0.1,
      reworkRate: 0.05,
      qualityRatio: 0.9,
      fpy: 0.85,
    });
  });
  it('rework not recorded: rework rate and FPY are null, never 0', () => {
    const f = figuresOf(90, 10, null);
    expect(f.reworkRate).toBeNull();
    expect(f.fpy).toBeNull();
    expect(f.scrapRate).toBe(0.1);
  });
  it('nothing produced: every ratio is null', () => {
    expect(figuresOf(0, 0, 0)).toMatchObject({ produced: 0, scrapRate: null, reworkRate: null, qualityRatio: null, fpy: null });
  });
  it('rework beyond the good count leaves FPY at 0, not below', () => {
    expect(figuresOf(3, 1, 5).fpy).toBe(0);
  });
});

describe('Pareto', () => {
  it('sorts by quantity (ties by code), merges a code listed twice, leaves out empty rows; cumulative ends at 1', () => {
    const p = pareto([
      { defect: 'flash', label: null, quantity: 2 },
      { defect: 'short-shot', label: 'Short shot', quantity: 5 },
      { defect: 'dimension', label: null, quantity: 2 },
      { defect: 'flash', label: null, quantity: 1 },
      { defect: 'damaged', label: null, quantity: 0 },
    ]);
    expect(p.map((r) => [r.defect, r.quantity, r.share, r.cumulative])).toEqual([
      ['short-shot', 5, 0.5, 0.5],
      ['flash', 3, 0.3, 0.8],
      ['dimension', 2, 0.2, 1],
    ]);
  });
  it('an empty Pareto is empty', () => expect(pareto([])).toEqual([]));
});

describe('rolled throughput yield', () => {
  it('is the product of the steps’ FPY: 0.9 × 0.8 = 0.72', () => expect(rolledThroughputYield([0.9, 0.8])).toBeCloseTo(0.72, 12));
  it('is null when a step has no FPY or there is no step', () => {
    expect(rolledThroughputYield([0.9, null])).toBeNull();
    expect(rolledThroughputYield([])).toBeNull();
  });
});

describe('cost of poor quality', () => {
  const costs = new Map([
    ['A', cost('A', 2.5, 1)],
    ['B', cost('B', 10, null)],
  ]);
  it('scrap × unit cost + rework × rework cost: 10 × 2.5 + 4 × 1 = 29', () => {
    expect(copqOf([{ product: 'A', scrap: 10, reworked: 4 }], costs, true)).toEqual({
      amount: 29,
      currency: 'EUR',
      scrapCost: 25,
      reworkCost: 4,
      includesRework: true,
      missingCosts: [],
      message: null,
    });
  });
  it('rework not recorded: scrap only, said so', () => {
    const c = copqOf([{ product: 'A', scrap: 10, reworked: null }], costs, false);
    expect([c.amount, c.reworkCost, c.includesRework]).toEqual([25, null, false]);
    expect(c.message).toMatch(/rework is not recorded/);
  });
  it('rework without a rework cost: scrap only, said so', () => {
    const c = copqOf([{ product: 'B', scrap: 1, reworked: 2 }], costs, true);
    expect([c.amount, c.includesRework]).toEqual([10, false]);
    expect(c.message).toMatch(/no rework cost/);
  });
  it('a product with scrap and no cost: null with its name, not 0', () => {
    const c = copqOf(
      [
        { product: 'A', scrap: 10, reworked: 0 },
        { product: 'Z', scrap: 1, reworked: 0 },
      ],
      costs,
      true,
    );
    expect([c.amount, c.missingCosts]).toEqual([null, ['Z']]);
    expect(c.message).toMatch(/no cost set for Z/);
  });
  it('a product without cost but without losses does not hide the others', () => {
    expect(
      copqOf(
        [
          { product: 'A', scrap: 2, reworked: 0 },
          { product: 'Z', scrap: 0, reworked: 0 },
        ],
        costs,
        true,
      ).amount,
    ).toBe(5);
  });
  it('no cost at all: null', () => expect(copqOf([{ product: 'Z', scrap: 0, reworked: 0 }], new Map(), true).amount).toBeNull());
  it('two currencies: no sum', () => {
    const c = copqOf(
      [
        { product: 'A', scrap: 1, reworked: 0 },
        { product: 'U', scrap: 1, reworked: 0 },
      ],
      new Map([...costs, ['U', cost('U', 1, 1, 'USD')]]),
      true,
    );
    expect(c.amount).toBeNull();
    expect(c.message).toMatch(/EUR, USD/);
  });
});

describe('KPIs of a window', () => {
  // P1: step 10 on m1 (95 good, 5 scrap: 3 flash, 2 unassigned), step 20 on m2 (80 good, 20 scrap: 20 dimension)
  const groups = [group('P1', 10, 'm1', 95, 5, [['flash', 3]]), group('P1', 20, 'm2', 80, 20, [['dimension', 20]])];
  it('hand-computed: rates, FPY per step, RTY, Pareto with the unassigned rest, COPQ', () => {
    const rework: ReworkRow[] = [{ product: 'P1', machine: 'm2', defect: 'dimension', quantity: 8 }];
    const k = computeKpis(groups, rework, new Map([['P1', cost('P1', 2, 0.5)]]), []);
    expect(k.total).toMatchObject({ produced: 200, good: 175, scrap: 25, reworked: 8, scrapRate: 0.125, reworkRate: 0.04, fpy: 167 / 200 });
    const p1 = k.byProduct[0]!;
    expect(p1.steps.map((s) => [s.seq, s.fpy])).toEqual([
      [10, 0.95],
      [20, 0.72],
    ]);
    expect(p1.rty).toBeCloseTo(0.95 * 0.72, 12);
    expect(p1.copq).toMatchObject({ amount: 25 * 2 + 8 * 0.5, includesRework: true });
    expect(k.pareto.map((r) => [r.defect, r.quantity])).toEqual([
      ['dimension', 20],
      ['flash', 3],
      [UNASSIGNED, 2],
    ]);
    expect(k.reworkPareto!.map((r) => [r.defect, r.quantity])).toEqual([['dimension', 8]]);
    expect(k.byMachine.map((m) => [m.machine, m.scrapRate, m.reworkRate])).toEqual([
      ['m1', 0.05, 0],
      ['m2', 0.2, 0.08],
    ]);
  });
  it('rework not recorded: null rework, FPY and RTY, and a note', () => {
    const k = computeKpis(groups, null, new Map(), []);
    expect([k.reworkRecorded, k.total.reworked, k.total.fpy, k.byProduct[0]!.rty, k.reworkPareto]).toEqual([false, null, null, null, null]);
    expect(k.total.scrapRate).toBe(0.125);
    expect(k.copq.amount).toBeNull();
    expect(k.notes.join(' ')).toMatch(/rework is not recorded/);
  });
  it('rework on a machine that ran two steps of the product cannot be placed on one step: RTY null', () => {
    const k = computeKpis([group('P', 10, 'm', 10, 0), group('P', 20, 'm', 10, 0)], [{ product: 'P', machine: 'm', defect: null, quantity: 1 }], new Map(), []);
    expect(k.byProduct[0]!.rty).toBeNull();
    expect(k.byProduct[0]!.fpy).toBe(19 / 20);
  });
  it('attribute defects by characteristic, largest first', () => {
    const k = computeKpis([], [], new Map(), [
      { characteristic: 'VIS', name: 'visual', product: 'P', chart: 'c', defects: 2, inspected: null },
      { characteristic: 'LEAK', name: 'leak', product: 'P', chart: 'p', defects: 6, inspected: 100 },
    ]);
    expect(k.attributePareto.map((r) => [r.characteristic, r.quantity, r.cumulative, r.inspected])).toEqual([
      ['LEAK', 6, 0.75, 100],
      ['VIS', 2, 1, null],
    ]);
  });
});

describe('invariants (property)', () => {
  const qty = fc.integer({ min: 0, max: 10_000 });
  const groupArb = fc
    .record({
      product: fc.constantFrom('A', 'B', 'C'),
      seq: fc.constantFrom(10, 20, 30),
      machine: fc.constantFrom('m1', 'm2', null),
      good: qty,
      scrap: qty,
      reasons: fc.array(fc.tuple(fc.constantFrom('flash', 'dimension', 'other'), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 3 }),
    })
    .map((g) => {
      // reasons share out at most the group's scrap, as execution's hand-entered scrap is part of scrap_qty
      const total = g.reasons.reduce((s, [, w]) => s + w, 0) || 1;
      return group(
        g.product,
        g.seq,
        g.machine,
        g.good,
        g.scrap,
        g.reasons.map(([r, w]) => [r, Math.floor((g.scrap * w) / Math.max(total, 1))]),
      );
    });
  const reworkArb = fc.option(
    fc.array(
      fc.record({ product: fc.constantFrom('A', 'B', 'C'), machine: fc.constantFrom('m1', 'm2', null), defect: fc.constantFrom('flash', null), quantity: qty }),
      { maxLength: 5 },
    ),
    { nil: null },
  );
  it('0 ≤ every ratio ≤ 1, the Pareto sums to the scrap and ends at 100 %, groups sum to the total', () => {
    fc.assert(
      fc.property(fc.array(groupArb, { maxLength: 12 }), reworkArb, (groups, rework) => {
        const k = computeKpis(groups, rework, new Map(), []);
        const all = [k.total, ...k.byProduct, ...k.byProduct.flatMap((p) => p.steps), ...k.byMachine];
        for (const f of all) {
          for (const r of [f.scrapRate, f.qualityRatio, f.fpy]) if (r !== null) expect(r >= 0 && r <= 1).toBe(true);
          if (f.fpy !== null && f.qualityRatio !== null) expect(f.fpy).toBeLessThanOrEqual(f.qualityRatio + 1e-12);
          expect(f.good + f.scrap).toBe(f.produced);
        }
        for (const p of k.byProduct) if (p.rty !== null) expect(p.rty >= 0 && p.rty <= 1).toBe(true);
        const paretoSum = k.pareto.reduce((s, r) => s + r.quantity, 0);
        expect(paretoSum).toBeCloseTo(k.total.scrap, 6);
        if (k.pareto.length) expect(k.pareto.at(-1)!.cumulative).toBe(1);
        for (let i = 1; i < k.pareto.length; i++) expect(k.pareto[i]!.quantity).toBeLessThanOrEqual(k.pareto[i - 1]!.quantity);
        expect(k.byProduct.reduce((s, p) => s + p.produced, 0)).toBe(k.total.produced);
        expect(k.byMachine.reduce((s, m) => s + m.produced, 0)).toBe(k.total.produced);
        if (rework === null) expect(k.total.fpy).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
