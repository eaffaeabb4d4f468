// Issue #12 item 8: quantities follow the unit. A quantity in a counted unit (pcs, EA, C62, …: src/execution/units.ts)
// is a whole number wherever it enters Takt, on PGlite and PostgreSQL. The entry routes, derived from the routes that
// take a quantity (execution.routes.ts, terminal.routes.ts, lots.routes.ts):
//   POST /api/orders (one order: 400; an array: that order rejected)    POST /api/orders/import (CSV, all or nothing: 400)
//   POST /api/integration/b2mml (order quantity and segment materials: that request rejected)
//   POST /api/operations/{o}/{s}/quantities (good and scrap: 400)       POST /api/operations/{o}/{s}/consume (400)
//   POST /api/lots (receive: 400)                                      POST /api/lots/{id}/adjust (stock count: 400)
// A measured unit (kg) takes fractions on the same routes. A backflush (derived from the bill of materials, not
// entered) of a counted material books the whole pieces started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaterialLedger } from '../../src/lots/index.ts';
import { PlantService } from '../../src/plant/index.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { orderBook } from '../../src/execution/index.ts';

const LINE = 'acme/lakeside/assembly/line1';
const V7 = 'http://www.mesa.org/xml/B2MML';

/** One V0701 OperationsRequest producing `quantity` S200 in one segment that consumes `tops` top housings (pcs). */
function schedule(orderId: string, quantity: number, tops: number): string {
  const mat = (id: string, q: number, use: string, n: number) =>
    `<MaterialRequirement><ID>MR-${n}</ID><MaterialDefinitionID>${id}</MaterialDefinitionID><MaterialUse>${use}</MaterialUse><Quantity><QuantityString>${q}</QuantityString><UnitOfMeasure>pcs</UnitOfMeasure></Quantity></MaterialRequirement>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<SyncOperationsSchedule xmlns="${V7}" releaseID="1"><ApplicationArea><CreationDateTime>2026-11-23T06:00:00Z</CreationDateTime></ApplicationArea>
<DataArea><Sync/><OperationsSchedule><ID>SCH-${orderId}</ID><OperationsType>Production</OperationsType>
<OperationsRequest><ID>${orderId}</ID><EndTime>2030-01-01T00:00:00Z</EndTime><OperationsType>Production</OperationsType>
<SegmentRequirement><ID>S1</ID><ProcessSegmentID>Fit</ProcessSegmentID><Duration>PT1H</Duration><OperationsDefinitionID>OD-S200</OperationsDefinitionID><OperationsSegmentID>S1</OperationsSegmentID><SegmentState>Released</SegmentState><EquipmentRequirement><ID>ER-1</ID><EquipmentID>${LINE}/st10</EquipmentID></EquipmentRequirement>${mat('HSG-TOP', tops, 'Consumed', 1)}${mat('S200', quantity, 'Produced', 2)}</SegmentRequirement>
</OperationsRequest></OperationsSchedule></DataArea></SyncOperationsSchedule>`;
}

for (const kind of DB_KINDS) {
  describe(`quantities follow the unit, on ${kind}`, () => {
    let t: TestServer;
    let operator: string;
    const call = async (method: string, url: string, body?: unknown, token?: string, contentType?: string) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token ?? t.adminToken}` };
      if (contentType) headers['content-type'] = contentType;
      const res = await t.app.server.inject({ method: method as 'GET', url, payload: body as object, headers });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    };
    const ok = async (method: string, url: string, body?: unknown, token?: string) => {
      const r = await call(method, url, body, token);
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };
    const fraction = (r: { status: number; body: { error: { message: string; details?: unknown } } }, q: number, unit: string) => {
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.message).toContain(`quantity ${q} is not a whole number: ${unit} are counted in whole units`);
    };
    const count = async (sql: string) => Number(((await t.sql(sql)) as Array<{ n: number }>)[0].n);

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true });
      operator = await t.tokenFor(['operator']);
      // counted in pieces (the product's default unit), fitted at st10 from top housings and granulate (kg)
      await ok('POST', '/api/products', {
        id: 'GEN-8',
        name: 'Counted product',
        materialId: 'S200',
        routing: [
          {
            seq: 10,
            name: 'Fit',
            workCenter: `${LINE}/st10`,
            idealCycleTimeS: 12,
            bom: [
              { materialId: 'HSG-TOP', quantity: 1 },
              { materialId: 'PP-GRAN-BK', quantity: 0.25, unit: 'kg' },
            ],
          },
        ],
      });
      await ok('POST', '/api/materials', { id: 'PAINT-L', name: 'Paint by the litre', unit: 'l' });
      await ok('POST', '/api/products', {
        id: 'PAINT-MIX',
        name: 'Mixed paint',
        unit: 'l',
        routing: [{ seq: 10, name: 'Mix', workCenter: `${LINE}/st20`, idealCycleTimeS: 3, bom: [{ materialId: 'PAINT-L', quantity: 1 }] }],
      });
    }, 180_000);
    afterAll(async () => t?.close());

    it('refuses a fraction of a piece in every order channel, and takes a fraction of a litre', async () => {
      // REST, one order: 400 naming the field
      const one = await call('POST', '/api/orders', { id: 'U-1', product: 'GEN-8', quantity: 2.5 });
      fraction(one, 2.5, 'pcs');
      expect(one.body.error.details).toEqual([{ path: 'quantity', message: 'quantity 2.5 is not a whole number: pcs are counted in whole units' }]);
      // REST, an array: that order is rejected, the others go in
      const many = await ok('POST', '/api/orders', [
        { id: 'U-2', product: 'GEN-8', quantity: 0.5 },
        { id: 'U-3', product: 'GEN-8', quantity: 3 },
      ]);
      expect(many.results.map((r: { orderId: string; result: string; reason?: string }) => [r.orderId, r.result, r.reason])).toEqual([
        ['U-2', 'rejected', 'quantity 0.5 is not a whole number: pcs are counted in whole units'],
        ['U-3', 'created', undefined],
      ]);
      // CSV: all or nothing, the line named
      const csv = await call(
        'POST',
        '/api/orders/import',
        'order,product,quantity,due,priority\nU-4,GEN-8,7,2030-01-01,5\nU-5,GEN-8,1.5,2030-01-01,5\n',
        undefined,
        'text/csv',
      );
      expect(csv.status, JSON.stringify(csv.body)).toBe(400);
      expect(csv.body.error.message).toMatch(/line 3.*quantity 1\.5 is not a whole number: pcs are counted in whole units/);
      // B2MML: the produced quantity, and a consumed material counted in pieces
      const b2mml = async (id: string, quantity: number, tops: number) => {
        const r = await call('POST', '/api/integration/b2mml', schedule(id, quantity, tops), undefined, 'application/xml');
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        return r.body.results[0] as { result: string; reason?: string };
      };
      expect(await b2mml('U-6', 2.5, 3)).toEqual({
        orderId: 'U-6',
        requestId: 'U-6',
        result: 'rejected',
        reason: 'quantity 2.5 is not a whole number: pcs are counted in whole units',
      });
      expect(await b2mml('U-7', 3, 4.5)).toMatchObject({
        result: 'rejected',
        reason: "segment 'S1', material 'HSG-TOP': quantity 4.5 is not a whole number: pcs are counted in whole units",
      });
      expect(await b2mml('U-8', 3, 3)).toMatchObject({ result: 'created' });
      expect(await count(`SELECT count(*)::int AS n FROM production_orders WHERE id IN ('U-1', 'U-2', 'U-4', 'U-5', 'U-6', 'U-7')`)).toBe(0);
      // a measured unit takes fractions
      expect((await ok('POST', '/api/orders', { id: 'U-9', product: 'PAINT-MIX', quantity: 2.5 })).results[0].result).toBe('created');
    });

    it('refuses a fraction of a piece in lot receipts, stock counts and scans, and takes a fraction of a kilogram', async () => {
      fraction(await call('POST', '/api/lots', { id: 'TOP-F1', material: 'HSG-TOP', quantity: 2.5 }), 2.5, 'pcs');
      fraction(await call('POST', '/api/lots', { id: 'TOP-F1', material: 'HSG-TOP', quantity: 3.5, unit: 'pcs' }), 3.5, 'pcs');
      expect(await count(`SELECT count(*)::int AS n FROM material_lots WHERE id = 'TOP-F1'`)).toBe(0);
      await ok('POST', '/api/lots', { id: 'TOP-F1', material: 'HSG-TOP', quantity: 10 });
      fraction(await call('POST', '/api/lots/TOP-F1/adjust', { quantity: 7.5, reason: 'count' }), 7.5, 'pcs');
      expect((await ok('POST', '/api/lots/TOP-F1/adjust', { quantity: 8, reason: 'count' })).quantity).toBe(8);
      await ok('POST', '/api/lots', { id: 'PP-F1', material: 'PP-GRAN-BK', quantity: 2.5 });
      expect((await ok('POST', '/api/lots/PP-F1/adjust', { quantity: 2.25, reason: 'weighed' })).quantity).toBe(2.25);

      // at the terminal
      await ok('POST', '/api/orders', { id: 'U-20', product: 'GEN-8', quantity: 10 });
      await ok('POST', '/api/orders/U-20/release');
      await ok('POST', '/api/operations/U-20/10/setup', { equipment: `${LINE}/st10` }, operator);
      await ok('POST', '/api/operations/U-20/10/start', {}, operator);
      const op = '/api/operations/U-20/10';
      fraction(await call('POST', `${op}/quantities`, { kind: 'good', quantity: 2.5 }, operator), 2.5, 'pcs');
      fraction(await call('POST', `${op}/quantities`, { kind: 'scrap', quantity: 0.5, reason: 'damaged', fromGood: false }, operator), 0.5, 'pcs');
      fraction(await call('POST', `${op}/consume`, { lotId: 'TOP-F1', quantity: 1.5 }, operator), 1.5, 'pcs');
      expect(await count(`SELECT count(*)::int AS n FROM operation_quantities WHERE order_id = 'U-20'`)).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM lot_consumptions WHERE order_id = 'U-20'`)).toBe(0);
      expect((await ok('GET', '/api/lots/TOP-F1')).quantity).toBe(8);
      // whole pieces and a fraction of a kilogram go in
      expect((await ok('POST', `${op}/quantities`, { kind: 'good', quantity: 3 }, operator)).good).toBe(3);
      expect((await ok('POST', `${op}/quantities`, { kind: 'scrap', quantity: 1, reason: 'damaged', fromGood: true }, operator)).good).toBe(2);
      await ok('POST', `${op}/consume`, { lotId: 'TOP-F1', quantity: 2 }, operator);
      await ok('POST', `${op}/consume`, { lotId: 'PP-F1', quantity: 0.75 }, operator);
      expect((await ok('GET', '/api/lots/TOP-F1')).quantity).toBe(6);
      expect((await ok('GET', '/api/lots/PP-F1')).quantity).toBe(1.5);

      // a backflush of 1.5 cartons (half a carton per unit, three units) books the 2 cartons started; 0.75 kg stays 0.75 kg
      await ok('POST', '/api/lots', { id: 'BOX-F1', material: 'BOX-S', quantity: 10 });
      const ledger = new MaterialLedger(new PlantService(t.app.ctx.db, t.app.ctx.events), orderBook);
      const flush = (materialId: string, quantity: number) =>
        t.app.ctx.db.transaction((tx) =>
          ledger.backflush(tx as unknown as Db, { id: null, name: 'tester' }, { materialId, quantity, orderId: 'U-20', seq: 10, equipment: null }),
        );
      expect((await flush('BOX-S', 1.5)).map((c) => [c.lotId, c.quantity])).toEqual([['BOX-F1', 2]]);
      expect((await flush('PP-GRAN-BK', 0.75)).map((c) => [c.lotId, c.quantity])).toEqual([['PP-F1', 0.75]]);
      expect((await ok('GET', '/api/lots/BOX-F1')).quantity).toBe(8);
    });
  });
}
