// The foundation's API, run on PGlite and on the PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

for (const kind of DB_KINDS) {
  describe(`API on ${kind}`, () => {
    let t: TestServer;
    const call = async (method: string, url: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as string,
        headers: { authorization: `Bearer ${token ?? t.adminToken}`, ...headers },
      });
      return { status: res.statusCode, body: res.body ? (String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body) : undefined };
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
    });
    afterAll(async () => t?.close());

    it('reports health with the database kind, without a token', async () => {
      const res = await fetch(`${t.url}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', database: kind });
    });

    it('signs in with a password and refuses a wrong one with a JSON error', async () => {
      const ok = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: t.adminPassword }),
      });
      expect(ok.status).toBe(200);
      const { token } = await ok.json();
      expect(ok.headers.get('set-cookie')).toMatch(/takt_session=.*HttpOnly/i);
      const me = await fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await me.json()).user.username).toBe('admin');
      const bad = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'nope-nope' }),
      });
      expect(bad.status).toBe(401);
      expect((await bad.json()).error.code).toBe('unauthenticated');
    });

    it('rate-limits repeated failed sign-ins', async () => {
      const attempt = () => call('POST', '/api/auth/login', { username: 'ratelimited', password: 'wrong-password' });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await attempt()).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
    });

    it('loads the demo plant with ISA-95 paths', async () => {
      const { status, body } = await call('GET', '/api/equipment');
      expect(status).toBe(200);
      const paths = (body as Array<{ path: string; level: string }>).map((e) => e.path);
      expect(paths).toContain('acme/lakeside/moulding/imm-cell1/imm01');
      expect(paths).toContain('acme/lakeside/assembly/line1/st20');
      const imm01 = (body as Array<{ id: string; path: string; level: string; name: string }>).find((e) => e.path.endsWith('imm01'))!;
      expect(imm01).toMatchObject({ level: 'machine', name: expect.any(String), id: expect.any(String) });
      const byPath = await call('GET', `/api/equipment/${encodeURIComponent(imm01.path)}`);
      expect(byPath.body).toMatchObject({ id: imm01.id });
    });

    it('creates, renames, moves and deletes equipment, with paths of the subtree kept right', async () => {
      const list = (await call('GET', '/api/equipment')).body as Array<{ id: string; path: string }>;
      const moulding = list.find((e) => e.path === 'acme/lakeside/moulding')!;
      const cell = await call('POST', '/api/equipment', { parentId: moulding.id, extId: 'imm-cell9', level: 'workCenter', name: 'Cell 9' });
      expect(cell.status).toBe(201);
      const m = await call('POST', '/api/equipment', { parentId: cell.body.id, extId: 'imm90', level: 'machine', name: 'IMM 90', equipmentClass: 'imm' });
      expect(m.body.path).toBe('acme/lakeside/moulding/imm-cell9/imm90');
      const renamed = await call('PATCH', `/api/equipment/${cell.body.id}`, { extId: 'imm-cell10', reason: 'renumbered' });
      expect(renamed.body.path).toBe('acme/lakeside/moulding/imm-cell10');
      expect((await call('GET', `/api/equipment/${m.body.id}`)).body.path).toBe('acme/lakeside/moulding/imm-cell10/imm90');
      // a machine cannot hold a work centre, and nothing can move below itself
      expect((await call('POST', '/api/equipment', { parentId: m.body.id, extId: 'x', level: 'workCenter', name: 'x' })).status).toBe(400);
      const cyc = await call('PATCH', `/api/equipment/${cell.body.id}`, { parentId: m.body.id, level: 'workCenter' });
      expect(cyc.status).toBe(400);
      // delete with children → 409; leaf first, then parent
      expect((await call('DELETE', `/api/equipment/${cell.body.id}`)).status).toBe(409);
      expect((await call('DELETE', `/api/equipment/${m.body.id}?reason=scrapped`)).status).toBe(204);
      expect((await call('DELETE', `/api/equipment/${cell.body.id}`)).status).toBe(204);
      expect((await call('GET', `/api/equipment/${m.body.id}`)).status).toBe(404);
    });

    it('refuses duplicates, bad bodies and unknown ids with JSON errors naming the field', async () => {
      const list = (await call('GET', '/api/equipment')).body as Array<{ id: string; path: string; parentId: string }>;
      const imm01 = list.find((e) => e.path.endsWith('/imm01'))!;
      const dup = await call('POST', '/api/equipment', { parentId: imm01.parentId, extId: 'imm01', level: 'machine', name: 'again' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('duplicate');
      const bad = await call('POST', '/api/equipment', { parentId: null, extId: 'has space', level: 'planet', name: '' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
      const fields = (bad.body.error.details as Array<{ path: string }>).map((d) => d.path);
      expect(fields).toEqual(expect.arrayContaining(['body.extId', 'body.level', 'body.name']));
      expect((await call('GET', '/api/equipment/00000000-0000-0000-0000-000000000000')).status).toBe(404);
      expect((await call('PATCH', '/api/equipment/not-a-uuid', { name: 'x' })).status).toBe(400);
      const unknownClass = await call('POST', '/api/equipment', {
        parentId: imm01.parentId,
        extId: 'immX',
        level: 'machine',
        name: 'x',
        equipmentClass: 'nope',
      });
      expect(unknownClass.status).toBe(400);
      expect(unknownClass.body.error.details[0].path).toBe('equipmentClass');
      const badProduct = await call('POST', '/api/products', {
        id: 'P1',
        name: 'P1',
        routing: [{ seq: 10, name: 'op', workCenter: 'acme/nowhere', idealCycleTimeS: 5, parameters: [{ name: 'x', target: 5, min: 6, max: 4 }] }],
      });
      expect(badProduct.status).toBe(400);
      expect(JSON.stringify(badProduct.body.error.details)).toMatch(/min/);
      const badRef = await call('POST', '/api/products', {
        id: 'P2',
        name: 'P2',
        routing: [{ seq: 10, name: 'op', workCenter: 'acme/nowhere', idealCycleTimeS: 5 }],
      });
      expect(badRef.status).toBe(400);
      expect(badRef.body.error.details[0]).toMatchObject({ path: 'routing[0].workCenter' });
    });

    it('keeps materials, products and calendars with their audit trail, and refuses deleting what is in use', async () => {
      expect((await call('POST', '/api/materials', { id: 'GLUE-1', name: 'Glue', unit: 'g' })).status).toBe(201);
      const p = await call('POST', '/api/products', {
        id: 'GLUED',
        name: 'Glued part',
        routing: [{ seq: 10, name: 'Glue', equipmentClass: 'screw-station', idealCycleTimeS: 4, bom: [{ materialId: 'GLUE-1', quantity: 2.5 }] }],
      });
      expect(p.status).toBe(201);
      expect(p.body.routing[0]).toMatchObject({ setupTimeS: 0, parameters: [] });
      const inUse = await call('DELETE', '/api/materials/GLUE-1');
      expect(inUse.status).toBe(409);
      expect(inUse.body.error.message).toMatch(/GLUED/);
      const upd = await call('PATCH', '/api/materials/GLUE-1', { name: 'Epoxy glue', reason: 'supplier change' });
      expect(upd.body.name).toBe('Epoxy glue');
      const trail = await call('GET', '/api/audit?entity=material&entityId=GLUE-1');
      expect(trail.body.map((r: { action: string }) => r.action)).toEqual(['update', 'create']);
      expect(trail.body[0]).toMatchObject({ actor: 'admin', reason: 'supplier change', before: { name: 'Glue' }, after: { name: 'Epoxy glue' } });
      const cal = await call('POST', '/api/calendars', { id: 'weekend', name: 'Weekend', timezone: 'Mars/Olympus' });
      expect(cal.status).toBe(400);
      expect(cal.body.error.details[0].path).toBe('body.timezone');
    });

    it('imports a plant file in one transaction, naming the path inside the file on error', async () => {
      const before = (await call('GET', '/api/equipment')).body.length;
      const cyclic = {
        equipment: [
          { id: 'ent2', level: 'enterprise', name: 'E2' },
          { id: 'a1', level: 'area', name: 'A1', parent: 'a2' },
          { id: 'a2', level: 'area', name: 'A2', parent: 'a1' },
        ],
      };
      const r1 = await call('POST', '/api/plant/import', cyclic);
      expect(r1.status).toBe(400);
      expect(r1.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'equipment[1].parent', message: expect.stringMatching(/cycle/) })]),
      );
      const missingMachine = `
version: 1
materials:
  - { id: M-NEW, name: New material, unit: kg }
equipment:
  - id: ent3
    level: enterprise
    name: E3
products:
  - id: PX
    name: PX
    routing:
      - { seq: 10, name: op, workCenter: ent3/no-such-machine, idealCycleTimeS: 3 }
`;
      const r2 = await call('POST', '/api/plant/import', missingMachine, undefined, { 'content-type': 'application/yaml' });
      expect(r2.status).toBe(400);
      expect(r2.body.error.details[0]).toMatchObject({ path: 'products[0].routing[0].workCenter' });
      // nothing half-written
      expect((await call('GET', '/api/equipment')).body.length).toBe(before);
      expect((await call('GET', '/api/materials/M-NEW')).status).toBe(404);
      const r3 = await call('POST', '/api/plant/import', 'equipment: [ {id: x, level: enterprise', undefined, { 'content-type': 'application/yaml' });
      expect(r3.status).toBe(400);
      expect(r3.body.error.code).toBe('validation_failed');
    });

    it('exports the plant and re-imports it unchanged; a flat file with parent links also loads', async () => {
      const exp = await call('GET', '/api/plant/export?format=json');
      expect(exp.status).toBe(200);
      const again = await call('POST', '/api/plant/import', exp.body);
      expect(again.status).toBe(200);
      expect(again.body.created).toEqual({});
      expect(again.body.updated).toEqual({});
      const flat = await call('POST', '/api/plant/import', {
        equipment: [
          { id: 'st40', level: 'machine', name: 'Station 40', parent: 'acme/lakeside/assembly/line1' },
          { id: 'line2', level: 'line', name: 'Line 2', parent: 'acme/lakeside/assembly' },
          { id: 'st50', level: 'machine', name: 'Station 50', parent: 'line2' },
        ],
      });
      expect(flat.status).toBe(200);
      expect(flat.body.created).toEqual({ equipment: 3 });
      const paths = (await call('GET', '/api/equipment')).body.map((e: { path: string }) => e.path);
      expect(paths).toContain('acme/lakeside/assembly/line2/st50');
    });

    it('never shows a connection password, and keeps it when the mark is sent back', async () => {
      const list = (await call('GET', '/api/equipment')).body as Array<{ id: string; path: string }>;
      const imm03 = list.find((e) => e.path.endsWith('/imm03'))!;
      const conn = { protocol: 'opcua', endpoint: 'opc.tcp://10.0.0.9:4840', username: 'mes', password: 's3cret-pw', items: [] };
      const r = await call('PATCH', `/api/equipment/${imm03.id}`, { connections: [conn] });
      expect(r.body.connections[0].password).toBe('********');
      expect(JSON.stringify((await call('GET', `/api/equipment/${imm03.id}`)).body)).not.toContain('s3cret-pw');
      expect((await call('GET', '/api/plant/export?format=yaml')).body).not.toContain('s3cret-pw');
      expect(JSON.stringify((await call('GET', `/api/audit?entity=equipment&entityId=${imm03.id}`)).body)).not.toContain('s3cret-pw');
      await call('PATCH', `/api/equipment/${imm03.id}`, { connections: [{ ...conn, password: '********', username: 'mes2' }] });
      const stored = (await t.sql('SELECT connections FROM equipment WHERE id = $1', [imm03.id])) as Array<{
        connections: Array<{ password: string; username: string }>;
      }>;
      expect(stored[0].connections[0]).toMatchObject({ password: 's3cret-pw', username: 'mes2' });
      await call('PATCH', `/api/equipment/${imm03.id}`, { connections: [{ protocol: 'sparkplug', group: 'takt', node: 'moulding', device: 'imm03' }] });
    });

    it('treats SQL injection attempts in ids and filters as plain text', async () => {
      const count = async () => Number(((await t.sql('SELECT count(*)::int AS n FROM equipment')) as Array<{ n: number }>)[0].n);
      const n = await count();
      const attempts = ["x'; DROP TABLE equipment; --", "1' OR '1'='1", 'acme/lakeside%27%20OR%201=1--'];
      for (const a of attempts) {
        expect((await call('GET', `/api/equipment/${encodeURIComponent(a)}`)).status).toBe(404);
        expect((await call('GET', `/api/materials/${encodeURIComponent(a)}`)).status).toBeGreaterThanOrEqual(400);
        const q = await call('GET', `/api/audit?entity=${encodeURIComponent(a)}&actor=${encodeURIComponent(a)}`);
        expect(q.status).toBe(200);
        expect(q.body).toEqual([]);
        expect((await call('DELETE', `/api/materials/${encodeURIComponent(a)}`)).status).toBeGreaterThanOrEqual(400);
      }
      expect(await count()).toBe(n);
    });

    it('records every change in the audit trail, queryable per record and per user', async () => {
      const token = await t.tokenFor(['supervisor']);
      const list = (await call('GET', '/api/equipment')).body as Array<{ id: string; path: string; name: string }>;
      const st10 = list.find((e) => e.path.endsWith('/st10'))!;
      await call('PATCH', `/api/equipment/${st10.id}`, { name: 'Station 10 — screwing (new)', reason: 'new screwdriver' }, token);
      const perRecord = await call('GET', `/api/audit?entity=equipment&entityId=${st10.id}`);
      expect(perRecord.body[0]).toMatchObject({
        action: 'update',
        reason: 'new screwdriver',
        before: { name: st10.name },
        after: { name: 'Station 10 — screwing (new)' },
      });
      expect(perRecord.body.at(-1)).toMatchObject({ action: 'create', actor: 'system' });
      const supervisorName = perRecord.body[0].actor as string;
      const perUser = await call('GET', `/api/audit?actor=${supervisorName}`);
      // the supervisor's own sign-in is audited too (entity sign_in); besides it, the one change
      expect(perUser.body.filter((r: { entity: string }) => r.entity !== 'sign_in').length).toBe(1);
      expect(perUser.body.filter((r: { entity: string }) => r.entity === 'sign_in')).toHaveLength(1);
      // an operator may read one record's history but not browse the trail
      const op = await t.tokenFor(['operator']);
      expect((await call('GET', `/api/audit?entity=equipment&entityId=${st10.id}`, undefined, op)).status).toBe(200);
      expect((await call('GET', '/api/audit', undefined, op)).status).toBe(403);
    });

    it('refuses UPDATE and DELETE on the trail, and verify finds a row altered behind its back', async () => {
      expect((await call('GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
      await expect(t.sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")).rejects.toThrow(/append-only/);
      await expect(t.sql('DELETE FROM audit_log WHERE seq = 3')).rejects.toThrow(/append-only/);
      // a superuser can switch the trigger off — the chain still shows it
      await t.sql('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      await t.sql(`UPDATE audit_log SET after = jsonb_set(after, '{name}', '"forged"') WHERE seq = 5`);
      await t.sql('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
      const v = await call('GET', '/api/audit/verify');
      expect(v.body).toMatchObject({ ok: false, checked: 4, firstBroken: { seq: 5, reason: expect.stringMatching(/altered/) } });
    });
  });
}
