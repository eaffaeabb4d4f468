// Execution's rework operations port (src/execution/rework.ts) on PGlite and PostgreSQL: an operation added after the
// order's last one, where the reworked operation ran, naming the NCR; created/released by the order's status; refused
// for a completed or cancelled order and an unknown order or operation; audited; shown on the order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reworkOperations } from '../../src/execution/index.ts';
import { AppError } from '../../src/platform/errors.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

type Op = { seq: number; name: string; candidates: string[]; quantity: number; status: string; reworkOf?: string };

for (const kind of DB_KINDS) {
  describe(`rework operations on ${kind}`, () => {
    let t: TestServer;
    const actor = { id: null, name: 'rework-test' };
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'GET', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const order = async (id: string) => {
      const res = await call('POST', '/api/orders', { id, product: 'HSG-TOP', quantity: 100 });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return (await call('GET', `/api/orders/${id}`)).body as { status: string; operations: Op[] };
    };
    const add = (r: { orderId: string; quantity: number; reworks?: number | null }) =>
      t.app.ctx.db.transaction((tx) => reworkOperations.add(tx as unknown as Db, actor, { ncrId: 'NCR-9', reason: 'flash on the parting line', ...r }));
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      return err as AppError;
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
    });
    afterAll(async () => t?.close());

    it('adds an operation after the last one, where the reworked one runs, naming the NCR; created while the order is', async () => {
      const before = await order('RW-1');
      const last = before.operations.at(-1)!;
      const first = before.operations[0]!;
      const added = await add({ orderId: 'RW-1', quantity: 12, reworks: first.seq });
      expect(added).toMatchObject({ orderId: 'RW-1', seq: last.seq + 1, productId: 'HSG-TOP', status: 'created', quantity: 12 });
      const after = (await call('GET', '/api/orders/RW-1')).body as { operations: Op[] };
      const op = after.operations.at(-1)!;
      expect(op).toMatchObject({ seq: last.seq + 1, candidates: first.candidates, quantity: 12, status: 'created', reworkOf: 'NCR-9' });
      expect(op.name).toContain('Rework NCR-9');
      // the order's own operations carry no rework mark
      expect(after.operations.slice(0, -1).every((o) => o.reworkOf === undefined)).toBe(true);
      const audit = (await call('GET', '/api/audit?entity=production_order&entityId=RW-1')).body as Array<{ action: string; reason: string }>;
      expect(audit.find((a) => a.action === 'add_rework')).toMatchObject({ reason: 'flash on the parting line' });
    });

    it('adds it released to a released order', async () => {
      await order('RW-2');
      expect((await call('POST', '/api/orders/RW-2/release')).status).toBe(200);
      expect(await add({ orderId: 'RW-2', quantity: 3 })).toMatchObject({ status: 'released' });
      // the ERP's change of the order would replace its operations: refused while a rework operation is on it
      const resend = await call('POST', '/api/orders', { id: 'RW-2', product: 'HSG-TOP', quantity: 120 });
      expect(resend.status, JSON.stringify(resend.body)).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(resend.body)).toMatch(/rework operation .*NCR-9.*changes are refused/);
      expect(((await call('GET', '/api/orders/RW-2')).body as { operations: Op[] }).operations.at(-1)?.reworkOf).toBe('NCR-9');
    });

    it('refuses a completed or cancelled order (409), an unknown order or operation (404), a part of a piece (400)', async () => {
      await order('RW-3');
      await t.sql(`UPDATE production_orders SET status = 'completed' WHERE id = 'RW-3'`);
      expect((await refusal(add({ orderId: 'RW-3', quantity: 1 }))).code).toBe('conflict');
      await order('RW-4');
      expect((await call('POST', '/api/orders/RW-4/cancel', { reason: 'test' })).status).toBe(200);
      const cancelled = await refusal(add({ orderId: 'RW-4', quantity: 1 }));
      expect([cancelled.code, cancelled.message]).toEqual(['conflict', 'order RW-4 is cancelled: a rework operation cannot be added to it']);
      expect((await refusal(add({ orderId: 'NO-SUCH', quantity: 1 }))).code).toBe('not_found');
      await order('RW-5');
      expect((await refusal(add({ orderId: 'RW-5', quantity: 1, reworks: 999 }))).code).toBe('not_found');
      expect((await refusal(add({ orderId: 'RW-5', quantity: 1.5 }))).code).toBe('validation_failed');
      // nothing was added by the refusals
      expect(((await call('GET', '/api/orders/RW-5')).body as { operations: Op[] }).operations.some((o) => o.reworkOf)).toBe(false);
    });
  });
}
