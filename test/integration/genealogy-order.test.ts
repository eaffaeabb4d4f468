// Issue #12 item 7: a recall never misses a finished lot, whatever order the operations complete in. On PGlite and
// PostgreSQL: the op 30-before-op 10 case through the operator terminal, with hand-computed edges, and a property test
// over random interleavings of scans, backflushes and productions booked through the ledger.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaterialLedger, traceLots } from '../../src/lots/index.ts';
import { PlantService } from '../../src/plant/index.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { orderBook } from '../../src/execution/index.ts';

const ACTOR = { id: null, name: 'tester' };
const LINE = 'acme/lakeside/assembly/line1';

for (const kind of DB_KINDS) {
  describe(`genealogy whatever the completion order, on ${kind}`, () => {
    let t: TestServer;
    let ledger: MaterialLedger;
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
    const inTx = <T>(fn: (tx: Db) => Promise<T>) => t.app.ctx.db.transaction((tx) => fn(tx as unknown as Db));

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true });
      ledger = new MaterialLedger(new PlantService(t.app.ctx.db, t.app.ctx.events), orderBook);
      // fit (housings) → test → pack (box), no recipe to download: the terminal runs it without a simulator
      await ok('POST', '/api/products', {
        id: 'GEN-7',
        name: 'Sensor unit for the genealogy test',
        materialId: 'S200',
        routing: [
          {
            seq: 10,
            name: 'Fit housing',
            workCenter: `${LINE}/st10`,
            idealCycleTimeS: 12,
            bom: [
              { materialId: 'HSG-TOP', quantity: 1 },
              { materialId: 'HSG-BOT', quantity: 1 },
            ],
          },
          { seq: 20, name: 'Test', workCenter: `${LINE}/st20`, idealCycleTimeS: 15 },
          { seq: 30, name: 'Pack', workCenter: `${LINE}/st30`, idealCycleTimeS: 5, bom: [{ materialId: 'BOX-S', quantity: 1 }] },
        ],
      });
    }, 180_000);
    afterAll(async () => t?.close());

    it('links housings backflushed by op 10 after op 30 made the finished lot to that lot: the recall finds it', async () => {
      await ok('POST', '/api/lots', { id: 'TOP-R1', material: 'HSG-TOP', quantity: 100, supplierLot: 'HSG-RECALL-1' });
      await ok('POST', '/api/lots', { id: 'BOT-R1', material: 'HSG-BOT', quantity: 100 });
      await ok('POST', '/api/lots', { id: 'BOX-R1', material: 'BOX-S', quantity: 100 });
      await ok('POST', '/api/orders', { id: 'OOO-1', product: 'GEN-7', quantity: 5 });
      await ok('POST', '/api/orders/OOO-1/release');
      const op = await t.tokenFor(['operator']);
      // both stations work on the order at once (overlapping operations); packing completes first
      for (const [seq, station] of [
        [10, 'st10'],
        [30, 'st30'],
      ] as const) {
        await ok('POST', `/api/operations/OOO-1/${seq}/setup`, { equipment: `${LINE}/${station}` }, op);
        await ok('POST', `/api/operations/OOO-1/${seq}/start`, {}, op);
        await ok('POST', `/api/operations/OOO-1/${seq}/quantities`, { kind: 'good', quantity: 5 }, op);
      }
      // one top housing scanned at op 10 before the pack: a parent of the finished lot from the start
      await ok('POST', '/api/operations/OOO-1/10/consume', { lotId: 'TOP-R1', quantity: 1 }, op);
      const packed = await ok('POST', '/api/operations/OOO-1/30/complete', { lotId: 'FIN-R1' }, op);
      expect(packed.produced).toMatchObject({ lotId: 'FIN-R1', quantity: 5 });
      // op 10 completes afterwards: 4 more top housings and 5 bottom housings are backflushed
      const fitted = await ok('POST', '/api/operations/OOO-1/10/complete', {}, op);
      expect(fitted.backflushed.map((c: { lotId: string; quantity: number }) => [c.lotId, c.quantity])).toEqual([
        ['TOP-R1', 4],
        ['BOT-R1', 5],
      ]);
      // hand-computed: the finished lot holds 5 boxes, 1 + 4 top housings and 5 bottom housings
      const edges = (await t.sql(`SELECT parent_lot, quantity FROM lot_genealogy WHERE child_lot = 'FIN-R1' ORDER BY parent_lot`)) as Array<{
        parent_lot: string;
        quantity: number;
      }>;
      expect(edges.map((e) => [e.parent_lot, Number(e.quantity)])).toEqual([
        ['BOT-R1', 5],
        ['BOX-R1', 5],
        ['TOP-R1', 5],
      ]);
      // genealogies booked before this rule: the old ledger left no BOT-R1 edge and TOP-R1 at 1; migration 0014 completes them
      await t.sql(`DELETE FROM lot_genealogy WHERE child_lot = 'FIN-R1' AND parent_lot = 'BOT-R1'`);
      await t.sql(`UPDATE lot_genealogy SET quantity = 1 WHERE child_lot = 'FIN-R1' AND parent_lot = 'TOP-R1'`);
      await t.sql(readFileSync(new URL('../../migrations/0014_lot_genealogy_complete.sql', import.meta.url), 'utf8'));
      const repaired = (await t.sql(`SELECT parent_lot, quantity FROM lot_genealogy WHERE child_lot = 'FIN-R1' ORDER BY parent_lot`)) as typeof edges;
      expect(repaired.map((e) => [e.parent_lot, Number(e.quantity)])).toEqual(edges.map((e) => [e.parent_lot, Number(e.quantity)]));
      // the recall of the housing supplier lot reaches the finished lot, and the backward trace reaches the housings
      const recall = await ok('GET', '/api/lots/trace?supplierLot=HSG-RECALL-1');
      expect(recall.nodes.map((n: { lot: string }) => n.lot).sort()).toEqual(['FIN-R1', 'TOP-R1']);
      expect(recall.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['OOO-1']);
      const forward = await ok('GET', '/api/lots/BOT-R1/trace?direction=forward');
      expect(forward.nodes.map((n: { lot: string }) => n.lot).sort()).toEqual(['BOT-R1', 'FIN-R1']);
      const backward = await ok('GET', '/api/lots/FIN-R1/trace?direction=backward');
      expect(backward.nodes.map((n: { lot: string }) => n.lot).sort()).toEqual(['BOT-R1', 'BOX-R1', 'FIN-R1', 'TOP-R1']);
      // the late link is on the record: the consumption's audit entry names the lot it joined
      const audit = (await ok('GET', '/api/audit?entity=material_lot&entityId=BOT-R1')) as Array<{ action: string; after: { linkedTo?: string[] } }>;
      expect(audit.find((e) => e.action === 'consume')?.after.linkedTo).toEqual(['FIN-R1']);
    }, 60_000);

    it('reaches every lot an order produced from every lot it consumed, over random interleavings of bookings (property)', async () => {
      const MATERIALS = ['HSG-TOP', 'HSG-BOT', 'BOX-S'];
      // a large stock per material, so no booking is refused for want of material
      for (const m of MATERIALS) for (const i of [1, 2]) await ok('POST', '/api/lots', { id: `P-${m}-${i}`, material: m, quantity: 1_000_000 });
      const step = fc.oneof(
        fc.record({
          kind: fc.constant('scan' as const),
          lot: fc.integer({ min: 0, max: 5 }),
          seq: fc.constantFrom(10, 20, 30),
          quantity: fc.integer({ min: 1, max: 4 }),
        }),
        fc.record({
          kind: fc.constant('backflush' as const),
          material: fc.integer({ min: 0, max: 2 }),
          seq: fc.constantFrom(10, 20, 30),
          quantity: fc.integer({ min: 1, max: 4 }),
        }),
        fc.record({ kind: fc.constant('produce' as const), seq: fc.constantFrom(10, 20, 30), quantity: fc.integer({ min: 1, max: 9 }) }),
      );
      // the completion order of the three operations, and the bookings in between
      const plan = fc.record({
        completion: fc.shuffledSubarray([10, 20, 30], { minLength: 3, maxLength: 3 }),
        steps: fc.array(step, { minLength: 1, maxLength: 10 }),
      });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(plan, async ({ completion, steps }) => {
          const orderId = `PROP-${++run}`;
          await ok('POST', '/api/orders', { id: orderId, product: 'GEN-7', quantity: 9 });
          const consumed = new Map<string, number>();
          const produced: string[] = [];
          const book = (lots: Array<{ lotId: string; quantity: number }>) => {
            for (const c of lots) consumed.set(c.lotId, (consumed.get(c.lotId) ?? 0) + c.quantity);
          };
          const at = (seq: number) => ({ orderId, seq, equipment: null });
          // each completion is a backflush at its operation; the last completion (whichever operation it is) produces,
          // and the completions are spread over the random bookings
          type Step = (typeof steps)[number] | { kind: 'complete'; seq: number; last: boolean };
          const all: Step[] = [...steps];
          completion.forEach((seq, i) => {
            all.splice(Math.floor(((i + 1) * all.length) / completion.length), 0, { kind: 'complete', seq, last: i === completion.length - 1 });
          });
          for (const s of all) {
            if (s.kind === 'scan') {
              const lotId = `P-${MATERIALS[s.lot % 3]}-${1 + Math.floor(s.lot / 3)}`;
              book([await inTx((tx) => ledger.consume(tx, ACTOR, { lotId, quantity: s.quantity, allowedMaterials: [], ...at(s.seq), method: 'scan' }))]);
            } else if (s.kind === 'backflush')
              book(await inTx((tx) => ledger.backflush(tx, ACTOR, { materialId: MATERIALS[s.material], quantity: s.quantity, ...at(s.seq) })));
            else if (s.kind === 'complete') {
              book(await inTx((tx) => ledger.backflush(tx, ACTOR, { materialId: MATERIALS[completion.indexOf(s.seq)], quantity: 2, ...at(s.seq) })));
              if (s.last)
                produced.push(
                  (
                    await inTx((tx) =>
                      ledger.produce(tx, ACTOR, { materialId: 'S200', quantity: 9, unit: 'pcs', ...at(s.seq), operator: 'olga', parameters: {} }),
                    )
                  ).lotId,
                );
            } else
              produced.push(
                (
                  await inTx((tx) =>
                    ledger.produce(tx, ACTOR, { materialId: 'S200', quantity: s.quantity, unit: 'pcs', ...at(s.seq), operator: 'olga', parameters: {} }),
                  )
                ).lotId,
              );
          }
          expect(produced.length).toBeGreaterThan(0);
          for (const lot of consumed.keys()) {
            const trace = await traceLots(t.app.ctx.db, orderBook, [lot], 'forward');
            const reached = new Set(trace.nodes.map((n) => n.lot));
            for (const p of produced) expect(reached.has(p), `${orderId}: forward from ${lot} reaches ${p}`).toBe(true);
          }
          // every edge carries all the order took from the parent, whenever it was booked
          const edges = (await t.sql(`SELECT child_lot, parent_lot, quantity FROM lot_genealogy WHERE child_lot = ANY($1::text[])`, [produced])) as Array<{
            child_lot: string;
            parent_lot: string;
            quantity: number;
          }>;
          expect(edges).toHaveLength(produced.length * consumed.size);
          for (const e of edges) expect(Number(e.quantity)).toBeCloseTo(consumed.get(e.parent_lot)!, 9);
        }),
        { numRuns: 25 },
      );
    }, 240_000);
  });
}
