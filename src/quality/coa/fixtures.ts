// Records the certificate's unit tests build on: a variable characteristic of HSG-TOP step 10 and a manual measurement
// of it, each with every field set and any of them overridden.
import type { Characteristic, StoredMeasurement } from '../model.ts';

export const characteristicFixture = (over: Partial<Characteristic> & { id: string }): Characteristic => ({
  name: `name of ${over.id}`,
  product: 'HSG-TOP',
  operationSeq: 10,
  kind: 'variable',
  unit: 'mm',
  nominal: 2,
  lsl: 1.8,
  usl: 2.2,
  chart: 'i-mr',
  subgroupSize: 1,
  ruleSet: 'nelson',
  rules: [1],
  gauge: 'caliper C-12',
  method: 'measure the wall',
  sampling: null,
  createdBy: 'q',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

export const measurementFixture = (over: Partial<StoredMeasurement> & Pick<StoredMeasurement, 'id' | 'characteristic' | 'ts'>): StoredMeasurement => ({
  value: null,
  defects: null,
  defectCodes: null,
  flag: null,
  defectives: null,
  n: null,
  subgroup: null,
  source: 'manual',
  key: `k${over.id}`,
  orderId: 'O-1',
  operationSeq: 10,
  lot: 'L-1',
  equipment: 'imm01',
  recordedBy: 'olivia',
  ...over,
});
