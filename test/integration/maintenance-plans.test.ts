// Preventive plans on PGlite and PostgreSQL: each basis (calendar, cycles across a counter reset, running hours from
// states, tonnes from a kg counter, a condition on a tag), the lead time and the tolerance window, "last done" kept
// when a plan's work order is done, one work order per due point however often (and however concurrently) the
// generator runs, the external contract GET /plans/{id}/next-due, roles, audit and a bounded fuzz of the plan body.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDue, NextDue, PlanWithDue } from '../../src/maintenance/index.ts';
import { eventually } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const CELL = 'acme/lakeside/moulding/imm-cell1';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const kind of DB_KINDS) {
  describe(`maintenance plans on ${kind}`, () => {
    let t: TestServer;
    let machine: { id: string; path: string };
    let integration: string;
    const tokens: Record<string, string> = {};
    // every test's data lies before now, on a machine of this test alone
    const T0 = Date.now() - 10 * DAY;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? tokens.maintenance}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const create = async (body: Record<string, unknown>): Promise<PlanWithDue> => {
      const res = await call('POST', '/api/maintenance/plans', { name: 'plan', equipment: machine.path, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as PlanWithDue;
    };
    const plan = async (id: string) => (await call('GET', `/api/maintenance/plans/${id}`)).body as PlanWithDue;
    const nextDue = async (id: string, query = '') => {
      const res = await call('GET', `/api/maintenance/plans/${id}/next-due${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as NextDue;
    };
    const ingest = async (records: Array<{ tag: string; ts: number; value: unknown }>) => {
      const res = await call('POST', '/api/ingest', { records: records.map((r) => ({ equipment: machine.path, ...r })) }, integration);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.accepted, JSON.stringify(res.body)).toBe(records.length);
    };
    const generate = async () => {
      const res = await call('POST', '/api/maintenance/plans/generate');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { created: Array<{ planId: string; workOrderId: string }>; existing: number };
    };
    /** Finishes a work order as a technician and waits for the plan to record it as done. */
    const finish = async (planId: string, workOrderId: string) => {
      for (const to of ['in_progress', 'done']) expect((await call('POST', `/api/maintenance/work-orders/${workOrderId}/status`, { to })).status).toBe(200);
      return (await eventually(async () => (await plan(planId)).machines.find((m) => m.lastDone?.workOrderId === workOrderId), 10_000))!;
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      for (const role of ['operator', 'maintenance', 'supervisor']) tokens[role] = await t.tokenFor([role]);
      integration = (await call('POST', '/api/tokens', { name: 'feeder', role: 'integration' }, t.adminToken)).body.token;
      const cell = (await call('GET', `/api/equipment/${encodeURIComponent(CELL)}`, undefined, t.adminToken)).body as { id: string };
      const made = await call(
        'POST',
        '/api/equipment',
        {
          parentId: cell.id,
          extId: 'imm-pm',
          level: 'machine',
          name: 'IMM PM',
          equipmentClass: 'imm',
          // a day between values is no silence here: the test's history is sparse
          properties: { staleAfterS: { value: 86_400 } },
          tags: [
            { name: 'state', role: 'state' },
            { name: 'good', role: 'good' },
            { name: 'material_kg', unit: 'kg' },
            { name: 'oil_temp', unit: '°C' },
          ],
        },
        t.adminToken,
      );
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      machine = { id: made.body.id, path: made.body.path };
      await ingest([
        // shots: 5000 before the plans start (the baseline), then 10, 20, a reset to 0 (15 counted), 25, 25, 15
        ...[
          [-1, 5000],
          [1, 5010],
          [2, 5030],
          [3, 15],
          [4, 40],
          [5, 65],
          [6, 80],
        ].map(([h, v]) => ({ tag: 'good', ts: T0 + h * HOUR, value: v })),
        // running: Execute 20 min, Stopped 10 min, Execute 20 min, then Stopped
        ...[
          [0, 'Execute'],
          [20, 'Stopped'],
          [30, 'Execute'],
          [50, 'Stopped'],
        ].map(([m, v]) => ({ tag: 'state', ts: T0 + (m as number) * 60_000, value: v })),
        // kg of material: 1000 before the start, then +500, +1000, a reset to 0 (+300), +500
        ...[
          [-1, 1000],
          [1, 1500],
          [2, 2500],
          [3, 300],
          [4, 800],
        ].map(([h, v]) => ({ tag: 'material_kg', ts: T0 + h * HOUR, value: v })),
        ...[
          [1, 40],
          [2, 50],
          [3, 62],
          [4, 58],
        ].map(([h, v]) => ({ tag: 'oil_temp', ts: T0 + h * HOUR, value: v })),
      ]);
    });
    afterAll(async () => t?.close());

    it('counts cycles from the counter across a reset: due at the shot that reached the interval; lead and tolerance decide the status', async () => {
      const start = new Date(T0).toISOString();
      const cycles = (interval: number, extra: Record<string, unknown> = {}) => create({ basis: 'cycles', interval, lead: 20, startAt: start, ...extra });
      const due = await cycles(100, { tolerance: 10 });
      // 10 + 20 + 15 (the reset: the new reading) + 25 + 25 + 15 = 110, never a negative delta
      const m = await eventually(async (): Promise<MachineDue | undefined> => {
        const x = (await plan(due.id)).machines[0];
        return x.usage === 110 ? x : undefined;
      });
      if (!m) throw new Error('no usage');
      expect(m).toMatchObject({ equipmentId: machine.id, status: 'due', dueAtUsage: 100, due: new Date(T0 + 6 * HOUR).toISOString(), lastDone: null });
      expect(m.progress).toBeCloseTo(1.1);
      expect(await nextDue(due.id)).toEqual({ due: new Date(T0 + 6 * HOUR).toISOString(), dueAtUsage: 100, basis: 'cycles' });
      expect((await plan((await cycles(200)).id)).machines[0]).toMatchObject({ status: 'ok', due: null, dueAtUsage: 200 });
      expect((await plan((await cycles(120)).id)).machines[0]).toMatchObject({ status: 'soon', due: null });
      expect((await plan((await cycles(90, { tolerance: 10 })).id)).machines[0]).toMatchObject({
        status: 'overdue',
        due: new Date(T0 + 5 * HOUR).toISOString(),
      });
      const dueList = (await call('GET', '/api/maintenance/plans/due')).body as Array<{ plan: { id: string }; machine: { status: string } }>;
      expect(dueList.filter((d) => d.plan.id === due.id).map((d) => d.machine.status)).toEqual(['due']);
    });

    it('generates one work order per due point, however often and concurrently asked; done keeps "last done" and moves the next due point', async () => {
      const p = await create({
        basis: 'cycles',
        interval: 100,
        lead: 20,
        tolerance: 10,
        startAt: new Date(T0).toISOString(),
        tasks: 'grease the toggle',
        estimateMinutes: 45,
      });
      const runs = await Promise.all([generate(), generate()]);
      const mine = runs.flatMap((r) => r.created.filter((c) => c.planId === p.id));
      expect(mine).toHaveLength(1);
      expect((await generate()).created.filter((c) => c.planId === p.id)).toEqual([]);
      const wo = (await call('GET', `/api/maintenance/work-orders/${mine[0].workOrderId}`)).body;
      expect(wo).toMatchObject({ kind: 'preventive', origin: 'plan', planId: p.id, equipmentId: machine.id, estimateMinutes: 45, status: 'requested' });
      expect(wo.description).toMatch(/grease the toggle/);
      const done = await finish(p.id, mine[0].workOrderId);
      // done at 110, within 100 ± 10: the next interval counts from the due point, not from 110
      expect(done.lastDone).toMatchObject({ usage: 110, anchorUsage: 100, onTime: true });
      expect(done).toMatchObject({ dueAtUsage: 200, usage: 110, status: 'ok', due: null });
      expect(await nextDue(p.id)).toEqual({ due: null, dueAtUsage: 200, basis: 'cycles' });
      const history = (await call('GET', `/api/maintenance/plans/${p.id}/history`)).body;
      expect(history.occurrences).toMatchObject([{ equipmentId: machine.id, duePoint: 'u:100', dueUsage: 100, workOrderId: mine[0].workOrderId }]);
      expect(history.done).toHaveLength(1);
      // new shots after the work: counted from then on
      await ingest([{ tag: 'good', ts: Date.now() + 1000, value: 180 }]);
      const after = await eventually(async (): Promise<MachineDue | undefined> => {
        const x = (await plan(p.id)).machines[0];
        return x.usage === 210 ? x : undefined;
      });
      expect(after).toMatchObject({ status: 'due', dueAtUsage: 200 });
    });

    it('keeps the calendar: lead, tolerance window, and the anchor of the next interval', async () => {
      const now = Date.now();
      const onTime = await create({
        basis: 'calendar',
        interval: 2,
        intervalUnit: 'weeks',
        lead: 2,
        tolerance: 2,
        startAt: new Date(now - 13 * DAY).toISOString(),
      });
      const dueAt = new Date(now - 13 * DAY + 14 * DAY).toISOString();
      expect(onTime.machines[0]).toMatchObject({ status: 'soon', due: dueAt, dueAtUsage: null, usage: null });
      expect(await nextDue(onTime.id)).toEqual({ due: dueAt, dueAtUsage: null, basis: 'calendar' });
      const late = await create({ basis: 'calendar', interval: 7, tolerance: 1, startAt: new Date(now - 30 * DAY).toISOString() });
      expect(late.machines[0]).toMatchObject({ status: 'overdue', due: new Date(now - 23 * DAY).toISOString() });
      const notYet = await create({ basis: 'calendar', interval: 30, lead: 3, startAt: new Date(now - 20 * DAY).toISOString() });
      expect(notYet.machines[0].status).toBe('ok');

      const made = (await generate()).created;
      expect(made.filter((c) => c.planId === notYet.id)).toEqual([]);
      const woOf = (id: string) => made.find((c) => c.planId === id)!.workOrderId;
      const a = await finish(onTime.id, woOf(onTime.id));
      // done a day early, within the 2-day window: the next due is 2 weeks after the due point
      expect(a.lastDone).toMatchObject({ onTime: true, anchorAt: dueAt });
      expect(a.due).toBe(new Date(now - 13 * DAY + 28 * DAY).toISOString());
      const b = await finish(late.id, woOf(late.id));
      // 23 days late: the next interval counts from when it was done
      expect(b.lastDone).toMatchObject({ onTime: false, anchorAt: b.lastDone!.at });
      expect(Date.parse(b.due!) - Date.parse(b.lastDone!.at)).toBe(7 * DAY);
      expect(b.status).toBe('ok');
    });

    it('counts running hours from the states, tonnes from a kg counter across a reset, and a condition on a tag', async () => {
      const start = new Date(T0 - 60_000).toISOString();
      const hours = await create({ basis: 'hours', interval: 0.5, lead: 0.1, tolerance: 0.1, startAt: start });
      const h = await eventually(async (): Promise<MachineDue | undefined> => {
        const x = (await plan(hours.id)).machines[0];
        return x.usage !== null && x.usage > 0.66 ? x : undefined;
      });
      // 20 + 20 minutes in Execute; the half hour was reached 10 minutes into the second run
      if (!h) throw new Error('no running hours');
      expect(h.usage).toBeCloseTo(40 / 60, 6);
      expect(h).toMatchObject({ status: 'overdue', dueAtUsage: 0.5, due: new Date(T0 + 40 * 60_000).toISOString() });
      expect(await nextDue(hours.id)).toEqual({ due: new Date(T0 + 40 * 60_000).toISOString(), dueAtUsage: 0.5, basis: 'hours' });

      const tonnes = await create({
        basis: 'tonnes',
        interval: 2,
        lead: 0.5,
        tolerance: 0.5,
        counterTag: 'material_kg',
        counterUnit: 'kg',
        startAt: new Date(T0).toISOString(),
      });
      const tn = (await plan(tonnes.id)).machines[0];
      // 0.5 + 1 + 0.3 (reset) + 0.5 t; 2 t were reached with the row at +4 h
      expect(tn.usage).toBeCloseTo(2.3, 9);
      expect(tn).toMatchObject({ status: 'due', dueAtUsage: 2, due: new Date(T0 + 4 * HOUR).toISOString() });
      // the contract knows no 'tonnes': a counted-usage plan is reported as 'cycles'
      expect(await nextDue(tonnes.id)).toEqual({ due: new Date(T0 + 4 * HOUR).toISOString(), dueAtUsage: 2, basis: 'cycles' });

      const cond = await create({ basis: 'condition', condition: { tag: 'oil_temp', op: 'above', limit: 60 }, startAt: new Date(T0).toISOString() });
      const c = (await plan(cond.id)).machines[0];
      expect(c).toMatchObject({ status: 'due', due: new Date(T0 + 3 * HOUR).toISOString(), dueAtUsage: null, lastValue: { value: 58 } });
      expect(await nextDue(cond.id)).toEqual({ due: new Date(T0 + 3 * HOUR).toISOString(), dueAtUsage: null, basis: 'condition' });
      const below = await create({ basis: 'condition', condition: { tag: 'oil_temp', op: 'below', limit: 30 }, startAt: new Date(T0).toISOString() });
      expect(await nextDue(below.id)).toEqual({ due: null, dueAtUsage: null, basis: 'condition' });
      // done: the condition is watched again from then on
      const wo = (await generate()).created.find((x) => x.planId === cond.id)!;
      const done = await finish(cond.id, wo.workOrderId);
      expect(done).toMatchObject({ status: 'ok', due: null });
    });

    it('answers a plan on an equipment class per machine', async () => {
      const p = await create({ equipment: null, equipmentClass: 'imm', basis: 'cycles', interval: 100, startAt: new Date(T0).toISOString() });
      const all = await plan(p.id);
      expect(all.machines.length).toBeGreaterThan(1);
      // 110 shots from the history and 100 more after the earlier test's work order (the counter went from 80 to 180)
      expect(all.machines.find((m) => m.equipmentId === machine.id)).toMatchObject({ usage: 210, dueAtUsage: 100 });
      // without a machine: the one nearest its due point
      expect(await nextDue(p.id)).toEqual({ due: new Date(T0 + 6 * HOUR).toISOString(), dueAtUsage: 100, basis: 'cycles' });
      expect(await nextDue(p.id, `?equipment=${encodeURIComponent(machine.path)}`)).toMatchObject({ dueAtUsage: 100 });
      expect((await call('GET', `/api/maintenance/plans/${p.id}/next-due?equipment=${encodeURIComponent('acme/lakeside/assembly/line1/st20')}`)).status).toBe(
        404,
      );
    });

    it('reports a due point whose machine left the plant model, and generates the others all the same', async () => {
      const cell = (await call('GET', `/api/equipment/${encodeURIComponent(CELL)}`, undefined, t.adminToken)).body as { id: string };
      const gone = await call('POST', '/api/equipment', { parentId: cell.id, extId: 'imm-gone', level: 'machine', name: 'IMM gone' }, t.adminToken);
      expect(gone.status, JSON.stringify(gone.body)).toBe(201);
      const orphan = await create({ equipment: gone.body.path, basis: 'calendar', interval: 1, startAt: new Date(Date.now() - 5 * DAY).toISOString() });
      const other = await create({ basis: 'calendar', interval: 1, startAt: new Date(Date.now() - 5 * DAY).toISOString() });
      expect((await call('DELETE', `/api/equipment/${gone.body.id}`, undefined, t.adminToken)).status).toBeLessThan(300);
      const res = await call('POST', '/api/maintenance/plans/generate');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.failed).toEqual([{ planId: orphan.id, equipmentId: gone.body.id, reason: expect.stringMatching(/does not exist/) }]);
      expect(res.body.created.map((c: { planId: string }) => c.planId)).toContain(other.id);
      // the failed due point is free: tried again on the next run
      expect((await call('POST', '/api/maintenance/plans/generate')).body.failed).toHaveLength(1);
      expect((await call('DELETE', `/api/maintenance/plans/${orphan.id}`)).status).toBe(204);
    });

    it('refuses bad plans with the field, keeps roles, audits changes', async () => {
      const bad = async (body: Record<string, unknown>, field: string) => {
        const res = await call('POST', '/api/maintenance/plans', { name: 'x', equipment: machine.path, basis: 'cycles', interval: 10, ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(JSON.stringify(res.body.error)).toContain(field);
      };
      await bad({ interval: null }, 'interval');
      await bad({ interval: -1 }, 'interval');
      await bad({ basis: 'weekly' }, 'basis');
      await bad({ equipment: 'acme/nowhere' }, 'equipment');
      await bad({ equipmentClass: 'imm' }, 'equipmentClass');
      await bad({ equipment: null, equipmentClass: 'no-such-class' }, 'equipmentClass');
      await bad({ basis: 'tonnes', counterTag: 'material_kg' }, 'counterUnit');
      await bad({ basis: 'condition', interval: null }, 'condition');
      await bad({ basis: 'condition', interval: null, condition: { tag: 'oil_temp', op: 'above', limit: 1 }, lead: 2 }, 'lead');
      await bad({ lead: 10 }, 'lead');
      await bad({ intervalUnit: 'weeks' }, 'intervalUnit');
      await bad({ junk: 1 }, 'junk');
      expect((await call('GET', '/api/maintenance/plans/PM-999999')).status).toBe(404);
      expect((await call('GET', '/api/maintenance/plans/PM-999999/next-due')).status).toBe(404);
      expect((await call('GET', '/api/maintenance/plans/nonsense/next-due')).status).toBe(400);

      const body = { name: 'grease', equipment: machine.path, basis: 'calendar', interval: 7 };
      expect((await call('POST', '/api/maintenance/plans', body, tokens.operator)).status).toBe(403);
      expect((await call('POST', '/api/maintenance/plans', body, tokens.supervisor)).status).toBe(403);
      expect((await call('POST', '/api/maintenance/plans/generate', undefined, tokens.operator)).status).toBe(403);
      const p = await create(body);
      expect((await call('GET', `/api/maintenance/plans/${p.id}/next-due`, undefined, tokens.operator)).status).toBe(200);
      const changed = await call('PUT', `/api/maintenance/plans/${p.id}?reason=longer`, { ...body, interval: 14 });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject({ interval: 14, version: 2, startAt: p.startAt });
      expect((await call('DELETE', `/api/maintenance/plans/${p.id}?reason=obsolete`)).status).toBe(204);
      expect((await call('GET', `/api/maintenance/plans/${p.id}`)).status).toBe(404);
      const audit = (await call('GET', `/api/audit?entity=maintenance.plan&entityId=${p.id}`, undefined, t.adminToken)).body as Array<{ action: string }>;
      expect(audit.map((x) => x.action).reverse()).toEqual(['create', 'update', 'delete']);
    });

    it('answers every random plan body with 201 or 400, never 500 (bounded fuzz)', async () => {
      const value = fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.double({ noNaN: false }),
        fc.integer({ min: -5, max: 500 }),
        fc.constant(null),
        fc.boolean(),
        fc.constantFrom('calendar', 'cycles', 'hours', 'tonnes', 'condition', 'days', 'weeks', 'kg', 'imm', 'good'),
        fc.record({ tag: fc.constantFrom('oil_temp', 'x y'), op: fc.constantFrom('above', 'below', 'over'), limit: fc.integer() }),
      );
      const keys = fc.constantFrom(
        'name',
        'equipment',
        'equipmentClass',
        'basis',
        'interval',
        'intervalUnit',
        'counterTag',
        'counterUnit',
        'rollover',
        'condition',
        'lead',
        'tolerance',
        'tasks',
        'estimateMinutes',
        'startAt',
      );
      await fc.assert(
        fc.asyncProperty(fc.dictionary(keys, value), fc.boolean(), async (raw, withMachine) => {
          const body = { ...(withMachine ? { equipment: machine.path } : {}), ...raw };
          const res = await call('POST', '/api/maintenance/plans', body);
          expect([201, 400], JSON.stringify(res.body)).toContain(res.status);
        }),
        { numRuns: 40 },
      );
    });
  });
}
