// Quality KPIs on PGlite and PostgreSQL (docs/quality.md, "Quality KPIs"): orders run through the terminal API report
// good parts and scrap with reasons; GET /api/quality/kpis answers the hand-computed rates, Pareto, by-machine and
// by-product figures, rework from nonconformances' rework dispositions (none here: 0, so FPY is the quality ratio), COPQ null until every scrapped product has a cost; filters,
// 400s for bad input (a bounded fuzz of the query and of the cost body), roles, and the audit of cost changes.
// Then the overview's batching: the count of statements it runs does not grow with the number of characteristics.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EquipmentLookup } from '../../src/plant/index.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { QualityService } from '../../src/quality/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const LINE = 'acme/lakeside/assembly/line1';
const MIN = 60_000;

for (const kind of DB_KINDS) {
  describe(`quality KPIs on ${kind}`, () => {
    let t: TestServer;
    let operator: string;
    let quality: string;
    const since = new Date(Date.now() - MIN).toISOString();
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    };
    const ok = async (method: string, url: string, body?: unknown, token?: string) => {
      const r = await call(method, url, body, token);
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };
    const kpis = async (query = '') => ok('GET', `/api/quality/kpis?from=${encodeURIComponent(since)}${query}`);

    /** One operation through the terminal: setup, start, good and scrap (with reasons) by hand, complete. */
    const run = async (orderId: string, seq: number, station: string, good: number, scrap: Array<[string, number]>) => {
      const op = `/api/operations/${orderId}/${seq}`;
      await ok('POST', `${op}/setup`, { equipment: `${LINE}/${station}` }, operator);
      await ok('POST', `${op}/start`, {}, operator);
      await ok('POST', `${op}/quantities`, { kind: 'good', quantity: good }, operator);
      for (const [reason, quantity] of scrap) await ok('POST', `${op}/quantities`, { kind: 'scrap', quantity, reason, fromGood: false }, operator);
      await ok('POST', `${op}/complete`, {}, operator);
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      operator = await t.tokenFor(['operator']);
      quality = await t.tokenFor(['quality']);
      // a release needs a bill of materials: granulate, backflushed at completion from a lot in stock
      const step = (seq: number, station: string) => ({
        seq,
        name: `Step ${seq}`,
        workCenter: `${LINE}/${station}`,
        idealCycleTimeS: 10,
        bom: [{ materialId: 'PP-GRAN-BK', quantity: 0.01, unit: 'kg' }],
      });
      await ok('POST', '/api/lots', { id: 'KP-GRAN', material: 'PP-GRAN-BK', quantity: 1000 });
      await ok('POST', '/api/products', { id: 'KP-A', name: 'KPI product A', routing: [step(10, 'st10'), step(20, 'st20')] });
      await ok('POST', '/api/products', { id: 'KP-B', name: 'KPI product B', routing: [step(10, 'st10')] });
      await ok('POST', '/api/orders', [
        { id: 'KA-1', product: 'KP-A', quantity: 100 },
        { id: 'KB-1', product: 'KP-B', quantity: 50 },
      ]);
      await ok('POST', '/api/orders/KA-1/release');
      await ok('POST', '/api/orders/KB-1/release');
      await run('KA-1', 10, 'st10', 90, [
        ['short-shot', 6],
        ['flash', 4],
      ]);
      await run('KA-1', 20, 'st20', 85, [['dimension', 5]]);
      await run('KB-1', 10, 'st10', 48, [['damaged', 2]]);
    }, 180_000);
    afterAll(async () => t?.close());

    it('answers the hand-computed figures of the operations completed in the window', async () => {
      const k = await kpis();
      // KP-A: 90 + 10 and 85 + 5; KP-B: 48 + 2 → produced 240, scrap 17
      expect(k.total).toEqual({
        operations: 3,
        produced: 240,
        good: 223,
        scrap: 17,
        // rework is what nonconformances dispositioned as rework: none here
        reworked: 0,
        scrapRate: 17 / 240,
        reworkRate: 0,
        qualityRatio: 223 / 240,
        fpy: 223 / 240,
      });
      expect(k.reworkRecorded).toBe(true);
      expect(k.pareto.map((r: { defect: string; quantity: number; cumulative: number }) => [r.defect, r.quantity, r.cumulative])).toEqual([
        ['short-shot', 6, 6 / 17],
        ['dimension', 5, 11 / 17],
        ['flash', 4, 15 / 17],
        ['damaged', 2, 1],
      ]);
      expect(k.pareto[0].label).toBe('Short shot / incomplete part');
      expect(k.reworkPareto).toEqual([]);
      const a = k.byProduct.find((p: { product: string }) => p.product === 'KP-A');
      expect(a).toMatchObject({ operations: 2, produced: 190, good: 175, scrap: 15, scrapRate: 15 / 190 });
      // rolled throughput yield: step 10's FPY 90/100 × step 20's 85/90 (no rework)
      expect(a.rty).toBeCloseTo(0.85, 12);
      expect(a.steps.map((s: { seq: number; produced: number; scrapRate: number }) => [s.seq, s.produced, s.scrapRate])).toEqual([
        [10, 100, 0.1],
        [20, 90, 5 / 90],
      ]);
      expect(k.byMachine.map((m: { machine: string; produced: number; scrap: number }) => [m.machine, m.produced, m.scrap])).toEqual([
        [`${LINE}/st10`, 150, 12],
        [`${LINE}/st20`, 90, 5],
      ]);
      expect(k.copq).toMatchObject({ amount: null, missingCosts: ['KP-A', 'KP-B'] });
      expect(k.copq.message).toMatch(/no cost set for KP-A, KP-B/);
    });

    it('filters by product, machine and order', async () => {
      expect((await kpis('&product=KP-B')).total).toMatchObject({ produced: 50, scrap: 2 });
      const st20 = await kpis(`&machine=${encodeURIComponent(`${LINE}/st20`)}`);
      expect([st20.total.produced, st20.pareto.map((r: { defect: string }) => r.defect)]).toEqual([90, ['dimension']]);
      expect((await kpis('&order=KA-1')).total).toMatchObject({ operations: 2, produced: 190 });
      expect((await kpis('&product=NOPE')).total).toMatchObject({ operations: 0, produced: 0, scrapRate: null });
      // a window before the operations ran has none
      const before = await ok('GET', `/api/quality/kpis?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`);
      expect(before.total.produced).toBe(0);
    });

    it('prices COPQ once every scrapped product has a cost; audits cost changes; roles', async () => {
      expect((await call('PUT', '/api/quality/costs/KP-A', { unitCost: 2.5, reworkCost: 1, currency: 'EUR' }, operator)).status).toBe(403);
      const a = await ok('PUT', '/api/quality/costs/KP-A', { unitCost: 2.5, reworkCost: 1, currency: 'EUR', reason: 'standard cost 2027' }, quality);
      expect(a).toMatchObject({ product: 'KP-A', unitCost: 2.5, reworkCost: 1, currency: 'EUR' });
      let k = await kpis();
      expect(k.copq).toMatchObject({ amount: null, missingCosts: ['KP-B'] });
      expect(k.byProduct.find((p: { product: string }) => p.product === 'KP-A').copq).toMatchObject({ amount: 37.5, currency: 'EUR', includesRework: true });
      await ok('PUT', '/api/quality/costs/KP-B', { unitCost: 4 }, quality);
      k = await kpis();
      // 15 × 2.5 + 2 × 4 and no rework
      expect(k.copq).toMatchObject({ amount: 45.5, currency: 'EUR', scrapCost: 45.5, missingCosts: [] });
      expect((await ok('GET', '/api/quality/costs', undefined, operator)).map((c: { product: string }) => c.product)).toEqual(['KP-A', 'KP-B']);
      // unknown item, bad currency, negative cost: 400 naming the field
      expect((await call('PUT', '/api/quality/costs/NOPE', { unitCost: 1 }, quality)).status).toBe(400);
      expect((await call('PUT', '/api/quality/costs/KP-A', { unitCost: 1, currency: 'euro' }, quality)).status).toBe(400);
      expect((await call('PUT', '/api/quality/costs/KP-A', { unitCost: -1 }, quality)).status).toBe(400);
      // a material is costed too
      await ok('PUT', '/api/quality/costs/HSG-TOP', { unitCost: 0.8, currency: 'EUR' }, quality);
      expect((await call('DELETE', '/api/quality/costs/HSG-TOP?reason=wrong', undefined, operator)).status).toBe(403);
      expect((await call('DELETE', '/api/quality/costs/HSG-TOP?reason=wrong', undefined, quality)).status).toBe(204);
      expect((await call('GET', '/api/quality/costs/HSG-TOP')).status).toBe(404);
      expect((await call('DELETE', '/api/quality/costs/HSG-TOP')).status).toBe(404);
      const audit = (await t.sql(`SELECT action, entity_id FROM audit_log WHERE entity = 'quality_cost' ORDER BY seq`)) as Array<{
        action: string;
        entity_id: string;
      }>;
      expect(audit.map((r) => [r.action, r.entity_id])).toEqual([
        ['create', 'KP-A'],
        ['create', 'KP-B'],
        ['create', 'HSG-TOP'],
        ['delete', 'HSG-TOP'],
      ]);
    });

    it('lists attribute measurement defects by characteristic', async () => {
      for (const id of ['KP-VIS', 'KP-LEAK'])
        await ok('POST', '/api/quality/characteristics', { id, name: id, product: 'KP-A', kind: 'attribute', chart: id === 'KP-VIS' ? 'c' : 'p' });
      const ts = new Date().toISOString();
      const res = await ok('POST', '/api/quality/measurements', {
        records: [
          { characteristic: 'KP-VIS', key: 'v1', ts, defects: 2, equipment: `${LINE}/st10` },
          { characteristic: 'KP-VIS', key: 'v2', ts, defects: 1, equipment: `${LINE}/st20` },
          { characteristic: 'KP-LEAK', key: 'l1', ts, defectives: 4, n: 50, equipment: `${LINE}/st10` },
        ],
      });
      expect(res.refused, JSON.stringify(res)).toBe(0);
      const k = await kpis();
      expect(
        k.attributePareto.map((r: { characteristic: string; quantity: number; inspected: number | null; cumulative: number }) => [
          r.characteristic,
          r.quantity,
          r.inspected,
          r.cumulative,
        ]),
      ).toEqual([
        ['KP-LEAK', 4, 50, 4 / 7],
        ['KP-VIS', 3, null, 1],
      ]);
      const st20 = await kpis(`&machine=${encodeURIComponent(`${LINE}/st20`)}`);
      expect(st20.attributePareto.map((r: { characteristic: string; quantity: number }) => [r.characteristic, r.quantity])).toEqual([['KP-VIS', 1]]);
    });

    it('answers bad queries with 400, never 500 (bounded fuzz)', async () => {
      for (const q of ['from=yesterday', 'from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'product=a%20b', 'extra=1', `order=${'x'.repeat(101)}`])
        expect((await call('GET', `/api/quality/kpis?${q}`)).status, q).toBe(400);
      const value = fc.oneof(
        fc.string({ maxLength: 50 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constant(''),
      );
      const query = fc.dictionary(fc.constantFrom('from', 'to', 'product', 'machine', 'order', 'x'), value, { maxKeys: 4 });
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const r = await call('GET', `/api/quality/kpis?${new URLSearchParams(q).toString()}`);
          expect([200, 400], JSON.stringify({ q, body: r.body })).toContain(r.status);
        }),
        { numRuns: 60 },
      );
      const body = fc.record(
        {
          unitCost: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
          reworkCost: fc.oneof(fc.double(), fc.constant(null)),
          currency: fc.string({ maxLength: 5 }),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const r = await call('PUT', '/api/quality/costs/KP-B', b, quality);
          expect([200, 400], JSON.stringify({ b, body: r.body })).toContain(r.status);
        }),
        { numRuns: 60 },
      );
    });

    it('overview: the same statements for 2 or 12 characteristics, and the same figures as each one’s SPC', async () => {
      const at = (i: number) => new Date(Math.floor(Date.now() / MIN) * MIN - (60 - i) * MIN).toISOString();
      const define = async (id: string) => {
        await ok('POST', '/api/quality/characteristics', { id, name: id, product: 'KP-A', kind: 'variable', chart: 'i-mr', lsl: 9, usl: 11 });
        const values = [10, 10.2, 9.9, 10.1, 9.8, 10.3, 10, 9.7, 10.1, 12];
        await ok('POST', '/api/quality/measurements', { records: values.map((value, i) => ({ characteristic: id, key: `${id}-${i}`, ts: at(i), value })) });
      };
      let statements = 0;
      const db = t.app.ctx.db;
      const counting = new Proxy(db, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (prop !== 'execute' || typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            statements++;
            return v.apply(target, args);
          };
        },
      }) as Db;
      const service = new QualityService(counting, {} as EquipmentLookup);
      const countOverview = async () => {
        statements = 0;
        const rows = await service.overview();
        return { n: statements, rows };
      };
      await define('OV-0');
      await define('OV-1');
      await ok('POST', '/api/quality/characteristics/OV-1/limits', { from: at(0), to: at(8), reason: 'baseline' });
      const few = await countOverview();
      for (let i = 2; i < 12; i++) await define(`OV-${i}`);
      const many = await countOverview();
      expect(many.rows.length - few.rows.length).toBe(10);
      expect(many.n).toBe(few.n);
      expect(many.n).toBeLessThanOrEqual(3);
      // the reply is the HTTP one, and each row agrees with the characteristic's own SPC answer over the same 24 hours
      const http = await ok('GET', '/api/quality/overview');
      expect(http.map((r: { id: string }) => r.id)).toEqual(many.rows.map((r) => r.id));
      const from = new Date(Date.now() - 86_400_000).toISOString();
      for (const id of ['OV-0', 'OV-1', 'KP-VIS']) {
        const row = http.find((r: { id: string }) => r.id === id);
        const spc = await ok('GET', `/api/quality/characteristics/${id}/spc?from=${encodeURIComponent(from)}`);
        expect([row.points, row.cpk, row.ppk, row.violations24h], id).toEqual([spc.points.length, spc.cpk, spc.ppk, spc.violations.length]);
      }
      expect(http.find((r: { id: string }) => r.id === 'OV-1').limits).toBe('frozen');
      expect(http.find((r: { id: string }) => r.id === 'OV-0').limits).toBe('window');
    });
  });
}
