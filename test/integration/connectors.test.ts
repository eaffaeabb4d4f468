// HTTP ingest and commands back to machines, on PGlite and PostgreSQL.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSparkplug } from '../../src/connectors/sparkplug/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const IMM02 = 'acme/lakeside/moulding/imm-cell1/imm02';

for (const kind of DB_KINDS) {
  describe(`connectors on ${kind}`, () => {
    let t: TestServer;
    let integration: string;
    const call = async (method: string, url: string, body?: unknown, token = t.adminToken, headers: Record<string, string> = {}) => {
      const res = await t.app.server.inject({ method: method as 'POST', url, payload: body as object, headers: { authorization: `Bearer ${token}`, ...headers } });
      return { status: res.statusCode, body: res.json() };
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      integration = (await call('POST', '/api/tokens', { name: 'lims', role: 'integration' })).body.token;
    });
    afterAll(async () => t?.close());

    it('ingests a batch over HTTP, answering per record, idempotent by key', async () => {
      const ts = Date.now() - 30_000;
      const body = {
        key: 'lims-batch-1',
        records: [
          { equipment: ST10, tag: 'torque', ts, value: 0.93 },
          { equipment: ST10, tag: 'torque', ts: new Date(ts + 1000).toISOString(), value: '0.94' },
          { equipment: ST10, tag: 'torque', ts: ts + 2000, value: 'NaN' },
          { equipment: ST10, tag: 'viscosity', ts, value: 3 },
          { equipment: 'acme/nowhere', tag: 'state', value: 'Execute' },
          { equipment: ST10, tag: 'torque', ts: 'last tuesday', value: 1 },
        ],
      };
      const r = await call('POST', '/api/ingest', body, integration);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ key: 'lims-batch-1', replayed: false, accepted: 2, quarantined: 4 });
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['accepted', 'accepted', 'quarantined', 'quarantined', 'quarantined', 'quarantined']);
      expect(r.body.results[3].reason).toMatch(/unknown tag 'viscosity'/);
      expect(r.body.results[5].reason).toMatch(/ts must be/);
      const again = await call('POST', '/api/ingest', body, integration);
      expect(again.body).toMatchObject({ replayed: true, accepted: 2 });
      // the same records under a new key are duplicates, not new values
      const dup = await call('POST', '/api/ingest', { ...body, key: 'lims-batch-2', records: body.records.slice(0, 1) }, integration);
      expect(dup.body.results[0].status).toBe('duplicate');
      const values = await call('GET', `/api/equipment/${encodeURIComponent(ST10)}/tags/torque/values?from=${ts - 1}&to=${ts + 5000}`);
      expect(values.body.map((v: { value: number }) => v.value)).toEqual([0.93, 0.94]);
      expect((await call('POST', '/api/ingest', { records: [] }, integration)).status).toBe(400);
    });

    describe('commands over UNS MQTT', () => {
      let machine: MqttClient;
      let mode: 'obey' | 'refuse' | 'silent' = 'obey';
      beforeAll(async () => {
        machine = await connectMqtt(t.mqttUrl, { username: 'st10', password: await t.deviceToken() });
        await machine.subscribeAsync(`takt/v1/${ST10}/_cmd/+`, { qos: 1 });
        machine.on('message', (topic, payload) => {
          const name = topic.split('/').pop()!;
          const cmd = JSON.parse(payload.toString());
          if (mode === 'silent') return;
          if (mode === 'refuse') return void machine.publish(`${topic}/reply`, JSON.stringify({ id: cmd.id, status: 'rejected', reason: 'door open' }), { qos: 1 });
          const base = `takt/v1/${ST10}`;
          if (name === 'writeParameters') machine.publish(`${base}/_batch`, JSON.stringify({ values: cmd.parameters }), { qos: 1 });
          if (name === 'stop') machine.publish(`${base}/state`, 'Stopped', { qos: 1 });
          if (name === 'start') machine.publish(`${base}/state`, 'Execute', { qos: 1 });
        });
      });
      afterAll(async () => machine?.endAsync());

      it('writes a parameter set and confirms it by reading back', async () => {
        mode = 'obey';
        const r = await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'writeParameters', parameters: { torque: 0.85 }, reason: 'new screw batch' });
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ kind: 'writeParameters', protocol: 'mqtt', status: 'confirmed', readBack: { torque: 0.85 }, requestedBy: 'admin' });
        const history = await call('GET', `/api/equipment/${encodeURIComponent(ST10)}/commands`);
        expect(history.body[0].id).toBe(r.body.id);
        const trail = await call('GET', `/api/audit?entity=machine_command&entityId=${r.body.id}`);
        expect(trail.body.map((a: { action: string }) => a.action)).toEqual(['update', 'create']);
        expect(trail.body[1]).toMatchObject({ reason: 'new screw batch' });
      });

      it('stops and starts a machine, confirmed by the state it reports', async () => {
        mode = 'obey';
        expect((await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'stop' })).body.status).toBe('confirmed');
        expect((await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'start' })).body).toMatchObject({ status: 'confirmed', readBack: { state: 'Execute' } });
      });

      it('records a refusal and a machine that does not answer', async () => {
        mode = 'refuse';
        const refused = await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'stop' });
        expect(refused.body).toMatchObject({ status: 'rejected', detail: 'door open' });
        mode = 'silent';
        const silent = await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'writeParameters', parameters: { torque: 0.5 }, timeoutS: 0.5 });
        expect(silent.body).toMatchObject({ status: 'timed_out' });
        expect((await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'writeParameters' })).status).toBe(400);
        const op = await t.tokenFor(['operator']);
        expect((await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'stop' }, op)).status).toBe(403);
      });
    });

    it('sends Sparkplug DCMD to a Sparkplug machine', async () => {
      const edge = await connectMqtt(t.mqttUrl, { username: 'edge', password: await t.deviceToken() });
      await edge.subscribeAsync('spBv1.0/takt/DCMD/moulding/imm02', { qos: 0 });
      const got = new Promise<Buffer>((resolve) => edge.once('message', (_t, p) => resolve(p)));
      const r = call('POST', `/api/equipment/${encodeURIComponent(IMM02)}/commands`, { command: 'writeParameters', parameters: { SetMeltTemperature: 231 }, timeoutS: 1 });
      const decoded = decodeSparkplug(await got);
      expect(decoded.ok && decoded.payload.metrics.map((m) => m.name)).toEqual(['SetMeltTemperature']);
      expect((await r).body).toMatchObject({ protocol: 'sparkplug', status: 'timed_out' });
      await edge.endAsync();
    });

    it('shows how a machine is connected', async () => {
      await publish(await connectMqtt(t.mqttUrl, { password: await t.deviceToken(), username: 'x' }), `takt/v1/${ST10}/state`, 'Execute');
      const c = await eventually(async () => {
        const r = await call('GET', `/api/equipment/${encodeURIComponent(ST10)}/connections`);
        return r.body.mqtt.lastData ? r.body : undefined;
      });
      expect(c).toMatchObject({ configured: [], mqtt: { broker: { mode: 'embedded', connected: true }, online: true }, connectors: [] });
    });
  });
}
