// The stop loop's fast path on PGlite and PostgreSQL (docs/quality.md, "Latency"): an in-line value collect has just
// accepted stops the machine before it is stored, and the stored evaluation takes that stop as its reaction (one stop,
// one episode); a value collect quarantines on arrival (a conflict, outside the valid range) never stops the machine; a value the stop was sent on that
// collect then does not store (its instant holds a different value in the database) leaves the stop standing and is
// recorded as an "unstored" reaction with its NCR saying so.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityModule } from '../../src/quality/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const eventuallyDefined = async <T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> => {
  const v = await eventually(probe, ms);
  if (v === undefined) throw new Error('never came');
  return v;
};
const CHAR = 'TQ-EARLY';

for (const kind of DB_KINDS) {
  describe(`quality stop fast path on ${kind}`, () => {
    let t: TestServer;
    let machine: MqttClient;
    const stops: string[] = [];
    const ok = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'GET', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.body ? res.json() : undefined;
    };
    const settled = () => (t.app.modules.get('quality') as QualityModule).settled();
    const health = async () => (await ok('GET', '/api/health'))['quality-reactions'] as { earlyStops: number; unstored: number };
    const reactions = async () => (await ok('GET', `/api/quality/reactions?characteristic=${CHAR}`)) as Array<Record<string, unknown>>;
    const measurements = async () => (await t.sql(`SELECT ts, value FROM quality_measurements WHERE characteristic = $1`, [CHAR])) as Array<{ value: number }>;
    const send = (value: number, ts: number) => publish(machine, `takt/v1/${ST10}/torque`, JSON.stringify({ value, ts }));
    const releaseAll = async () => {
      for (const h of (await ok('GET', '/api/quality/holds?status=open')) as Array<{ id: string }>)
        await ok('POST', `/api/quality/holds/${h.id}/release`, { reason: 'checked, bit replaced' });
    };
    let base = 0;

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      machine = await connectMqtt(t.mqttUrl, { username: 'st10', password: await t.deviceToken() });
      await machine.subscribeAsync(`takt/v1/${ST10}/_cmd/+`, { qos: 1 });
      machine.on('message', (topic, payload) => {
        if (topic.split('/').pop() !== 'stop') return;
        stops.push(JSON.parse(payload.toString()).id);
        machine.publish(`takt/v1/${ST10}/state`, 'Stopped', { qos: 1 });
      });
      await machine.publishAsync(`takt/v1/${ST10}/state`, 'Execute', { qos: 1 });
      await ok('POST', '/api/quality/characteristics', {
        id: CHAR,
        name: 'Screw torque fast path',
        product: 'S200',
        operationSeq: 10,
        kind: 'variable',
        unit: 'Nm',
        nominal: 0.9,
        lsl: 0.8,
        usl: 1.0,
        chart: 'i-mr',
      });
      await ok('PUT', `/api/quality/characteristics/${CHAR}/machine-tag`, { equipment: ST10, tag: 'torque' });
      await ok('PUT', `/api/quality/characteristics/${CHAR}/reaction-plan`, { onSpec: true, rules: [], action: 'stop' });
      base = Date.now() - 600_000;
    }, 60_000);

    afterAll(async () => {
      await machine?.endAsync();
      await t?.close();
    });

    it('stops on the accepted value and makes that stop the stored reaction: one stop, one episode', async () => {
      const before = await health();
      await send(1.42, base + 1000);
      const reaction = await eventuallyDefined(async () => {
        await settled();
        const [r] = await reactions();
        return r?.commandStatus ? r : undefined;
      }, 20_000);
      expect(reaction).toMatchObject({ trigger: 'spec', value: 1.42, actions: ['alarm', 'hold', 'stop'], commandStatus: 'confirmed', unstored: null });
      expect(reaction.measurementId).toEqual(expect.any(Number));
      expect(stops).toEqual([reaction.commandId]);
      expect((await health()).earlyStops).toBe(before.earlyStops + 1);
      // further bad values while held: linked, no second stop
      await send(1.6, base + 2000);
      await eventually(async () => (await settled(), (await reactions())[0].linked === 1), 15_000);
      expect(stops).toHaveLength(1);
      expect(await reactions()).toHaveLength(1);
      await releaseAll();
    });

    it('never stops on a value collect quarantines on arrival', async () => {
      const before = await health();
      const stopped = stops.length;
      await send(0.91, base + 3000);
      await eventually(async () => (await settled(), (await measurements()).length === 3), 15_000);
      const quarantined = t.collect.pipeline.metrics.quarantined;
      // the same instant with a different value: collect keeps it in quarantine, so it is no measurement and no stop
      await send(1.42, base + 3000);
      await eventually(async () => t.collect.pipeline.metrics.quarantined > quarantined, 15_000);
      await send(0.92, base + 4000);
      await eventually(async () => (await settled(), (await measurements()).length === 4), 15_000);
      expect(stops).toHaveLength(stopped);
      expect((await health()).earlyStops).toBe(before.earlyStops);
      expect(await reactions()).toHaveLength(1);
      expect(
        ((await t.sql(`SELECT count(*)::int AS n FROM quality_measurements WHERE characteristic = $1 AND value = 1.42`, [CHAR])) as Array<{ n: number }>)[0].n,
      ).toBe(1);
    });

    it('keeps the stop of a value collect then does not store, and records it as unstored with an NCR', async () => {
      const at = base + 5000;
      // the database already holds another value at that instant (written behind collect's back): the flush finds the
      // conflict after the value was accepted and the stop sent
      await t.sql(
        `INSERT INTO tag_values (series_id, ts, num) SELECT s.id, $1::timestamptz, 0.9 FROM tag_series s JOIN equipment e ON e.id = s.equipment_id
         WHERE e.path = $2 AND s.tag = 'torque'`,
        [new Date(at).toISOString(), ST10],
      );
      const stopped = stops.length;
      await send(1.55, at);
      const reaction = await eventuallyDefined(async () => {
        await settled();
        const r = (await reactions()).find((x) => x.value === 1.55);
        return r?.commandStatus ? r : undefined;
      }, 20_000);
      expect(reaction).toMatchObject({ measurementId: null, trigger: 'spec', commandStatus: 'confirmed', equipment: ST10, actions: ['alarm', 'hold', 'stop'] });
      expect(reaction.unstored).toMatch(/^collect did not store it: torque: a different value \(0\.9\) is already stored/);
      expect(reaction.summary).toMatch(/the value was not stored/);
      expect(stops).toHaveLength(stopped + 1);
      expect(stops.at(-1)).toBe(reaction.commandId);
      const holds = (await ok('GET', '/api/quality/holds?status=open')) as Array<{ kind: string; reaction: string }>;
      expect(holds.map((h) => `${h.kind} ${h.reaction}`)).toEqual([`machine ${reaction.id}`]);
      expect((await measurements()).map((m) => m.value)).not.toContain(1.55);
      const ncr = await eventuallyDefined(async () => {
        const list = (await ok('GET', '/api/quality/ncrs?source=check')) as Array<{ reactionId: string | null; id: string }>;
        return list.find((n) => n.reactionId === reaction.id);
      }, 15_000);
      const full = await ok('GET', `/api/quality/ncrs/${ncr.id}`);
      expect(full).toMatchObject({ measurementId: null, equipment: ST10 });
      expect(full.description).toMatch(/the value was not stored: collect did not store it/);
      expect((await health()).unstored).toBeGreaterThanOrEqual(1);
      await releaseAll();
    });

    it('never stops on a value outside the valid range of its tag (collect quarantines it on arrival)', async () => {
      const stopped = stops.length;
      const before = await health();
      const quarantined = t.collect.pipeline.metrics.quarantined;
      await send(25, base + 6000); // torque's valid range in the plant model is [0, 20] Nm; the USL is 1.0
      await eventually(async () => t.collect.pipeline.metrics.quarantined > quarantined, 15_000);
      const [q] = (await t.sql(`SELECT reason FROM quarantine ORDER BY received_at DESC LIMIT 1`)) as Array<{ reason: string }>;
      expect(q.reason).toMatch(/outside the valid range/);
      await send(0.93, base + 7000);
      await eventually(async () => (await settled(), (await measurements()).length === 5), 15_000);
      expect(stops).toHaveLength(stopped);
      expect((await health()).earlyStops).toBe(before.earlyStops);
      expect(await reactions()).toHaveLength(2);
    });
  });
}
