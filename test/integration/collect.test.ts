// Machine data through the embedded broker into the pipeline and back out of the API, on PGlite and PostgreSQL.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSparkplug } from '../../src/connectors/sparkplug/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const ST10 = 'acme/lakeside/assembly/line1/st10';

for (const kind of DB_KINDS) {
  describe(`collect on ${kind}`, () => {
    let t: TestServer;
    let dev: MqttClient;
    const get = async (url: string) => {
      const res = await t.app.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${t.adminToken}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const idOf = async (path: string) => (await get(`/api/equipment/${encodeURIComponent(path)}`)).id as string;
    const since = new Date(Date.now() - 3_600_000).toISOString();

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      dev = await connectMqtt(t.mqttUrl, { username: 'press', password: await t.deviceToken(), clientId: `dev-${kind}` });
    });
    afterAll(async () => {
      await dev?.endAsync();
      await t?.close();
    });

    it('stores UNS values, derives state intervals and counts', async () => {
      const base = Date.now() - 60_000;
      await publish(dev, `takt/v1/${IMM01}/state`, JSON.stringify({ value: 'Execute', ts: base }));
      await publish(dev, `takt/v1/${IMM01}/good`, JSON.stringify({ value: 100, ts: base + 1000 }));
      await publish(
        dev,
        `takt/v1/${IMM01}/_batch`,
        JSON.stringify({ ts: base + 23_000, values: { good: 101, scrap: 0, meltTemperature: 231.5, cycle_time: 22.1 } }),
      );
      await publish(dev, `takt/v1/${IMM01}/state`, JSON.stringify({ value: 11, ts: base + 30_000 })); // 11 = Held
      await publish(dev, `takt/v1/${IMM01}/good`, JSON.stringify({ value: 104, ts: base + 40_000 }));
      const id = await idOf(IMM01);
      const values = await get(`/api/equipment/${id}/tags/meltTemperature/values?from=${since}`);
      expect(values).toEqual([{ ts: new Date(base + 23_000).toISOString(), value: 231.5 }]);
      const states = await get(`/api/equipment/${id}/states?from=${since}`);
      expect(states).toEqual([
        { state: 'Execute', bucket: 'apt', start: new Date(base).toISOString(), end: new Date(base + 30_000).toISOString() },
        { state: 'Held', bucket: 'adet', start: new Date(base + 30_000).toISOString(), end: null },
      ]);
      const counts = await t.sql(`SELECT kind, sum(delta)::int AS n FROM production_counts WHERE equipment_id = $1 GROUP BY kind ORDER BY kind`, [id]);
      expect(counts).toEqual([{ kind: 'good', n: 4 }]);
      const tags = await get(`/api/equipment/${id}/tags`);
      expect(tags.find((x: { tag: string }) => x.tag === 'good').latest.value).toBe(104);
      // the live tile shows the state with its counts
      const tile = (await get('/api/live/machines')).find((x: { path: string }) => x.path === IMM01);
      expect(tile).toMatchObject({ state: 'Held', bucket: 'adet', online: true });
    });

    it('quarantines bad data with a reason, and counts it', async () => {
      const now = Date.now();
      const bad: Array<[string, string, RegExp]> = [
        [`takt/v1/${IMM01}/meltTemperature`, '{"value": 230,', /malformed JSON/],
        [`takt/v1/${IMM01}/meltTemperature`, '"hot"', /expected a number/],
        [`takt/v1/${IMM01}/meltTemperature`, 'NaN', /not a finite number/],
        [`takt/v1/${IMM01}/meltTemperature`, '9999', /outside the valid range \[0, 450\]/],
        [`takt/v1/${IMM01}/meltTemperature`, JSON.stringify({ value: 230, ts: now + 86_400_000 }), /in the future/],
        [`takt/v1/${IMM01}/meltTemperature`, JSON.stringify({ value: 230, ts: '1999-12-31T23:00:00Z' }), /before 2000/],
        [`takt/v1/${IMM01}/good`, '-5', /whole number/],
        [`takt/v1/${IMM01}/state`, 'Running', /not a PackML state/],
        [`takt/v1/${IMM01}/colour`, '3', /unknown tag 'colour'/],
        ['takt/v1/acme/lakeside/moulding/imm99/state', 'Execute', /unknown equipment/],
      ];
      for (const [topic, payload] of bad) await publish(dev, topic, payload);
      const q = await get(`/api/quarantine?from=${new Date(now - 1000).toISOString()}`);
      for (const [topic, payload, reason] of bad) {
        const hit = q.find((r: { topic: string; reason: string; payload: string }) => r.topic === topic && reason.test(r.reason));
        expect(hit, `${topic} ${payload}`).toBeDefined();
      }
      expect(q[0]).toMatchObject({
        receivedAt: expect.any(String),
        source: expect.stringMatching(/^mqtt:/),
        topic: expect.any(String),
        reason: expect.any(String),
        payload: expect.any(String),
      });
      const csv = await t.app.server.inject({
        method: 'GET',
        url: `/api/quarantine?format=csv&from=${new Date(now - 1000).toISOString()}`,
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect(csv.body.split('\r\n')[0]).toBe('receivedAt,source,topic,equipmentPath,reason,payload');
      expect((await get('/api/collect/metrics')).quarantined).toBeGreaterThanOrEqual(bad.length);
      const health = (await t.app.server.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health).toMatchObject({
        status: 'ok',
        collect: { quarantined: expect.any(Number), databaseAvailable: true },
        mqtt: { mode: 'embedded', connected: true },
      });
    });

    it('stores a duplicate once and quarantines a conflicting value for the same instant', async () => {
      const ts = Date.now() - 5000;
      const id = await idOf(ST10);
      for (let i = 0; i < 3; i++) await publish(dev, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.91, ts, seq: 5 }));
      await publish(dev, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.95, ts }));
      const v = await get(`/api/equipment/${id}/tags/torque/values?from=${new Date(ts - 1).toISOString()}`);
      expect(v).toEqual([{ ts: new Date(ts).toISOString(), value: 0.91 }]);
      const q = await get(`/api/quarantine?equipment=${ST10}&from=${new Date(ts - 1000).toISOString()}`);
      expect(q.some((r: { reason: string }) => /different value \(0\.91\)/.test(r.reason))).toBe(true);
    });

    it('keeps late data in history without changing the current state, and rebuilds the intervals it touches', async () => {
      const id = await idOf(ST10);
      const t0 = Date.now() - 50_000;
      await publish(dev, `takt/v1/${ST10}/state`, JSON.stringify({ value: 'Execute', ts: t0 }));
      await publish(dev, `takt/v1/${ST10}/state`, JSON.stringify({ value: 'Idle', ts: t0 + 20_000 }));
      // arrives late: a stop between the two
      await publish(dev, `takt/v1/${ST10}/state`, JSON.stringify({ value: 'Aborted', ts: t0 + 10_000 }));
      const states = await get(`/api/equipment/${id}/states?from=${new Date(t0 - 1).toISOString()}`);
      expect(states.map((s: { state: string; end: string | null }) => [s.state, s.end])).toEqual([
        ['Execute', new Date(t0 + 10_000).toISOString()],
        ['Aborted', new Date(t0 + 20_000).toISOString()],
        ['Idle', null],
      ]);
      const tile = (await get('/api/live/machines')).find((x: { path: string }) => x.path === ST10);
      expect(tile.state).toBe('Idle');
    });

    it('takes Sparkplug B births and data by alias, and marks devices offline on death', async () => {
      const sp = await connectMqtt(t.mqttUrl, { username: 'edge', password: await t.deviceToken(), clientId: `edge-${kind}` });
      const now = Date.now() - 10_000;
      const nb = encodeSparkplug({
        timestamp: now,
        seq: 0,
        metrics: [
          { name: 'bdSeq', datatype: 'Int64', value: 3 },
          { name: 'Node Control/Rebirth', datatype: 'Boolean', value: false },
        ],
      });
      const db = encodeSparkplug({
        timestamp: now,
        seq: 1,
        metrics: [
          { name: 'state', alias: 1, datatype: 'String', value: 'Execute' },
          { name: 'good', alias: 2, datatype: 'Int64', value: 500 },
          { name: 'meltTemperature', alias: 3, datatype: 'Double', value: 228.25 },
        ],
      });
      const dd = encodeSparkplug({
        timestamp: now + 1000,
        seq: 2,
        metrics: [
          { alias: 2, value: 503, datatype: 'Int64', includeDatatype: false },
          { alias: 3, value: 229.5, datatype: 'Double', includeDatatype: false },
        ],
      });
      await publish(sp, 'spBv1.0/takt/NBIRTH/moulding', nb);
      await publish(sp, 'spBv1.0/takt/DBIRTH/moulding/imm02', db);
      await publish(sp, 'spBv1.0/takt/DDATA/moulding/imm02', dd);
      const id = await idOf('acme/lakeside/moulding/imm-cell1/imm02');
      const v = await get(`/api/equipment/${id}/tags/meltTemperature/values?from=${new Date(now - 1).toISOString()}`);
      expect(v.map((x: { value: number }) => x.value)).toEqual([228.25, 229.5]);
      const count = await t.sql(`SELECT sum(delta)::int AS n FROM production_counts WHERE equipment_id = $1`, [id]);
      expect(count).toEqual([{ n: 3 }]);
      // an unmapped device is quarantined, never guessed
      await publish(
        sp,
        'spBv1.0/takt/DBIRTH/moulding/imm77',
        encodeSparkplug({ timestamp: now, seq: 3, metrics: [{ name: 'state', datatype: 'String', value: 'Idle' }] }),
      );
      const q = await get(`/api/quarantine?from=${new Date(now - 1000).toISOString()}`);
      expect(q.some((r: { reason: string; topic: string }) => r.topic.endsWith('imm77') && /unknown Sparkplug/i.test(r.reason))).toBe(true);
      // NDEATH with the birth's bdSeq: the node's devices go offline → Unknown
      await publish(sp, 'spBv1.0/takt/NDEATH/moulding', encodeSparkplug({ timestamp: now + 2000, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 3 }] }));
      await eventually(async () => (await get('/api/live/machines')).find((x: { equipmentId: string }) => x.equipmentId === id).state === 'Unknown');
      // the live view changes at once; the stored interval follows with the next write
      const states = await eventually(async () => {
        const s = await get(`/api/equipment/${id}/states?from=${new Date(now - 1).toISOString()}`);
        return s.at(-1)?.state === 'Unknown' ? s : undefined;
      });
      expect(states.at(-1)).toMatchObject({ state: 'Unknown', bucket: 'unknown', end: null });
      await sp.endAsync();
    });

    it('refuses MQTT clients without a token, and devices publishing outside their equipment', async () => {
      await expect(connectMqtt(t.mqttUrl, { username: 'x', password: 'wrong', reconnectPeriod: 0 })).rejects.toThrow();
      const res = await t.app.server.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${t.adminToken}` },
        payload: { name: 'scoped', role: 'device', equipmentPath: ST10 },
      });
      const scoped = await connectMqtt(t.mqttUrl, { username: 'st10', password: res.json().token, reconnectPeriod: 0 });
      const closed = new Promise<void>((resolve) => scoped.once('close', () => resolve()));
      scoped.publish(`takt/v1/${IMM01}/state`, 'Execute', { qos: 1 });
      await closed; // aedes drops a client whose publish is not authorised (MQTT 3.1.1 has no negative PUBACK)
      scoped.end(true);
    });
  });
}
