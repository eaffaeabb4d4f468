// HTTP ingest and commands back to machines, on PGlite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSparkplug } from '../../src/connectors/sparkplug/index.ts';
import { startEuromap63Press, type PressHandle } from '../../src/sim/euromap63/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const IMM02 = 'acme/lakeside/moulding/imm-cell1/imm02';

for (const kind of DB_KINDS) {
  describe(`connectors on ${kind}`, () => {
    let t: TestServer;
    let integration: string;
    const call = async (method: string, url: string, body?: unknown, token = t.adminToken, headers: Record<string, string> = {}) => {
      const res = await t.app.server.inject({
        method: method as 'POST',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
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
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual([
        'accepted',
        'accepted',
        'quarantined',
        'quarantined',
        'quarantined',
        'quarantined',
      ]);
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
          if (mode === 'refuse')
            return void machine.publish(`${topic}/reply`, JSON.stringify({ id: cmd.id, status: 'rejected', reason: 'door open' }), { qos: 1 });
          const base = `takt/v1/${ST10}`;
          if (name === 'writeParameters') machine.publish(`${base}/_batch`, JSON.stringify({ values: cmd.parameters }), { qos: 1 });
          if (name === 'stop') machine.publish(`${base}/state`, 'Stopped', { qos: 1 });
          if (name === 'start') machine.publish(`${base}/state`, 'Execute', { qos: 1 });
        });
      });
      afterAll(async () => machine?.endAsync());

      it('writes a parameter set and confirms it by reading back', async () => {
        mode = 'obey';
        const r = await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, {
          command: 'writeParameters',
          parameters: { torque: 0.85 },
          reason: 'new screw batch',
        });
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
        expect((await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'start' })).body).toMatchObject({
          status: 'confirmed',
          readBack: { state: 'Execute' },
        });
      });

      it('records a refusal and a machine that does not answer', async () => {
        mode = 'refuse';
        const refused = await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, { command: 'stop' });
        expect(refused.body).toMatchObject({ status: 'rejected', detail: 'door open' });
        mode = 'silent';
        const silent = await call('POST', `/api/equipment/${encodeURIComponent(ST10)}/commands`, {
          command: 'writeParameters',
          parameters: { torque: 0.5 },
          timeoutS: 0.5,
        });
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
      const r = call('POST', `/api/equipment/${encodeURIComponent(IMM02)}/commands`, {
        command: 'writeParameters',
        parameters: { SetMeltTemperature: 231 },
        timeoutS: 1,
      });
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

    // Issue #12 item 10: a press that reboots and keeps its session folder lost its jobs; Takt must notice, send them
    // again and count the shots made meanwhile; a press that stops answering is shown stale, not connected and Idle.
    describe('EUROMAP 63 press that restarts keeping its folder', () => {
      let press: PressHandle;
      let root: string;
      let id: string;
      const goodsWithTs = async () =>
        (
          await call(
            'GET',
            `/api/equipment/${id}/tags/good/values?from=${new Date(Date.now() - 600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
          )
        ).body as Array<{ ts: string; value: number }>;
      const goods = async () => (await goodsWithTs()).map((x) => x.value);
      const health = async () => (await call('GET', `/api/equipment/${id}/connections`)).body.connectors[0];

      beforeAll(async () => {
        root = mkdtempSync(path.join(os.tmpdir(), 'takt-em63-'));
        const sessionDir = path.join(root, 'IMM11');
        press = await startEuromap63Press({ sessionDir, speed: 400, seed: 11 });
        const cell = (await call('GET', `/api/equipment/${encodeURIComponent('acme/lakeside/moulding/imm-cell2')}`)).body;
        const created = await call('POST', '/api/equipment', {
          parentId: cell.id,
          extId: 'imm11',
          level: 'machine',
          name: 'IMM 11 (EUROMAP 63)',
          equipmentClass: 'imm',
          connections: [{ protocol: 'euromap63', sessionDir, timezone: 'UTC', responseTimeoutS: 1, pollIntervalMs: 50, staleAfterS: 3 }],
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        id = created.body.id;
      });
      afterAll(async () => {
        await press?.stop();
        rmSync(root, { recursive: true, force: true });
      });

      it('re-sends the jobs and stores the shots; the part count includes those made while the jobs were lost', async () => {
        await eventually(async () => (await health())?.state === 'connected', 30_000);
        await eventually(async () => press.reported().length >= 5 && (await goods()).includes(press.reported().at(-1)!.counter), 30_000);
        const firstStored = Math.min(...(await goods()));
        await press.reboot(150, { keepFolder: true });
        const lastBefore = press.reported().at(-1)!.counter; // the last row written before the reboot
        await eventually(async () => {
          const h = await health();
          return (
            h.reconnects >= 1 &&
            h.state === 'connected' &&
            press.reported().some((r) => r.counter > lastBefore + 1) &&
            (await goods()).includes(press.reported().at(-1)!.counter)
          );
        }, 30_000);
        expect((await health()).lastError).toMatch(/no heartbeat and no report/);
        const stored = await goods();
        const firstAfter = Math.min(...stored.filter((g) => g > lastBefore));
        // every row the press wrote is stored once; the shots made without a job have no row …
        expect(new Set(stored).size).toBe(stored.length);
        expect(stored).toEqual(
          expect.arrayContaining(
            press
              .reported()
              .map((r) => r.counter)
              .filter((c) => c <= Math.max(...stored)),
          ),
        );
        const missing = firstAfter - lastBefore - 1;
        expect(missing).toBeGreaterThan(0);
        expect(stored.filter((g) => g > lastBefore && g < firstAfter)).toEqual([]);
        // … yet they are counted: the deltas of ActCntCyc add up to every shot from the first stored row to the last
        // (up to the newest row read above: the press produces on meanwhile)
        const lastTs = (await goodsWithTs()).find((v) => v.value === Math.max(...stored))!.ts;
        const counts = await eventually(async () => {
          const rows = (await t.sql(
            `SELECT delta::int AS d FROM production_counts WHERE equipment_id = $1 AND kind = 'good' AND ts <= $2::timestamptz ORDER BY ts`,
            [id, lastTs],
          )) as Array<{ d: number }>;
          const sum = rows.reduce((a, r) => a + r.d, 0);
          return sum === Math.max(...stored) - firstStored ? rows.map((r) => r.d) : undefined;
        }, 15_000);
        expect(counts).toContain(missing + 1);
        // and the press was never shown Idle while its shots went unreported
        const states = (await call('GET', `/api/equipment/${id}/states`)).body as Array<{ state: string }>;
        expect(states.map((x) => x.state)).not.toContain('Idle');
      });

      it('shows a press that stops answering as stale, the machine Unknown', async () => {
        press.hang(Infinity);
        await eventually(async () => (await health()).state === 'stale', 30_000);
        const tile = await eventually(async () => {
          const tiles = (await call('GET', '/api/live/machines')).body as Array<{ equipmentId: string; state: string; online: boolean }>;
          const m = tiles.find((x) => x.equipmentId === id);
          return m && !m.online ? m : undefined;
        }, 15_000);
        expect(tile?.state).toBe('Unknown');
        press.hang(0);
        await eventually(async () => (await health()).state === 'connected', 30_000);
      });
    });
  });
}
