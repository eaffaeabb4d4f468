// Hardening of the machine-facing boundaries (issue #11 items 2, 6, 12) with real mqtt.js clients against the
// embedded broker: no machine input ends the process, packet size caps before and after sign-in, and tokens bound
// to equipment scoped on every namespace (UNS, commands, replies, Sparkplug B, STATE).
import net from 'node:net';
import fc from 'fast-check';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSparkplug, type SparkplugMetricInput } from '../../src/connectors/sparkplug/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const MOULDING = 'acme/lakeside/moulding';
const CELL2 = `${MOULDING}/imm-cell2`;
const IMM02 = `${MOULDING}/imm-cell1/imm02`;
const deep = (n: number, inner = '1') => '{"value":'.repeat(n) + inner + '}'.repeat(n);

for (const kind of DB_KINDS) {
  describe(`MQTT hardening on ${kind}`, () => {
    let t: TestServer;
    const call = async (method: string, url: string, body?: unknown, token = t.adminToken, headers: Record<string, string> = {}) => {
      const res = await t.app.server.inject({
        method: method as 'POST',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const quarantined = async (topic: string): Promise<{ topic: string; reason: string; payload: string }[]> =>
      (await call('GET', `/api/quarantine?from=${Date.now() - 600_000}&limit=100000`)).body.filter((r: { topic: string }) => r.topic === topic);
    const tokenFor = async (role: 'device' | 'integration', equipmentPath?: string) =>
      (await call('POST', '/api/tokens', { name: `${role}-${Math.random().toString(36).slice(2)}`, role, equipmentPath })).body.token as string;
    const values = async (path: string, tag: string) =>
      (await call('GET', `/api/equipment/${encodeURIComponent(path)}/tags/${tag}/values?from=${Date.now() - 600_000}&to=${Date.now() + 60_000}`)).body as {
        value: unknown;
      }[];
    /** One QoS 1 publish on a fresh connection: PUBACK, or the broker closes the connection (MQTT 3.1.1 has no NACK). */
    const tryPublish = async (token: string, topic: string, payload: Buffer | string, opts: IClientOptions = {}) => {
      const c = await connectMqtt(t.mqttUrl, { username: 'x', password: token, reconnectPeriod: 0, ...opts });
      const r = await new Promise<'accepted' | 'refused'>((resolve) => {
        c.once('close', () => resolve('refused'));
        c.publish(topic, payload, { qos: 1 }, (err) => resolve(err ? 'refused' : 'accepted'));
      });
      c.end(true);
      return r;
    };
    /** SUBACK return code 0x80 means refused (MQTT 3.1.1 §3.9.3). */
    const trySubscribe = async (token: string, filter: string) => {
      const c = await connectMqtt(t.mqttUrl, { username: 'x', password: token, reconnectPeriod: 0 });
      const granted = await c.subscribeAsync(filter, { qos: 1 }).catch(() => [{ qos: 128 }]);
      c.end(true);
      return granted[0]?.qos === 128 ? 'refused' : 'granted';
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
    });
    afterAll(async () => t?.close());

    it('survives a JSON value nested 10,000 deep from a machine and quarantines it with its reason', async () => {
      const machine = await connectMqtt(t.mqttUrl, { username: 'st10', password: await t.deviceToken() });
      const topic = `takt/v1/${ST10}/torque`;
      await publish(machine, topic, deep(10_000), 1);
      await publish(machine, topic, deep(10_000), 0);
      const rows = await eventually(async () => ((await quarantined(topic)).length >= 2 ? quarantined(topic) : undefined));
      expect(rows!.map((r) => r.reason)).toEqual(['JSON nested deeper than 32 levels', 'JSON nested deeper than 32 levels']);
      expect(rows![0].payload).toMatch(/^\{"value":\{"value":.*… \[cut: 100001 bytes\]$/);
      // the process and both protocols still serve
      await publish(machine, `takt/v1/${ST10}/state`, 'Execute', 1);
      expect((await call('GET', '/api/health')).status).toBe(200);
      await machine.endAsync();
    });

    it('answers a deeply nested HTTP ingest body 400 with a reason, never 500', async () => {
      const token = await tokenFor('integration');
      const body = `{"records":[{"equipment":"${ST10}","tag":"torque","value":${deep(10_000)}}]}`;
      const res = await t.app.server.inject({
        method: 'POST',
        url: '/api/ingest',
        payload: body,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/nested deeper than 32/) });
      // shallow objects and NUL bytes are answered per record
      const ok = await call(
        'POST',
        '/api/ingest',
        {
          records: [
            { equipment: ST10, tag: 'torque', value: { a: [1] } },
            { equipment: ST10, tag: 'torque', value: 'a\u0000b' },
          ],
        },
        token,
      );
      expect(ok.status).toBe(200);
      expect(ok.body.results.map((r: { reason: string }) => r.reason)).toEqual([
        expect.stringMatching(/not a scalar/),
        'value contains control characters (such as NUL)',
      ]);
    });

    it('cuts a client streaming a huge CONNECT before sign-in and keeps serving the others', async () => {
      const port = Number(new URL(t.mqttUrl).port);
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      let written = 0;
      const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
      sock.on('error', () => {});
      // CONNECT with a remaining length of 150 MB (0x10, varint 157286400), then the "body" in 64 KiB chunks
      sock.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x4b]));
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let open = true;
      void closed.then(() => (open = false));
      while (open && written < 150 * 1024 * 1024) {
        if (!sock.write(chunk)) await Promise.race([new Promise((r) => sock.once('drain', r)), closed]);
        written += chunk.length;
      }
      await closed;
      expect(written).toBeLessThan(16 * 1024 * 1024); // cut at the header, not after 150 MB
      // others still connect and are stored
      const machine = await connectMqtt(t.mqttUrl, { username: 'st10', password: await t.deviceToken() });
      await publish(machine, `takt/v1/${ST10}/state`, 'Execute', 1);
      await machine.endAsync();
    });

    it('cuts a signed-in client sending a packet over TAKT_MQTT_MAX_PACKET (1 MiB); nothing is stored', async () => {
      const topic = `takt/v1/${ST10}/bigpayload`;
      expect(await tryPublish(await t.deviceToken(), topic, Buffer.alloc(1024 * 1024 + 10, 0x31))).toBe('refused');
      expect(await tryPublish(await t.deviceToken(), topic, Buffer.alloc(200 * 1024, 0x31))).toBe('accepted');
      expect((await quarantined(topic)).map((r) => r.reason)).toEqual([expect.stringMatching(/unknown tag 'bigpayload'/)]);
    });

    describe('tokens bound to equipment, on every namespace', () => {
      const sparkplug = (seq: number | undefined, metrics: SparkplugMetricInput[]) => encodeSparkplug({ timestamp: Date.now(), seq, metrics });
      const melt = (v: number) => [{ name: 'meltTemperature', datatype: 'Double' as const, value: v }];
      const host = () =>
        t
          .mqtt()!
          .inbound.host.nodes()
          .find((n) => n.node === 'moulding');

      it('its own Sparkplug edge node and devices work', async () => {
        // the moulding edge node serves imm02 (cell 1) and imm03/imm04 (cell 2): only a token for the whole area owns it
        const area = await tokenFor('device', MOULDING);
        expect(await tryPublish(area, 'spBv1.0/takt/NBIRTH/moulding', sparkplug(0, [{ name: 'bdSeq', datatype: 'Int64', value: 0 }]))).toBe('accepted');
        expect(await tryPublish(area, 'spBv1.0/takt/DBIRTH/moulding/imm02', sparkplug(1, melt(230)))).toBe('accepted');
        expect(await tryPublish(area, 'spBv1.0/takt/DDATA/moulding/imm02', sparkplug(2, melt(231)))).toBe('accepted');
        await eventually(async () => (await values(IMM02, 'meltTemperature')).length === 2);
        expect(await trySubscribe(area, 'spBv1.0/takt/NCMD/moulding')).toBe('granted');
        expect(await trySubscribe(area, 'spBv1.0/takt/DCMD/moulding/#')).toBe('granted');
      });

      it('every Sparkplug message type for another machine is refused, and nothing reaches the host or the store', async () => {
        const cell2 = await tokenFor('device', CELL2);
        const before = host()!;
        const other: Record<string, string> = {
          NBIRTH: 'spBv1.0/takt/NBIRTH/moulding', // resets imm02 too
          NDATA: 'spBv1.0/takt/NDATA/moulding',
          NDEATH: 'spBv1.0/takt/NDEATH/moulding',
          NCMD: 'spBv1.0/takt/NCMD/moulding',
          DBIRTH: 'spBv1.0/takt/DBIRTH/moulding/imm02',
          DDATA: 'spBv1.0/takt/DDATA/moulding/imm02',
          DDEATH: 'spBv1.0/takt/DDEATH/moulding/imm02',
          DCMD: 'spBv1.0/takt/DCMD/moulding/imm02',
          STATE: 'spBv1.0/STATE/takt',
        };
        for (const [type, topic] of Object.entries(other)) {
          const payload =
            type === 'STATE'
              ? Buffer.from('{"online":false}')
              : sparkplug(type.endsWith('DEATH') ? undefined : 3, type.endsWith('DEATH') ? [{ name: 'bdSeq', datatype: 'Int64', value: 0 }] : melt(299));
          expect(await tryPublish(cell2, topic, payload), `publish ${type}`).toBe('refused');
          if (type !== 'STATE') expect(await trySubscribe(cell2, topic), `subscribe ${type}`).toBe('refused');
          expect(await tryPublish(cell2, topic, payload), `publish ${type} again`).toBe('refused');
        }
        for (const filter of ['spBv1.0/+/DCMD/#', 'spBv1.0/takt/NCMD/#', 'spBv1.0/takt/DCMD/moulding/+', 'spBv1.0/#', '#'])
          expect(await trySubscribe(cell2, filter), filter).toBe('refused');
        // its own device: data published and commands subscribed; the host's STATE watched (§5.13)
        expect(await tryPublish(cell2, 'spBv1.0/takt/DDATA/moulding/imm03', sparkplug(3, melt(240)))).toBe('accepted');
        expect(await trySubscribe(cell2, 'spBv1.0/takt/DCMD/moulding/imm03')).toBe('granted');
        expect(await trySubscribe(cell2, 'spBv1.0/STATE/+')).toBe('granted');
        // nothing of the refused reached the host (no birth, no death, imm02 online) or the store (no 299)
        const after = host()!;
        expect(after).toMatchObject({ births: before.births, deaths: before.deaths, online: true });
        expect(after.devices.find((d) => d.device === 'imm02')).toMatchObject({ online: true, deaths: 0 });
        expect((await values(IMM02, 'meltTemperature')).map((v) => v.value)).toEqual([230, 231]);
      });

      it('UNS data, command topics and replies of another machine are refused; its own work', async () => {
        const st10 = await tokenFor('device', ST10);
        const cases: [string, 'publish' | 'subscribe', string, 'accepted' | 'refused' | 'granted'][] = [
          ['own data', 'publish', `takt/v1/${ST10}/state`, 'accepted'],
          ['own reply', 'publish', `takt/v1/${ST10}/_cmd/stop/reply`, 'accepted'],
          ['own command', 'publish', `takt/v1/${ST10}/_cmd/stop`, 'refused'],
          ['other data', 'publish', `takt/v1/${IMM02}/state`, 'refused'],
          ['other reply (fake read-back)', 'publish', `takt/v1/${IMM02}/_cmd/writeParameters/reply`, 'refused'],
          ['other command', 'publish', `takt/v1/${IMM02}/_cmd/stop`, 'refused'],
          ['own commands', 'subscribe', `takt/v1/${ST10}/_cmd/+`, 'granted'],
          ['other commands', 'subscribe', `takt/v1/${IMM02}/_cmd/+`, 'refused'],
          ['all commands', 'subscribe', 'takt/v1/+/+/+/+/+/_cmd/#', 'refused'],
          ['everything', 'subscribe', 'takt/v1/#', 'refused'],
        ];
        for (const [what, action, topic, expected] of cases) {
          const got =
            action === 'publish' ? await tryPublish(st10, topic, JSON.stringify({ id: 'x', status: 'ok', value: 'Execute' })) : await trySubscribe(st10, topic);
          expect(got, what).toBe(expected);
        }
        expect(await quarantined(`takt/v1/${IMM02}/state`)).toEqual([]);
      });
    });

    it('fuzz: 200 hostile payloads through the broker and the HTTP route, each answered or quarantined', async () => {
      const machine = await connectMqtt(t.mqttUrl, { username: 'fuzz', password: await t.deviceToken() });
      const integration = await tokenFor('integration');
      const topic = `takt/v1/${ST10}/fuzz`;
      const before = (await quarantined(topic)).length;
      let sent = 0;
      const payload = fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify({ value: v }))),
        fc.integer({ min: 30, max: 5000 }).map((n) => Buffer.from(deep(n))),
        fc.string({ unit: 'binary', maxLength: 100 }).map((s) => Buffer.from(JSON.stringify({ value: s }))),
        fc.integer({ min: 1, max: 300_000 }).map((n) => Buffer.from(`"${'x'.repeat(n)}"`)),
      );
      await fc.assert(
        fc.asyncProperty(
          payload,
          fc.jsonValue({ maxDepth: 3 }),
          fc.integer({ min: 0, max: 60 }),
          fc.jsonValue({ maxDepth: 4 }),
          async (p, value, depth, shape) => {
            await publish(machine, topic, p, 1); // PUBACK: stored or quarantined
            sent++;
            const body = `{"records":[{"equipment":"${ST10}","tag":"fuzz","value":${'['.repeat(depth)}${JSON.stringify(value)}${']'.repeat(depth)}}]}`;
            const res = await t.app.server.inject({
              method: 'POST',
              url: '/api/ingest',
              payload: body,
              headers: { authorization: `Bearer ${integration}`, 'content-type': 'application/json' },
            });
            expect([200, 400]).toContain(res.statusCode);
            if (res.statusCode === 200) expect(res.json().results[0]).toMatchObject({ status: 'quarantined', reason: expect.any(String) });
            else expect(res.json().error.message).toMatch(/nested deeper/);
            // any JSON shape as the whole body: answered with a client error or per record, never 500
            const odd = await t.app.server.inject({
              method: 'POST',
              url: '/api/ingest',
              payload: JSON.stringify(shape) ?? 'null',
              headers: { authorization: `Bearer ${integration}`, 'content-type': 'application/json' },
            });
            expect(odd.statusCode).toBeLessThan(500);
          },
        ),
        { numRuns: 200 },
      );
      // every MQTT message is in quarantine (the tag 'fuzz' is not declared), each with its reason
      const rows = await eventually(async () => {
        const r = (await quarantined(topic)).filter((x) => x.reason);
        return r.length - before >= sent ? r : undefined;
      });
      expect(rows!.length - before).toBeGreaterThanOrEqual(sent);
      await machine.endAsync();
    });
  });
}
