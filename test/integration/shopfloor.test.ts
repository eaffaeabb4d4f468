// The shop floor through the API with the simulator's machines, on PGlite and PostgreSQL: badge sign-in, setup with
// the recipe downloaded to the machine over MQTT and confirmed by read-back, production counted from the machine,
// scrap, pause, andon, the parameter lock, completion, labour — and the races and bad input around them.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimHandle } from '../../src/sim/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const ST20 = 'acme/lakeside/assembly/line1/st20';

for (const kind of DB_KINDS) {
  describe(`shop floor on ${kind}`, () => {
    let t: TestServer;
    let sim: SimHandle;
    let device: MqttClient;
    let operator: string;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    };
    const op = (id: string, seq = 10) => `/api/operations/${id}/${seq}`;
    const newOrder = async (id: string, quantity = 50) => {
      expect((await call('POST', '/api/orders', { id, product: 'S200', quantity, due: '2030-01-01T00:00:00Z' })).status).toBe(201);
      expect((await call('POST', `/api/orders/${id}/release`)).status).toBe(200);
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true });
      sim = await startSimulator({
        brokerUrl: t.mqttUrl,
        username: 'sim',
        password: await t.deviceToken(),
        protocol: 'uns',
        seed: 3,
        speed: 20,
        progressMs: 0,
        log: () => {},
      });
      device = await connectMqtt(t.mqttUrl, { username: 'tester', password: await t.deviceToken() });
      const u = await call('POST', '/api/users', { username: 'opa', roles: ['operator'], password: 'password-123', badge: 'B-77', pin: '432179' });
      expect(u.status).toBe(201);
      const login = await t.app.server.inject({ method: 'POST', url: '/api/auth/badge', payload: { badge: 'B-77', pin: '432179' } });
      expect(login.statusCode).toBe(200);
      operator = login.json().token;
      // stock for the backflush at completion
      for (const material of ['HSG-TOP', 'HSG-BOT', 'PCB-S200', 'SCREW-M3x8', 'BOX-S'])
        expect((await call('POST', '/api/lots', { material, quantity: 100_000 })).status).toBe(201);
      // the simulated station is connected and listening for commands once its first values are stored
      await eventually(
        async () =>
          (await call('GET', `/api/equipment/${encodeURIComponent(ST10)}/tags`)).body.some(
            (x: { tag: string; latest: unknown }) => x.tag === 'good' && x.latest,
          ),
        20_000,
        200,
      );
    }, 60_000);

    afterAll(async () => {
      await device?.endAsync();
      await sim?.stop();
      await t?.close();
    });

    it('refuses a wrong PIN or an unknown badge without saying which', async () => {
      for (const payload of [
        { badge: 'B-77', pin: '0000' },
        { badge: 'nobody', pin: '432179' },
      ]) {
        const res = await t.app.server.inject({ method: 'POST', url: '/api/auth/badge', payload });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.message).toBe('unknown badge or wrong PIN');
      }
      // a badge belongs to one person
      expect((await call('POST', '/api/users', { username: 'opb', roles: ['operator'], password: 'password-123', badge: 'B-77' })).status).toBe(409);
    });

    it('runs an operation from setup with recipe download to completion, counted by the machine', async () => {
      await newOrder('SF-1');
      const station = await call('GET', `/api/stations/${encodeURIComponent(ST10)}`, undefined, operator);
      expect(station.status, JSON.stringify(station.body)).toBe(200);
      expect(station.body.queue.map((q: { orderId: string }) => q.orderId)).toContain('SF-1');
      expect((await call('POST', `/api/stations/${encodeURIComponent(ST10)}/sign-in`, undefined, operator)).status).toBe(200);

      // the machine confirms the recipe by reporting the setpoint back (torque.sp = 0.9)
      const setup = await call('POST', `${op('SF-1')}/setup`, { equipment: ST10 }, operator);
      expect(setup.status, JSON.stringify(setup.body)).toBe(200);
      expect(setup.body.download).toMatchObject({ kind: 'writeParameters', status: 'confirmed', parameters: { 'torque.sp': 0.9 } });
      expect(setup.body.operation).toMatchObject({ status: 'running', phase: 'setup', equipment: ST10, recipeVerified: true, recipe: { torque: 0.9 } });
      expect((await call('GET', '/api/orders/SF-1')).body.status).toBe('running');

      const started = await call('POST', `${op('SF-1')}/start`, {}, operator);
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      expect(started.body.phase).toBe('running');

      // parts counted by the machine (simulated at 20× speed: a 12 s cycle every 0.6 s)
      const counted = await eventually(
        async () => {
          const v = (await call('GET', op('SF-1'))).body;
          if (!(v.counts.machine.good >= 3)) throw new Error(`good ${v.counts.machine.good}`);
          return v;
        },
        90_000,
        300,
      );
      expect(counted.good).toBeGreaterThanOrEqual(3);

      // scrap with a reason leaves the good count; an unknown reason or too many parts is refused
      const before = (await call('GET', op('SF-1'))).body;
      expect((await call('POST', `${op('SF-1')}/quantities`, { kind: 'scrap', quantity: 1, reason: 'flux' }, operator)).status).toBe(400);
      expect((await call('POST', `${op('SF-1')}/quantities`, { kind: 'scrap', quantity: -2, reason: 'damaged' }, operator)).status).toBe(400);
      expect((await call('POST', `${op('SF-1')}/quantities`, { kind: 'scrap', quantity: 1e6, reason: 'damaged', fromGood: true }, operator)).status).toBe(409);
      const scrapped = await call('POST', `${op('SF-1')}/quantities`, { kind: 'scrap', quantity: 2, reason: 'damaged' }, operator);
      expect(scrapped.status).toBe(200);
      expect(scrapped.body.counts.scrapByReason).toEqual([{ reason: 'damaged', quantity: 2 }]);
      expect(scrapped.body.scrap).toBeGreaterThanOrEqual(before.scrap + 2);

      // pause with a reason, resume
      expect((await call('POST', `${op('SF-1')}/pause`, { reason: 'coffee' }, operator)).status).toBe(400);
      const paused = await call('POST', `${op('SF-1')}/pause`, { reason: 'material-missing' }, operator);
      expect(paused.body).toMatchObject({ phase: 'paused', pauseReason: 'material-missing' });
      expect((await call('POST', `${op('SF-1')}/resume`, undefined, operator)).body.phase).toBe('running');

      // andon: raised at the station, seen by supervisors, acknowledged and resolved
      const call1 = await call('POST', '/api/andon', { station: ST10, reason: 'quality', message: 'burr on housing' }, operator);
      expect(call1.status).toBe(201);
      expect(call1.body).toMatchObject({ station: ST10, orderId: 'SF-1', seq: 10, raisedBy: 'opa' });
      expect((await call('GET', '/api/andon?open=true')).body.map((a: { id: string }) => a.id)).toContain(call1.body.id);
      expect((await call('POST', `/api/andon/${call1.body.id}/acknowledge`)).body.acknowledgedBy).toBe('admin');
      expect((await call('POST', `/api/andon/${call1.body.id}/resolve`)).body.resolvedBy).toBe('admin');
      expect((await call('POST', `/api/andon/${call1.body.id}/resolve`)).status).toBe(409);

      // parameter lock: the torque setpoint changed at the machine, and a torque outside its limits
      await publish(device, `takt/v1/${ST10}/torque.sp`, JSON.stringify({ value: 1.4, ts: Date.now() }));
      await publish(device, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 1.7, ts: Date.now() + 1 }));
      const alarms = await eventually(async () => {
        const a = (await call('GET', `/api/alarms?open=true&orderId=SF-1`)).body as Array<{ kind: string; parameter: string; value: unknown }>;
        if (!a.some((x) => x.kind === 'setpoint_changed') || !a.some((x) => x.kind === 'out_of_limits' && x.value === 1.7)) throw new Error(JSON.stringify(a));
        return a;
      });
      expect(alarms.find((x) => x.kind === 'setpoint_changed')).toMatchObject({ parameter: 'torque', value: 1.4 });
      const station2 = await call('GET', `/api/stations/${encodeURIComponent(ST10)}`, undefined, operator);
      expect(station2.body.alarms.length).toBeGreaterThanOrEqual(2);
      const first = alarms[0] as unknown as { id: string };
      expect((await call('POST', `/api/alarms/${first.id}/acknowledge`, undefined, operator)).body.acknowledgedBy).toBe('opa');
      expect((await call('POST', `/api/alarms/${first.id}/acknowledge`, undefined, operator)).status).toBe(409);

      // completion freezes the figures; a second completion is refused
      const done = await call('POST', `${op('SF-1')}/complete`, {}, operator);
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body.operation).toMatchObject({ status: 'completed', phase: null, completedBy: 'opa' });
      expect(done.body.good).toBeGreaterThanOrEqual(1);
      const again = await call('POST', `${op('SF-1')}/complete`, {}, operator);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/completed already/);
      const frozen = (await call('GET', op('SF-1'))).body;
      await new Promise((r) => setTimeout(r, 1500));
      expect((await call('GET', op('SF-1'))).body.good).toBe(frozen.good);
      expect((await call('GET', '/api/orders/SF-1')).body.status).toBe('running'); // operations 20 and 30 still to run

      // the parameter lock watched the operation's production only: its alarms nobody acknowledged closed with it
      const open = alarms.filter((a) => a !== alarms[0]) as unknown as Array<{ id: string }>;
      expect(open.length).toBeGreaterThanOrEqual(1);
      expect((await call('GET', '/api/alarms?open=true&orderId=SF-1')).body).toEqual([]);
      const all = (await call('GET', '/api/alarms?orderId=SF-1')).body as Array<{
        id: string;
        acknowledgedAt: string | null;
        closedAt: string | null;
        closedReason: string | null;
      }>;
      for (const a of open)
        expect(all.find((x) => x.id === a.id)).toMatchObject({ acknowledgedAt: null, closedReason: 'operation completed', closedAt: expect.any(String) });
      expect(all.find((x) => x.id === first.id)).toMatchObject({ closedAt: null, acknowledgedBy: 'opa' });
      const late = await call('POST', `/api/alarms/${open[0].id}/acknowledge`, undefined, operator);
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(/closed already \(operation completed/);
      expect((await call('GET', `/api/stations/${encodeURIComponent(ST10)}`, undefined, operator)).body.alarms).toEqual([]);
      const closing = (await call('GET', `/api/audit?entity=operation_alarm&entityId=${open[0].id}`)).body;
      expect(closing).toContainEqual(expect.objectContaining({ action: 'close', actor: 'opa', reason: 'operation completed' }));

      // the journal, and labour booked on the operation
      const kinds = (await call('GET', '/api/orders/SF-1/events')).body.map((e: { kind: string }) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['setup', 'recipe', 'start', 'scrap', 'pause', 'resume', 'andon', 'deviation', 'complete']));
      const from = new Date(Date.now() - 3600_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const labour = (await call('GET', `/api/labour?from=${from}&to=${to}&orderId=SF-1`)).body;
      expect(labour.sessions).toEqual([expect.objectContaining({ username: 'opa', station: ST10, orderId: 'SF-1', seq: 10, open: false })]);
    }, 180_000);

    it('lets only one of two operators set up the same operation, and refuses a machine that cannot run it', async () => {
      await newOrder('SF-2');
      const other = await t.tokenFor(['operator']);
      const [a, b] = await Promise.all([
        call('POST', `${op('SF-2')}/setup`, { equipment: ST10 }, operator),
        call('POST', `${op('SF-2')}/setup`, { equipment: ST10 }, other),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect((a.status === 409 ? a : b).body.error.message).toMatch(/already being set up|busy/);
      const events = (await call('GET', '/api/orders/SF-2/events')).body.filter((e: { kind: string }) => e.kind === 'setup');
      expect(events).toHaveLength(1);

      await newOrder('SF-3');
      const wrong = await call('POST', `${op('SF-3')}/setup`, { equipment: ST20 }, operator);
      expect(wrong.status).toBe(409);
      expect(wrong.body.error.message).toMatch(/cannot run on .*st20/);
      // st10 is busy with SF-2
      const busy = await call('POST', `${op('SF-3')}/setup`, { equipment: ST10 }, operator);
      expect(busy.status).toBe(409);
      expect(busy.body.error.message).toMatch(/busy with operation 10 of order 'SF-2'/);
      // an operation not set up cannot be completed; an unknown one is a 404
      expect((await call('POST', `${op('SF-3')}/complete`, {}, operator)).status).toBe(409);
      expect((await call('POST', `${op('SF-404')}/start`, {}, operator)).status).toBe(404);
      // quality people read but do not run operations
      expect((await call('POST', `${op('SF-3')}/setup`, { equipment: ST10 }, await t.tokenFor(['quality']))).status).toBe(403);
    }, 60_000);

    it('blocks the start when the machine did not confirm the recipe, unless a supervisor overrides it', async () => {
      await newOrder('SF-4');
      await call('POST', `${op('SF-2')}/pause`, { reason: 'priority-change' }, operator);
      await call('POST', `${op('SF-2')}/resume`, undefined, operator);
      // SF-2 still holds st10: complete it to free the machine
      expect((await call('POST', `${op('SF-2')}/start`, {}, operator)).status).toBe(200);
      // two terminals completing at once: one completion, one 409, the lots booked once
      const other = await t.tokenFor(['operator']);
      const done = await Promise.all([call('POST', `${op('SF-2')}/complete`, {}, operator), call('POST', `${op('SF-2')}/complete`, {}, other)]);
      expect(done.map((d) => d.status).sort()).toEqual([200, 409]);
      expect((await call('GET', '/api/orders/SF-2/events')).body.filter((e: { kind: string }) => e.kind === 'complete')).toHaveLength(1);
      const booked = (await t.sql(`SELECT count(*)::int AS n FROM lot_consumptions WHERE order_id = 'SF-2'`)) as Array<{ n: number }>;
      const winner = done.find((d) => d.status === 200)!.body as { backflushed: unknown[] };
      expect(booked[0].n).toBe(winner.backflushed.length);
      expect((await call('POST', `${op('SF-4')}/setup`, { equipment: ST10 }, operator)).status).toBe(200);
      expect((await call('POST', `${op('SF-4')}/start`, {}, operator)).status).toBe(200);
      expect((await call('POST', `${op('SF-4')}/complete`, {}, operator)).status).toBe(200);
      // st20's recipe is a test program; stop the simulator so nothing confirms it
      await sim.stop();
      const setup = await call('POST', `${op('SF-4', 20)}/setup`, { equipment: ST20 }, operator);
      expect(setup.status).toBe(200);
      expect(setup.body.download.status).not.toBe('confirmed');
      const refused = await call('POST', `${op('SF-4', 20)}/start`, {}, operator);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/not confirmed/);
      expect((await call('POST', `${op('SF-4', 20)}/start`, { override: 'tester program loaded by hand' }, operator)).status).toBe(403);
      const supervisor = await t.tokenFor(['supervisor']);
      expect((await call('POST', `${op('SF-4', 20)}/start`, { override: 'tester program loaded by hand' }, supervisor)).status).toBe(200);
      // manual counts where the machine does not count
      const counted = await call('POST', `${op('SF-4', 20)}/quantities`, { kind: 'good', quantity: 40 }, operator);
      expect(counted.body.good).toBe(40);
      const scrap = await call('POST', `${op('SF-4', 20)}/quantities`, { kind: 'scrap', quantity: 3, reason: 'dimension', fromGood: false }, operator);
      expect(scrap.body).toMatchObject({ good: 40, scrap: 3 });
      // by default scrap is added to the counts, so following the defaults never conflicts: more scrap than good parts
      const more = await call('POST', `${op('SF-4', 20)}/quantities`, { kind: 'scrap', quantity: 100, reason: 'dimension' }, operator);
      expect(more.status, JSON.stringify(more.body)).toBe(200);
      expect(more.body).toMatchObject({ good: 40, scrap: 103 });
      // taken from the good count only when asked, and never more than was counted good
      const tooMany = await call('POST', `${op('SF-4', 20)}/quantities`, { kind: 'scrap', quantity: 41, reason: 'dimension', fromGood: true }, operator);
      expect(tooMany.status).toBe(409);
      expect(tooMany.body.error.message).toBe("only 40 good parts are counted on operation 20 of order 'SF-4': 41 cannot be scrapped from them");
      const fromGood = await call('POST', `${op('SF-4', 20)}/quantities`, { kind: 'scrap', quantity: 5, reason: 'dimension', fromGood: true }, operator);
      expect(fromGood.body).toMatchObject({ good: 35, scrap: 108 });
    }, 60_000);
  });
}
