// Hardening of the machine-facing boundaries (issue #11 items 2, 6, 12): no machine input ends the process, packet
// size limits before and after sign-in, and device tokens scoped to their equipment on every MQTT namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const deep = (n: number, inner = '1') => '{"value":'.repeat(n) + inner + '}'.repeat(n);

for (const kind of DB_KINDS) {
  describe(`MQTT hardening on ${kind}`, () => {
    let t: TestServer;
    const call = async (method: string, url: string, body?: unknown, token = t.adminToken) => {
      const res = await t.app.server.inject({ method: method as 'POST', url, payload: body as object, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const quarantined = async (topic: string) =>
      ((await call('GET', `/api/quarantine?from=${Date.now() - 600_000}&limit=100000`)).body as { topic: string; reason: string }[]).filter((r) => r.topic === topic);

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
    });
    afterAll(async () => t?.close());

    it('survives a JSON value nested 10,000 deep from a machine and quarantines it with its reason', async () => {
      const machine = await connectMqtt(t.mqttUrl, { username: 'st10', password: await t.deviceToken() });
      const topic = `takt/v1/${ST10}/torque`;
      await publish(machine, topic, deep(10_000), 1).catch(() => undefined);
      await publish(machine, topic, deep(10_000), 0).catch(() => undefined);
      const rows = await eventually(async () => ((await quarantined(topic)).length >= 2 ? quarantined(topic) : undefined));
      expect(rows![0].reason).toMatch(/nested deeper than/);
      // the process and both protocols still serve
      await publish(machine, `takt/v1/${ST10}/state`, 'Execute', 1);
      expect((await call('GET', '/api/health')).status).toBe(200);
      await machine.endAsync();
    });
  });
}
