import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordHash } from '../../platform/signatures/index.ts';
import type { Characteristic, StoredMeasurement } from '../model.ts';
import { type CoaLot, certificateOf, inSpec, signedVersion, summarise } from './certificate.ts';
import { characteristicFixture, measurementFixture } from './fixtures.ts';

const char = characteristicFixture;

let nextId = 1;
const meas = (characteristic: string, over: Partial<StoredMeasurement> = {}): StoredMeasurement => {
  const id = nextId++;
  return measurementFixture({ id, characteristic, ts: new Date(Date.UTC(2026, 11, 1, 8, nextId)).toISOString(), key: `k${nextId}`, ...over });
};

const lot: CoaLot = {
  id: 'L-1',
  materialId: 'HSG-TOP',
  initialQuantity: 100,
  quantity: 100,
  unit: 'pcs',
  status: 'available',
  supplier: null,
  supplierLot: null,
  createdAt: '2026-12-01T07:00:00.000Z',
  producedBy: { orderId: 'O-1', seq: 10, equipment: 'imm01', operator: 'olivia' },
};

describe('inSpec', () => {
  const v = (value: number) => ({ value, defects: null, defectives: null });
  it('a value between the limits is in spec, the limits themselves included; beyond either is not', () => {
    const c = char({ id: 'W' });
    expect([1.79, 1.8, 2, 2.2, 2.21].map((x) => inSpec(c, v(x)))).toEqual([false, true, true, true, false]);
  });
  it('a one-sided spec judges by its one limit; no limit at all judges nothing', () => {
    expect([0, 5, 6].map((x) => inSpec(char({ id: 'U', lsl: null, usl: 5 }), v(x)))).toEqual([true, true, false]);
    expect([0, 5, 6].map((x) => inSpec(char({ id: 'L', lsl: 5, usl: null }), v(x)))).toEqual([false, true, true]);
    expect(inSpec(char({ id: 'N', lsl: null, usl: null }), v(1))).toBeNull();
  });
  it('an attribute sample is in spec with no defect or defective; an unknown characteristic judges nothing', () => {
    const p = char({ id: 'P', kind: 'attribute', chart: 'p', lsl: null, usl: null });
    expect(inSpec(p, { value: null, defects: null, defectives: 0 })).toBe(true);
    expect(inSpec(p, { value: null, defects: null, defectives: 2 })).toBe(false);
    expect(inSpec(char({ id: 'C', kind: 'attribute', chart: 'c' }), { value: null, defects: 1, defectives: null })).toBe(false);
    expect(inSpec(undefined, v(2))).toBeNull();
  });
});

describe('summarise', () => {
  const c = char({ id: 'W' });
  const of = (values: number[]) =>
    certificateOf(
      lot,
      [c],
      [],
      values.map((value) => meas('W', { value })),
      false,
    ).summaries[0];

  it('n, mean, min, max and Cpk from the lot’s own moving ranges (hand-computed I–MR case)', () => {
    // values 1.9, 2.0, 2.1, 2.0: mean 2.0; moving ranges 0.1, 0.1, 0.1 → σw = 0.1/1.128; Cpk = 0.2/(3σw) = 0.752
    const s = of([1.9, 2.0, 2.1, 2.0]);
    expect(s).toMatchObject({ characteristic: 'W', n: 4, min: 1.9, max: 2.1, outOfSpec: 0, allInSpec: true, withinMethod: 'MR̄/1.128' });
    expect(s.mean).toBeCloseTo(2.0, 12);
    expect(s.sigmaWithin).toBeCloseTo(0.1 / 1.128, 12);
    expect(s.cpk).toBeCloseTo(0.2 / ((3 * 0.1) / 1.128), 9);
    // s = √(0.02/3): Ppk = 0.2 / (3s)
    expect(s.ppk).toBeCloseTo(0.2 / (3 * Math.sqrt(0.02 / 3)), 9);
  });

  it('one value: no Cpk; a value out of spec makes "all in spec" no', () => {
    expect(of([2.5])).toMatchObject({ n: 1, mean: 2.5, cpk: null, ppk: null, outOfSpec: 1, allInSpec: false });
  });

  it('nothing measured: n 0 and no verdict (not "in spec")', () => {
    expect(of([])).toEqual({
      characteristic: 'W',
      n: 0,
      mean: null,
      min: null,
      max: null,
      cpk: null,
      ppk: null,
      sigmaWithin: null,
      withinMethod: null,
      outOfSpec: 0,
      allInSpec: null,
    });
  });

  it('X̄–R values by subgroup: σ within is R̄/d2 of the lot’s subgroups', () => {
    const x = char({ id: 'X', chart: 'xbar-r', subgroupSize: 2 });
    const ms = [
      [1.9, 'a'],
      [2.1, 'a'],
      [2.0, 'b'],
      [2.2, 'b'],
    ].map(([value, subgroup]) => meas('X', { value: value as number, subgroup: subgroup as string }));
    const s = summarise(x, 'X', certificateOf(lot, [x], [], ms, false).measurements);
    // R̄ = 0.2, d2(2) = 1.128; mean 2.05, Cpk = (2.2 − 2.05)/(3·0.2/1.128)
    expect(s.sigmaWithin).toBeCloseTo(0.2 / 1.128, 12);
    expect(s.cpk).toBeCloseTo(0.15 / ((3 * 0.2) / 1.128), 9);
    expect(s.withinMethod).toBe('R̄/d2');
  });

  it('an attribute characteristic: the counts, no Cpk', () => {
    const p = char({ id: 'P', kind: 'attribute', chart: 'np', lsl: null, usl: null, unit: null });
    const ms = [0, 3, 1].map((d) => meas('P', { defectives: d, n: 50 }));
    expect(summarise(p, 'P', certificateOf(lot, [p], [], ms, false).measurements)).toMatchObject({
      n: 3,
      mean: 4 / 3,
      min: 0,
      max: 3,
      cpk: null,
      outOfSpec: 2,
      allInSpec: false,
    });
  });
});

describe('certificateOf and the signed version', () => {
  it('the plan is the product’s characteristics first, then others measured on the lot (marked not in plan)', () => {
    const a = char({ id: 'A', operationSeq: 20 });
    const b = char({ id: 'B', operationSeq: 10 });
    const other = char({ id: 'Z-OTHER', product: 'HSG-BOT', operationSeq: 5 });
    const cert = certificateOf(lot, [a, b], [other], [meas('Z-OTHER', { value: 2 }), meas('A', { value: 3 })], false);
    expect(cert.plan.map((p) => [p.id, p.inPlan])).toEqual([
      ['B', true],
      ['A', true],
      ['Z-OTHER', false],
    ]);
    expect(cert.summaries.map((s) => [s.characteristic, s.n, s.allInSpec])).toEqual([
      ['B', 0, null],
      ['A', 1, false],
      ['Z-OTHER', 1, true],
    ]);
    expect(cert.product).toBe('HSG-TOP');
  });

  it('the lot being used does not change the signed version; a measurement, a spec limit or a new measurement does', () => {
    const c = char({ id: 'W' });
    const ms = [meas('W', { value: 2 }), meas('W', { value: 2.1 })];
    const hash = (l: CoaLot, cs: Characteristic[], m: StoredMeasurement[]) => recordHash(signedVersion(certificateOf(l, cs, [], m, false)));
    const base = hash(lot, [c], ms);
    expect(hash({ ...lot, quantity: 12, status: 'consumed' }, [c], ms)).toBe(base);
    expect(hash(lot, [c], [ms[0], { ...ms[1], value: 2.11 }])).not.toBe(base);
    expect(hash(lot, [c], [...ms, meas('W', { value: 2 })])).not.toBe(base);
    expect(hash(lot, [{ ...c, usl: 2.3 }], ms)).not.toBe(base);
    expect(hash({ ...lot, producedBy: { ...lot.producedBy!, equipment: 'imm02' } }, [c], ms)).not.toBe(base);
  });

  it('property: the verdicts agree with the values, and any changed value changes the hash', () => {
    const c = char({ id: 'W', lsl: -1, usl: 1 });
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.nat(), (values, pick) => {
        const ms = values.map((value, i) => meas('W', { id: i + 1, key: `k${i}`, value }));
        const cert = certificateOf(lot, [c], [], ms, false);
        const out = values.filter((v) => v < -1 || v > 1).length;
        expect(cert.summaries[0]).toMatchObject({ n: values.length, outOfSpec: out, allInSpec: out === 0 });
        expect(cert.summaries[0].min).toBe(Math.min(...values));
        expect(cert.summaries[0].max).toBe(Math.max(...values));
        const i = pick % values.length;
        const changed = ms.map((m, j) => (j === i ? { ...m, value: (m.value as number) + 0.5 } : m));
        expect(recordHash(signedVersion(certificateOf(lot, [c], [], changed, false)))).not.toBe(recordHash(signedVersion(cert)));
      }),
      { numRuns: 200 },
    );
  });
});
