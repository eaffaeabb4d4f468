// Maintenance work orders on PGlite and PostgreSQL: the external contract (POST → 201 {id, status}; GET with
// equipment and status filters), every status × target move allowed or refused as the transition table says, who may
// do what, the steps and the audit trail, and a bounded fuzz of the create boundary.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORK_ORDER_STATUSES, WORK_ORDER_TRANSITIONS, type WorkOrderDetail, type WorkOrderStatus } from '../../src/maintenance/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { FAILURE_CODES } from '../support/maintenance.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const ST20 = 'acme/lakeside/assembly/line1/st20';
const WINDOW = { plannedStart: '2030-01-07T06:00:00Z', plannedEnd: '2030-01-07T08:00:00Z' };

for (const kind of DB_KINDS) {
  describe(`maintenance work orders on ${kind}`, () => {
    let t: TestServer;
    const tokens: Record<string, string> = {};
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const open = async (body: Record<string, unknown> = {}, token?: string) => {
      const res = await call(
        'POST',
        '/api/maintenance/work-orders',
        { equipment: IMM01, kind: 'corrective', description: 'hydraulic leak at the clamp', ...body },
        token,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as WorkOrderDetail;
    };
    const move = async (id: string, to: WorkOrderStatus, extra: Record<string, unknown> = {}, token?: string) => {
      // a corrective order is done only with its failure codes (technician work): set them on the way (an order that
      // cannot take them any more answers 409 here, and its move says why)
      if (to === 'done') await call('PUT', `/api/maintenance/work-orders/${id}/failure-codes`, FAILURE_CODES, tokens.maintenance);
      return call('POST', `/api/maintenance/work-orders/${id}/status`, { to, ...extra }, token ?? tokens.maintenance);
    };
    /** a fresh work order brought to `status` along an allowed path */
    const at = async (status: WorkOrderStatus): Promise<string> => {
      const path: Record<WorkOrderStatus, WorkOrderStatus[]> = {
        requested: [],
        approved: ['approved'],
        scheduled: ['approved', 'scheduled'],
        in_progress: ['in_progress'],
        done: ['in_progress', 'done'],
        verified: ['in_progress', 'done', 'verified'],
        cancelled: ['cancelled'],
      };
      const w = await open();
      for (const to of path[status]) {
        const res = await move(w.id, to, { reason: 'test', ...(to === 'scheduled' ? WINDOW : {}) }, to === 'verified' ? tokens.supervisor : undefined);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      return w.id;
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      for (const role of ['supervisor', 'operator', 'quality', 'maintenance']) tokens[role] = await t.tokenFor([role]);
    });
    afterAll(async () => t?.close());

    it('keeps the external contract: POST → 201 {id, status}, GET filtered by equipment and status', async () => {
      const a = await open({}, tokens.operator);
      expect(a).toMatchObject({
        id: expect.stringMatching(/^WO-\d+$/),
        status: 'requested',
        kind: 'corrective',
        equipment: IMM01,
        priority: 'high',
        origin: 'manual',
      });
      const b = await open({ equipment: ST20, kind: 'preventive', description: 'grease the press' });
      expect(b.priority).toBe('normal');
      const mine = (await call('GET', `/api/maintenance/work-orders?equipment=${encodeURIComponent(IMM01)}&status=requested`)).body as WorkOrderDetail[];
      expect(mine.map((w) => w.id)).toContain(a.id);
      expect(mine.map((w) => w.id)).not.toContain(b.id);
      expect(mine.every((w) => w.equipment === IMM01 && w.status === 'requested')).toBe(true);
      const byId = (await call('GET', `/api/maintenance/work-orders?equipment=${b.equipmentId}`)).body as WorkOrderDetail[];
      expect(byId.map((w) => w.id)).toEqual([b.id]);
      expect((await call('GET', `/api/maintenance/work-orders?equipment=${encodeURIComponent(ST20)}&status=done,verified`)).body).toEqual([]);
      expect((await call('GET', `/api/maintenance/work-orders/${a.id}`)).body.steps).toEqual([
        { from: null, to: 'requested', by: expect.any(String), at: expect.any(String), reason: null },
      ]);
      const audit = (await call('GET', `/api/audit?entity=maintenance.work_order&entityId=${a.id}`)).body as Array<{ action: string }>;
      expect(audit.map((x) => x.action)).toEqual(['create']);
    });

    it('refuses bad input with the field and the reason', async () => {
      const bad = async (body: Record<string, unknown>, message: RegExp) => {
        const res = await call('POST', '/api/maintenance/work-orders', { equipment: IMM01, kind: 'corrective', description: 'x', ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(JSON.stringify(res.body.error)).toMatch(message);
      };
      await bad({ equipment: 'acme/nowhere' }, /equipment 'acme\/nowhere' does not exist/);
      await bad({ kind: 'emergency' }, /kind/);
      await bad({ description: '' }, /description/);
      await bad({ estimateMinutes: -5 }, /estimateMinutes/);
      await bad({ extra: 1 }, /extra/);
      expect((await call('GET', '/api/maintenance/work-orders?status=broken')).status).toBe(400);
      expect((await call('GET', '/api/maintenance/work-orders?equipment=acme/nowhere')).status).toBe(404);
      expect((await call('GET', '/api/maintenance/work-orders/WO-999999')).status).toBe(404);
      expect((await call('GET', '/api/maintenance/work-orders/nonsense')).status).toBe(400);
    });

    it('allows exactly the moves of the transition table, with who and when', async () => {
      for (const from of WORK_ORDER_STATUSES) {
        for (const to of WORK_ORDER_STATUSES) {
          const id = await at(from);
          const res = await move(id, to, { reason: 'because', ...(to === 'scheduled' ? WINDOW : {}) }, to === 'verified' ? tokens.supervisor : undefined);
          const allowed = WORK_ORDER_TRANSITIONS[from].includes(to);
          expect(res.status, `${from} → ${to}: ${JSON.stringify(res.body)}`).toBe(allowed ? 200 : 409);
          if (allowed) {
            expect(res.body.status).toBe(to);
            expect(res.body.steps.at(-1)).toMatchObject({ from, to, reason: 'because' });
          }
        }
      }
    });

    it('stamps the work times, needs a window to schedule, a reason to cancel, a technician to work and another person to verify', async () => {
      const w = await open();
      expect((await move(w.id, 'in_progress', {}, tokens.supervisor)).status).toBe(403);
      expect((await move(w.id, 'approved', {}, tokens.operator)).status).toBe(403);
      expect((await move(w.id, 'cancelled')).status).toBe(400);
      expect((await move(w.id, 'approved')).status).toBe(200);
      expect((await move(w.id, 'scheduled')).status).toBe(400);
      expect((await move(w.id, 'scheduled', { plannedStart: WINDOW.plannedEnd, plannedEnd: WINDOW.plannedStart })).status).toBe(400);
      const s = await move(w.id, 'scheduled', WINDOW);
      expect(s.body).toMatchObject({ status: 'scheduled', plannedStart: '2030-01-07T06:00:00.000Z', plannedEnd: '2030-01-07T08:00:00.000Z' });
      const started = (await move(w.id, 'in_progress')).body as WorkOrderDetail;
      expect(started.startedAt).not.toBeNull();
      const done = (await move(w.id, 'done')).body as WorkOrderDetail;
      expect(done.doneAt).not.toBeNull();
      expect((await move(w.id, 'verified')).status).toBe(403);
      const verified = (await move(w.id, 'verified', {}, tokens.supervisor)).body as WorkOrderDetail;
      expect(verified.verifiedAt).not.toBeNull();
      expect(verified.steps.map((x) => x.to)).toEqual(['requested', 'approved', 'scheduled', 'in_progress', 'done', 'verified']);
      expect((await call('PATCH', `/api/maintenance/work-orders/${w.id}`, { priority: 'low' })).status).toBe(409);
      const audit = (await call('GET', `/api/audit?entity=maintenance.work_order&entityId=${w.id}`)).body as Array<{ action: string }>;
      expect(audit.map((x) => x.action).reverse()).toEqual([
        'create',
        'status:approved',
        'status:scheduled',
        'status:in_progress',
        // the failure codes the corrective order is done with (technician work)
        'failure_codes',
        'status:done',
        'status:verified',
      ]);
    });

    it('changes what a work order says, audited', async () => {
      const w = await open();
      const res = await call(
        'PATCH',
        `/api/maintenance/work-orders/${w.id}`,
        { priority: 'urgent', estimateMinutes: 90, assignee: 'tech-tom', reason: 'triage' },
        tokens.supervisor,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ priority: 'urgent', estimateMinutes: 90, assignee: 'tech-tom' });
      expect((await call('PATCH', `/api/maintenance/work-orders/${w.id}`, { plannedStart: WINDOW.plannedStart })).status).toBe(400);
      expect((await call('PATCH', `/api/maintenance/work-orders/${w.id}`, { priority: 'low' }, tokens.operator)).status).toBe(403);
      expect(((await call('GET', `/api/maintenance/work-orders?assignee=tech-tom`)).body as WorkOrderDetail[]).map((x) => x.id)).toEqual([w.id]);
    });

    it('answers every random create body with 201 or 400, never 500 (bounded fuzz)', async () => {
      const value = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.integer(),
        fc.constant(null),
        fc.boolean(),
        fc.constant(IMM01),
        fc.constantFrom('corrective', 'preventive'),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom('equipment', 'kind', 'description', 'stopId', 'priority', 'estimateMinutes', 'assignee', 'junk'), value),
          async (body) => {
            const res = await call('POST', '/api/maintenance/work-orders', body);
            expect([201, 400]).toContain(res.status);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
