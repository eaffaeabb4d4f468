// Bulk inputs (B2MML, CSV, plant files) at and over their limits, on PGlite and PostgreSQL (issue #11 item 15):
// over the byte limit → 413, over a count limit → 422 naming the setting, never 500; a maximal B2MML document is
// checked off the event loop and written in bounded steps, so /api/health answers while it is in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

// Small limits so "maximal" documents stay quick; every one is above the size that moves parsing to a worker (64 KiB).
const LIMITS = {
  TAKT_B2MML_MAX_BYTES: 400 * 1024,
  TAKT_B2MML_MAX_REQUESTS: 100,
  TAKT_B2MML_MAX_SEGMENTS: 200,
  TAKT_B2MML_MAX_ATTRIBUTES: 60,
  TAKT_B2MML_MAX_DEPTH: 24,
  TAKT_CSV_MAX_BYTES: 300 * 1024,
  TAKT_CSV_MAX_ROWS: 80,
  TAKT_PLANT_FILE_MAX_BYTES: 300 * 1024,
  TAKT_PLANT_FILE_MAX_ITEMS: 300,
  TAKT_PLANT_FILE_MAX_DEPTH: 24,
};
const V6 = 'http://www.mesa.org/xml/B2MML-V0600';
const pad = (n: number) => `<Description>${'x'.repeat(n)}</Description>`;

/** A V0600 schedule of `n` requests producing `product`, each with `segs` segments; `extra` goes into the first request. */
function schedule(n: number, product: string, opts: { segs?: number; padding?: number; extra?: string; prefix?: string } = {}): string {
  const { segs = 1, padding = 400, extra = '', prefix = 'L' } = opts;
  const seg = (i: number, j: number) =>
    `<SegmentRequirement><ID>${prefix}-${i}-${j}</ID><ProcessSegmentID>MOULD</ProcessSegmentID>${j === segs - 1 ? `<MaterialProducedRequirement><MaterialDefinitionID>${product}</MaterialDefinitionID><Quantity><QuantityString>${i + 1}</QuantityString></Quantity></MaterialProducedRequirement>` : ''}</SegmentRequirement>`;
  const req = (i: number) =>
    `<ProductionRequest><ID>${prefix}-${i}</ID>${pad(padding)}<Priority>${i % 7}</Priority>${Array.from({ length: segs }, (_, j) => seg(i, j)).join('')}${i === 0 ? extra : ''}</ProductionRequest>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ProductionSchedule xmlns="${V6}"><ID>S-${prefix}</ID>${Array.from({ length: n }, (_, i) => req(i)).join('')}</ProductionSchedule>`;
}

for (const kind of DB_KINDS) {
  describe(`intake limits on ${kind}`, () => {
    let t: TestServer;
    let product = '';
    const saved: Record<string, string | undefined> = {};
    const headers = (type: string) => ({ 'content-type': type, authorization: `Bearer ${t.adminToken}` });
    const post = async (url: string, body: string, type: string) => {
      const res = await t.app.server.inject({ method: 'POST', url, payload: body, headers: headers(type) });
      return { status: res.statusCode, body: res.json() };
    };

    beforeAll(async () => {
      for (const [k, v] of Object.entries(LIMITS)) (saved[k] = process.env[k]), (process.env[k] = String(v));
      t = await startTestServer({ db: kind });
      const products = (await t.app.server.inject({ method: 'GET', url: '/api/products', headers: headers('application/json') })).json() as Array<{
        id: string;
      }>;
      product = products[0].id;
    });
    afterAll(async () => {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      await t?.close();
    });

    it('answers 413 naming the setting to every bulk route whose body is over its byte limit', async () => {
      const routes = [
        ['/api/integration/b2mml', 'application/xml', 'TAKT_B2MML_MAX_BYTES'],
        ['/api/orders/import', 'text/csv', 'TAKT_CSV_MAX_BYTES'],
        ['/api/plant/import', 'application/yaml', 'TAKT_PLANT_FILE_MAX_BYTES'],
      ] as const;
      for (const [url, type, setting] of routes) {
        const limit = LIMITS[setting];
        const r = await post(url, 'x'.repeat(limit + 1), type);
        expect(r.status, url).toBe(413);
        expect(r.body.error).toMatchObject({ code: 'payload_too_large', details: { setting, limit, found: limit + 1 } });
        expect(r.body.error.message).toContain(setting);
      }
    });

    it('answers 422 naming the setting when a B2MML document passes a count limit, in place and in the worker', async () => {
      const cases: Array<[string, string]> = [
        ['TAKT_B2MML_MAX_REQUESTS', schedule(LIMITS.TAKT_B2MML_MAX_REQUESTS + 1, 'P', { padding: 0 })],
        ['TAKT_B2MML_MAX_REQUESTS', schedule(LIMITS.TAKT_B2MML_MAX_REQUESTS + 1, 'P', { padding: 1000 })],
        ['TAKT_B2MML_MAX_SEGMENTS', schedule(2, 'P', { segs: LIMITS.TAKT_B2MML_MAX_SEGMENTS / 2 + 1, padding: 0 })],
        [
          'TAKT_B2MML_MAX_ATTRIBUTES',
          schedule(3, 'P', { extra: Array.from({ length: LIMITS.TAKT_B2MML_MAX_ATTRIBUTES }, (_, i) => `<x a${i}="1"/>`).join('') }),
        ],
        ['TAKT_B2MML_MAX_DEPTH', schedule(1, 'P', { extra: '<a>'.repeat(LIMITS.TAKT_B2MML_MAX_DEPTH) + '</a>'.repeat(LIMITS.TAKT_B2MML_MAX_DEPTH) })],
        // unclosed, and long enough for the worker: the limit is found before well-formedness is judged
        ['TAKT_B2MML_MAX_DEPTH', schedule(1, 'P', { padding: 70_000, extra: '<a>'.repeat(LIMITS.TAKT_B2MML_MAX_DEPTH) })],
      ];
      for (const [setting, doc] of cases) {
        const r = await post('/api/integration/b2mml', doc, 'application/xml');
        expect(r.status, `${setting} ${doc.length} chars: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(422);
        expect(r.body.error.details).toMatchObject({ setting, limit: LIMITS[setting as keyof typeof LIMITS] });
        expect(r.body.error.message).toContain(setting);
      }
    });

    it('checks a maximal B2MML document off the event loop: /api/health answers while it is in flight, then it completes', async () => {
      const doc = schedule(LIMITS.TAKT_B2MML_MAX_REQUESTS, product, { segs: 2, prefix: 'MAX' });
      expect(doc.length).toBeLessThanOrEqual(LIMITS.TAKT_B2MML_MAX_BYTES);
      expect(doc.length).toBeGreaterThan(64 * 1024);
      let intakeDone = false;
      const intake = fetch(`${t.url}/api/integration/b2mml`, { method: 'POST', body: doc, headers: headers('application/xml') }).then(async (r) => {
        intakeDone = true;
        return { status: r.status, body: await r.json() };
      });
      const answeredBeforeIntake: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        const h = await fetch(`${t.url}/api/health`);
        expect(h.status).toBe(200);
        answeredBeforeIntake.push(!intakeDone);
      }
      const r = await intake;
      expect(answeredBeforeIntake).toEqual([true, true, true, true, true]);
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
      expect(r.body.results).toHaveLength(LIMITS.TAKT_B2MML_MAX_REQUESTS);
      expect(new Set(r.body.results.map((x: { result: string }) => x.result))).toEqual(new Set(['created']));
      const stored = (
        await t.app.server.inject({ method: 'GET', url: '/api/orders?source=b2mml-v0600&limit=1000', headers: headers('application/json') })
      ).json() as Array<{ id: string; quantity: number }>;
      const mine = stored.filter((o) => o.id.startsWith('MAX-'));
      expect(mine).toHaveLength(LIMITS.TAKT_B2MML_MAX_REQUESTS);
      expect(mine.find((o) => o.id === 'MAX-41')?.quantity).toBe(42);
    });

    it('refuses a CSV import over the row limit with 422 naming the setting, in place and in the worker; at the limit it imports', async () => {
      const header = 'order,product,quantity,due,priority\n';
      const rows = (n: number, width = 0) =>
        Array.from({ length: n }, (_, i) => `C-${i},${product},${i + 1},2030-01-01,${i % 9}${' '.repeat(width)}`).join('\n');
      for (const width of [0, 2000]) {
        const r = await post('/api/orders/import', header + rows(LIMITS.TAKT_CSV_MAX_ROWS + 1, width), 'text/csv');
        expect(r.status).toBe(422);
        expect(r.body.error.details).toMatchObject({ setting: 'TAKT_CSV_MAX_ROWS', limit: LIMITS.TAKT_CSV_MAX_ROWS });
      }
      const ok = await post('/api/orders/import', `${header + rows(LIMITS.TAKT_CSV_MAX_ROWS, 1000)}\n\n`, 'text/csv');
      expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(200);
      expect(ok.body.results).toHaveLength(LIMITS.TAKT_CSV_MAX_ROWS);
    });

    it('refuses plant files over the entry or nesting limit with 422, in place and in the worker; bad YAML stays a 400', async () => {
      const many = (n: number, pad = '') =>
        `materials:\n${Array.from({ length: n }, (_, i) => `  - { id: LIM-${i}, name: "m ${i}", description: "${pad}", unit: kg }`).join('\n')}\n`;
      for (const p of ['', 'y'.repeat(300)]) {
        const r = await post('/api/plant/import', many(LIMITS.TAKT_PLANT_FILE_MAX_ITEMS + 1, p), 'application/yaml');
        expect(r.status).toBe(422);
        expect(r.body.error.details).toMatchObject({ setting: 'TAKT_PLANT_FILE_MAX_ITEMS' });
      }
      const deep = `equipment:\n  - ${'{ id: a, level: site, name: A, children: [ '.repeat(LIMITS.TAKT_PLANT_FILE_MAX_DEPTH)}${' ] }'.repeat(LIMITS.TAKT_PLANT_FILE_MAX_DEPTH)}\n`;
      const d = await post('/api/plant/import', deep, 'application/yaml');
      expect(d.status).toBe(422);
      expect(d.body.error.details).toMatchObject({ setting: 'TAKT_PLANT_FILE_MAX_DEPTH' });
      const json = await post('/api/plant/import', `{"equipment":[${'{"children":['.repeat(5000)}${']}'.repeat(5000)}]}`, 'application/json');
      expect(json.status).toBe(422);
      expect((await post('/api/plant/import', 'equipment: [ { id: a', 'application/yaml')).status).toBe(400);
      const ok = await post('/api/plant/import', many(50, 'z'.repeat(1500)), 'application/yaml');
      expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(200);
      expect(ok.body.created.material).toBe(50);
    });
  });
}
