// The pure parts of order intake: B2MML identification and mapping, decomposition, CSV parsing, fingerprints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { durationSeconds, identify, mapSchedule, refuseDtd, xsdNumber } from './b2mml.ts';
import { xmlText } from './b2mml-text.ts';
import { parseOrdersCsv, splitCsvLine, withUnknownProducts } from './intake.ts';
import { decompose, fingerprintOf, quantityProblem, resolveEquipmentId, type OrderInput, type PlantView, type ProductView } from './model.ts';
import { validateB2mml } from '../platform/b2mml/index.ts';
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
    {
      seq: 10,
      name: 'Mould',
      equipmentClass: 'imm',
      idealCycleTimeS: 2.5,
      setupTimeS: 600,
      parameters: [{ name: 'melt', target: 230 }],
      bom: [{ materialId: 'PP', quantity: 0.042, unit: 'kg' }],
    },
  ],
};
const order = (o: Partial<OrderInput> = {}): OrderInput => ({
  id: 'O1',
  product: 'P1',
  quantity: 1000,
  unit: null,
  startAfter: null,
  due: null,
  priority: null,
  source: 'rest',
  scheduleId: null,
  requestId: null,
  description: '',
  segments: [],
  cancel: false,
  ...o,
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

  it("keeps the process segment the ERP named (ProcessSegmentID) as the operation's segment, not the requirement's own ID", () => {
    const seg = { id: 'SR-0815', name: 'MOULD', equipmentIds: [], materials: [], parameters: [], durationS: null, latestEnd: null };
    const [op] = decompose({ quantity: 10, segments: [seg], due: null }, product, plant);
    expect(op).toMatchObject({ segmentId: 'MOULD', name: 'MOULD' });
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
      id: 'WO-1001',
      product: 'HOUSING-BLK',
      quantity: 5000,
      unit: 'pcs',
      priority: 1,
      source: 'b2mml-v0600',
      startAfter: '2024-06-01T06:00:00Z',
      due: '2024-06-01T10:00:00Z',
      cancel: false,
      description: 'Housing, black',
    });
    expect(m.requests[0].order!.segments).toEqual([
      {
        id: 'WO-1001-010',
        name: 'MOULD',
        equipmentIds: ['IMM-07'],
        materials: [{ materialId: 'PP-GRANULATE-BLK', quantity: 25.5, unit: 'kg', use: 'consumed' }],
        parameters: [],
        durationS: 14400,
        latestEnd: '2024-06-01T10:00:00Z',
      },
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

  const V6 = 'http://www.mesa.org/xml/B2MML-V0600';
  const V7 = 'http://www.mesa.org/xml/B2MML';
  /** One request whose one segment carries the produced material with this QuantityString/DataType, and `extra`. */
  const v0600 = (qty: string, dataType: string | null, extra = '') =>
    `<ProductionSchedule xmlns="${V6}"><ID>S</ID><ProductionRequest><ID>R1</ID><SegmentRequirement><ID>R1-10</ID><ProcessSegmentID>MOULD</ProcessSegmentID>` +
    `<MaterialProducedRequirement><MaterialDefinitionID>P1</MaterialDefinitionID><Quantity><QuantityString>${qty}</QuantityString>${dataType ? `<DataType>${dataType}</DataType>` : ''}<UnitOfMeasure>pcs</UnitOfMeasure></Quantity></MaterialProducedRequirement>${extra}</SegmentRequirement></ProductionRequest></ProductionSchedule>`;
  const v0701 = (qty: string, extra = '') =>
    `<OperationsSchedule xmlns="${V7}"><ID>S</ID><OperationsRequest><ID>R1</ID><SegmentRequirement><ID>R1-10</ID><ProcessSegmentID>MOULD</ProcessSegmentID><OperationsDefinitionID>OD</OperationsDefinitionID><OperationsSegmentID>OS</OperationsSegmentID>${extra}` +
    `<MaterialRequirement><ID>MR1</ID><MaterialDefinitionID>P1</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>${qty}</QuantityString><UnitOfMeasure>pcs</UnitOfMeasure></Quantity></MaterialRequirement></SegmentRequirement></OperationsRequest></OperationsSchedule>`;
  const mapped = (doc: string) => mapSchedule(doc, identify(doc)).requests[0];

  it('reads numbers in the lexical space of their DataType only (XML Schema Part 2: decimal, double, integer)', () => {
    // [text, DataType, value or null when refused] — worked out from the XSD grammar by hand
    const table: Array<[string, string | null, number | null]> = [
      ['16', null, 16],
      ['12.5', null, 12.5],
      [' 12.50 ', null, 12.5],
      ['+3', null, 3],
      ['-0.5', null, -0.5],
      ['.5', null, 0.5],
      ['5.', null, 5],
      ['0x10', null, null],
      ['0x10', 'double', null],
      ['0x10', 'integer', null],
      ['1e2', null, null],
      ['1e2', 'decimal', null],
      ['1e2', 'Quantity', null],
      ['1e2', 'double', 100],
      ['1E-1', 'float', 0.1],
      ['2.5e1', 'double', 25],
      ['1e2', 'integer', null],
      ['', null, null],
      ['  ', 'double', null],
      ['1,5', null, null],
      ['1_000', null, null],
      ['0b11', null, null],
      ['0o7', null, null],
      ['1.2.3', null, null],
      ['.', null, null],
      ['e2', 'double', null],
      ['Infinity', 'double', null],
      ['INF', 'double', null],
      ['NaN', 'double', null],
      ['-INF', 'double', null],
      ['42', 'integer', 42],
      ['42', 'int', 42],
      ['4.2', 'integer', null],
      ['007', 'long', 7],
    ];
    for (const [text, type, want] of table) {
      const got = xsdNumber(text, type);
      if (want === null) expect(got.problem, `${JSON.stringify(text)} as ${type}`).toBeTruthy();
      else expect(got, `${JSON.stringify(text)} as ${type}`).toEqual({ value: want });
    }
    expect(xsdNumber('0x10', null).problem).toMatch(/'0x10' is not an xs:decimal/);
  });

  it('refuses quantities and numeric parameters outside their lexical space instead of reading 0x10 as 16', () => {
    expect(mapped(v0600('0x10', null))).toMatchObject({ problem: expect.stringMatching(/material 'P1': quantity '0x10' is not an xs:decimal/) });
    expect(mapped(v0600('1e2', null))).toMatchObject({ problem: expect.stringMatching(/'1e2' is not an xs:decimal/) });
    expect(mapped(v0600('1e2', 'double')).order).toMatchObject({ quantity: 100 });
    expect(mapped(v0600('250', null)).order).toMatchObject({ quantity: 250 });
    expect(mapped(v0701('0x10'))).toMatchObject({ problem: expect.stringMatching(/not an xs:decimal/) });
    const param = (v: string) => `<SegmentParameter><ID>speed</ID><Value><ValueString>${v}</ValueString><DataType>double</DataType></Value></SegmentParameter>`;
    expect(mapped(v0701('10', param('0x10')))).toMatchObject({ problem: expect.stringMatching(/parameter 'speed': '0x10' is not an xs:double/) });
    expect(mapped(v0701('10', param('1.25e1'))).order!.segments[0].parameters).toEqual([{ name: 'speed', target: 12.5 }]);
  });

  it('a request that names only the product takes its operations from the routing; one that details its segment keeps it', () => {
    for (const doc of [v0600('10', null), v0701('10')]) {
      const r = mapped(doc);
      expect(r.order).toMatchObject({ product: 'P1', quantity: 10 });
      expect(r.order!.segments).toEqual([]);
      expect(decompose({ quantity: 10, segments: r.order!.segments, due: null }, product, plant).map((o) => o.name)).toEqual(['Mould', 'Pack']);
    }
    const consumed =
      '<MaterialConsumedRequirement><MaterialDefinitionID>PP</MaterialDefinitionID><Quantity><QuantityString>1</QuantityString></Quantity></MaterialConsumedRequirement>';
    expect(mapped(v0600('10', null, consumed)).order!.segments).toHaveLength(1);
    const equipment = '<EquipmentRequirement><EquipmentID>imm01</EquipmentID></EquipmentRequirement>';
    expect(mapped(v0600('10', null).replace('<MaterialProducedRequirement>', `${equipment}<MaterialProducedRequirement>`)).order!.segments).toHaveLength(1);
  });

  it('answers an empty body and a cut document with a message that names no undefined position', () => {
    for (const text of ['', '   \n']) expect(() => identify(text)).toThrow(/the body is empty/);
    let message = '';
    try {
      identify('<');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/malformed XML/);
    expect(message).not.toMatch(/undefined/);
  });

  it('decodes UTF-16 with its BOM (both byte orders), UTF-8 with or without a BOM, and names an encoding it cannot read', () => {
    const doc = v0600('10', null);
    const declared = (enc: string) => `<?xml version="1.0" encoding="${enc}"?>\n${doc}`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(declared('UTF-16'), 'utf16le')]);
    const be = Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(declared('UTF-16'), 'utf16le')]).swap16());
    for (const bytes of [le, be]) {
      const text = xmlText(bytes, 'application/xml');
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
      expect(mapped(text).order).toMatchObject({ product: 'P1', quantity: 10 });
    }
    expect(xmlText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(declared('UTF-8'))]), 'application/xml')).toBe(declared('UTF-8'));
    expect(xmlText(Buffer.from('<a>Grüße</a>'), 'application/xml; charset=utf-8')).toBe('<a>Grüße</a>');
    expect(xmlText(Buffer.from('<a>Gr\xfc\xdfe</a>', 'latin1'), 'application/xml; charset=ISO-8859-1')).toBe('<a>Grüße</a>');
    expect(() => xmlText(Buffer.from(declared('EBCDIC-CP-US')), 'application/xml')).toThrow(/encoding 'ebcdic-cp-us' is not supported/);
    expect(() => xmlText(Buffer.from(declared('UTF-16')), 'application/xml')).toThrow(/UTF-16.*byte order mark/);
    expect(() => xmlText(Buffer.from([0x3c, 0x61, 0xc3, 0x28, 0x3e]), 'application/xml')).toThrow(/not valid UTF-8/);
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
    await expect(validateB2mml('<x/>', 'V0600', 'schedule', '/nonexistent/b2mml')).rejects.toMatchObject({ code: 'unavailable' });
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
      { path: 'line 3.quantity', message: "'0' must be a decimal number above 0 (e.g. 12 or 12.5)" },
      { path: 'line 4.order', message: "order 'A' already appears on line 2" },
      { path: 'line 5', message: 'expected 5 fields, found 3' },
    ]);
    expect(parseOrdersCsv('id,product\n').issues[0].path).toBe('line 1');
    expect(parseOrdersCsv('').issues).toEqual([{ path: 'line 1', message: expect.stringMatching(/the file is empty/) }]);
    expect(parseOrdersCsv('order,product,quantity,due,priority\n').issues[0].message).toMatch(/no orders/);
  });

  it('lists every error of a line, an unknown product beside a bad quantity, in line and column order', () => {
    const r = parseOrdersCsv('order,product,quantity,due,priority\nA,NOPE,0x10,2030-01-01,1\nB,P1,1e2,,\nC,GONE,5,,x\nD,P1,5,,\n');
    expect(r.orders.map((o) => o.id)).toEqual(['D']);
    expect(withUnknownProducts(r, new Set(['NOPE', 'GONE']))).toEqual([
      { path: 'line 2.product', message: "unknown product or material definition 'NOPE'" },
      { path: 'line 2.quantity', message: "'0x10' must be a decimal number above 0 (e.g. 12 or 12.5)" },
      { path: 'line 3.quantity', message: "'1e2' must be a decimal number above 0 (e.g. 12 or 12.5)" },
      { path: 'line 4.product', message: "unknown product or material definition 'GONE'" },
      { path: 'line 4.priority', message: "'x' must be a whole number from 0 to 1000000" },
    ]);
  });
});
