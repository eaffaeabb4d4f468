// Checks due and the station they block, on PGlite and PostgreSQL: a sampling plan per characteristic (validated,
// audited, editors only), the parts counted at the terminal make an "every N parts" check due, overdue and then
// blocking past its grace; while blocked every production action of the terminal's route table is refused with 409
// naming the check and every other one is not; the check taken at the station (sampleSize values) clears it; a
// first-piece check blocks a fresh setup until measured.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATED_ACTIONS } from '../../src/execution/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST30 = 'acme/lakeside/assembly/line1/st30';
const OPS = '/api/operations/:orderId/:seq/';

for (const kind of DB_KINDS) {
  describe(`quality checks on ${kind}`, () => {
    let t: TestServer;
    let operator: string;
    let quality: string;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    };
    const due = async () => {
      const res = await call('GET', `/api/quality/checks/due?station=${encodeURIComponent(ST30)}`, undefined, operator);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Array<Record<string, unknown>>;
    };
    const good = (orderId: string, quantity: number) => call('POST', `/api/operations/${orderId}/30/quantities`, { kind: 'good', quantity }, operator);
    const runPack = async (orderId: string) => {
      expect((await call('POST', '/api/orders', { id: orderId, product: 'S200', quantity: 100, due: '2030-01-01T00:00:00Z' })).status).toBe(201);
      expect((await call('POST', `/api/orders/${orderId}/release`)).status).toBe(200);
      const setup = await call('POST', `/api/operations/${orderId}/30/setup`, { equipment: ST30 }, operator);
      expect(setup.status, JSON.stringify(setup.body)).toBe(200);
      const start = await call('POST', `/api/operations/${orderId}/30/start`, {}, operator);
      expect(start.status, JSON.stringify(start.body)).toBe(200);
    };
    // one instant per key, so a resend is the same measurement
    const times = new Map<string, string>();
    const measure = (characteristic: string, orderId: string, values: number[], key: string) =>
      call(
        'POST',
        '/api/quality/measurements',
        {
          records: values.map((value, i) => {
            if (!times.has(key)) times.set(key, new Date().toISOString());
            return { key: `${key}-${i}`, ts: times.get(key), characteristic, value, source: 'manual', orderId, operationSeq: 30, equipment: ST30 };
          }),
        },
        operator,
      );

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      operator = await t.tokenFor(['operator']);
      quality = await t.tokenFor(['quality']);
      expect((await call('POST', '/api/lots', { material: 'BOX-S', quantity: 10_000 })).status).toBe(201);
      for (const c of [
        { id: 'PACK-W', name: 'Pack weight', kind: 'variable', chart: 'i-mr', unit: 'g', nominal: 120, lsl: 115, usl: 125 },
        { id: 'PACK-FP', name: 'Label position', kind: 'variable', chart: 'i-mr', unit: 'mm', nominal: 5, lsl: 4, usl: 6 },
      ]) {
        const res = await call('POST', '/api/quality/characteristics', { product: 'S200', operationSeq: 30, ...c }, quality);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('keeps a sampling plan per characteristic: validated, editors only, audited; no plan, no checks', async () => {
      expect((await call('GET', '/api/quality/characteristics/PACK-W/sampling', undefined, operator)).body).toMatchObject({ plan: null });
      const plan = { kind: 'parts', everyParts: 3, sampleSize: 2, graceParts: 2 };
      expect((await call('PUT', '/api/quality/characteristics/PACK-W/sampling', { plan }, operator)).status).toBe(403);
      expect((await call('PUT', '/api/quality/characteristics/NOPE/sampling', { plan }, quality)).status).toBe(404);
      const put = await call('PUT', '/api/quality/characteristics/PACK-W/sampling', { plan, reason: 'control plan rev B' }, quality);
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      expect(put.body).toMatchObject({ characteristic: 'PACK-W', plan, updatedBy: expect.any(String) });
      const audit = await t.sql("SELECT action, reason FROM audit_log WHERE entity = 'quality_sampling_plan' AND entity_id = 'PACK-W'");
      expect(audit).toEqual([{ action: 'set-sampling', reason: 'control plan rev B' }]);
      // bounded fuzz of the body: anything that is not a plan is a 400, never a 500, and leaves the plan as it was
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.anything(),
            fc.record({ kind: fc.constantFrom('parts', 'time', 'first-piece', 'lot', 'x'), everyParts: fc.anything(), sampleSize: fc.anything() }),
            fc.record({ kind: fc.constant('time'), everyMinutes: fc.integer({ min: -5, max: 20_000 }), sampleSize: fc.integer({ min: -1, max: 2000 }) }),
          ),
          async (bad) => {
            const res = await call('PUT', '/api/quality/characteristics/PACK-W/sampling', { plan: bad }, quality);
            expect([200, 400]).toContain(res.status);
            if (res.status === 200) await call('PUT', '/api/quality/characteristics/PACK-W/sampling', { plan }, quality);
          },
        ),
        { numRuns: 40 },
      );
      expect((await call('GET', '/api/quality/characteristics/PACK-W/sampling')).body.plan).toEqual(plan);
      // nothing runs at the station: nothing is due; an unknown station is a 404, no station a 400
      expect(await due()).toEqual([]);
      expect((await call('GET', '/api/quality/checks/due?station=acme/nowhere')).status).toBe(404);
      expect((await call('GET', '/api/quality/checks/due')).status).toBe(400);
    });

    it('counts parts to due, overdue and blocking; blocks exactly the production actions; the check taken clears it', async () => {
      await runPack('QC-1');
      expect(await due()).toEqual([]);
      expect((await good('QC-1', 2)).status).toBe(200);
      expect(await due()).toEqual([]);
      expect((await good('QC-1', 1)).status).toBe(200);
      expect(await due()).toEqual([
        expect.objectContaining({
          characteristic: 'PACK-W',
          name: 'Pack weight',
          reason: 'parts',
          partsSince: 3,
          overdue: false,
          blocking: false,
          sampleSize: 2,
          nominal: 120,
          lsl: 115,
          usl: 125,
          unit: 'g',
          orderId: 'QC-1',
          operationSeq: 30,
          equipment: ST30,
        }),
      ]);
      expect((await good('QC-1', 1)).status).toBe(200);
      expect((await due())[0]).toMatchObject({ partsSince: 4, overdue: true, blocking: false });
      expect((await good('QC-1', 1)).status).toBe(200);
      expect((await due())[0]).toMatchObject({ partsSince: 5, overdue: true, blocking: true });

      // every terminal action on an operation, from the route table: the gated ones are refused naming the check
      const actions = t.app.routes.filter((r) => r.method === 'POST' && r.url.startsWith(OPS)).map((r) => r.url.slice(OPS.length));
      expect(actions.length).toBeGreaterThan(GATED_ACTIONS.length);
      for (const g of GATED_ACTIONS) expect(actions).toContain(g);
      const bodies: Record<string, unknown> = {
        quantities: { kind: 'scrap', quantity: 1, reason: 'damaged' },
        pause: { reason: 'break' },
        setup: { equipment: ST30 },
        consume: { lotId: 'NOLOT', quantity: 1 },
      };
      for (const action of actions) {
        const res = await call('POST', `/api/operations/QC-1/30/${action}`, bodies[action] ?? {}, operator);
        const refusedByCheck = res.status === 409 && /overdue quality check/.test(res.body?.error?.message ?? '');
        expect(refusedByCheck, `${action}: ${res.status} ${JSON.stringify(res.body)}`).toBe((GATED_ACTIONS as readonly string[]).includes(action));
        if (refusedByCheck) expect(res.body.error.message).toContain('Pack weight (PACK-W)');
      }
      // the pause above: back to production
      await call('POST', '/api/operations/QC-1/30/resume', undefined, operator);
      expect((await good('QC-1', 1)).status).toBe(409);

      // one value is not the plan's sample of 2: still blocked; the second check of two values clears it
      expect((await measure('PACK-W', 'QC-1', [120.4], 'qc1-a')).body.accepted).toBe(1);
      expect((await due())[0]).toMatchObject({ blocking: true });
      expect((await measure('PACK-W', 'QC-1', [120.1, 119.8], 'qc1-b')).body.accepted).toBe(2);
      expect(await due()).toEqual([]);
      expect((await good('QC-1', 2)).status).toBe(200);
      expect(await due()).toEqual([]);
      expect((await good('QC-1', 1)).status).toBe(200);
      expect((await due())[0]).toMatchObject({ partsSince: 3, blocking: false });
      // a resend of the same measurements is no new check
      expect((await measure('PACK-W', 'QC-1', [120.1, 119.8], 'qc1-b')).body.replayed).toBe(2);
      expect((await due())[0]).toMatchObject({ partsSince: 3 });
      expect((await measure('PACK-W', 'QC-1', [120.2, 120], 'qc1-c')).body.accepted).toBe(2);
      const done = await call('POST', '/api/operations/QC-1/30/complete', {}, operator);
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(await due()).toEqual([]);
    });

    it('a first-piece check blocks the next setup until it is measured; removing a plan removes its checks', async () => {
      const fp = { kind: 'first-piece', sampleSize: 1, graceParts: 0 };
      expect((await call('PUT', '/api/quality/characteristics/PACK-FP/sampling', { plan: fp }, quality)).status).toBe(200);
      await runPack('QC-2');
      const list = await due();
      expect(list.map((c) => [c.characteristic, c.reason, c.blocking])).toEqual([['PACK-FP', 'first-piece', true]]);
      expect((await good('QC-2', 1)).status).toBe(409);
      expect((await measure('PACK-FP', 'QC-2', [5.1], 'qc2-fp')).body.accepted).toBe(1);
      expect(await due()).toEqual([]);
      expect((await good('QC-2', 1)).status).toBe(200);
      // the parts check counts this operation's parts only: 1 so far
      expect((await good('QC-2', 2)).status).toBe(200);
      expect((await due()).map((c) => c.characteristic)).toEqual(['PACK-W']);
      expect((await call('PUT', '/api/quality/characteristics/PACK-W/sampling', { plan: null, reason: 'retired' }, quality)).status).toBe(200);
      expect(await due()).toEqual([]);
    });

    it('defect codes are the scrap reasons: listed, extended by quality, and an attribute breakdown is checked against them', async () => {
      const list = await call('GET', '/api/quality/defect-codes', undefined, operator);
      expect(list.status).toBe(200);
      expect(list.body).toContainEqual({ code: 'flash', name: 'Flash / burr', category: 'moulding' });
      const code = { code: 'label-skew', name: 'Label skewed', category: 'packing' };
      expect((await call('POST', '/api/quality/defect-codes', code, operator)).status).toBe(403);
      expect((await call('POST', '/api/quality/defect-codes', { ...code, code: 'no spaces' }, quality)).status).toBe(400);
      const added = await call('POST', '/api/quality/defect-codes', code, quality);
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect((await call('POST', '/api/quality/defect-codes', code, quality)).status).toBe(409);
      expect(await t.sql("SELECT action FROM audit_log WHERE entity = 'defect_code' AND entity_id = 'label-skew'")).toEqual([{ action: 'create' }]);
      // one catalogue: the new code is a scrap reason at the terminal at once
      const scrapped = await call('POST', '/api/operations/QC-2/30/quantities', { kind: 'scrap', quantity: 1, reason: 'label-skew' }, operator);
      expect(scrapped.status, JSON.stringify(scrapped.body)).toBe(200);

      for (const c of [
        { id: 'PACK-D', name: 'Defects per carton', kind: 'attribute', chart: 'c' },
        { id: 'PACK-P', name: 'Defective cartons', kind: 'attribute', chart: 'p' },
      ])
        expect((await call('POST', '/api/quality/characteristics', { product: 'S200', operationSeq: 30, ...c }, quality)).status).toBe(201);
      const post = async (records: unknown[]) => (await call('POST', '/api/quality/measurements', { records }, operator)).body;
      const ts = new Date().toISOString();
      const r = await post([
        { key: 'd1', ts, characteristic: 'PACK-D', defects: 3, defectCodes: { flash: 2, 'label-skew': 1 } },
        { key: 'd2', ts, characteristic: 'PACK-D', defects: 3, defectCodes: { flash: 2 } },
        { key: 'd3', ts, characteristic: 'PACK-D', defects: 1, defectCodes: { 'no-such': 1 } },
        { key: 'd4', ts, characteristic: 'PACK-D', defects: 2 },
        { key: 'p1', ts, characteristic: 'PACK-P', defectives: 2, n: 10, defectCodes: { flash: 2, damaged: 1 } },
        { key: 'p2', ts, characteristic: 'PACK-P', defectives: 2, n: 10, defectCodes: { flash: 3 } },
        { key: 'p3', ts, characteristic: 'PACK-P', defectives: 2, n: 10, defectCodes: { flash: 1 } },
        { key: 'w1', ts, characteristic: 'PACK-W', value: 120, defectCodes: { flash: 1 } },
        { key: 'd5', ts, characteristic: 'PACK-D', defects: 0, defectCodes: { flash: 0 } },
      ]);
      expect(r.results.map((x: { status: string }) => x.status)).toEqual([
        'accepted',
        'refused',
        'refused',
        'accepted',
        'accepted',
        'refused',
        'refused',
        'refused',
        'refused',
      ]);
      expect(r.results[1].reason).toContain('add up to 2, not to the 3 defects');
      expect(r.results[2].reason).toContain("'no-such' is not a defect code");
      expect(r.results[5].reason).toContain('exceeds the 2 defectives');
      expect(r.results[6].reason).toContain('fewer than the 2 defectives');
      expect(r.results[7].reason).toContain('belong to attribute characteristics');
      const stored = await t.sql("SELECT idem_key, defect_codes FROM quality_measurements WHERE idem_key IN ('d1', 'd4', 'p1') ORDER BY idem_key");
      expect(stored).toEqual([
        { idem_key: 'd1', defect_codes: { flash: 2, 'label-skew': 1 } },
        { idem_key: 'd4', defect_codes: null },
        { idem_key: 'p1', defect_codes: { flash: 2, damaged: 1 } },
      ]);
      // a resend with the same breakdown is the same measurement; another breakdown under the key is refused
      const again = await post([
        { key: 'd1', ts, characteristic: 'PACK-D', defects: 3, defectCodes: { 'label-skew': 1, flash: 2 } },
        { key: 'd1', ts, characteristic: 'PACK-D', defects: 3, defectCodes: { flash: 3 } },
      ]);
      expect(again.results.map((x: { status: string; replayed?: boolean }) => [x.status, x.replayed ?? false])).toEqual([
        ['accepted', true],
        ['refused', false],
      ]);
      // bounded fuzz of the breakdown: every record is answered (accepted or refused with a reason), never a 500
      let i = 0;
      await fc.assert(
        fc.asyncProperty(fc.anything(), fc.integer({ min: 0, max: 5 }), async (codes, defects) => {
          const res = await call(
            'POST',
            '/api/quality/measurements',
            { records: [{ key: `fz-${i++}`, ts, characteristic: 'PACK-D', defects, defectCodes: codes }] },
            operator,
          );
          expect(res.status).toBe(200);
          expect(res.body.results[0].status === 'accepted' || typeof res.body.results[0].reason === 'string').toBe(true);
        }),
        { numRuns: 40 },
      );
    });
  });
}
