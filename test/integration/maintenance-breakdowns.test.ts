// Corrective maintenance on PGlite and PostgreSQL (docs/maintenance.md "Corrective work orders"): a breakdown published
// over MQTT (embedded broker) opens a corrective work order pre-filled with the machine, the stop, its alarm code and
// reason; a short stop, or one under a machine's longer threshold, opens none; never two for one stop; a person's
// order with a stopId is checked against the machine's stops; the settings validate (bounded fuzz); a machine with a
// corrective order in progress refuses setup with 409 naming it, and allows it again once the work is done.
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOrder, WorkOrderDetail } from '../../src/maintenance/index.ts';
import { parsePlantFile } from '../../src/plant/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer, injectApi } from '../support/server.ts';
import { FAILURE_CODES } from '../support/maintenance.ts';

const M1 = 'bd/m1';
const M2 = 'bd/m2';
const M3 = 'bd/m3';
const M4 = 'bd/m4';
const M5 = 'bd/m5';

const machine = (id: string) => ({ id, level: 'machine', name: id.toUpperCase(), properties: { commissionedAt: { value: '2020-01-01T00:00:00Z' } } });
const PLANT = parsePlantFile(
  JSON.stringify({
    version: 1,
    materials: [{ id: 'bd-resin', name: 'Resin', unit: 'kg' }],
    equipment: [{ id: 'bd', level: 'enterprise', name: 'BD', children: ['m1', 'm2', 'm3', 'm4', 'm5'].map(machine) }],
    products: [
      {
        id: 'bd-part',
        name: 'Part',
        routing: [{ seq: 10, name: 'mould', workCenter: M4, idealCycleTimeS: 10, bom: [{ materialId: 'bd-resin', quantity: 1 }] }],
      },
    ],
  }),
);

const CODES = FAILURE_CODES;

for (const kind of DB_KINDS) {
  describe(`corrective maintenance on ${kind}`, () => {
    let t: TestServer;
    let device: MqttClient;
    const tokens: Record<string, string> = {};
    const { call, ok } = injectApi(() => t);
    const ordersOf = async (equipment: string) => (await ok('GET', `/api/maintenance/work-orders?equipment=${encodeURIComponent(equipment)}`)) as WorkOrder[];
    /** a machine's value over MQTT at an instant (epoch ms), acknowledged by the broker */
    const send = (path: string, tag: string, value: string, ts: number) => publish(device, `takt/v1/${path}/${tag}`, JSON.stringify({ value, ts }));

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: false });
      await ok('POST', '/api/plant/import', PLANT);
      for (const role of ['operator', 'maintenance', 'supervisor']) tokens[role] = await t.tokenFor([role]);
      device = await connectMqtt(t.mqttUrl, { username: 'bd-device', password: await t.deviceToken() });
    }, 60_000);
    afterAll(async () => {
      await device?.endAsync();
      await t?.close();
    });

    it('validates and keeps the breakdown threshold: plant-wide and per machine, maintenance or admin only', async () => {
      expect(await ok('GET', '/api/maintenance/settings')).toMatchObject({ thresholdS: 600, enabled: true, machines: [] });
      const body = {
        thresholdS: 60,
        enabled: true,
        machines: [
          { equipment: M3, thresholdS: 3600 },
          { equipment: M4, thresholdS: 60, enabled: false },
        ],
      };
      expect((await call('PUT', '/api/maintenance/settings', body, tokens.operator)).status).toBe(403);
      const bad = await call('PUT', '/api/maintenance/settings', { ...body, machines: [{ equipment: 'bd/nope', thresholdS: 60 }] }, tokens.maintenance);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('machines.0.equipment');
      expect((await call('PUT', '/api/maintenance/settings', { ...body, machines: [{ equipment: 'bd', thresholdS: 60 }] })).status).toBe(400);
      expect((await call('PUT', '/api/maintenance/settings', { ...body, thresholdS: 5 })).status).toBe(400);
      expect((await call('PUT', '/api/maintenance/settings', { ...body, machines: [...body.machines, { equipment: M3, thresholdS: 70 }] })).status).toBe(400);
      const saved = await ok('PUT', '/api/maintenance/settings', body, tokens.maintenance);
      expect(saved).toMatchObject({
        thresholdS: 60,
        enabled: true,
        updatedBy: expect.any(String),
        machines: [
          { equipment: M3, thresholdS: 3600, enabled: true },
          { equipment: M4, thresholdS: 60, enabled: false },
        ],
      });
      expect(await ok('GET', '/api/maintenance/settings')).toEqual(saved);
      const audit = (await ok('GET', '/api/audit?entity=maintenance.breakdown_settings')) as unknown[];
      expect(audit.length).toBeGreaterThan(0);
    });

    it('answers every random settings body with 200 or 400, never 500 (bounded fuzz)', async () => {
      const value = fc.oneof(fc.integer({ min: -10, max: 700_000 }), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.constant(M2));
      const entry = fc.dictionary(fc.constantFrom('equipment', 'thresholdS', 'enabled', 'junk'), value);
      await fc.assert(
        fc.asyncProperty(
          fc.record({ thresholdS: value, enabled: value, machines: fc.oneof(fc.array(entry, { maxLength: 3 }), value), junk: value }, { requiredKeys: [] }),
          async (body) => {
            const res = await call('PUT', '/api/maintenance/settings', body, tokens.maintenance);
            expect([200, 400]).toContain(res.status);
          },
        ),
        { numRuns: 40 },
      );
      // back to the settings the next tests rely on
      await ok('PUT', '/api/maintenance/settings', {
        thresholdS: 60,
        enabled: true,
        machines: [
          { equipment: M3, thresholdS: 3600 },
          { equipment: M4, thresholdS: 60, enabled: false },
        ],
      });
    });

    it('opens one corrective work order for a breakdown published over MQTT, pre-filled; none for a short stop or under the threshold', async () => {
      await ok('PUT', '/api/performance/alarm-reasons', { scope: 'machine', target: M1, alarmCode: 'E205', reasonId: 'breakdown.mechanical' });
      const now = Date.now();
      // M2: a short stop (5 s, ended) under the plant's 60 s
      await send(M2, 'state', 'Execute', now - 20_000);
      await send(M2, 'state', 'Held', now - 10_000);
      await send(M2, 'state', 'Execute', now - 5_000);
      // M3: down for 100 s, under its own 3600 s
      await send(M3, 'state', 'Execute', now - 200_000);
      await send(M3, 'state', 'Held', now - 100_000);
      // M1: down for 100 s with alarm E205, over the plant's 60 s
      await send(M1, 'state', 'Execute', now - 200_000);
      await send(M1, 'alarm', 'E205', now - 100_000);
      await send(M1, 'state', 'Held', now - 100_000);
      const w = await eventually(async () => (await ordersOf(M1))[0], 20_000);
      const stopStart = new Date(now - 100_000).toISOString();
      expect(w).toMatchObject({
        kind: 'corrective',
        origin: 'breakdown',
        status: 'requested',
        equipment: M1,
        stopId: stopStart,
        stopStart,
        alarmCode: 'E205',
        stopReason: 'Mechanical failure',
        createdBy: 'system',
      });
      expect(w.description).toContain('E205');
      // the machine's stops name the same stop
      const stops = (await ok('GET', `/api/performance/stops?equipment=${encodeURIComponent(M1)}`)) as Array<{ start: string; ongoing: boolean }>;
      expect(stops.at(-1)).toMatchObject({ start: stopStart, ongoing: true });
      // the checks run one after another: M2's and M3's ran before M1's
      expect(await ordersOf(M2)).toEqual([]);
      expect(await ordersOf(M3)).toEqual([]);

      // more data of the same stop (Held → Stopped, the alarm again) never opens a second order for it
      await send(M1, 'state', 'Stopped', now - 50_000);
      await send(M1, 'alarm', 'E205', now - 40_000);
      await send(M1, 'state', 'Held', now - 30_000);
      await send(M2, 'state', 'Execute', now - 1_000); // a later check in the same queue
      await eventually(async () => (await ok('GET', `/api/performance/stops?equipment=${encodeURIComponent(M1)}`)).length > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect((await ordersOf(M1)).map((x) => x.id)).toEqual([w.id]);

      // a person calling maintenance for the same stop is told which order has it
      const again = await call('POST', '/api/maintenance/work-orders', { equipment: M1, kind: 'corrective', description: 'still down', stopId: stopStart });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain(w.id);
    });

    it('opens the order of a long breakdown that had already ended when its data arrived (one late batch)', async () => {
      const now = Date.now();
      const records = (
        [
          ['Execute', now - 400_000],
          ['Held', now - 300_000],
          ['Execute', now - 200_000],
        ] as const
      ).map(([value, ts]) => ({ equipment: M5, tag: 'state', value, ts }));
      await ok('POST', '/api/ingest', { records });
      const w = await eventually(async () => (await ordersOf(M5))[0], 20_000);
      expect(w).toMatchObject({ origin: 'breakdown', stopStart: new Date(now - 300_000).toISOString(), alarmCode: null });
    });

    it('checks a stopId against the machine: 400 not a time, 404 no such stop of this machine, 201 pre-filled from a real stop', async () => {
      const base = { kind: 'corrective', description: 'call maintenance' };
      const notTime = await call('POST', '/api/maintenance/work-orders', { ...base, equipment: M2, stopId: 'yesterday' });
      expect(notTime.status).toBe(400);
      expect(JSON.stringify(notTime.body)).toContain('stopId');
      const m3Stop = ((await ok('GET', `/api/performance/stops?equipment=${encodeURIComponent(M3)}`)) as Array<{ start: string }>).at(-1)!.start;
      // M3's stop is not M2's
      expect((await call('POST', '/api/maintenance/work-orders', { ...base, equipment: M2, stopId: m3Stop })).status).toBe(404);
      const made = (await ok('POST', '/api/maintenance/work-orders', { ...base, equipment: M3, stopId: m3Stop }, tokens.operator)) as WorkOrderDetail;
      expect(made).toMatchObject({ origin: 'manual', equipment: M3, stopId: m3Stop, stopStart: m3Stop, alarmCode: null, createdBy: expect.any(String) });
    });

    it('refuses setting up work on a machine under repair with 409 naming the work order, and allows it once the work is done', async () => {
      await ok('POST', '/api/orders', { id: 'BD-1', product: 'bd-part', quantity: 10 });
      await ok('POST', '/api/orders/BD-1/release');
      const w = (await ok('POST', '/api/maintenance/work-orders', { equipment: M4, kind: 'corrective', description: 'clamp leaks' })) as WorkOrderDetail;
      // requested: not under repair yet
      expect(await ok('GET', '/api/maintenance/under-repair')).toEqual([]);
      await ok('POST', `/api/maintenance/work-orders/${w.id}/status`, { to: 'in_progress' }, tokens.maintenance);
      expect(await ok('GET', '/api/maintenance/under-repair')).toEqual([
        { equipmentId: w.equipmentId, equipment: M4, workOrder: expect.objectContaining({ id: w.id, status: 'in_progress' }) },
      ]);
      const refused = await call('POST', '/api/operations/BD-1/10/setup', { equipment: M4 }, tokens.operator);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(w.id);
      expect(refused.body.error.message).toContain('under repair');
      // a corrective order is done only with its failure codes (technician work)
      await ok('PUT', `/api/maintenance/work-orders/${w.id}/failure-codes`, CODES, tokens.maintenance);
      await ok('POST', `/api/maintenance/work-orders/${w.id}/status`, { to: 'done' }, tokens.maintenance);
      expect(await ok('GET', '/api/maintenance/under-repair')).toEqual([]);
      await ok('POST', '/api/operations/BD-1/10/setup', { equipment: M4 }, tokens.operator);
      // under repair again while set up: starting and resuming are refused, pausing is not
      const w2 = (await ok('POST', '/api/maintenance/work-orders', { equipment: M4, kind: 'corrective', description: 'again' })) as WorkOrderDetail;
      await ok('POST', `/api/maintenance/work-orders/${w2.id}/status`, { to: 'in_progress' }, tokens.maintenance);
      const start = await call('POST', '/api/operations/BD-1/10/start', {}, tokens.operator);
      expect(start.status).toBe(409);
      expect(start.body.error.message).toContain(w2.id);
      // a corrective order is done only with its failure codes (technician work)
      await ok('PUT', `/api/maintenance/work-orders/${w2.id}/failure-codes`, CODES, tokens.maintenance);
      await ok('POST', `/api/maintenance/work-orders/${w2.id}/status`, { to: 'done' }, tokens.maintenance);
      await ok('POST', '/api/operations/BD-1/10/start', {}, tokens.operator);
    });
  });
}
