// Planning on PGlite and PostgreSQL with the demo plant: plan the released orders, check every plan with the engine's
// independent checker, publish into the dispatch lists, move an operation, and the automatic proposals (machine down,
// rush order). Bad input gets a 4xx naming the problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanningModule, StoredModel } from '../../src/planning/index.ts';
import { PlantService, shiftAt } from '../../src/plant/index.ts';
import { checkSchedule } from '../../src/scheduling/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

interface Assignment {
  orderId: string;
  seq: number;
  machine: string;
  start: string;
  end: string;
  pinned?: boolean;
  risk: string;
}
interface Version {
  id: number;
  status: string;
  reason: string;
  basedOn: number | null;
  assignments: Assignment[];
  kpis: { makespanS: number; totalWeightedTardiness: number; lateOrders: unknown[]; utilisation: Record<string, number> };
  stats: { kept?: number; replanned?: number; down?: Record<string, string>; rushOrders?: string[] };
  diff: { moved: Array<{ orderId: string; seq: number }>; added: number } | null;
  error: string | null;
}

const IMM = 'acme/lakeside/moulding';
const DAY = 86_400_000;

for (const kind of DB_KINDS) {
  describe(`planning on ${kind}`, () => {
    let t: TestServer;
    let operator: string;
    const planning = () => (t.app.modules.get('planning') as PlanningModule).planning;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const order = async (id: string, product: string, quantity: number, dueInH: number, priority = 100) => {
      const due = new Date(Date.now() + dueInH * 3_600_000).toISOString();
      const made = await call('POST', '/api/orders', { id, product, quantity, due, priority });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const rel = await call('POST', `/api/orders/${id}/release`);
      expect(rel.status, JSON.stringify(rel.body)).toBe(200);
    };
    const finished = async (id: number): Promise<Version> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const v = (await call('GET', `/api/schedules/${id}`)).body as Version;
        if (v.status !== 'running') return v;
        if (Date.now() > deadline) throw new Error(`version ${id} still running`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    /** The engine's checker on the model and schedule the version was solved with, and the API's view matches it. */
    const checked = async (v: Version) => {
      const model = (await planning().model(v.id)) as StoredModel;
      // independently of the model: every operation starts inside a shift of its machine's plant calendar, not in a break
      const calendars = new Map((await new PlantService(t.app.ctx.db, t.app.ctx.events).listCodes('calendar')).map((c) => [c.id, c]));
      for (const a of v.assignments) {
        const cal = calendars.get(a.machine.includes('/assembly/') ? 'two-shift' : 'three-shift') as unknown as Parameters<typeof shiftAt>[0];
        const shift = shiftAt(cal, Date.parse(a.start));
        expect(shift, `${a.orderId}/${a.seq} starts at ${a.start} outside the shifts of ${a.machine}`).toBeDefined();
        for (const b of shift!.breaks) expect(Date.parse(a.start) >= b.start && Date.parse(a.start) < b.end).toBe(false);
      }
      const res = checkSchedule(model.problem, model.schedule);
      expect(res.violations).toEqual([]);
      expect(v.assignments).toHaveLength(model.schedule.operations.length);
      for (const o of model.schedule.operations) {
        const a = v.assignments.find((x) => x.orderId === model.orders[o.job] && x.seq === model.seqs[o.job][o.op])!;
        expect(a.machine).toBe(model.machines[o.machine]);
        expect(Date.parse(a.start)).toBe(model.horizonStart + o.start * 1000);
      }
      return model;
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true });
      operator = await t.tokenFor(['operator']);
      await order('P-TOP-1', 'HSG-TOP', 800, 30);
      await order('P-TOP-2', 'HSG-TOP', 1200, 60);
      await order('P-BOT-1', 'HSG-BOT', 900, 40, 50);
      await order('P-BOT-2', 'HSG-BOT', 600, 20);
      await order('P-S200-1', 'S200', 400, 48, 20);
      await order('P-S200-2', 'S200', 300, 24);
      await order('P-S200-3', 'S200', 500, 3); // due in three hours: late whatever the plan
    });
    afterAll(async () => t?.close());

    let first: Version;

    it('plans the released orders in the background; the plan passes the checker', async () => {
      expect((await call('POST', '/api/schedules', { timeLimitS: 1 }, operator)).status).toBe(403);
      const started = await call('POST', '/api/schedules', { timeLimitS: 1, objective: 'lexicographic' });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'running' });
      first = await finished(started.body.id);
      expect(first.error).toBeNull();
      expect(first.status).toBe('ready');
      const model = await checked(first);
      // 4 moulding orders (1 operation) + 3 S200 orders (3 operations each)
      expect(first.assignments).toHaveLength(4 + 9);
      expect(model.problem.jobs).toHaveLength(7);
      for (const a of first.assignments.filter((x) => x.orderId.startsWith('P-TOP') || x.orderId.startsWith('P-BOT')))
        expect(a.machine.startsWith(`${IMM}/`)).toBe(true);
      // S200 follows its routing: st10 → st20 → st30
      const s = first.assignments.filter((a) => a.orderId === 'P-S200-1').sort((a, b) => a.seq - b.seq);
      expect(s.map((a) => a.machine.split('/').pop())).toEqual(['st10', 'st20', 'st30']);
      expect(Date.parse(s[1].start)).toBeGreaterThanOrEqual(Date.parse(s[0].end));
      expect(first.kpis.lateOrders.map((o) => (o as { orderId: string }).orderId)).toContain('P-S200-3');
      expect(first.assignments.find((a) => a.orderId === 'P-S200-3')!.risk).toBe('late');
      expect(Object.keys(first.kpis.utilisation)).toContain(`${IMM}/imm-cell1/imm01`);
      expect(first.diff).toBeNull(); // nothing published yet
      const list = (await call('GET', '/api/schedules', undefined, operator)).body as Version[];
      expect(list[0]).toMatchObject({ id: first.id, status: 'ready', assignments: [] });
    });

    it('publishes: planned slots on the operations, dispatch lists in planned order; twice is refused', async () => {
      const pub = await call('POST', `/api/schedules/${first.id}/publish`);
      expect(pub.status, JSON.stringify(pub.body)).toBe(200);
      expect(pub.body).toMatchObject({ status: 'published', planned: 13 });
      const again = await call('POST', `/api/schedules/${first.id}/publish`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('published');
      expect((await call('POST', '/api/schedules/999999/publish')).status).toBe(404);
      expect((await call('GET', '/api/schedules/999999')).status).toBe(404);
      const rows = (await t.sql(
        `SELECT order_id, seq, planned_equipment, planned_start, planned_schedule FROM order_operations WHERE planned_schedule IS NOT NULL`,
      )) as Array<Record<string, unknown>>;
      expect(rows).toHaveLength(13);
      for (const r of rows) {
        const a = first.assignments.find((x) => x.orderId === r.order_id && x.seq === Number(r.seq))!;
        expect(r.planned_equipment).toBe(a.machine);
        expect(new Date(r.planned_start as string).toISOString()).toBe(a.start);
        expect(r.planned_schedule).toBe(String(first.id));
      }
      // the moulding area's dispatch list follows the planned starts, not the priorities
      const list = (await call('GET', `/api/workcenters/${encodeURIComponent(IMM)}/dispatch`, undefined, operator)).body.operations as Array<{
        orderId: string;
        seq: number;
      }>;
      const planned = first.assignments.filter((a) => a.machine.startsWith(`${IMM}/`));
      expect(list.map((o) => o.orderId).sort()).toEqual(planned.map((a) => a.orderId).sort());
      const starts = list.map((o) => Date.parse(planned.find((a) => a.orderId === o.orderId && a.seq === o.seq)!.start));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    });

    it('moves an operation to another machine: a new version with it pinned there, the rest repaired and checked', async () => {
      const op = first.assignments.find((a) => a.orderId === 'P-TOP-2')!;
      const target = [`${IMM}/imm-cell1/imm01`, `${IMM}/imm-cell1/imm02`].find((m) => m !== op.machine)!;
      const bad = await call('POST', `/api/schedules/${first.id}/move`, {
        orderId: 'P-TOP-2',
        seq: 10,
        machine: 'acme/lakeside/assembly/line1/st10',
        start: op.start,
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.message).toContain('acme/lakeside/assembly/line1/st10');
      expect((await call('POST', `/api/schedules/${first.id}/move`, { orderId: 'NOPE', seq: 10, machine: target, start: op.start })).status).toBe(404);
      expect((await call('POST', `/api/schedules/424242/move`, { orderId: 'P-TOP-2', seq: 10, machine: target, start: op.start })).status).toBe(404);
      const past = await call('POST', `/api/schedules/${first.id}/move`, {
        orderId: 'P-TOP-2',
        seq: 10,
        machine: target,
        start: new Date(Date.now() - DAY).toISOString(),
      });
      expect(past.status).toBe(422);

      // a start already under way (a plan made during a shift) gives way to a start ten minutes from now
      const future = Date.parse(op.start) > Date.now() + 120_000;
      const start = future ? op.start : new Date(Date.now() + 600_000).toISOString();
      const moved = await call('POST', `/api/schedules/${first.id}/move`, { orderId: 'P-TOP-2', seq: 10, machine: target, start });
      expect(moved.status, JSON.stringify(moved.body)).toBe(202);
      const v = await finished(moved.body.id);
      expect(v.error).toBeNull();
      expect(v).toMatchObject({ status: 'ready', reason: 'move', basedOn: first.id });
      await checked(v);
      const now = v.assignments.find((a) => a.orderId === 'P-TOP-2')!;
      expect(now).toMatchObject({ machine: target, start: (v.stats as { pinnedStart: string }).pinnedStart, pinned: true });
      // the start of a planned operation is working time: it stays exactly; otherwise the next working moment
      if (future) expect(now.start).toBe(op.start);
      else expect(Date.parse(now.start)).toBeGreaterThanOrEqual(Date.parse(start) - 1000);
      expect(v.diff!.moved.map((m) => m.orderId)).toContain('P-TOP-2');
      expect(v.stats.kept).toBeGreaterThan(0);
    });

    it('a machine going down brings a proposal that plans around it', async () => {
      const published = (await call('GET', `/api/schedules/${first.id}`)).body as Version;
      const busy = published.assignments.find((a) => a.machine.startsWith(`${IMM}/`))!.machine;
      planning().options.downDebounceMs = 100;
      planning().options.downRepairS = 3 * 86_400; // a long repair: its planned work has to go elsewhere or wait
      const onIt = published.assignments.filter((a) => a.machine === busy);
      const ingest = await call('POST', '/api/ingest', { records: [{ equipment: busy, tag: 'state', value: 'Aborted' }] });
      expect(ingest.status, JSON.stringify(ingest.body)).toBe(200);
      let proposal: Version | undefined;
      const deadline = Date.now() + 30_000;
      while (!proposal && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
        const list = (await call('GET', '/api/schedules')).body as Version[];
        const p = list.find((x) => x.reason === 'machine-down');
        if (p) proposal = await finished(p.id);
      }
      expect(proposal, 'a machine-down proposal').toBeDefined();
      expect(proposal!).toMatchObject({ status: 'ready', basedOn: first.id });
      await checked(proposal!);
      const until = Date.parse(proposal!.stats.down![busy]);
      expect(until).toBeGreaterThan(Date.now());
      for (const a of proposal!.assignments.filter((x) => x.machine === busy)) expect(Date.parse(a.start)).toBeGreaterThanOrEqual(until);
      // its work moved: to another machine or after the repair; what did not touch the down machine stays where it was
      const movedIds = proposal!.diff!.moved.map((m) => `${m.orderId}/${m.seq}`);
      for (const a of onIt) expect(movedIds).toContain(`${a.orderId}/${a.seq}`);
      expect(proposal!.stats.kept).toBeGreaterThan(0);
      // moulding orders (one operation) on other machines, planned to start later, keep machine and start exactly
      const others = published.assignments.filter((x) => x.machine.startsWith(`${IMM}/`) && x.machine !== busy && Date.parse(x.start) > Date.now() + 60_000);
      for (const a of others)
        expect(proposal!.assignments).toContainEqual(expect.objectContaining({ orderId: a.orderId, seq: a.seq, machine: a.machine, start: a.start }));
      planning().options.downRepairS = 7200;
      await call('POST', '/api/ingest', { records: [{ equipment: busy, tag: 'state', value: 'Execute' }] });
    });

    it('a released rush order brings a proposal that plans it, keeping the rest where it can', async () => {
      await order('P-RUSH', 'HSG-TOP', 200, 12, 1);
      t.app.ctx.events.publish('execution.order', { orderId: 'P-RUSH', status: 'released', action: 'release' });
      let proposal: Version | undefined;
      const deadline = Date.now() + 30_000;
      while (!proposal && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
        const p = ((await call('GET', '/api/schedules')).body as Version[]).find((x) => x.reason === 'rush-order');
        if (p) proposal = await finished(p.id);
      }
      expect(proposal, 'a rush-order proposal').toBeDefined();
      expect(proposal!.stats.rushOrders).toEqual(['P-RUSH']);
      await checked(proposal!);
      expect(proposal!.assignments.some((a) => a.orderId === 'P-RUSH')).toBe(true);
      expect(proposal!.diff!.added).toBe(1);
      // a manual repair without a published plan is refused elsewhere; here the route answers with a new proposal
      const manual = await call('POST', '/api/schedules/repair', { reason: 'repair' });
      expect(manual.status).toBe(202);
      expect((await finished(manual.body.id)).status).toBe('ready');
      expect((await call('POST', '/api/schedules/repair', { reason: 'machine-down', machine: 'acme/nowhere' })).status).toBe(404);
    });
  });
}
