// Issue #14 step 2: one definition of a good count. The parts the machine counts for an operation — from its setup
// start, by the order context collect stored with each count (src/collect/history.ts) — are the same in the ERP
// document (what execution reports back) and in per-order OEE (performance), on PGlite and PostgreSQL. Parts made
// during setup belong to the order; parts counted before its setup belong to no order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlantFile } from '../../src/plant/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const M = 'gc/m1';

/** A machine of its own without a calendar (planned around the clock since 2020): every part it makes is in POT. */
const PLANT = parsePlantFile(
  JSON.stringify({
    version: 1,
    materials: [{ id: 'gc-resin', name: 'Resin', unit: 'kg' }],
    equipment: [
      {
        id: 'gc',
        level: 'enterprise',
        name: 'GC',
        children: [{ id: 'm1', level: 'machine', name: 'M1', properties: { commissionedAt: { value: '2020-01-01T00:00:00Z' } } }],
      },
    ],
    products: [
      {
        id: 'gc-part',
        name: 'Part',
        routing: [{ seq: 10, name: 'mould', workCenter: M, idealCycleTimeS: 10, bom: [{ materialId: 'gc-resin', quantity: 1 }] }],
      },
    ],
  }),
);

for (const kind of DB_KINDS) {
  describe(`one good count for the ERP and per-order OEE, on ${kind}`, () => {
    let t: TestServer;
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.body ? res.json() : null;
    };
    /** What the machine reports now (counters, state, mode), 1 ms apart; returns once stored and the clock is past it. */
    let last = 0;
    const machine = async (readings: Array<[string, number | string]>) => {
      const base = Math.max(Date.now(), last + 1);
      const records = readings.map(([tag, value], i) => ({ equipment: M, tag, value, ts: base + i }));
      last = base + readings.length - 1;
      expect(await call('POST', '/api/ingest', { records })).toMatchObject({ accepted: records.length, quarantined: 0 });
      // what execution does next happens after these parts (a later setup or start is stamped after them)
      while (Date.now() <= last) await new Promise((r) => setTimeout(r, 1));
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: false, listen: false });
      await call('POST', '/api/plant/import', PLANT);
      await call('POST', '/api/lots', { id: 'GC-RESIN-1', material: 'gc-resin', quantity: 1000 }); // for the backflush
    }, 60_000);
    afterAll(async () => t?.close());

    it('parts counted during setup and during production: the ERP document and per-order OEE agree', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      await call('POST', '/api/orders', { id: 'GC-1', product: 'gc-part', quantity: 100 });
      await call('POST', '/api/orders/GC-1/release');
      // before the setup: running, the counters' baselines, then 3 good parts of no order
      await machine([
        ['mode', 'Production'],
        ['state', 'Execute'],
        ['good', 100],
        ['scrap', 0],
      ]);
      await machine([['good', 103]]);
      // setup (the machine in setup mode): 5 good parts (first-off parts) and 1 scrap
      await call('POST', '/api/operations/GC-1/10/setup', { equipment: M });
      await machine([
        ['mode', 'Setup'],
        ['good', 108],
        ['scrap', 1],
      ]);
      // production: 12 good and 2 scrap
      await call('POST', '/api/operations/GC-1/10/start', {});
      await machine([
        ['mode', 'Production'],
        ['good', 120],
        ['scrap', 3],
      ]);
      const live = await call('GET', '/api/operations/GC-1/10');
      expect(live.counts.machine).toEqual({ good: 17, scrap: 3 });
      const done = await call('POST', '/api/operations/GC-1/10/complete', {});
      expect(done).toMatchObject({ good: 17, scrap: 3, orderCompleted: true });
      // after completion: idle, then 2 good parts of no order again
      await machine([
        ['state', 'Idle'],
        ['good', 122],
      ]);

      // what goes back to the ERP
      const doc = await call('GET', '/api/orders/GC-1/performance');
      expect(doc).toMatchObject({ orderId: 'GC-1', goodQuantity: 17, scrapQuantity: 3 });
      expect(doc.operations[0]).toMatchObject({ seq: 10, goodQuantity: 17, scrapQuantity: 3 });

      // per-order OEE over the same stretch: the order's good and scrap are the ERP document's
      const q = `equipment=${encodeURIComponent(M)}&from=${from}&to=${new Date(Date.now() + 1000).toISOString()}&group=order`;
      const groups = (await call('GET', `/api/performance/kpi-groups?${q}`)).groups as Array<{
        key: string | null;
        counts: { pq: number; gq: number; sq: number };
      }>;
      const order = groups.find((g) => g.key === 'GC-1')!;
      expect(order.counts).toMatchObject({ gq: doc.goodQuantity, sq: doc.scrapQuantity, pq: doc.goodQuantity + doc.scrapQuantity });
      // the parts before the setup and after the completion belong to no order; the groups add up to the machine
      expect(groups.find((g) => g.key === null)!.counts).toMatchObject({ gq: 5, sq: 0 });
    });
  });
}
