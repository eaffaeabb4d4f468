// Issue #12 item 1: every master-data change, whatever route or command made it, is in force in every module that
// caches master data when the change answers — no debounce, no sleep, no poll in these tests; on PGlite and PostgreSQL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionModule } from '../../src/execution/index.ts';
import type { ConnectorsModule } from '../../src/modules.ts';
import { importPlant, parsePlantFile, type PlantFile } from '../../src/plant/index.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { EventBus } from '../../src/platform/events.ts';
import { tcpProxy } from '../support/processes.ts';
import { DB_KINDS, POSTGRES_URL, startTestServer, type TestServer } from '../support/server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const M1 = 'mdx/s1/l1/m1';
const DAY = 86_400_000;

/** A day two days back (UTC date): its 06:00–14:00 shift is over. */
const pastDay = () => new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);

/** In service long before the test's day: planned from the calendar even before its first data (docs/performance.md). */
const COMMISSIONED = { commissionedAt: { value: '2020-01-01T00:00:00Z' } };

/** A plant of its own: one machine under a one-shift UTC calendar, every day 06:00–14:00 with one break. */
function plantFile(breakEnd: string, machines: string[] = ['m1']): PlantFile {
  return parsePlantFile(
    JSON.stringify({
      version: 1,
      calendars: [
        {
          id: 'mdx-cal',
          name: 'MDX one shift',
          timezone: 'UTC',
          shifts: [{ name: 'Day', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5, 6, 7], breaks: [{ name: 'Lunch', start: '09:00', end: breakEnd }] }],
        },
      ],
      equipment: [
        {
          id: 'mdx',
          level: 'enterprise',
          name: 'MDX',
          calendar: 'mdx-cal',
          children: [
            {
              id: 's1',
              level: 'site',
              name: 'S1',
              children: [
                {
                  id: 'l1',
                  level: 'line',
                  name: 'L1',
                  children: machines.map((m) => ({ id: m, level: 'machine', name: m.toUpperCase(), properties: COMMISSIONED })),
                },
              ],
            },
          ],
        },
      ],
    }),
  );
}

for (const kind of DB_KINDS) {
  describe(`master data in force when the change answers, on ${kind}`, () => {
    let t: TestServer;
    const day = pastDay();
    const at = (hhmm: string) => Date.parse(`${day}T${hhmm}:00Z`);
    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
      const res = await t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    };
    const kpis = (equipment: string) =>
      call(
        'GET',
        `/api/performance/kpis?equipment=${encodeURIComponent(equipment)}&from=${new Date(at('06:00')).toISOString()}&to=${new Date(at('14:00')).toISOString()}`,
      );
    const ingest = (equipment: string, ts: number) => call('POST', '/api/ingest', { records: [{ equipment, tag: 'state', value: 'Execute', ts }] });

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: false, listen: false });
    });
    afterAll(async () => t?.close());

    it('a plant import answers once collect and performance know its machines and its calendar', async () => {
      const imported = await call('POST', '/api/plant/import', plantFile('09:30'));
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      // at once: data for the new machine is stored, not quarantined as unknown equipment
      const stored = await ingest(M1, at('06:00'));
      expect(stored.body).toMatchObject({ accepted: 1, quarantined: 0 });
      // at once: the KPIs know the machine. POT 06:00–14:00 = 28 800 s, break 09:00–09:30 = 1800 s planned downtime,
      // PBT = 28 800 − 1800 = 27 000 s
      const first = await kpis(M1);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.inputs).toMatchObject({ pdotPlanned: 1800, pbtUsed: 27_000 });
      expect(first.body.times.pot).toBe(28_800);

      // the same file with the break to 09:45: 2700 s planned downtime, PBT 26 100 s — at once
      const again = await call('POST', '/api/plant/import', plantFile('09:45'));
      expect(again.status).toBe(200);
      expect(again.body.updated).toEqual({ calendar: 1 });
      const second = await kpis(M1);
      expect(second.body.inputs).toMatchObject({ pdotPlanned: 2700, pbtUsed: 26_100 });
    });

    it('REST edits of equipment and calendars are in force in collect and performance when they answer', async () => {
      const line = (await call('GET', `/api/equipment/${encodeURIComponent('mdx/s1/l1')}`)).body as { id: string };
      const made = await call('POST', '/api/equipment', { parentId: line.id, extId: 'm2', level: 'machine', name: 'M2' });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      // collect's registry
      expect(t.collect.equipment('mdx/s1/l1/m2').id).toBe(made.body.id);
      expect((await ingest('mdx/s1/l1/m2', at('06:00'))).body).toMatchObject({ accepted: 1, quarantined: 0 });
      // performance's plant view: the line now stands for two machines
      const lineKpis = await kpis('mdx/s1/l1');
      expect(lineKpis.status, JSON.stringify(lineKpis.body)).toBe(200);
      expect(lineKpis.body.machines.map((m: { path: string }) => m.path).sort()).toEqual([M1, 'mdx/s1/l1/m2']);

      // a calendar PATCH: the break 09:00–10:00 is 3600 s of planned downtime on the machine
      const cal = (await call('GET', '/api/calendars/mdx-cal')).body as { shifts: Array<Record<string, unknown>> };
      const shifts = cal.shifts.map((s) => ({ ...s, breaks: [{ name: 'Lunch', start: '09:00', end: '10:00' }] }));
      expect((await call('PATCH', '/api/calendars/mdx-cal', { shifts, reason: 'longer lunch' })).status).toBe(200);
      expect((await kpis('mdx/s1/l1/m2')).body.inputs).toMatchObject({ pdotPlanned: 3600, pbtUsed: 25_200 });

      // an equipment PATCH that moves the machine to a calendar of its own (none: no shift, no planned time)
      const bare = await call('POST', '/api/calendars', { id: 'mdx-none', name: 'no shifts', timezone: 'UTC', shifts: [] });
      expect(bare.status, JSON.stringify(bare.body)).toBe(201);
      expect((await call('PATCH', `/api/equipment/${made.body.id}`, { calendarId: 'mdx-none' })).status).toBe(200);
      expect(t.collect.registry.byEquipmentId(made.body.id)?.calendarId).toBe('mdx-none');
      expect((await kpis('mdx/s1/l1/m2')).body.times.pot).toBe(0);

      // a delete: gone from collect (its data is quarantined) and from performance (404) when it answers
      expect((await call('DELETE', `/api/equipment/${made.body.id}`)).status).toBe(204);
      expect((await ingest('mdx/s1/l1/m2', at('07:00'))).body).toMatchObject({ accepted: 0, quarantined: 1 });
      expect((await kpis('mdx/s1/l1/m2')).status).toBe(404);
    });

    it('the connectors start and stop with the connections of the plant model when the edit answers', async () => {
      const manager = (t.app.modules.get('connectors') as ConnectorsModule).manager;
      const m1 = (await call('GET', `/api/equipment/${encodeURIComponent(M1)}`)).body as { id: string };
      const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-md-em63-'));
      try {
        const added = await call('PATCH', `/api/equipment/${m1.id}`, { connections: [{ protocol: 'euromap63', sessionDir: dir }] });
        expect(added.status, JSON.stringify(added.body)).toBe(200);
        expect(manager.health(m1.id).map((h) => h.protocol)).toEqual(['euromap63']);
        expect((await call('PATCH', `/api/equipment/${m1.id}`, { connections: [] })).status).toBe(200);
        expect(manager.health(m1.id)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("execution's run watch follows a machine deleted and imported again (new id) when the import answers", async () => {
      // a running operation with process limits temp 10–20 on mdy/m1 (no recipe: nothing to download)
      const file = parsePlantFile(
        JSON.stringify({
          version: 1,
          materials: [{ id: 'mdy-resin', name: 'Resin', unit: 'kg' }],
          equipment: [
            { id: 'mdy', level: 'enterprise', name: 'MDY', children: [{ id: 'm1', level: 'machine', name: 'M1', tags: [{ name: 'temp', unit: 'C' }] }] },
          ],
          products: [
            {
              id: 'mdy-part',
              name: 'Part',
              routing: [
                {
                  seq: 10,
                  name: 'mould',
                  workCenter: 'mdy/m1',
                  idealCycleTimeS: 10,
                  parameters: [{ name: 'temp', min: 10, max: 20 }],
                  bom: [{ materialId: 'mdy-resin', quantity: 1 }],
                },
              ],
            },
          ],
        }),
      );
      expect((await call('POST', '/api/plant/import', file)).status).toBe(200);
      expect((await call('POST', '/api/orders', { id: 'MDY-1', product: 'mdy-part', quantity: 5 })).status).toBe(201);
      const released = await call('POST', '/api/orders/MDY-1/release');
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      const setup = await call('POST', '/api/operations/MDY-1/10/setup', { equipment: 'mdy/m1' });
      expect(setup.status, JSON.stringify(setup.body)).toBe(200);
      const started = await call('POST', '/api/operations/MDY-1/10/start', {});
      expect(started.status, JSON.stringify(started.body)).toBe(200);

      // the machine leaves the plant model and comes back from the plant file: same path, a new id
      const old = (await call('GET', `/api/equipment/${encodeURIComponent('mdy/m1')}`)).body as { id: string };
      expect((await call('DELETE', `/api/equipment/${old.id}`)).status).toBe(204);
      expect((await call('POST', '/api/plant/import', file)).status).toBe(200);
      const now = (await call('GET', `/api/equipment/${encodeURIComponent('mdy/m1')}`)).body as { id: string };
      expect(now.id).not.toBe(old.id);

      // a temperature of 30 from the machine under its new id raises the parameter-lock alarm against the operation
      const stored = await call('POST', '/api/ingest', { records: [{ equipment: 'mdy/m1', tag: 'temp', value: 30 }] });
      expect(stored.body).toMatchObject({ accepted: 1, quarantined: 0 });
      const exec = t.app.modules.get('execution') as ExecutionModule;
      await exec.watch.settled();
      const alarms = (await call('GET', '/api/alarms?orderId=MDY-1')).body as Array<{ kind: string; parameter: string; value: unknown }>;
      expect(alarms).toEqual([expect.objectContaining({ kind: 'out_of_limits', parameter: 'temp', value: 30 })]);
    });

    it('takt import plant on the PostgreSQL database of a running Takt reaches its caches (NOTIFY)', async () => {
      if (kind !== 'postgres') return; // PGlite's data folder is held by one process: the CLI cannot run beside Takt
      const { s: schema } = (await t.sql('SELECT current_schema() AS s'))[0] as { s: string };
      const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-md-cli-'));
      try {
        const file = path.join(dir, 'plant.json');
        writeFileSync(file, JSON.stringify(plantFile('09:45', ['m1', 'm3'])));
        // resolves when this server has reloaded with what the other process announced
        const reloaded = new Promise<void>((resolve) => {
          const off = t.app.ctx.events.masterData.subscribe('test', () => (off(), resolve()));
        });
        const cli = spawn(process.execPath, [path.join(ROOT, 'bin/takt.mjs'), 'import', 'plant', file, '--database-url', POSTGRES_URL, '--data-dir', dir], {
          cwd: ROOT,
          env: { ...process.env, TAKT_CONFIG: '', DATABASE_URL: '', TAKT_DATABASE_SCHEMA: schema, TAKT_LOG_LEVEL: 'warn' },
        });
        let err = '';
        cli.stderr.on('data', (d) => (err += d));
        const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
        expect(code, err).toBe(0);
        await reloaded;
        expect(t.collect.equipment('mdx/s1/l1/m3').path).toBe('mdx/s1/l1/m3');
        expect((await kpis('mdx/s1/l1/m3')).body.inputs).toMatchObject({ pdotPlanned: 2700 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  });
}

describe.runIf(DB_KINDS.includes('postgres'))('master data after a lost LISTEN connection, on postgres', () => {
  it('reloads everything once the connection is back: changes announced meanwhile were lost', async () => {
    const proxy = await tcpProxy(Number(new URL(POSTGRES_URL).port || 5432));
    const url = new URL(POSTGRES_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const t = await startTestServer({ db: 'postgres', databaseUrl: url.toString(), demo: false, listen: false });
    const { s: schema } = (await t.sql('SELECT current_schema() AS s'))[0] as { s: string };
    const other = await openDatabase({ databaseUrl: POSTGRES_URL, schema, poolSize: 1 });
    try {
      proxy.cut();
      // another process changes the plant while this Takt cannot hear it (and announces nothing it could hear)
      await importPlant(other.db, new EventBus(), { id: null, name: 'cli:test' }, plantFile('09:30'), 'import while cut off');
      const reloaded = new Promise<unknown>((resolve) => {
        const off = t.app.ctx.events.masterData.subscribe('test', (changes) => (off(), resolve(changes)));
      });
      proxy.restore();
      expect(await reloaded).toEqual([{ entity: 'plant', entityId: '*', action: 'reconnected' }]);
      expect(t.collect.equipment(M1).path).toBe(M1);
    } finally {
      await other.close();
      await t.close();
      await proxy.close();
    }
  }, 120_000);
});
