// No stored secret ever leaves the server (issue #11 item 8). The test sets one of every kind Takt keeps — an OPC UA
// connection password, a webhook signing secret, the credentials in an external broker URL, API tokens, session
// tokens, user passwords, badge PINs and the hashes stored for them — then asks every GET route of the route table,
// as admin and as every other role, with ids of existing records filled in, and reads the plant export and every
// audit row: none of the secret strings may appear.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../src/platform/auth/principal.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const MOSQUITTO = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const unique = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;

/** The parts of a stored hash worth searching for: scrypt$N$r$p$salt$key → salt and key; plain hex or text as is. */
const hashParts = (stored: string) => (stored.startsWith('scrypt$') ? stored.split('$').slice(4) : [stored]);

/** Streams (text/event-stream) never end; they carry live values, not records, and are left out. */
const isStream = (url: string) => /\/stream$/.test(url);

for (const kind of DB_KINDS) {
  describe(`secrets stay inside on ${kind}`, () => {
    let t: TestServer;
    const secrets = new Map<string, string>(); // secret → what it is (for the failure message)
    const tokens: Record<string, string> = {};
    let opcuaEquipmentId = '';

    beforeAll(async () => {
      const brokerPassword = unique('mqtt-pass');
      const brokerUrl = MOSQUITTO.replace('mqtt://', `mqtt://takt-secrets:${brokerPassword}@`);
      t = await startTestServer({ db: kind, demo: true, mqttUrl: brokerUrl, outboundAllow: '127.0.0.1' });
      secrets.set(brokerPassword, 'external MQTT broker password');
      const admin = { authorization: `Bearer ${t.adminToken}` };
      const call = async (method: 'POST' | 'GET', url: string, payload?: object, headers: Record<string, string> = admin) => {
        const res = await t.app.server.inject({ method, url, payload, headers });
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
        return res.json();
      };

      // OPC UA connection with username and password, on a new machine under the demo plant
      const opcPassword = unique('opcua-pass');
      secrets.set(opcPassword, 'OPC UA connection password');
      const equipment = (await call('GET', '/api/equipment')) as Array<{ id: string; path: string }>;
      const cell = equipment.find((e) => e.path === 'acme/lakeside/moulding/imm-cell1')!;
      const machine = await call('POST', '/api/equipment', {
        parentId: cell.id,
        extId: 'imm99',
        level: 'machine',
        name: 'IMM 99',
        equipmentClass: 'imm',
        connections: [{ protocol: 'opcua', endpoint: 'opc.tcp://127.0.0.1:9/never', username: 'opc-user', password: opcPassword, items: [] }],
      });
      opcuaEquipmentId = machine.id;
      // a change that keeps the stored password (sent back as the mark) must not bring it out either
      await t.app.server.inject({ method: 'PATCH', url: `/api/equipment/${machine.id}`, headers: admin, payload: { name: 'IMM 99 (OPC UA)' } });

      // webhook signing secret (shown once, in the POST answer only)
      const hook = await call('POST', '/api/webhooks', { name: 'erp', url: 'https://127.0.0.1:9/takt', format: 'json' });
      secrets.set(hook.secret, 'webhook signing secret');

      // a user with password, badge and PIN, signed in both ways
      const userPassword = unique('user-pass');
      const pin = '583920';
      await call('POST', '/api/users', { username: 'secret-keeper', roles: ['operator'], password: userPassword, badge: 'B-777', pin });
      secrets.set(userPassword, 'user password');
      await call('POST', '/api/auth/login', { username: 'secret-keeper', password: userPassword }, {});
      await call('POST', '/api/auth/badge', { badge: 'B-777', pin }, {});

      // a token for every role; persons sign in (session tokens), machines get API tokens
      for (const role of ALL_ROLES) {
        if (role === 'integration' || role === 'device') tokens[role] = (await call('POST', '/api/tokens', { name: `${role}-secrets`, role })).token;
        else tokens[role] = role === 'admin' ? t.adminToken : await t.tokenFor([role]);
        secrets.set(tokens[role], `${role} bearer token`);
      }

      // and what the database stores for them
      for (const r of (await t.sql('SELECT password_hash, pin_hash FROM users')) as Array<{ password_hash: string; pin_hash: string | null }>) {
        for (const p of hashParts(r.password_hash)) secrets.set(p, 'user password hash');
        if (r.pin_hash) for (const p of hashParts(r.pin_hash)) secrets.set(p, 'badge PIN hash');
      }
      for (const r of (await t.sql('SELECT token_hash FROM api_tokens')) as Array<{ token_hash: string }>) secrets.set(r.token_hash, 'API token hash');
      for (const r of (await t.sql('SELECT token_hash FROM sessions')) as Array<{ token_hash: string }>) secrets.set(r.token_hash, 'session token hash');
      for (const r of (await t.sql('SELECT secret FROM erp_webhooks')) as Array<{ secret: string }>) secrets.set(r.secret, 'webhook secret (stored)');
    });
    afterAll(async () => t?.close());

    const leaks = (body: string) => [...secrets].filter(([s]) => body.includes(s)).map(([, what]) => what);

    it('no GET route answers a secret, to any role, for any record', async () => {
      const gets = t.app.routes.filter((r) => r.method === 'GET' && !isStream(r.url));
      expect(gets.length).toBeGreaterThan(30);
      // ids of existing records, from the list route in front of each parameter (GET /api/orders for /api/orders/:id)
      const pool = new Map<string, string[]>();
      for (const r of gets.filter((x) => !x.url.includes(':'))) {
        const res = await t.app.server.inject({ method: 'GET', url: r.url, headers: { authorization: `Bearer ${t.adminToken}` } });
        const body = res.statusCode === 200 && String(res.headers['content-type']).includes('json') ? res.json() : undefined;
        const list: unknown[] = Array.isArray(body) ? body : [];
        pool.set(
          r.url,
          list.flatMap((x) => (x && typeof x === 'object' && typeof (x as { id?: unknown }).id === 'string' ? [(x as { id: string }).id] : [])).slice(0, 2),
        );
      }
      const equipmentIds = [opcuaEquipmentId, ...(pool.get('/api/equipment') ?? [])];
      const orderIds = pool.get('/api/orders') ?? [];
      const valuesFor = (url: string, param: string): string[] => {
        const prefix = url.slice(0, url.indexOf(`/:${param}`));
        if (/\/(equipment|stations|workcenters)$/.test(prefix)) return equipmentIds;
        if (param === 'orderId') return orderIds.slice(0, 1);
        if (param === 'seq') return ['10'];
        if (param === 'tag') return ['good'];
        const known = pool.get(prefix);
        return known?.length ? known : ['00000000-0000-0000-0000-000000000000'];
      };
      const expand = (url: string): string[] => {
        const m = /:(\w+)/.exec(url);
        if (!m) return [url];
        return valuesFor(url, m[1]).flatMap((v) => expand(url.replace(`:${m[1]}`, encodeURIComponent(v))));
      };
      let answered = 0;
      const found: string[] = [];
      for (const r of gets) {
        for (const url of expand(r.url)) {
          for (const role of ALL_ROLES) {
            const res = await t.app.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });
            if (res.statusCode === 200) answered++;
            for (const what of leaks(res.body)) found.push(`${role} GET ${url}: ${what}`);
          }
        }
      }
      expect(found).toEqual([]);
      expect(answered).toBeGreaterThan(100);
    });

    it('shows the OPC UA connection as configured, with the password masked', async () => {
      for (const role of ['operator', 'admin'] as const) {
        const res = await t.app.server.inject({
          method: 'GET',
          url: `/api/equipment/${opcuaEquipmentId}/connections`,
          headers: { authorization: `Bearer ${tokens[role]}` },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().configured[0]).toMatchObject({ protocol: 'opcua', username: 'opc-user', password: '********' });
      }
    });

    it('the plant export and every audit row are free of secrets', async () => {
      for (const format of ['yaml', 'json']) {
        const res = await t.app.server.inject({
          method: 'GET',
          url: `/api/plant/export?format=${format}`,
          headers: { authorization: `Bearer ${t.adminToken}` },
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('imm99');
        expect(leaks(res.body)).toEqual([]);
      }
      const rows = await t.sql('SELECT * FROM audit_log ORDER BY seq');
      expect(rows.length).toBeGreaterThan(20);
      for (const row of rows) expect(leaks(JSON.stringify(row)), JSON.stringify(row).slice(0, 200)).toEqual([]);
      const api = await t.app.server.inject({ method: 'GET', url: '/api/audit?limit=5000', headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(leaks(api.body)).toEqual([]);
    });
  });
}
