// The HTTP boundary on both databases: NUL and malformed escapes are 400s (never a 500 from the database), a
// database that went away is a 503, a nearly full disk makes health degraded, and the session cookie is Secure over TLS.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpProxy } from '../support/processes.ts';
import { DB_KINDS, POSTGRES_URL, startTestServer, type TestServer } from '../support/server.ts';

const ZERO = '00000000-0000-0000-0000-000000000000';

describe.each(DB_KINDS)('request boundary on %s', (db) => {
  let t: TestServer;
  let doc: { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> };
  const auth = () => ({ authorization: `Bearer ${t.adminToken}` });
  /** GET routes that answer (the live streams never end, so they are left out). */
  const reads = () => t.app.routes.filter((r) => r.method === 'GET' && r.url.startsWith('/api/') && !r.url.endsWith('/stream'));
  const fill = (url: string, value: string, only?: string) =>
    url.replace(/:(\w+)/g, (_m, name: string) => (only === undefined || only === name ? value : name === 'id' ? ZERO : 'x'));

  beforeAll(async () => {
    t = await startTestServer({ db, listen: false });
    doc = (await t.app.server.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  });
  afterAll(async () => t?.close());

  it('NUL in any path parameter is a 400 validation error, however often the route decodes it', async () => {
    let checked = 0;
    for (const r of reads().filter((x) => x.url.includes(':'))) {
      for (const nul of ['%00', '%2500', 'a%00b']) {
        const url = fill(r.url, nul);
        const res = await t.app.server.inject({ method: 'GET', url, headers: auth() });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('NUL in the query, a header or the session cookie is a 400 validation error', async () => {
    for (const r of reads()) {
      const res = await t.app.server.inject({ method: 'GET', url: `${fill(r.url, 'x')}?q=%00`, headers: auth() });
      expect(res.statusCode, `${r.url}?q=%00: ${res.body}`).toBe(400);
    }
    const header = await t.app.server.inject({ method: 'POST', url: '/api/ingest', headers: { ...auth(), 'idempotency-key': 'a\0b' }, payload: {} });
    expect(header.statusCode).toBe(400);
    const cookie = await t.app.server.inject({ method: 'GET', url: '/api/equipment', headers: { cookie: 'takt_session=takt_s_%00x' } });
    expect(cookie.statusCode).toBe(400);
    expect(cookie.json().error.code).toBe('validation_failed');
  });

  it('the session cookie is not Secure over plain HTTP, whatever an untrusted X-Forwarded-Proto claims', async () => {
    expect(t.app.ctx.config.trustProxy).toBe(false);
    expect((await sessionCookie(t, { 'x-forwarded-proto': 'https' })).secure).toBeFalsy();
  });

  it('NUL in a JSON body field is a 400, not a database 500', async () => {
    const res = await t.app.server.inject({
      method: 'POST',
      url: '/api/equipment',
      headers: auth(),
      payload: { parentId: null, extId: 'nul-site', level: 'enterprise', name: 'a\u0000b' },
    });
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body).toBeLessThan(500);
  });

  it('fuzz: no path parameter or query value of any read route makes the server fail (5xx)', async () => {
    const targets: Array<{ url: string; param?: string; query?: string }> = [];
    for (const r of reads()) {
      for (const m of r.url.matchAll(/:(\w+)/g)) targets.push({ url: r.url, param: m[1] });
      const spec = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.get;
      for (const p of spec?.parameters ?? []) if (p.in === 'query') targets.push({ url: r.url, query: p.name });
    }
    expect(targets.length).toBeGreaterThan(40);
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
      fc.uint8Array({ maxLength: 6 }).map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')),
      fc.constantFrom('%', '%25', '%2525', '%00', '%2500', '%E0%A4%A', '..%2F..', '%u0000', '\\', "'--", '%C0%80'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), value, async (target, v) => {
        const url = target.param ? fill(target.url, v || 'x', target.param) : `${fill(target.url, 'x')}?${target.query}=${v}`;
        const res = await t.app.server.inject({ method: 'GET', url, headers: auth() });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});

describe.each(DB_KINDS)('database away on %s', (db) => {
  it('answers 503 unavailable, and serves again once the database is back', async () => {
    const proxy = db === 'postgres' ? await tcpProxy(5432) : undefined;
    const url = new URL(POSTGRES_URL);
    if (proxy) url.host = `127.0.0.1:${proxy.port}`;
    const t = await startTestServer({ db, listen: false, databaseUrl: url.toString() });
    try {
      const auth = { authorization: `Bearer ${t.adminToken}` };
      expect((await t.app.server.inject({ method: 'GET', url: '/api/equipment', headers: auth })).statusCode).toBe(200);
      if (proxy) proxy.cut();
      else await t.app.ctx.database.close();
      for (const u of ['/api/equipment', '/api/orders']) {
        const res = await t.app.server.inject({ method: 'GET', url: u, headers: auth });
        expect(res.statusCode, `${u}: ${res.body}`).toBe(503);
        expect(res.json().error.code).toBe('unavailable');
      }
      if (proxy) {
        proxy.restore();
        // the pool drops the broken connection; a later request gets a new one
        let status = 0;
        for (let i = 0; i < 20 && status !== 200; i++) status = (await t.app.server.inject({ method: 'GET', url: '/api/equipment', headers: auth })).statusCode;
        expect(status).toBe(200);
      }
    } finally {
      await t.close().catch(() => {});
      await proxy?.close();
    }
  }, 180_000);
});

const sessionCookie = async (t: TestServer, headers: Record<string, string>) => {
  const res = await t.app.server.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username: t.adminUsername, password: t.adminPassword } });
  expect(res.statusCode).toBe(200);
  return res.cookies.find((c) => c.name === 'takt_session')!;
};

describe('behind a proxy, on a data folder', () => {
  it('the session cookie is Secure when a trusted proxy says https; health is degraded (503) below TAKT_MIN_FREE_DISK_MB', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-disk-'));
    const t = await startTestServer({ db: 'pglite', listen: false, dataDir: dir, config: { minFreeDiskMb: 1e12, trustProxy: true } });
    try {
      expect((await sessionCookie(t, { 'x-forwarded-proto': 'https' })).secure).toBe(true);
      expect((await sessionCookie(t, {})).secure).toBeFalsy();
      const res = await t.app.server.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'degraded', error: expect.stringMatching(/MB free.*TAKT_MIN_FREE_DISK_MB/) });
      t.app.ctx.config.minFreeDiskMb = 0;
      const ok = await t.app.server.inject({ method: 'GET', url: '/api/health' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().disk.freeMb).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 180_000);
});
