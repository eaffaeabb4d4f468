// The demo's quality and maintenance set-up on PGlite and PostgreSQL: a demo plant loaded with the simulator on
// (npm start) measures station 10's screw torque in-line (an I–MR characteristic with an alarm-only reaction plan) and
// has two preventive plans, a shot count on the EUROMAP 63 press and a calendar plan on station 10 — set up once, on the
// start that loads the plant: a plan deleted afterwards stays deleted across a restart. Without the simulator: none.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLANS, DEMO_TORQUE } from '../../src/demo.ts';
import { DB_KINDS, POSTGRES_URL, startTestServer, type TestServer, type TestServerOptions } from '../support/server.ts';

for (const kind of DB_KINDS) {
  describe(`the demo's characteristic and preventive plans on ${kind}`, () => {
    const dir = kind === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'takt-demo-modules-')) : undefined;
    const schema = kind === 'postgres' ? `takt_test_demo_${randomBytes(4).toString('hex')}` : undefined;
    const opts: TestServerOptions = { db: kind, dataDir: dir, schema, keepSchema: true, listen: false, simulate: true };
    let t: TestServer;
    const call = async (server: TestServer, method: 'GET' | 'DELETE', url: string) => {
      const res = await server.app.server.inject({ method, url, headers: { authorization: `Bearer ${server.adminToken}` } });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const get = async (server: TestServer, url: string) => {
      const r = await call(server, 'GET', url);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    beforeAll(async () => {
      t = await startTestServer(opts);
    });
    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (schema) {
        const c = new pg.Client({ connectionString: POSTGRES_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });

    it("measures station 10's torque in-line, with an alarm when a value is out of spec", async () => {
      const c = await get(t, `/api/quality/characteristics/${DEMO_TORQUE.id}`);
      expect(c).toMatchObject({ product: 'S200', operationSeq: 10, kind: 'variable', lsl: 0.75, usl: 1.05, chart: 'i-mr', createdBy: 'system' });
      expect(await get(t, `/api/quality/characteristics/${DEMO_TORQUE.id}/machine-tag`)).toMatchObject({
        equipment: 'acme/lakeside/assembly/line1/st10',
        tag: 'torque',
      });
      expect(await get(t, `/api/quality/characteristics/${DEMO_TORQUE.id}/reaction-plan`)).toMatchObject({ onSpec: true, rules: [], action: 'alarm' });
    });

    it('has its preventive plans, each with its next due', async () => {
      const plans = (await get(t, '/api/maintenance/plans')) as Array<{ id: string; name: string; basis: string; equipment: string }>;
      expect(plans.map((p) => [p.name, p.basis, p.equipment]).sort()).toEqual(DEMO_PLANS.map((p) => [p.name, p.basis, p.equipment]).sort());
      const byName = new Map(plans.map((p) => [p.name, p.id]));
      const shots = await get(t, `/api/maintenance/plans/${byName.get(DEMO_PLANS[0].name)}/next-due`);
      expect(shots).toMatchObject({ basis: 'cycles', dueAtUsage: 20_000 });
      const calendar = await get(t, `/api/maintenance/plans/${byName.get(DEMO_PLANS[1].name)}/next-due`);
      expect(calendar.basis).toBe('calendar');
      expect(Date.parse(calendar.due) - Date.now()).toBeGreaterThan(13 * 86_400_000);
    });

    it('is set up once: a plan deleted stays deleted across a restart', async () => {
      const plans = (await get(t, '/api/maintenance/plans')) as Array<{ id: string }>;
      expect((await call(t, 'DELETE', `/api/maintenance/plans/${plans[0].id}`)).status).toBe(204);
      await t.close();
      t = await startTestServer(opts);
      expect(await get(t, '/api/maintenance/plans')).toHaveLength(plans.length - 1);
      expect((await call(t, 'GET', '/api/quality/characteristics')).body).toHaveLength(1);
    });

    it('is not there when the demo plant is loaded without the simulator', async () => {
      const plain = await startTestServer({ db: kind, listen: false });
      try {
        expect(await get(plain, '/api/maintenance/plans')).toEqual([]);
        expect((await call(plain, 'GET', `/api/quality/characteristics/${DEMO_TORQUE.id}`)).status).toBe(404);
      } finally {
        await plain.close();
      }
    });
  });
}
