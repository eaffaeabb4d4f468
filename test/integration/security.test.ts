// Every route refuses callers without a token (401) and callers of the wrong role (403), in every spelling of its
// path; cookie-signed state changes come only from the same origin; every route takes only the body types it lists;
// every response carries the security headers. The route list comes from the server itself, so a new route without a
// role check, or one that forgets a rule, fails here (docs/security.md).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../src/platform/auth/principal.ts';
import { SECURITY_HEADERS } from '../../src/platform/http/headers.ts';
import type { RouteInfo } from '../../src/platform/http/guard.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the path exactly as written: fetch() and inject() normalise //, /./ and case-insensitive hosts. */
function raw(base: string, agent: http.Agent, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const concrete = (url: string) => url.replace(/:id\b/g, '00000000-0000-0000-0000-000000000000').replace(/:(\w+)/g, 'x');
const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** The ways a path can be spelled so that some normaliser (router, proxy, browser) might read it as the route. */
function spellings(path: string): string[] {
  const rest = path.slice('/api/'.length);
  const last = path.lastIndexOf('/');
  return [
    `/%61pi/${rest}`, // encoded letter
    `/${[...path.slice(1)].map((c) => (/[a-z]/i.test(c) ? pct(c) : c)).join('')}`, // every letter encoded
    `${path.slice(0, last + 1)}${[...path.slice(last + 1)].map(pct).join('')}`, // last segment encoded
    `/%2561pi/${rest}`, // double-encoded
    `/%25%36%31pi/${rest}`, // double-encoded, each character
    path.toUpperCase(),
    `/Api/${rest}`,
    `${path}/`,
    `/${path}`,
    `/api//${rest}`,
    `/api/./${rest}`,
    `/./api/${rest}`,
    `/x/../api/${rest}`,
    `${path};x=1`,
    `/api;x=1/${rest}`,
    `/api%2F${rest}`,
    `/api%5C${rest}`,
  ];
}

describe('route security', () => {
  let t: TestServer;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const tokens: Record<string, string> = {};
  let adminCookie = '';
  let host = '';
  const guarded = () => t.app.routes.filter((x) => !x.public);
  const stateChanging = () => guarded().filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));

  beforeAll(async () => {
    t = await startTestServer({ db: 'pglite' });
    host = new URL(t.url).host;
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
    const login = await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: t.adminUsername, password: t.adminPassword } });
    const c = login.cookies.find((x) => x.name === 'takt_session');
    adminCookie = `takt_session=${c!.value}`;
  });
  afterAll(async () => {
    agent.destroy();
    await t?.close();
  });

  it('knows every route and who may call it', () => {
    const api = t.app.routes.filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(20);
    const open = api.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual(['GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/badge', 'POST /api/auth/login']);
    for (const r of t.app.routes) if (!r.public) expect(r.roles?.length, `${r.method} ${r.url}`).toBeGreaterThan(0);
    // Everything outside /api is the web app's files: public, and only read.
    for (const r of t.app.routes.filter((x) => !x.url.startsWith('/api/'))) expect([r.method, r.public], r.url).toEqual(['GET', true]);
  });

  it('answers 401 to every guarded route without a token, and with a forged one', async () => {
    for (const r of guarded()) {
      for (const auth of [undefined, 'Bearer takt_s_forged', 'Bearer takt_t_forged']) {
        const res = await t.app.server.inject({ method: r.method as 'GET', url: concrete(r.url), headers: auth ? { authorization: auth } : {} });
        expect(res.statusCode, `${r.method} ${r.url} with ${auth}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
    }
  });

  it('refuses every spelling of every guarded route without credentials: encoded, double-encoded, case, slashes, dots, ;', async () => {
    let checked = 0;
    for (const r of guarded()) {
      for (const path of spellings(concrete(r.url))) {
        const res = await raw(t.url, agent, r.method, path);
        expect([400, 401, 403, 404], `${r.method} ${path} answered ${res.status}: ${res.body.slice(0, 200)}`).toContain(res.status);
        // Never data and never the web app's page: only the error shape.
        const body = JSON.parse(res.body);
        expect(Object.keys(body), `${r.method} ${path}`).toEqual(['error']);
        expect(typeof body.error.code).toBe('string');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('answers 403 to every role a route does not allow', async () => {
    let checked = 0;
    for (const r of guarded()) {
      for (const role of ALL_ROLES.filter((x) => !r.roles!.includes(x))) {
        const res = await t.app.server.inject({
          method: r.method as 'GET',
          url: concrete(r.url),
          headers: { authorization: `Bearer ${tokens[role]}` },
          payload: {},
        });
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
    for (const r of t.app.routes.filter((x) => x.url.startsWith('/api/') && x.url !== '/api/openapi.json')) {
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

  describe('cross-site requests (CSRF)', () => {
    // A body type no route takes: a request that passes the guard stops at the type check (415) before any handler.
    const probe = { 'content-type': 'application/x-takt-probe' };
    // The cookie of someone the route lets in, so a request past the CSRF check reaches the type check, not a 403.
    const cookieFor = (r: RouteInfo) => `takt_session=${tokens[r.roles![0]]}`;
    const send = (r: RouteInfo, headers: Record<string, string>) =>
      t.app.server.inject({ method: r.method as 'POST', url: concrete(r.url), headers: { ...probe, ...headers }, payload: 'x' });

    it('refuses every state-changing route signed in by cookie from another site', async () => {
      expect(stateChanging().length).toBeGreaterThan(30);
      for (const r of stateChanging()) {
        for (const cross of <Array<Record<string, string>>>[
          { origin: 'https://evil.example' },
          { origin: 'null' },
          { origin: `http://${host}.evil.example` },
          { origin: 'http://localhost:8080' }, // same host name, another port: another origin
          { 'sec-fetch-site': 'cross-site' },
          { 'sec-fetch-site': 'same-site' },
          { 'sec-fetch-site': 'cross-site', origin: t.url }, // the browser's own verdict wins over a same-looking Origin
        ]) {
          const res = await send(r, { cookie: cookieFor(r), ...cross });
          expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(cross)}`).toBe(403);
          expect(res.json().error).toMatchObject({ code: 'forbidden', details: { rule: 'same-origin' } });
        }
      }
    });

    it('lets same-origin cookie requests and Bearer requests through the check', async () => {
      for (const r of stateChanging()) {
        for (const headers of <Array<Record<string, string>>>[
          { cookie: cookieFor(r), 'sec-fetch-site': 'same-origin', origin: t.url, host },
          { cookie: cookieFor(r), origin: t.url, host },
          { cookie: cookieFor(r), origin: 'http://localhost', host: 'localhost:80' },
          { cookie: cookieFor(r) }, // no browser: curl with a saved cookie
          { authorization: `Bearer ${tokens[r.roles![0]]}`, cookie: adminCookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        ]) {
          const res = await send(r, headers);
          expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(headers)}: ${res.body}`).toBe(415);
        }
      }
    });

    it('refuses the cross-site text/plain plant import of the report', async () => {
      const res = await t.app.server.inject({
        method: 'POST',
        url: '/api/plant/import',
        headers: { cookie: adminCookie, 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        payload: 'version: 1\n',
      });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('body types', () => {
    it('every state-changing route refuses text/plain and form bodies (415)', async () => {
      for (const r of stateChanging()) {
        for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
          const res = await t.app.server.inject({
            method: r.method as 'POST',
            url: concrete(r.url),
            headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': type },
            payload: 'a=b',
          });
          expect(res.statusCode, `${r.method} ${r.url} as ${type}: ${res.body}`).toBe(415);
          expect(res.json().error.code).toBe('unsupported_media_type');
        }
      }
    });

    it('the text routes take the types they document', async () => {
      const cases: Array<[string, string, string]> = [
        ['/api/plant/import', 'application/yaml', 'not: [a plant'],
        ['/api/plant/import', 'text/yaml', 'not: [a plant'],
        ['/api/orders/import', 'text/csv', 'order,product\n'],
        ['/api/integration/b2mml', 'application/xml', '<x/>'],
        ['/api/integration/b2mml', 'text/xml', '<x/>'],
      ];
      for (const [url, type, body] of cases) {
        const res = await t.app.server.inject({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': type },
          payload: body,
        });
        expect(res.statusCode, `${url} as ${type}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.json().error.message, `${url} as ${type}`).not.toMatch(/this route accepts/);
      }
      const csvToJson = await t.app.server.inject({
        method: 'POST',
        url: '/api/equipment',
        headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'text/csv' },
        payload: 'a,b',
      });
      expect(csvToJson.statusCode).toBe(415);
    });
  });

  describe('security headers', () => {
    const expectHeaders = (res: { headers: Record<string, unknown> }, what: string) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name], `${name} on ${what}`).toBe(value);
    };

    it('the policy forbids inline script and framing', () => {
      const csp = SECURITY_HEADERS['content-security-policy'];
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
    });

    it('on every route of the route table, anonymous or signed in', async () => {
      for (const r of t.app.routes) {
        if (r.url.endsWith('/stream') && r.public) continue;
        const res = await t.app.server.inject({ method: r.method as 'GET', url: concrete(r.url) });
        expectHeaders(res, `${r.method} ${r.url} (${res.statusCode})`);
      }
      for (const r of t.app.routes.filter((x) => x.method === 'GET' && !x.url.endsWith('/stream'))) {
        const res = await t.app.server.inject({ method: 'GET', url: concrete(r.url), headers: { authorization: `Bearer ${t.adminToken}` } });
        expectHeaders(res, `GET ${r.url} as admin (${res.statusCode})`);
      }
    });

    it('on the web app, its fallback page, downloads, errors and a live stream', async () => {
      const auth = { authorization: `Bearer ${t.adminToken}` };
      for (const [url, headers] of [
        ['/', {}],
        ['/plant/some/page', {}],
        ['/api/nothing-here', {}],
        ['/api/equipment/%C0', auth],
        ['/api/plant/export?format=yaml', auth],
        ['/api/performance/kpis?format=csv&equipment=acme/lakeside/assembly/line1', auth],
      ] as Array<[string, Record<string, string>]>) {
        const res = await raw(t.url, agent, 'GET', url, headers);
        expectHeaders(res, `${url} (${res.status})`);
      }
      const asset = t.app.routes.find((r) => r.url.startsWith('/assets/'));
      if (asset) expectHeaders(await raw(t.url, agent, 'GET', asset.url), asset.url);
      // Server-sent events are written on the raw response (hijacked), past Fastify's reply.
      const controller = new AbortController();
      const sse = await fetch(`${t.url}/api/live/stream`, { headers: auth, signal: controller.signal });
      expect(sse.headers.get('content-type')).toContain('text/event-stream');
      expectHeaders({ headers: Object.fromEntries(sse.headers) }, 'the live stream');
      controller.abort();
    });
  });
});
