// Every route refuses callers without a token (401) and callers of the wrong role (403). The route list comes from
// the server itself, so a new route without a role check fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../src/platform/auth/principal.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('route security', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer({ db: 'pglite' });
    for (const role of ['admin', 'supervisor', 'operator', 'quality', 'maintenance']) tokens[role] = await t.tokenFor([role]);
    for (const role of ['integration', 'device']) {
      const res = await t.app.server.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${t.adminToken}` },
        payload: { name: `${role}-token`, role },
      });
      tokens[role] = res.json().token;
    }
  });
  afterAll(async () => t?.close());

  const concrete = (url: string) => url.replace(/:id\b/g, '00000000-0000-0000-0000-000000000000').replace(/:(\w+)/g, 'x');

  it('knows every /api route and who may call it', () => {
    expect(t.app.routes.length).toBeGreaterThan(20);
    const open = t.app.routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual(['GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/badge', 'POST /api/auth/login']);
    for (const r of t.app.routes) if (!r.public) expect(r.roles?.length, `${r.method} ${r.url}`).toBeGreaterThan(0);
  });

  it('answers 401 to every guarded route without a token, and with a forged one', async () => {
    for (const r of t.app.routes.filter((x) => !x.public)) {
      for (const auth of [undefined, 'Bearer takt_s_forged', 'Bearer takt_t_forged']) {
        const res = await t.app.server.inject({ method: r.method as 'GET', url: concrete(r.url), headers: auth ? { authorization: auth } : {} });
        expect(res.statusCode, `${r.method} ${r.url} with ${auth}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
    }
  });

  it('answers 403 to every role a route does not allow', async () => {
    let checked = 0;
    for (const r of t.app.routes.filter((x) => !x.public)) {
      for (const role of ALL_ROLES.filter((x) => !r.roles!.includes(x))) {
        const res = await t.app.server.inject({ method: r.method as 'GET', url: concrete(r.url), headers: { authorization: `Bearer ${tokens[role]}` }, payload: {} });
        expect(res.statusCode, `${role} on ${r.method} ${r.url}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('lets an allowed role through the guard', async () => {
    const res = await t.app.server.inject({ method: 'GET', url: '/api/equipment', headers: { authorization: `Bearer ${tokens.operator}` } });
    expect(res.statusCode).toBe(200);
  });

  it('documents every route in OpenAPI', async () => {
    const doc = (await t.app.server.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const r of t.app.routes.filter((x) => x.url !== '/api/openapi.json')) {
      const p = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[p]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    expect(doc.paths['/api/equipment'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/equipment'].get.responses['200']).toBeDefined();
  });

  it('a revoked API token no longer works', async () => {
    const created = await t.app.server.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: { name: 'temp', role: 'integration' },
    });
    const { id, token } = created.json();
    const ok = await t.app.server.inject({ method: 'GET', url: '/api/equipment', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    await t.app.server.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: { authorization: `Bearer ${t.adminToken}` } });
    const no = await t.app.server.inject({ method: 'GET', url: '/api/equipment', headers: { authorization: `Bearer ${token}` } });
    expect(no.statusCode).toBe(401);
  });
});
