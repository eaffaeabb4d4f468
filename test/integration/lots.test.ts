// Material lots on PGlite and PostgreSQL: receiving, holds, the ledger's refusals, racing consumers, FIFO backflush,
// genealogy from produce, backward/forward trace and recall (JSON and CSV), and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db/database.ts';
import { MaterialLedger, traceLots, traverse, type Edge, type Trace } from '../../src/lots/index.ts';
import { PlantService } from '../../src/plant/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { orderBook } from '../../src/execution/index.ts';

const ACTOR = { id: null, name: 'tester' };

for (const kind of DB_KINDS) {
  describe(`lots on ${kind}`, () => {
    let t: TestServer;
    let ledger: MaterialLedger;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      const json = String(res.headers['content-type'] ?? '').includes('json');
      return { status: res.statusCode, body: json ? res.json() : res.body, headers: res.headers };
    };
    let signer: string | undefined;
    /** The policy's lot.release signature (one, approval, by quality) on the lot as it is now. */
    const signRelease = async (lotId: string) => {
      if (!signer) {
        const user = await call('POST', '/api/users', { username: 'qa-lots', displayName: 'Lots Quality', roles: ['quality'], password: t.userPassword });
        expect(user.status).toBe(201);
        signer = (await call('POST', '/api/auth/login', { username: 'qa-lots', password: t.userPassword })).body.token as string;
      }
      const body = { recordType: 'lot', recordId: lotId, meaning: 'approval', action: 'lot.release', username: 'qa-lots', password: t.userPassword };
      expect((await call('POST', '/api/signatures', body, signer)).status).toBe(201);
    };
    const receive = async (body: Record<string, unknown>) => {
      const r = await call('POST', '/api/lots', body);
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      return r.body as { id: string; quantity: number; status: string };
    };
    const order = async (id: string, product: string) => {
      const r = await call('POST', '/api/orders', { id, product, quantity: 100 });
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    };
    /** One ledger call in its own transaction, as execution will make it. */
    const inTx = <T>(fn: (tx: Db) => Promise<T>) => t.app.ctx.db.transaction((tx) => fn(tx as unknown as Db));
    const consume = (lotId: string, quantity: number, orderId: string, allowedMaterials: string[] = [], seq = 10) =>
      inTx((tx) =>
        ledger.consume(tx, ACTOR, { lotId, quantity, allowedMaterials, orderId, seq, equipment: 'acme/lakeside/moulding/imm-cell1/imm01', method: 'scan' }),
      );
    const produce = (lotId: string, materialId: string, orderId: string, seq = 10) =>
      inTx((tx) =>
        ledger.produce(tx, ACTOR, {
          lotId,
          materialId,
          quantity: 10,
          unit: 'pcs',
          orderId,
          seq,
          equipment: 'imm01',
          operator: 'olga',
          parameters: { meltTemperature: 231 },
        }),
      );
    const lot = async (id: string) =>
      (await call('GET', `/api/lots/${encodeURIComponent(id)}`)).body as { quantity: number; status: string; holdReason: string | null };
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      if (!err) throw new Error('expected a refusal');
      return err;
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true });
      ledger = new MaterialLedger(new PlantService(t.app.ctx.db, t.app.ctx.events), orderBook);
      await order('O-TOP', 'HSG-TOP');
      await order('O-BOT', 'HSG-BOT');
      await order('O-S200', 'S200');
    });
    afterAll(async () => t?.close());

    it('receives supplier lots with generated or given numbers, audited, and refuses bad input naming the problem', async () => {
      const a = await receive({ material: 'PP-GRAN-BK', quantity: 25, location: 'store', supplier: 'Resin Co', supplierLot: 'RC-2026-001' });
      expect(a.id).toMatch(/^L-\d{6}$/);
      expect(a).toMatchObject({ quantity: 25, status: 'available' });
      const b = await receive({ id: 'RES-77', material: 'PP-GRAN-BK', quantity: 10, unit: 'kg' });
      expect(b.id).toBe('RES-77');
      const dup = await call('POST', '/api/lots', { id: 'RES-77', material: 'PP-GRAN-BK', quantity: 1 });
      expect(dup.status).toBe(409);
      expect(dup.body.error.message).toMatch(/RES-77 already exists/);
      expect((await call('POST', '/api/lots', { material: 'NO-SUCH', quantity: 1 })).status).toBe(404);
      for (const quantity of [-3, 0, 1e12]) expect((await call('POST', '/api/lots', { material: 'PP-GRAN-BK', quantity })).status).toBe(400);
      const unit = await call('POST', '/api/lots', { material: 'PP-GRAN-BK', quantity: 1, unit: 'pcs' });
      expect(unit.status).toBe(400);
      expect(unit.body.error.message).toMatch(/counted in kg/);
      expect((await call('POST', '/api/lots', { id: 'bad lot!', material: 'PP-GRAN-BK', quantity: 1 })).status).toBe(400);
      const audit = (await call('GET', `/api/audit?entity=material_lot&entityId=${a.id}`)).body as Array<{ action: string }>;
      expect(audit.map((e) => e.action)).toEqual(['receive']);
      const listed = (await call('GET', '/api/lots?supplierLot=RC-2026-001')).body as Array<{ id: string }>;
      expect(listed.map((l) => l.id)).toEqual([a.id]);
      expect((await call('GET', '/api/lots/NOPE-1')).status).toBe(404);
    });

    it('refuses to consume a lot on hold, of the wrong material, beyond what it holds, or unknown — leaving it untouched', async () => {
      await receive({ id: 'PP-H1', material: 'PP-GRAN-BK', quantity: 12 });
      const held = await call('POST', '/api/lots/PP-H1/hold', { reason: 'moisture test pending' });
      expect(held.status).toBe(200);
      expect(held.body).toMatchObject({ status: 'on_hold', holdReason: 'moisture test pending' });
      expect((await call('POST', '/api/lots/PP-H1/hold', { reason: 'again' })).status).toBe(409);
      const onHold = await refusal(consume('PP-H1', 1, 'O-TOP'));
      expect(onHold.code).toBe('conflict');
      expect(onHold.message).toBe('lot PP-H1 is on hold (reason: moisture test pending): it cannot be consumed');
      await signRelease('PP-H1');
      expect((await call('POST', '/api/lots/PP-H1/release', {})).body.status).toBe('available');

      const wrong = await refusal(consume('PP-H1', 1, 'O-TOP', ['ABS-GREY', 'MB-RED-02']));
      expect(wrong.code).toBe('unprocessable');
      expect(wrong.message).toBe('lot PP-H1 is PP-GRAN-BK, this operation needs ABS-GREY or MB-RED-02');
      const over = await refusal(consume('PP-H1', 20, 'O-TOP', ['PP-GRAN-BK']));
      expect(over.code).toBe('conflict');
      expect(over.message).toBe('lot PP-H1 holds 12 kg, 20 kg cannot be consumed');
      for (const q of [-1, 0, Number.NaN, 1e12]) expect((await refusal(consume('PP-H1', q, 'O-TOP'))).code).toBe('validation_failed');
      expect((await refusal(consume('NOPE-9', 1, 'O-TOP'))).code).toBe('not_found');
      expect((await refusal(consume('PP-H1', 1, 'NO-ORDER'))).message).toMatch(/operation 'NO-ORDER\/10' does not exist/);
      expect(await lot('PP-H1')).toMatchObject({ quantity: 12, status: 'available' });
      expect((await inTx((tx) => ledger.consumedBy(tx, 'O-TOP'))).filter((c) => c.lotId === 'PP-H1')).toEqual([]);

      const used = await consume('PP-H1', 12, 'O-TOP', ['PP-GRAN-BK']);
      expect(used).toMatchObject({ lotId: 'PP-H1', quantity: 12, unit: 'kg', method: 'scan', seq: 10 });
      expect(await lot('PP-H1')).toMatchObject({ quantity: 0, status: 'consumed' });
      expect((await refusal(consume('PP-H1', 1, 'O-TOP'))).message).toMatch(/PP-H1 is used up/);
      expect((await call('POST', '/api/lots/PP-H1/hold', { reason: 'x' })).status).toBe(409);
      const audit = (await call('GET', '/api/audit?entity=material_lot&entityId=PP-H1')).body as Array<{ action: string }>;
      expect(audit.map((e) => e.action).reverse()).toEqual(['receive', 'hold', 'release', 'consume']);
    });

    if (kind === 'postgres')
      it('lets exactly as many racing consumers through as the lot can serve', async () => {
        await receive({ id: 'RACE-1', material: 'SCREW-M3x8', quantity: 20 });
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => consume('RACE-1', 3, 'O-S200', ['SCREW-M3x8'])));
        const ok = results.filter((r) => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).toHaveLength(6);
        expect(refused).toHaveLength(4);
        for (const r of refused) expect((r.reason as Error).message).toBe('lot RACE-1 holds 2 pcs, 3 pcs cannot be consumed');
        expect(await lot('RACE-1')).toMatchObject({ quantity: 2, status: 'available' });
        const rows = await t.sql(`SELECT count(*)::int AS n, sum(quantity) AS q FROM lot_consumptions WHERE lot_id = 'RACE-1'`);
        expect(rows[0]).toEqual({ n: 6, q: 18 });
      });

    it('backflushes oldest first, preferring the given location, and refuses a shortfall without booking anything', async () => {
      for (const [id, location] of [
        ['MB-1', 'store'],
        ['MB-2', 'cell1'],
        ['MB-3', 'store'],
      ] as const)
        await receive({ id, material: 'MB-RED-02', quantity: 5, location });
      const fifo = await inTx((tx) => ledger.backflush(tx, ACTOR, { materialId: 'MB-RED-02', quantity: 7, orderId: 'O-TOP', seq: 10, equipment: null }));
      expect(fifo.map((c) => [c.lotId, c.quantity, c.method])).toEqual([
        ['MB-1', 5, 'backflush'],
        ['MB-2', 2, 'backflush'],
      ]);
      expect((await lot('MB-1')).status).toBe('consumed');
      const local = await inTx((tx) =>
        ledger.backflush(tx, ACTOR, { materialId: 'MB-RED-02', quantity: 1, orderId: 'O-TOP', seq: 10, equipment: null, location: 'cell1' }),
      );
      expect(local.map((c) => c.lotId)).toEqual(['MB-2']);
      const short = await refusal(
        inTx((tx) => ledger.backflush(tx, ACTOR, { materialId: 'MB-RED-02', quantity: 50, orderId: 'O-TOP', seq: 10, equipment: null })),
      );
      expect(short.message).toBe('only 7 kg of MB-RED-02 is available in 2 available lots, 50 kg cannot be backflushed');
      expect(await lot('MB-2')).toMatchObject({ quantity: 2 });
      expect(await lot('MB-3')).toMatchObject({ quantity: 5 });
    });

    it('links a produced lot to every lot its order consumed, and traces it both ways (JSON, CSV, recall)', async () => {
      // supplier lots → two moulded lots → one assembled unit
      await receive({ id: 'SUP-PP', material: 'PP-GRAN-BK', quantity: 100, supplierLot: 'RECALL-7' });
      await receive({ id: 'SUP-PP2', material: 'PP-GRAN-BK', quantity: 100, supplierLot: 'RECALL-7' });
      await receive({ id: 'SUP-PCB', material: 'PCB-S200', quantity: 50, supplierLot: 'PCB-99' });
      await receive({ id: 'SUP-UNRELATED', material: 'PP-GRAN-BK', quantity: 5 });
      await order('O-TOP2', 'HSG-TOP');
      await order('O-BOT2', 'HSG-BOT');
      await order('O-S2', 'S200');
      await consume('SUP-PP', 4, 'O-TOP2');
      await consume('SUP-PP', 1, 'O-TOP2');
      const top = await produce('TOP-1', 'HSG-TOP', 'O-TOP2');
      expect(top).toMatchObject({ lotId: 'TOP-1', materialId: 'HSG-TOP', quantity: 10, unit: 'pcs', seq: 10 });
      await consume('SUP-PP', 3, 'O-BOT2');
      await consume('SUP-PP2', 2, 'O-BOT2');
      await produce('BOT-1', 'HSG-BOT', 'O-BOT2');
      await consume('TOP-1', 1, 'O-S2');
      await consume('BOT-1', 1, 'O-S2');
      await consume('SUP-PCB', 1, 'O-S2');
      await produce('S200-1', 'S200', 'O-S2', 30);
      expect((await refusal(produce('S200-1', 'S200', 'O-S2', 30))).code).toBe('duplicate');
      expect((await inTx((tx) => ledger.producedBy(tx, 'O-S2'))).map((p) => p.lotId)).toEqual(['S200-1']);
      expect((await inTx((tx) => ledger.consumedBy(tx, 'O-S2'))).map((c) => c.lotId)).toEqual(['TOP-1', 'BOT-1', 'SUP-PCB']);
      const made = (await call('GET', '/api/lots/S200-1')).body;
      expect(made.producedBy).toEqual({ orderId: 'O-S2', seq: 30, equipment: 'imm01', operator: 'olga', parameters: { meltTemperature: 231 } });

      const back = (await call('GET', '/api/lots/S200-1/trace?direction=backward')).body as Trace;
      expect(Object.fromEntries(back.nodes.map((n) => [n.lot, n.depth]))).toEqual({
        'S200-1': 0,
        'TOP-1': 1,
        'BOT-1': 1,
        'SUP-PCB': 1,
        'SUP-PP': 2,
        'SUP-PP2': 2,
      });
      const edge = (p: string, c: string) => back.edges.find((e) => e.parent === p && e.child === c)?.quantity;
      expect(edge('SUP-PP', 'TOP-1')).toBe(5);
      expect(edge('SUP-PP2', 'BOT-1')).toBe(2);
      expect(back.edges).toHaveLength(6);
      expect(back.truncated).toBe(false);
      const pcb = back.nodes.find((n) => n.lot === 'SUP-PCB')!;
      expect(pcb).toMatchObject({ received: true, supplierLot: 'PCB-99', materialId: 'PCB-S200' });
      expect(back.nodes.find((n) => n.lot === 'TOP-1')).toMatchObject({ received: false, orderId: 'O-TOP2', seq: 10, equipment: 'imm01', operator: 'olga' });

      const fwd = (await call('GET', '/api/lots/SUP-PP2/trace?direction=forward')).body as Trace;
      expect(fwd.nodes.map((n) => n.lot).sort()).toEqual(['BOT-1', 'S200-1', 'SUP-PP2']);
      expect(fwd.orders!.map((o) => o.orderId)).toEqual(['O-BOT2', 'O-S2']);
      const recall = (await call('GET', '/api/lots/trace?supplierLot=RECALL-7')).body as Trace;
      expect(recall.roots).toEqual(['SUP-PP', 'SUP-PP2']);
      expect(recall.nodes.map((n) => n.lot).sort()).toEqual(['BOT-1', 'S200-1', 'SUP-PP', 'SUP-PP2', 'TOP-1']);
      expect(recall.orders!.map((o) => o.orderId)).toEqual(['O-BOT2', 'O-S2', 'O-TOP2']);
      expect((await call('GET', '/api/lots/trace?supplierLot=NEVER')).status).toBe(404);

      const cut = (await call('GET', '/api/lots/S200-1/trace?direction=backward&maxDepth=1')).body as Trace;
      expect(cut.nodes).toHaveLength(4);
      expect(cut.truncated).toBe(true);

      const csv = await call('GET', '/api/lots/S200-1/trace?direction=backward&format=csv');
      expect(csv.status).toBe(200);
      expect(String(csv.headers['content-type'])).toMatch(/text\/csv/);
      const lines = (csv.body as string).trim().split('\r\n');
      expect(lines).toHaveLength(7);
      expect(lines[1]).toMatch(/^0,S200-1,S200,10,10,pcs,available,.*,BOT-1 \(1 pcs\); SUP-PCB \(1 pcs\); TOP-1 \(1 pcs\)$/);
      expect(lines.some((l) => l.startsWith('2,SUP-PP2,PP-GRAN-BK,98,100,kg,available,,,,RECALL-7,'))).toBe(true);
    });

    it('traces a random DAG with shared parents and mixed depths exactly as the reference level-by-level walk does', async () => {
      // 80 lots; each made from 1–4 earlier lots, so a lot is reachable along paths of different lengths
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const ids = Array.from({ length: 80 }, (_, i) => `DAG-${String(i).padStart(2, '0')}`);
      await t.sql(
        `INSERT INTO material_lots (id, material_id, quantity, initial_quantity, unit, created_by) SELECT id, 'PP-GRAN-BK', 1, 1, 'kg', 'test' FROM unnest($1::text[]) AS u(id)`,
        [ids],
      );
      const edges: Array<[string, string]> = [];
      for (let i = 5; i < ids.length; i++) {
        const parents = new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => Math.floor(random() * i)));
        for (const p of parents) edges.push([ids[p]!, ids[i]!]);
      }
      await t.sql(`INSERT INTO lot_genealogy (parent_lot, child_lot, quantity) SELECT p, c, 1 FROM unnest($1::text[], $2::text[]) AS u(p, c)`, [
        edges.map((e) => e[0]),
        edges.map((e) => e[1]),
      ]);
      const source = async (list: string[], d: 'backward' | 'forward'): Promise<Edge[]> =>
        edges.filter(([p, c]) => list.includes(d === 'backward' ? c : p)).map(([parent, child]) => ({ parent, child, quantity: 1 }));
      const key = (e: Edge) => `${e.parent}>${e.child}`;
      for (const [start, direction] of [
        ['DAG-79', 'backward'],
        ['DAG-78', 'backward'],
        ['DAG-00', 'forward'],
        ['DAG-03', 'forward'],
      ] as const) {
        for (const limits of [
          { maxDepth: 50, maxNodes: 1000 },
          { maxDepth: 3, maxNodes: 1000 },
        ]) {
          const want = await traverse([start], direction, source, limits);
          const got = await traceLots(t.app.ctx.db, orderBook, [start], direction, limits);
          expect(Object.fromEntries(got.nodes.map((n) => [n.lot, n.depth]))).toEqual(Object.fromEntries(want.depth));
          expect(got.edges.map(key).sort()).toEqual(want.edges.map(key).sort());
          expect(got.truncated).toBe(want.truncated);
        }
      }
      expect((await traceLots(t.app.ctx.db, orderBook, ['DAG-79'], 'backward')).nodes.length).toBeGreaterThan(15);
    });

    it('lets anyone read and trace, only keepers hold/release/scrap/adjust, and receivers (incl. integration) receive', async () => {
      await receive({ id: 'SEC-1', material: 'BOX-S', quantity: 100 });
      const operator = await t.tokenFor(['operator']);
      const quality = await t.tokenFor(['quality']);
      const maintenance = await t.tokenFor(['maintenance']);
      const tok = await call('POST', '/api/tokens', { name: 'wms', role: 'integration' });
      const integration = tok.body.token as string;
      expect((await call('GET', '/api/lots', undefined, operator)).status).toBe(200);
      expect((await call('GET', '/api/lots/SEC-1/trace', undefined, maintenance)).status).toBe(200);
      expect((await call('POST', '/api/lots', { material: 'BOX-S', quantity: 1 }, operator)).status).toBe(403);
      expect((await call('POST', '/api/lots', { material: 'BOX-S', quantity: 1 }, integration)).status).toBe(201);
      expect((await call('POST', '/api/lots/SEC-1/hold', { reason: 'x' }, operator)).status).toBe(403);
      expect((await call('POST', '/api/lots/SEC-1/hold', { reason: 'x' }, integration)).status).toBe(403);
      expect((await call('POST', '/api/lots/SEC-1/hold', { reason: 'wet cartons' }, quality)).status).toBe(200);
      expect((await call('POST', '/api/lots/SEC-1/release', undefined, maintenance)).status).toBe(403);
      await signRelease('SEC-1');
      expect((await call('POST', '/api/lots/SEC-1/release', undefined, quality)).body).toMatchObject({ status: 'available' });
      expect((await call('POST', '/api/lots/SEC-1/adjust', { quantity: 120, reason: 'count' }, quality)).status).toBe(409);
      expect((await call('POST', '/api/lots/SEC-1/adjust', { quantity: 80, reason: 'count' }, quality)).body).toMatchObject({
        quantity: 80,
        status: 'available',
      });
      expect((await call('POST', '/api/lots/SEC-1/scrap', { reason: 'crushed' }, operator)).status).toBe(403);
      expect((await call('POST', '/api/lots/SEC-1/scrap', { reason: 'crushed' }, quality)).body).toMatchObject({ status: 'scrapped' });
      expect((await refusal(consume('SEC-1', 1, 'O-S200'))).message).toBe('lot SEC-1 was scrapped: it cannot be consumed');
    });
  });
}
