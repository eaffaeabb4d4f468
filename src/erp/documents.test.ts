// Every performance document the builders produce is validated against MESA's XSDs, and read back for its content.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { B2MML_EXAMPLES } from '../../test/fixtures/fixtures.ts';
import type { OrderPerformance } from '../execution/index.ts';
import { sampleOrder } from './sample.ts';
import { quantityText, renderPerformance, toJsonPerformance, toOperationsPerformance, toProductionPerformance } from './documents.ts';
import { validatePerformance } from './index.ts';

/** The same order half-way: moulding done, assembly running, packing not started, no end time. */
function runningOrder(): OrderPerformance {
  const o = sampleOrder({ status: 'running', completedAt: null, goodQuantity: 0, scrapQuantity: 0 });
  o.operations[1] = { ...o.operations[1]!, status: 'running', completedAt: null, goodQuantity: 120.25 };
  o.operations[2] = {
    ...o.operations[2]!,
    status: 'released',
    startedAt: null,
    completedAt: null,
    goodQuantity: 0,
    operators: [],
    produced: [],
    parameters: [],
  };
  return o;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (n) =>
    ['SegmentResponse', 'MaterialProducedActual', 'MaterialConsumedActual', 'MaterialActual', 'Quantity', 'ProductionData', 'SegmentData'].includes(n),
});
type N = Record<string, any>;

async function expectValid(xml: string, version: 'V0600' | 'V0701') {
  expect(await validatePerformance(xml, version)).toEqual([]);
}

// libxml2 (WASM) validates each document in ~0.1–1 s: allow for a busy machine.
describe('V0600 ProductionPerformance', { timeout: 60_000 }, () => {
  it('the MESA example itself validates (the check is real)', async () => {
    await expectValid(readFileSync(path.join(B2MML_EXAMPLES, 'production-performance.v0600.xml'), 'utf8'), 'V0600');
  });

  it('a finished order with several operations, lots, decimals and markup characters is valid and complete', async () => {
    const xml = toProductionPerformance(sampleOrder(), { publishedAt: '2026-05-04T09:31:00Z' });
    await expectValid(xml, 'V0600');
    const doc = parser.parse(xml).ProductionPerformance as N;
    expect(doc['@_xmlns']).toBe('http://www.mesa.org/xml/B2MML-V0600');
    expect(doc.PublishedDate).toBe('2026-05-04T09:31:00.000Z');
    expect(doc.PerformanceState).toBe('Completed');
    const resp = doc.ProductionResponse as N;
    expect(resp.ProductionRequestID).toBe('WO-1001');
    const segs = resp.SegmentResponse as N[];
    expect(segs.map((s) => s.ID)).toEqual(['WO-1001-010-R', 'WO-1001-020-R', 'WO-1001-030-R']);
    expect(segs[0]!.Description).toBe('Moulding & trimming <hot>');
    expect(segs[1]!.ProcessSegmentID).toBe('Assembly'); // no ERP segment: the step's name
    expect(segs[0]!.EquipmentActual.EquipmentID).toBe('acme/lakeside/moulding/IMM-07');
    expect(segs[0]!.MaterialProducedActual.map((m: N) => [m.MaterialLotID, m.Quantity[0].QuantityString, m.Quantity[0].Key])).toEqual([
      ['LOT-HB-0001', '500', 'Good'],
      ['LOT-HB-0002', '490', 'Good'],
      [undefined, '10.5', 'Scrap'],
    ]);
    expect(segs[0]!.MaterialConsumedActual.map((m: N) => [m.MaterialLotID, m.Quantity[0].QuantityString, m.Description])).toEqual([
      ['LOT-PP-4711', '24.125', 'scan; supplier lot S&P-9'],
      ['LOT-PP-4712', '0.3', 'backflush'],
    ]);
    const data = Object.fromEntries((segs[0]!.ProductionData as N[]).map((d) => [d.ID, d.Value.ValueString]));
    expect(data).toMatchObject({ GoodQuantity: '990', ScrapQuantity: '10.5', melt_temp: '231.5', recipe: 'R&D "7" <b>' });
    // the assembly step made no lot: good and scrap against the order's material
    expect(segs[1]!.MaterialProducedActual[0].MaterialDefinitionID).toBe('HOUSING-BLK');
    expect(segs[1]!.MaterialProducedActual[0].Quantity.map((q: N) => q.Key)).toEqual(['Good', 'Scrap']);
    expect(xml).toContain('&amp;');
    expect(xml).toContain('&lt;hot&gt;');
  });

  it('an order not yet complete is valid: running state, no end time, only what happened so far', async () => {
    const xml = toProductionPerformance(runningOrder());
    await expectValid(xml, 'V0600');
    const doc = parser.parse(xml).ProductionPerformance as N;
    expect(doc.PerformanceState).toBe('Running');
    expect(doc.EndTime).toBeUndefined();
    const segs = doc.ProductionResponse.SegmentResponse as N[];
    expect(segs.map((s) => s.SegmentState)).toEqual(['Completed', 'Running', 'Ready']);
    expect(segs[1]!.ActualEndTime).toBeUndefined();
    expect(segs[2]!.MaterialProducedActual).toBeUndefined();
    expect(segs[1]!.MaterialProducedActual[0].Quantity[0].QuantityString).toBe('120.25');
  });

  it('an operation confirmation carries only that operation; a bare order and a cancelled one are valid', async () => {
    const one = toProductionPerformance(sampleOrder(), { onlySeq: 20 });
    await expectValid(one, 'V0600');
    const doc = parser.parse(one).ProductionPerformance as N;
    expect(doc.ID).toBe('WO-1001-OP20'); // the one ID scheme: <order>-OP<seq> for a confirmation
    expect(doc.ProductionResponse.SegmentResponse.map((s: N) => s.ID)).toEqual(['WO-1001-020-R']);
    await expectValid(toProductionPerformance(sampleOrder({ operations: [], scheduleId: null, requestId: null, materialId: null, startedAt: null })), 'V0600');
    await expectValid(toProductionPerformance(sampleOrder({ status: 'cancelled' })), 'V0600');
  });
});

describe('V0701 OperationsPerformance', { timeout: 60_000 }, () => {
  it('the MESA example itself validates', async () => {
    await expectValid(readFileSync(path.join(B2MML_EXAMPLES, 'operations-performance.v0701.xml'), 'utf8'), 'V0701');
  });

  it('a finished order: OperationsType Production, MaterialActual Produced/Consumed with lots', async () => {
    const xml = toOperationsPerformance(sampleOrder());
    await expectValid(xml, 'V0701');
    const doc = parser.parse(xml).OperationsPerformance as N;
    expect(doc['@_xmlns']).toBe('http://www.mesa.org/xml/B2MML');
    expect(doc.OperationsType).toBe('Production');
    expect(doc.Endtime).toBe('2026-05-04T09:30:00.000Z');
    const segs = doc.OperationsResponse.SegmentResponse as N[];
    expect(segs).toHaveLength(3);
    const ma = segs[0]!.MaterialActual as N[];
    expect(ma.map((m) => [m.ID, m.MaterialUse, m.MaterialLotID ?? null, m.Quantity[0].QuantityString])).toEqual([
      ['MA-1', 'Produced', 'LOT-HB-0001', '500'],
      ['MA-2', 'Produced', 'LOT-HB-0002', '490'],
      ['MA-3', 'Produced', null, '10.5'],
      ['MA-4', 'Consumed', 'LOT-PP-4711', '24.125'],
      ['MA-5', 'Consumed', 'LOT-PP-4712', '0.3'],
    ]);
    expect(segs[0]!.PersonnelActual.map((p: N) => p.PersonID)).toEqual(['anna', 'bob']);
    expect(segs[2]!.SegmentData.find((d: N) => d.ID === 'flags').Value.ValueString).toBe('{"a":true}');
  });

  it('running, single-operation, cancelled and operation-less orders are all valid', async () => {
    const running = toOperationsPerformance(runningOrder());
    await expectValid(running, 'V0701');
    expect((parser.parse(running).OperationsPerformance as N).PerformanceState).toBe('Running');
    await expectValid(toOperationsPerformance(sampleOrder(), { onlySeq: 30 }), 'V0701');
    await expectValid(toOperationsPerformance(sampleOrder({ status: 'cancelled' })), 'V0701');
    const empty = toOperationsPerformance(sampleOrder({ operations: [], status: 'created', startedAt: null, completedAt: null }));
    await expectValid(empty, 'V0701');
    expect((parser.parse(empty).OperationsPerformance as N).OperationsResponse.SegmentResponse).toHaveLength(1);
  });

  it('a broken document is caught by the same check', async () => {
    const bad = toOperationsPerformance(sampleOrder()).replace('<MaterialUse>Produced</MaterialUse>', '<MaterialUse>Made</MaterialUse>');
    expect((await validatePerformance(bad, 'V0701')).length).toBeGreaterThan(0);
  });
});

describe('JSON and numbers', () => {
  it('JSON carries the performance, restricted to one operation on request', () => {
    const all = JSON.parse(toJsonPerformance(sampleOrder()));
    expect(all.operations).toHaveLength(3);
    expect(all.goodQuantity).toBe(990);
    const one = JSON.parse(renderPerformance(sampleOrder(), 'json', { onlySeq: 10 }).body);
    expect(one.operations.map((o: N) => o.seq)).toEqual([10]);
    expect(renderPerformance(sampleOrder(), 'b2mml-v0701').contentType).toMatch(/^application\/xml/);
  });

  it('quantities are plain decimals', () => {
    expect(quantityText(0.1 + 0.2)).toBe('0.3');
    expect(quantityText(1e21)).toBe('1000000000000000000000');
    expect(quantityText(1e-7)).toBe('0');
    expect(quantityText(-2.5)).toBe('-2.5');
    expect(quantityText(Number.NaN)).toBe('0');
  });
});
