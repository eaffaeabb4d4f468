// The pure parts of order intake: B2MML identification and mapping, decomposition, CSV parsing, fingerprints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { durationSeconds, identify, mapSchedule, refuseDtd } from './b2mml.ts';
import { parseOrdersCsv, splitCsvLine } from './intake.ts';
import { decompose, fingerprintOf, quantityProblem, resolveEquipmentId, type OrderInput, type PlantView, type ProductView } from './model.ts';
import { validateB2mml } from './xsd.ts';
import { B2MML_EXAMPLES as examples } from '../../test/fixtures/fixtures.ts';

const plant: PlantView = {
  equipment: [
    { id: 'u1', path: 'a/s/cell1', extId: 'cell1', level: 'workCenter', equipmentClass: null },
    { id: 'u2', path: 'a/s/cell1/imm01', extId: 'imm01', level: 'machine', equipmentClass: 'imm' },
    { id: 'u3', path: 'a/s/cell1/imm02', extId: 'imm02', level: 'machine', equipmentClass: 'imm' },
  ],
};
const product: ProductView = {
  id: 'P1',
  unit: 'pcs',
  materialId: 'M-P1',
  routing: [
    { seq: 20, name: 'Pack', workCenter: 'a/s/cell1', idealCycleTimeS: 1, setupTimeS: 0, parameters: [], bom: [{ materialId: 'BOX', quantity: 0.1 }] },
    { seq: 10, name: 'Mould', equipmentClass: 'imm', idealCycleTimeS: 2.5, setupTimeS: 600, parameters: [{ name: 'melt', target: 230 }], bom: [{ materialId: 'PP', quantity: 0.042, unit: 'kg' }] },
  ],
};
const order = (o: Partial<OrderInput> = {}): OrderInput => ({
  id: 'O1', product: 'P1', quantity: 1000, unit: null, startAfter: null, due: null, priority: null, source: 'rest',
  scheduleId: null, requestId: null, description: '', segments: [], cancel: false, ...o,
});

describe('decompose', () => {
  it('turns the routing into operations: BOM × quantity, setup + ideal cycle × quantity, candidates', () => {
    const ops = decompose({ quantity: 1000, segments: [], due: '2030-01-01T00:00:00.000Z' }, product, plant);
    expect(ops.map((o) => [o.seq, o.name, o.candidates, o.setupTimeS, o.runTimeS])).toEqual([
      [10, 'Mould', ['a/s/cell1/imm01', 'a/s/cell1/imm02'], 600, 2500],
      [20, 'Pack', ['a/s/cell1'], 0, 1000],
    ]);
    expect(ops[0].materials).toEqual([{ materialId: 'PP', quantity: 42, unit: 'kg', use: 'consumed' }]);
    expect(ops[1].materials).toEqual([{ materialId: 'BOX', quantity: 100, unit: null, use: 'consumed' }]);
    expect(ops[0].dueAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('uses the segments the ERP sent, with its equipment when the plant knows it, else the routing step', () => {
    const seg = (id: string, equipmentIds: string[]) => ({ id, name: id, equipmentIds, materials: [], parameters: [], durationS: 3600, latestEnd: null });
    const ops = decompose({ quantity: 10, segments: [seg('S1', ['imm02']), seg('S2', ['NOPE'])], due: null }, product, plant);
    expect(ops.map((o) => [o.seq, o.segmentId, o.candidates])).toEqual([
      [10, 'S1', ['a/s/cell1/imm02']],
      [20, 'S2', ['a/s/cell1']],
    ]);
  });

  it('resolves equipment by path, uuid or unique ISA-95 id', () => {
    expect(resolveEquipmentId('a/s/cell1', plant)).toBe('a/s/cell1');
    expect(resolveEquipmentId('u3', plant)).toBe('a/s/cell1/imm02');
    expect(resolveEquipmentId('imm01', plant)).toBe('a/s/cell1/imm01');
    expect(resolveEquipmentId('imm09', plant)).toBeUndefined();
  });

  it('fingerprints content, not channel; refuses absurd quantities', () => {
    expect(fingerprintOf(order())).toBe(fingerprintOf(order({ source: 'csv', scheduleId: 'S' })));
    expect(fingerprintOf(order({ due: '2030-01-01T00:00:00Z' }))).toBe(fingerprintOf(order({ due: '2030-01-01T01:00:00+01:00' })));
    expect(fingerprintOf(order())).not.toBe(fingerprintOf(order({ quantity: 1001 })));
    expect(quantityProblem(-1)).toMatch(/above 0/);
    expect(quantityProblem(1e12)).toMatch(/absurd/);
    expect(quantityProblem(Number.NaN)).toMatch(/not a number/);
    expect(quantityProblem(5)).toBeUndefined();
  });
});

describe('B2MML mapping', () => {
  it('maps the V0600 example: request → order, produced material → product and quantity, consumed → materials', () => {
    const text = readFileSync(path.join(examples, 'production-schedule.v0600.xml'), 'utf8');
    const doc = identify(text);
    expect(doc).toEqual({ version: 'V0600', verb: null, root: 'ProductionSchedule' });
    const m = mapSchedule(text, doc);
    expect(m.scheduleIds).toEqual(['SCH-2024-06-01']);
    expect(m.requests[0].order).toMatchObject({
      id: 'WO-1001', product: 'HOUSING-BLK', quantity: 5000, unit: 'pcs', priority: 1, source: 'b2mml-v0600',
      startAfter: '2024-06-01T06:00:00Z', due: '2024-06-01T10:00:00Z', cancel: false, description: 'Housing, black',
    });
    expect(m.requests[0].order!.segments).toEqual([
      { id: 'WO-1001-010', name: 'MOULD', equipmentIds: ['IMM-07'], materials: [{ materialId: 'PP-GRANULATE-BLK', quantity: 25.5, unit: 'kg', use: 'consumed' }], parameters: [], durationS: 14400, latestEnd: '2024-06-01T10:00:00Z' },
    ]);
  });

  it('maps the V0701 example, with MaterialUse and segment parameters', () => {
    const text = readFileSync(path.join(examples, 'operations-schedule.v0701.xml'), 'utf8');
    const m = mapSchedule(text, identify(text));
    expect(m.requests[0].order).toMatchObject({ id: 'WO-1001', product: 'HOUSING-BLK', quantity: 5000, source: 'b2mml-v0701', due: '2024-06-01T10:00:00Z' });
    expect(m.requests[0].order!.segments[0].parameters).toEqual([{ name: 'CycleTimeTarget', target: 2.88, unit: 's' }]);
  });

  it('reads verbs, prefixed namespaces and cancellations', () => {
    const doc = `<b:CancelOperationsSchedule xmlns:b="http://www.mesa.org/xml/B2MML" releaseID="1"><b:ApplicationArea><b:CreationDateTime>2024-01-01T00:00:00Z</b:CreationDateTime></b:ApplicationArea>
      <b:DataArea><b:Cancel/><b:OperationsSchedule><b:ID>S</b:ID><b:OperationsRequest><b:ID>R1</b:ID></b:OperationsRequest></b:OperationsSchedule></b:DataArea></b:CancelOperationsSchedule>`;
    const id = identify(doc);
    expect(id).toMatchObject({ version: 'V0701', verb: 'Cancel' });
    expect(mapSchedule(doc, id).requests[0].order).toMatchObject({ id: 'R1', cancel: true });
  });

  it('rejects requests without a produced material, and documents of other kinds or namespaces', () => {
    const doc = `<OperationsSchedule xmlns="http://www.mesa.org/xml/B2MML"><ID>S</ID><OperationsRequest><ID>R1</ID><SegmentRequirement><ID>x</ID></SegmentRequirement></OperationsRequest></OperationsSchedule>`;
    expect(mapSchedule(doc, identify(doc)).requests[0]).toMatchObject({ requestId: 'R1', problem: expect.stringMatching(/no produced material/) });
    expect(() => identify('<OperationsPerformance xmlns="http://www.mesa.org/xml/B2MML"/>')).toThrow(/not accepted here/);
    expect(() => identify('<OperationsSchedule xmlns="urn:x"/>')).toThrow(/namespace/);
    expect(() => identify('<a><b></a>')).toThrow(/malformed XML/);
  });

  it('refuses DTDs and entity declarations before parsing', () => {
    expect(() => refuseDtd('<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil/x.dtd"><x/>')).toThrow(/DTD/);
    expect(() => refuseDtd('<x><!ENTITY a "b"></x>')).toThrow(/DTD/);
    expect(() => refuseDtd('<x>fine</x>')).not.toThrow();
  });

  it('parses ISO 8601 durations', () => {
    expect(durationSeconds('PT4H')).toBe(14400);
    expect(durationSeconds('P1DT30M')).toBe(88200);
    expect(durationSeconds('PT1.5S')).toBe(1.5);
    expect(durationSeconds('4h')).toBeNull();
    expect(durationSeconds('PT')).toBeNull();
  });

  it('answers unavailable when the schema folder is missing, never accepting unvalidated', async () => {
    await expect(validateB2mml('<x/>', 'V0600', '/nonexistent/b2mml')).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('CSV', () => {
  it('splits quoted fields', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""", d ')).toEqual(['a', 'b, c', 'say "hi"', 'd']);
  });

  it('reports every bad row with its line number and keeps the good ones', () => {
    const r = parseOrdersCsv('order,product,quantity,due,priority\nA,P1,10,2030-01-01,1\nB,P1,0,,\nA,P1,5,,\nC,P1,5\n');
    expect(r.orders.map((o) => o.id)).toEqual(['A']);
    expect(r.issues).toEqual([
      { path: 'line 3.quantity', message: "'0' must be a number above 0" },
      { path: 'line 4.order', message: "order 'A' already appears on line 2" },
      { path: 'line 5', message: 'expected 5 fields, found 3' },
    ]);
    expect(parseOrdersCsv('id,product\n').issues[0].path).toBe('line 1');
    expect(parseOrdersCsv('order,product,quantity,due,priority\n').issues[0].message).toMatch(/no orders/);
  });
});
