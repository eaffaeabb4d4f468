// Production orders through the API on PGlite and PostgreSQL: B2MML V0600/V0701 intake, REST, CSV, release, dispatch.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { validatePerformance } from '../../src/erp/index.ts';
import { B2MML_EXAMPLES as EXAMPLES } from '../fixtures/fixtures.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const V6 = 'http://www.mesa.org/xml/B2MML-V0600';
const V7 = 'http://www.mesa.org/xml/B2MML';

interface Seg {
  id: string;
  process: string;
  equipment?: string;
  produced?: [string, number];
  consumed?: Array<[string, number, string]>;
  end?: string;
}
interface Req {
  id: string;
  priority?: number;
  end?: string;
  state?: string;
  segments: Seg[];
}

function v0600(id: string, requests: Req[]): string {
  const seg = (
    s: Seg,
  ) => `<SegmentRequirement><ID>${s.id}</ID><ProcessSegmentID>${s.process}</ProcessSegmentID>${s.end ? `<LatestEndTime>${s.end}</LatestEndTime>` : ''}
    ${s.equipment ? `<EquipmentRequirement><EquipmentID>${s.equipment}</EquipmentID></EquipmentRequirement>` : ''}
    ${s.produced ? `<MaterialProducedRequirement><MaterialDefinitionID>${s.produced[0]}</MaterialDefinitionID><Quantity><QuantityString>${s.produced[1]}</QuantityString><UnitOfMeasure>pcs</UnitOfMeasure></Quantity></MaterialProducedRequirement>` : ''}
    ${(s.consumed ?? []).map(([m, q, u]) => `<MaterialConsumedRequirement><MaterialDefinitionID>${m}</MaterialDefinitionID><Quantity><QuantityString>${q}</QuantityString><UnitOfMeasure>${u}</UnitOfMeasure></Quantity></MaterialConsumedRequirement>`).join('')}
    </SegmentRequirement>`;
  const req = (
    r: Req,
  ) => `<ProductionRequest><ID>${r.id}</ID>${r.end ? `<EndTime>${r.end}</EndTime>` : ''}${r.priority !== undefined ? `<Priority>${r.priority}</Priority>` : ''}
    ${r.segments.map(seg).join('')}${r.state ? `<RequestState>${r.state}</RequestState>` : ''}</ProductionRequest>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ProductionSchedule xmlns="${V6}"><ID>${id}</ID>${requests.map(req).join('')}</ProductionSchedule>`;
}

function v0701(id: string, requests: Req[], verb?: string): string {
  let n = 0;
  const seg = (
    s: Seg,
  ) => `<SegmentRequirement><ID>${s.id}</ID>${s.end ? `<LatestEndTime>${s.end}</LatestEndTime>` : ''}<ProcessSegmentID>${s.process}</ProcessSegmentID>
    <Duration>PT1H</Duration><OperationsDefinitionID>OD-1</OperationsDefinitionID><OperationsSegmentID>OS-1</OperationsSegmentID><SegmentState>Released</SegmentState>
    <SegmentParameter><ID>speed</ID><Value><ValueString>12.5</ValueString><DataType>double</DataType><UnitOfMeasure>m/min</UnitOfMeasure></Value></SegmentParameter>
    ${s.equipment ? `<EquipmentRequirement><ID>ER-${++n}</ID><EquipmentID>${s.equipment}</EquipmentID></EquipmentRequirement>` : ''}
    ${s.produced ? `<MaterialRequirement><ID>MR-${++n}</ID><MaterialDefinitionID>${s.produced[0]}</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>${s.produced[1]}</QuantityString><UnitOfMeasure>pcs</UnitOfMeasure></Quantity></MaterialRequirement>` : ''}
    ${(s.consumed ?? []).map(([m, q, u]) => `<MaterialRequirement><ID>MR-${++n}</ID><MaterialDefinitionID>${m}</MaterialDefinitionID><MaterialUse>Consumed</MaterialUse><Quantity><QuantityString>${q}</QuantityString><UnitOfMeasure>${u}</UnitOfMeasure></Quantity></MaterialRequirement>`).join('')}
    </SegmentRequirement>`;
  const req = (r: Req) => `<OperationsRequest><ID>${r.id}</ID>${r.end ? `<EndTime>${r.end}</EndTime>` : ''}<OperationsType>Production</OperationsType>
    ${r.priority !== undefined ? `<Priority>${r.priority}</Priority>` : ''}${r.state ? `<RequestState>${r.state}</RequestState>` : ''}${r.segments.map(seg).join('')}</OperationsRequest>`;
  const noun = `<OperationsSchedule${verb ? '' : ` xmlns="${V7}"`}><ID>${id}</ID><OperationsType>Production</OperationsType>${requests.map(req).join('')}</OperationsSchedule>`;
  if (!verb) return `<?xml version="1.0" encoding="UTF-8"?>\n${noun}`;
  return `<?xml version="1.0"?><${verb}OperationsSchedule xmlns="${V7}" releaseID="1"><ApplicationArea><CreationDateTime>2024-06-01T05:00:00Z</CreationDateTime></ApplicationArea>
    <DataArea><${verb}/>${noun}</DataArea></${verb}OperationsSchedule>`;
}

for (const kind of DB_KINDS) {
  describe(`execution on ${kind}`, () => {
    let t: TestServer;
    const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as string,
        headers: { authorization: `Bearer ${token ?? t.adminToken}`, ...headers },
      });
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body ? (String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body) : undefined,
      };
    };
    const xml = (doc: string) => call('POST', '/api/integration/b2mml', doc, { 'content-type': 'application/xml' });
    const results = (r: { body: { results: Array<{ orderId: string; result: string; reason?: string }> } }) =>
      Object.fromEntries(r.body.results.map((x) => [x.orderId, x.result]));

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      // The example documents name master data the demo plant does not have: create it through the API.
      const ok = async (p: Promise<{ status: number; body: unknown }>) => {
        const r = await p;
        if (r.status >= 300) throw new Error(JSON.stringify(r.body));
        return r.body as { id: string };
      };
      await ok(call('POST', '/api/materials', { id: 'HOUSING-BLK', name: 'Housing black', unit: 'pcs' }));
      await ok(call('POST', '/api/materials', { id: 'PP-GRANULATE-BLK', name: 'PP black', unit: 'kg' }));
      await ok(call('POST', '/api/materials', { id: 'LID-BLK', name: 'Lid black', unit: 'pcs' }));
      const eq = (await call('GET', '/api/equipment')).body as Array<{ id: string; path: string }>;
      const cell = eq.find((e) => e.path === 'acme/lakeside/moulding/imm-cell1')!;
      await ok(call('POST', '/api/equipment', { parentId: cell.id, extId: 'IMM-07', level: 'machine', name: 'IMM 07', equipmentClass: 'imm' }));
      await ok(call('POST', '/api/equipment-classes', { id: 'lonely', name: 'No machines' }));
      const routing = (cls: string, bom = [{ materialId: 'PP-GRANULATE-BLK', quantity: 0.0051, unit: 'kg' }]) => [
        {
          seq: 10,
          name: 'Mould',
          equipmentClass: cls,
          idealCycleTimeS: 2.88,
          setupTimeS: 600,
          bom,
          parameters: [{ name: 'meltTemperature', target: 230, min: 220, max: 240 }],
        },
        { seq: 20, name: 'Pack', workCenter: 'acme/lakeside/moulding/imm-cell1', idealCycleTimeS: 1, bom: [] },
      ];
      await ok(call('POST', '/api/products', { id: 'HOUSING-BLK', name: 'Housing black', materialId: 'HOUSING-BLK', routing: routing('imm') }));
      await ok(call('POST', '/api/products', { id: 'LID', name: 'Lid', materialId: 'LID-BLK', routing: routing('lonely', []) }));
      await ok(call('POST', '/api/products', { id: 'BARE', name: 'No routing' }));
    });
    afterAll(async () => t?.close());

    it('loads the example schedules of both generations; a resend changes nothing', async () => {
      const v6 = readFileSync(path.join(EXAMPLES, 'production-schedule.v0600.xml'), 'utf8');
      const first = await xml(v6);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({ version: 'V0600', verb: null, schedules: ['SCH-2024-06-01'], results: [{ orderId: 'WO-1001', result: 'created' }] });
      expect(results(await xml(v6))).toEqual({ 'WO-1001': 'unchanged' });
      const order = (await call('GET', '/api/orders/WO-1001')).body;
      expect(order).toMatchObject({
        productId: 'HOUSING-BLK',
        quantity: 5000,
        unit: 'pcs',
        priority: 1,
        status: 'created',
        source: 'b2mml-v0600',
        dueAt: '2024-06-01T10:00:00.000Z',
      });
      expect(order.operations).toHaveLength(1);
      expect(order.operations[0]).toMatchObject({
        seq: 10,
        name: 'MOULD',
        candidates: ['acme/lakeside/moulding/imm-cell1/IMM-07'],
        setupTimeS: 600,
        runTimeS: 14400,
      });
      expect(order.operations[0].materials).toEqual([{ materialId: 'PP-GRANULATE-BLK', quantity: 25.5, unit: 'kg', use: 'consumed' }]);
      // The V0701 example sends the same request with a segment parameter: a change of a not-started order.
      const v7 = readFileSync(path.join(EXAMPLES, 'operations-schedule.v0701.xml'), 'utf8');
      expect((await xml(v7)).body).toMatchObject({ version: 'V0701', results: [{ orderId: 'WO-1001', result: 'updated', version: 2 }] });
      expect(results(await xml(v7))).toEqual({ 'WO-1001': 'unchanged' });
      const after = (await call('GET', '/api/orders/WO-1001')).body;
      expect(after.operations[0].parameters).toEqual([{ name: 'CycleTimeTarget', target: 2.88, unit: 's' }]);
      const audit = (await call('GET', '/api/audit?entity=production_order&entityId=WO-1001')).body;
      expect(JSON.stringify(audit)).toContain('"update"');
    });

    it('maps built documents with several requests, segments and materials, wrapped in verbs too', async () => {
      const reqs: Req[] = [
        {
          id: 'B-1',
          priority: 3,
          end: '2030-01-02T00:00:00Z',
          segments: [
            { id: 'B-1-10', process: 'MOULD', equipment: 'IMM-07', produced: ['HOUSING-BLK', 100], consumed: [['PP-GRANULATE-BLK', 0.6, 'kg']] },
            { id: 'B-1-20', process: 'PACK', end: '2030-01-01T12:00:00Z', consumed: [['LID-BLK', 100, 'pcs']] },
          ],
        },
        { id: 'B-2', priority: 1, segments: [{ id: 'B-2-10', process: 'MOULD', equipment: 'NOPE-99', produced: ['HOUSING-BLK', 50] }] },
        { id: 'B-3', segments: [{ id: 'B-3-10', process: 'MOULD', produced: ['UNKNOWN-MAT', 5] }] },
        { id: 'B-4', segments: [{ id: 'B-4-10', process: 'MOULD', produced: ['HOUSING-BLK', -5] }] },
        { id: 'B-5', segments: [{ id: 'B-5-10', process: 'MOULD', produced: ['HOUSING-BLK', 5], consumed: [['NO-SUCH-MAT', 1, 'kg']] }] },
      ];
      const r6 = await xml(v0600('SCH-B6', reqs));
      expect(r6.status, JSON.stringify(r6.body)).toBe(207); // three of five rejected: Multi-Status, counted in a header
      expect(r6.headers['takt-rejected']).toBe('3');
      expect(results(r6)).toEqual({ 'B-1': 'created', 'B-2': 'created', 'B-3': 'rejected', 'B-4': 'rejected', 'B-5': 'rejected' });
      const reasons = r6.body.results.map((x: { reason?: string }) => x.reason ?? '').join(' | ');
      expect(reasons).toMatch(/unknown product or material definition 'UNKNOWN-MAT'/);
      expect(reasons).toMatch(/quantity -5 must be above 0/);
      expect(reasons).toMatch(/unknown material definition\(s\): NO-SUCH-MAT/);
      const b1 = (await call('GET', '/api/orders/B-1')).body;
      expect(b1.operations.map((o: { seq: number; name: string; candidates: string[] }) => [o.seq, o.name, o.candidates])).toEqual([
        [10, 'MOULD', ['acme/lakeside/moulding/imm-cell1/IMM-07']],
        [20, 'PACK', ['acme/lakeside/moulding/imm-cell1']],
      ]);
      expect(b1.operations[1]).toMatchObject({
        dueAt: '2030-01-01T12:00:00.000Z',
        materials: [{ materialId: 'LID-BLK', quantity: 100, unit: 'pcs', use: 'consumed' }],
      });
      // unknown equipment: the routing's candidates (every machine of class imm)
      const b2 = (await call('GET', '/api/orders/B-2')).body;
      expect(b2.operations[0].candidates.length).toBeGreaterThan(1);
      expect(b2.operations[0].candidates).toContain('acme/lakeside/moulding/imm-cell1/IMM-07');
      // the same content as V0701 inside a Sync verb: nothing changes; a changed quantity updates; a cancelled request cancels
      const v7reqs = reqs.slice(0, 2);
      const sync = await xml(v0701('SCH-B7', v7reqs, 'Sync'));
      expect(sync.status, JSON.stringify(sync.body)).toBe(200);
      expect(sync.body).toMatchObject({ version: 'V0701', verb: 'Sync' });
      expect(results(sync)).toEqual({ 'B-1': 'updated', 'B-2': 'updated' }); // V0701 carries segment parameters: a change
      expect(results(await xml(v0701('SCH-B7', v7reqs, 'Process')))).toEqual({ 'B-1': 'unchanged', 'B-2': 'unchanged' });
      const changed = structuredClone(v7reqs);
      changed[0].segments[0].produced = ['HOUSING-BLK', 120];
      changed[1].state = 'Cancelled';
      expect(results(await xml(v0701('SCH-B7', changed)))).toEqual({ 'B-1': 'updated', 'B-2': 'cancelled' });
      expect((await call('GET', '/api/orders/B-1')).body).toMatchObject({ quantity: 120, version: 3 });
      expect((await call('GET', '/api/orders/B-2')).body).toMatchObject({ status: 'cancelled' });
      // started orders refuse changes and cancellation with a reason
      await t.sql(`UPDATE production_orders SET status = 'running' WHERE id = 'B-1'`);
      changed[0].segments[0].produced = ['HOUSING-BLK', 130];
      const refused = await xml(v0701('SCH-B7', changed.slice(0, 1)));
      expect(refused.body.results[0]).toMatchObject({ orderId: 'B-1', result: 'rejected', reason: expect.stringMatching(/running already/) });
      const cancelVerb = await xml(v0701('SCH-B7', changed.slice(0, 1), 'Cancel'));
      expect(cancelVerb.body.results[0]).toMatchObject({ result: 'rejected', reason: expect.stringMatching(/can no longer be cancelled/) });
      const rest = await call('POST', '/api/orders/B-1/cancel', {});
      expect(rest.status).toBe(409);
      expect(rest.body.error.message).toMatch(/started/);
      expect((await call('GET', '/api/orders/B-1')).body).toMatchObject({ quantity: 120, status: 'running' });
    });

    it('refuses malformed XML, DTDs and entities, and documents invalid against the XSD', async () => {
      const malformed = await xml(`<ProductionSchedule xmlns="${V6}"><ID>x</ID>`);
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toMatch(/malformed XML/);
      const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><ProductionSchedule xmlns="${V6}"><ID>&x;</ID></ProductionSchedule>`;
      const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><ProductionSchedule xmlns="${V6}"><ID>&lol2;</ID></ProductionSchedule>`;
      for (const doc of [xxe, laughs]) {
        const r = await xml(doc);
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/DTD or entity/);
      }
      // well-formed, but Priority is not an integer and the elements are out of order
      const invalid = v0600('SCH-X', [{ id: 'X-1', segments: [{ id: 'X-1-10', process: 'MOULD', produced: ['HOUSING-BLK', 1] }] }]).replace(
        '<ID>X-1</ID>',
        '<ID>X-1</ID><Priority>high</Priority>',
      );
      const bad = await xml(invalid);
      expect(bad.status).toBe(422);
      expect(bad.body.error.message).toMatch(/not valid against the B2MML V0600 schema: line \d+: .*Priority/);
      expect((await call('GET', '/api/orders/X-1')).status).toBe(404);
      const otherNs = await xml('<ProductionSchedule xmlns="urn:other"><ID>x</ID></ProductionSchedule>');
      expect(otherNs.status).toBe(415);
      const json = await call('POST', '/api/integration/b2mml', { id: 1 });
      expect(json.status).toBe(415);
    });

    it('creates orders over REST, refuses release with the missing pieces named, releases and dispatches in priority order', async () => {
      const mk = (id: string, product: string, priority: number, due: string) => ({ id, product, quantity: 1000, priority, due });
      const created = await call('POST', '/api/orders', [
        mk('R-1', 'HOUSING-BLK', 5, '2030-03-01T00:00:00Z'),
        mk('R-2', 'HOUSING-BLK', 2, '2030-04-01T00:00:00Z'),
        mk('R-3', 'HOUSING-BLK', 5, '2030-02-01T00:00:00Z'),
        mk('R-4', 'LID', 1, '2030-01-01T00:00:00Z'),
        mk('R-5', 'BARE', 1, '2030-01-01T00:00:00Z'),
      ]);
      expect(created.status).toBe(201);
      expect(created.body.results.map((r: { result: string }) => r.result)).toEqual(['created', 'created', 'created', 'created', 'created']);
      const r1 = (await call('GET', '/api/orders/R-1')).body;
      expect(r1.operations[0]).toMatchObject({
        seq: 10,
        setupTimeS: 600,
        runTimeS: 2880,
        materials: [{ materialId: 'PP-GRANULATE-BLK', quantity: 5.1, unit: 'kg', use: 'consumed' }],
      });
      expect(r1.operations[0].candidates).toContain('acme/lakeside/moulding/imm-cell1/imm01');
      expect((await call('POST', '/api/orders', mk('R-9', 'NOPE', 1, '2030-01-01T00:00:00Z'))).status).toBe(400);
      expect((await call('POST', '/api/orders', { ...mk('R-9', 'HOUSING-BLK', 1, '2030-01-01T00:00:00Z'), quantity: -1 })).status).toBe(400);

      const lid = await call('POST', '/api/orders/R-4/release');
      expect(lid.status).toBe(422);
      expect(lid.body.error.message).toMatch(/equipment class 'lonely' has no machines/);
      expect(lid.body.error.message).toMatch(/bill of materials of 'LID' is empty/);
      const bare = await call('POST', '/api/orders/R-5/release');
      expect(bare.status).toBe(422);
      expect(bare.body.error.message).toMatch(/product 'BARE' has no routing/);
      const operator = await t.tokenFor(['operator']);
      expect((await call('POST', '/api/orders/R-1/release', undefined, {}, operator)).status).toBe(403);
      for (const id of ['R-1', 'R-2', 'R-3']) expect((await call('POST', `/api/orders/${id}/release`)).status).toBe(200);
      expect((await call('POST', '/api/orders/R-1/release')).status).toBe(409);

      const list = await call('GET', `/api/workcenters/${encodeURIComponent('acme/lakeside/moulding/imm-cell1/IMM-07')}/dispatch`, undefined, {}, operator);
      expect(list.status).toBe(200);
      const mould = list.body.operations.filter((o: { seq: number }) => o.seq === 10).map((o: { orderId: string }) => o.orderId);
      expect(mould).toEqual(['R-2', 'R-3', 'R-1']); // priority 2, then priority 5 by due date
      const cellList = (await call('GET', `/api/workcenters/${encodeURIComponent('acme/lakeside/moulding/imm-cell1')}/dispatch`)).body;
      expect(cellList.operations.map((o: { orderId: string; seq: number }) => `${o.orderId}/${o.seq}`)).toEqual([
        'R-2/10',
        'R-2/20',
        'R-3/10',
        'R-3/20',
        'R-1/10',
        'R-1/20',
      ]);
      expect((await call('GET', '/api/workcenters/nowhere/dispatch')).status).toBe(404);

      expect((await call('POST', '/api/orders/R-3/cancel', { reason: 'customer cancelled' })).body).toMatchObject({
        status: 'cancelled',
        cancelReason: 'customer cancelled',
      });
      expect((await call('GET', '/api/orders?status=released')).body.map((o: { id: string }) => o.id).sort()).toEqual(['R-1', 'R-2']);
    });

    it('imports CSV all or nothing, with line numbers on every error', async () => {
      const csv = (body: string) => call('POST', '/api/orders/import', body, { 'content-type': 'text/csv' });
      const bad = await csv(
        'order,product,quantity,due,priority\nC-1,HOUSING-BLK,100,2030-05-01,1\nC-2,HOUSING-BLK,abc,2030-05-01,1\nC-3,HOUSING-BLK,10,someday,x\n',
      );
      expect(bad.status).toBe(400);
      const paths = bad.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(['line 3.quantity', 'line 4.due', 'line 4.priority']);
      const unknown = await csv('order,product,quantity,due,priority\nC-1,HOUSING-BLK,100,2030-05-01,1\nC-2,NOPE,5,,\n');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details).toEqual([{ path: 'line 3.product', message: "unknown product or material definition 'NOPE'" }]);
      expect((await call('GET', '/api/orders/C-1')).status).toBe(404); // nothing half-applied
      const good = await csv('order,product,quantity,due,priority\r\nC-1,HOUSING-BLK,100,2030-05-01,1\r\n"C-2",HOUSING-BLK,5,2030-05-02T06:00:00Z,\r\n');
      expect(good.status).toBe(200);
      expect(results(good)).toEqual({ 'C-1': 'created', 'C-2': 'created' });
      expect((await call('GET', '/api/orders/C-1')).body).toMatchObject({ source: 'csv', dueAt: '2030-05-01T23:59:59.000Z', priority: 1 });
      expect((await csv('id;product\n1;2')).status).toBe(400);
    });

    it('lets two senders race on the same new order: one creates it, the other finds it unchanged', async () => {
      const body = { id: 'RACE-1', product: 'HOUSING-BLK', quantity: 10 };
      const both = await Promise.all([call('POST', '/api/orders', body), call('POST', '/api/orders', body)]);
      expect(both.map((r) => r.body.results[0].result).sort()).toEqual(['created', 'unchanged']);
      expect((await call('GET', '/api/orders/RACE-1')).body).toMatchObject({ version: 1, quantity: 10 });
    });

    it('keeps SQL injection attempts harmless', async () => {
      const evil = "x' OR '1'='1";
      expect((await call('GET', `/api/orders?product=${encodeURIComponent(evil)}`)).body).toEqual([]);
      expect((await call('GET', `/api/orders/${encodeURIComponent("R-1'; DROP TABLE production_orders; --")}`)).status).toBe(400);
      const csv = await call('POST', '/api/orders/import', `order,product,quantity,due,priority\nS-1,"HOUSING-BLK'); DROP TABLE production_orders; --",1,,\n`, {
        'content-type': 'text/csv',
      });
      expect(csv.status).toBe(400);
      const doc = v0701('SCH-S', [
        { id: 'S-1', segments: [{ id: 'S-1-10', process: "M'; DELETE FROM order_operations; --", produced: ["HOUSING-BLK'--", 1] }] },
      ]);
      expect(results(await xml(doc))).toEqual({ 'S-1': 'rejected' });
      expect((await call('GET', '/api/orders/R-1')).body.operations.length).toBe(2);
    });

    // issue #12 items 11–14: B2MML documents and intake an ERP can rely on
    const OPS_FIELDS = ['seq', 'name', 'segmentId', 'candidates', 'materials', 'parameters', 'setupTimeS', 'runTimeS', 'workCenter', 'equipmentClass'] as const;
    const opsOf = async (id: string) =>
      ((await call('GET', `/api/orders/${id}`)).body.operations as Array<Record<string, unknown>>).map((o) =>
        Object.fromEntries(OPS_FIELDS.map((k) => [k, o[k]])),
      );
    const productOnlyV0701 = (id: string, qty: string) => `<?xml version="1.0" encoding="UTF-8"?>
<OperationsSchedule xmlns="${V7}"><ID>SCH-${id}</ID><OperationsType>Production</OperationsType><OperationsRequest><ID>${id}</ID><OperationsType>Production</OperationsType>
  <SegmentRequirement><ID>${id}-SR</ID><ProcessSegmentID>MOULD</ProcessSegmentID><OperationsDefinitionID>OD-1</OperationsDefinitionID><OperationsSegmentID>OS-1</OperationsSegmentID>
    <MaterialRequirement><ID>MR-1</ID><MaterialDefinitionID>HOUSING-BLK</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>${qty}</QuantityString><DataType>double</DataType><UnitOfMeasure>pcs</UnitOfMeasure></Quantity></MaterialRequirement>
  </SegmentRequirement></OperationsRequest></OperationsSchedule>`;

    it("a B2MML request that names only the product gets the routing's operations, materials and parameters, and releases", async () => {
      expect((await call('POST', '/api/orders', { id: 'PO-REST', product: 'HOUSING-BLK', quantity: 1000 })).status).toBe(201);
      const rest = await opsOf('PO-REST');
      expect(rest.map((o) => o.name)).toEqual(['Mould', 'Pack']);
      expect(rest[0]!.materials).toEqual([{ materialId: 'PP-GRANULATE-BLK', quantity: 5.1, unit: 'kg', use: 'consumed' }]); // 0.0051 kg × 1000
      const docs: Array<[string, string]> = [
        ['PO-V6', v0600('SCH-PO6', [{ id: 'PO-V6', segments: [{ id: 'PO-V6-10', process: 'MOULD', produced: ['HOUSING-BLK', 1000] }] }])],
        ['PO-V7', productOnlyV0701('PO-V7', '1000')],
      ];
      for (const [id, doc] of docs) {
        const r = await xml(doc);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(results(r)).toEqual({ [id]: 'created' });
        expect(await opsOf(id)).toEqual(rest);
        const released = await call('POST', `/api/orders/${id}/release`);
        expect(released.status, JSON.stringify(released.body)).toBe(200);
      }
    });

    it("performance documents carry the process segment in ProcessSegmentID (the ERP's, else the routing step's), XSD-valid in both versions", async () => {
      const doc = v0600('SCH-PS', [
        {
          id: 'PS-1',
          segments: [
            { id: 'PS-1-SR10', process: 'Mould', produced: ['HOUSING-BLK', 10], consumed: [['PP-GRANULATE-BLK', 0.051, 'kg']] },
            { id: 'PS-1-SR20', process: 'Pack', consumed: [['LID-BLK', 10, 'pcs']] },
          ],
        },
      ]);
      expect(results(await xml(doc))).toEqual({ 'PS-1': 'created' });
      expect((await call('POST', '/api/orders', { id: 'PS-REST', product: 'HOUSING-BLK', quantity: 10 })).status).toBe(201);
      const parser = new XMLParser({ parseTagValue: false, isArray: (n) => n === 'SegmentResponse' });
      for (const id of ['PS-1', 'PS-REST'])
        for (const [format, version, root, response] of [
          ['b2mml-v0600', 'V0600', 'ProductionPerformance', 'ProductionResponse'],
          ['b2mml-v0701', 'V0701', 'OperationsPerformance', 'OperationsResponse'],
        ] as const) {
          const r = await call('GET', `/api/orders/${id}/performance?format=${format}`);
          expect(r.status, String(r.body)).toBe(200);
          expect(await validatePerformance(r.body as string, version)).toEqual([]);
          const segs = parser.parse(r.body as string)[root][response].SegmentResponse as Array<{ ProcessSegmentID: string; Description: string }>;
          // the routing of HOUSING-BLK is Mould, Pack; the ERP named the same process segments
          expect(
            segs.map((x) => x.ProcessSegmentID),
            `${id} ${format}`,
          ).toEqual(['Mould', 'Pack']);
          expect(r.body as string).not.toContain('PS-1-SR10');
        }
    });

    it("reads quantities by their DataType's lexical form, UTF-16 with a BOM, an empty body, and flags partly rejected documents", async () => {
      // 0x10 is no xs:decimal (it used to become 16); 1e2 is a valid xs:double (DataType double): 100
      const hex = await xml(
        v0600('SCH-HEX', [{ id: 'Q-HEX', segments: [{ id: 'Q-HEX-10', process: 'MOULD', produced: ['HOUSING-BLK', '0x10' as unknown as number] }] }]),
      );
      expect(hex.status).toBe(207);
      expect(hex.headers['takt-rejected']).toBe('1');
      expect(hex.body.results[0]).toMatchObject({ orderId: 'Q-HEX', result: 'rejected', reason: expect.stringMatching(/'0x10' is not an xs:decimal/) });
      expect((await call('GET', '/api/orders/Q-HEX')).status).toBe(404);
      const exp = await xml(productOnlyV0701('Q-EXP', '1e2'));
      expect(exp.status, JSON.stringify(exp.body)).toBe(200);
      expect(exp.headers['takt-rejected']).toBe('0');
      expect((await call('GET', '/api/orders/Q-EXP')).body).toMatchObject({ quantity: 100 });

      const utf16 = (order: string) =>
        v0600(`SCH-${order}`, [{ id: order, segments: [{ id: `${order}-10`, process: 'Prüfen', produced: ['HOUSING-BLK', 7] }] }]).replace(
          'encoding="UTF-8"',
          'encoding="UTF-16"',
        );
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16('U16-LE'), 'utf16le')]);
      const be = Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16('U16-BE'), 'utf16le')]).swap16());
      for (const [id, bytes] of [
        ['U16-LE', le],
        ['U16-BE', be],
      ] as const) {
        const r = await xml(bytes as unknown as string);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(results(r)).toEqual({ [id]: 'created' });
        expect((await call('GET', `/api/orders/${id}`)).body).toMatchObject({ quantity: 7 });
      }
      const ebcdic = await xml(v0600('SCH-E', []).replace('encoding="UTF-8"', 'encoding="EBCDIC-CP-US"'));
      expect(ebcdic.status).toBe(415);
      expect(ebcdic.body.error.message).toMatch(/encoding 'ebcdic-cp-us'/);

      for (const body of ['', '  \n']) {
        const empty = await xml(body);
        expect(empty.status).toBe(400);
        expect(empty.body.error.message).toMatch(/the body is empty/);
        expect(empty.body.error.message).not.toMatch(/undefined/);
      }
    });

    it('names the field of a refused REST order, and lists every error of a CSV line', async () => {
      const unknown = await call('POST', '/api/orders', { id: 'F-1', product: 'NOPE', quantity: 1 });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details).toEqual([{ path: 'product', message: "unknown product or material definition 'NOPE'" }]);
      const unit = await call('POST', '/api/orders', { id: 'F-2', product: 'HOUSING-BLK', quantity: 1, unit: 'kg' });
      expect(unit.status).toBe(400);
      expect(unit.body.error.details[0].path).toBe('unit');
      // a REST array with a rejected order: 207 and the count, like a B2MML document
      const mixed = await call('POST', '/api/orders', [
        { id: 'F-3', product: 'HOUSING-BLK', quantity: 1 },
        { id: 'F-4', product: 'NOPE', quantity: 1 },
      ]);
      expect(mixed.status).toBe(207);
      expect(mixed.headers['takt-rejected']).toBe('1');

      const csv = await call(
        'POST',
        '/api/orders/import',
        'order,product,quantity,due,priority\nF-5,NOPE,0x10,2030-05-01,1\nF-6,HOUSING-BLK,5,,\nF-7,GONE,1e2,,x\n',
        { 'content-type': 'text/csv' },
      );
      expect(csv.status).toBe(400);
      expect(csv.body.error.details.map((d: { path: string }) => d.path)).toEqual([
        'line 2.product',
        'line 2.quantity',
        'line 4.product',
        'line 4.quantity',
        'line 4.priority',
      ]);
      expect((await call('GET', '/api/orders/F-6')).status).toBe(404);
      const empty = await call('POST', '/api/orders/import', '', { 'content-type': 'text/csv' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(/the file is empty/);
    });
  });
}
