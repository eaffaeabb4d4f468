// Faults the collect path must survive: a broker that restarts, Takt restarting while devices publish, a database that
// goes away, a kill -9 mid-stream, and one device flooding the broker. Real Mosquitto, PostgreSQL and processes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { freePort, startMosquitto, startTaktProcess, stopChild, tcpProxy } from '../support/processes.ts';
import { POSTGRES_URL, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const ST20 = 'acme/lakeside/assembly/line1/st20';

async function torqueCount(t: TestServer, from: number): Promise<number> {
  const rows = (await t.sql(
    `SELECT count(*)::int AS n FROM tag_values v JOIN tag_series s ON s.id = v.series_id JOIN equipment e ON e.id = s.equipment_id
     WHERE e.path = $1 AND s.tag = 'torque' AND v.ts >= to_timestamp($2)`,
    [ST10, from / 1000],
  )) as Array<{ n: number }>;
  return rows[0].n;
}

/** Publishes QoS 1 without waiting; returns the set of indexes acknowledged so far (it grows). */
function stream(c: MqttClient, topic: string, n: number, base: number): Set<number> {
  const acked = new Set<number>();
  for (let i = 0; i < n; i++) c.publish(topic, JSON.stringify({ value: (i % 1000) / 1000, ts: base + i }), { qos: 1 }, (err) => !err && acked.add(i));
  return acked;
}

describe('faults', () => {
  it('external broker: Takt reconnects and resubscribes after the broker restarts, and gets what was published while it was down', async () => {
    const broker = await startMosquitto();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-ext-'));
    const hostId = `takt-ext-${randomBytes(3).toString('hex')}`;
    let t = await startTestServer({ db: 'pglite', dataDir: dir, mqttUrl: broker.url, sparkplugHostId: hostId });
    const dev = await connectMqtt(broker.url, { clientId: `dev-${randomBytes(3).toString('hex')}` });
    const base = Date.now() - 60_000;
    try {
      await publish(dev, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.9, ts: base }));
      await eventually(async () => (await torqueCount(t, base)) === 1);
      // the broker goes away and comes back on the same port
      await broker.stop();
      const again = await startMosquitto(broker.port);
      broker.stop = again.stop;
      await eventually(() => t.mqtt()?.health().connected, 15_000);
      await publish(dev, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.91, ts: base + 1 }));
      await eventually(async () => (await torqueCount(t, base)) === 2, 15_000);
      // Takt stops; devices keep publishing to the broker, which queues for Takt's persistent session
      await t.close();
      for (let i = 2; i < 12; i++) await publish(dev, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.9, ts: base + i }));
      t = await startTestServer({ db: 'pglite', dataDir: dir, mqttUrl: again.url, demo: false, sparkplugHostId: hostId });
      await eventually(async () => (await torqueCount(t, base)) === 12, 15_000);
    } finally {
      await dev.endAsync(true);
      await t.close();
      await broker.stop();
    }
  });

  it('database away: stops acknowledging QoS 1, buffers within its bound, and stores everything once it is back', async () => {
    const proxy = await tcpProxy(5432);
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const t = await startTestServer({ db: 'postgres', databaseUrl: url.toString(), collectMaxBuffered: 50 });
    const dev = await connectMqtt(t.mqttUrl, { password: await t.deviceToken(), username: 'dev' });
    const base = Date.now() - 60_000;
    try {
      await publish(dev, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.9, ts: base - 1 }));
      proxy.cut();
      const acked = stream(dev, `takt/v1/${ST10}/torque`, 200, base);
      await eventually(() => t.collect.pipeline.metrics.flushErrors > 0, 10_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(acked.size).toBe(0); // nothing acknowledged while nothing can be stored
      expect(t.collect.pipeline.metrics.buffered).toBeLessThanOrEqual(50 + 10);
      const health = await t.app.server.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      proxy.restore();
      await eventually(() => acked.size === 200, 30_000);
      expect(await torqueCount(t, base - 1)).toBe(201);
      expect(t.collect.pipeline.metrics.databaseAvailable).toBe(true);
    } finally {
      await dev.endAsync();
      await t.close();
      await proxy.close();
    }
  });

  it('one device flooding the broker does not hold up the others', async () => {
    const t = await startTestServer({ db: 'pglite', collectMaxBuffered: 400 });
    const flood = await connectMqtt(t.mqttUrl, { password: await t.deviceToken(), username: 'flood' });
    const calm = await connectMqtt(t.mqttUrl, { password: await t.deviceToken(), username: 'calm' });
    const base = Date.now() - 120_000;
    try {
      const floodAcks = stream(flood, `takt/v1/${ST10}/torque`, 20_000, base);
      for (let i = 0; i < 5; i++) await publish(calm, `takt/v1/${ST20}/state`, JSON.stringify({ value: i % 2 ? 'Idle' : 'Execute', ts: base + i }));
      expect(floodAcks.size).toBeLessThan(20_000); // the calm device got through while the flood was still queued
      await eventually(() => floodAcks.size === 20_000, 60_000);
      expect(await torqueCount(t, base)).toBe(20_000);
    } finally {
      await flood.endAsync();
      await calm.endAsync();
      await t.close();
    }
  });

  for (const kind of ['pglite', 'postgres'] as const) {
    it(`kill -9 mid-stream on ${kind}: nothing acknowledged is lost, nothing is stored twice`, { timeout: 180_000 }, async () => {
      const schema = `takt_kill_${randomBytes(4).toString('hex')}`;
      const env: Record<string, string> =
        kind === 'pglite'
          ? { TAKT_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'takt-kill-')), TAKT_ADMIN_PASSWORD: 'kill-test-pass' }
          : { DATABASE_URL: POSTGRES_URL, TAKT_DATABASE_SCHEMA: schema, TAKT_ADMIN_PASSWORD: 'kill-test-pass' };
      env.TAKT_DEMO = 'true'; // the demo plant knows the station the device publishes for
      env.TAKT_MQTT_PORT = String(await freePort());
      let takt = await startTaktProcess(env);
      const login = await fetch(`${takt.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'kill-test-pass' }),
      });
      const { token } = await login.json();
      const api = (u: string, init: RequestInit = {}) =>
        fetch(`${takt.url}${u}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      const device = await (await api('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'pub', role: 'device' }) })).json();
      const pub = await connectMqtt(takt.mqttUrl, { clientId: 'kill-pub', clean: false, username: 'pub', password: device.token, reconnectPeriod: 250 });
      const N = 1500;
      const base = Date.now() - 600_000;
      try {
        const acked = stream(pub, `takt/v1/${ST10}/torque`, N, base);
        await eventually(() => acked.size >= 200, 30_000, 5);
        await stopChild(takt.child, 'SIGKILL');
        const ackedBeforeKill = new Set(acked);
        expect(ackedBeforeKill.size).toBeLessThan(N);
        takt = await startTaktProcess(env);
        // mqtt.js resends its unacknowledged messages one at a time after reconnecting
        await eventually(() => acked.size === N, 150_000);
        const res = await api(`/api/equipment/${encodeURIComponent(ST10)}/tags/torque/values?from=${base}&to=${base + N}&limit=100000`);
        const values = (await res.json()) as Array<{ ts: string }>;
        const seen = new Set(values.map((v) => Date.parse(v.ts) - base));
        expect(values.length).toBe(N); // every message once …
        expect(seen.size).toBe(N); // … and none twice
        for (const i of ackedBeforeKill) expect(seen.has(i)).toBe(true);
      } finally {
        await pub.endAsync();
        await stopChild(takt.child, 'SIGTERM');
        if (kind === 'postgres') {
          const c = new pg.Client({ connectionString: POSTGRES_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        }
      }
    });
  }
});
