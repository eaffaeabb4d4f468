// Random and mutated uploads through the three bulk routes of one server (issue #11): every answer is a success or a
// 4xx with a code and a message, never a 500, and the server still answers afterwards. Bounded: a few dozen runs each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2MML_EXAMPLES } from '../fixtures/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const example = readFileSync(path.join(B2MML_EXAMPLES, 'production-schedule.v0600.xml'), 'utf8');
const junk = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('\0', '"', ',', '\n', '<', '>', '&', '&x;', '<!DOCTYPE a [<!ENTITY x "y">]>', ': ', '- ', '*a', '&a ', '{', '['),
  fc.integer({ min: 1, max: 120 }).map((n) => '<a>'.repeat(n)),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => 'w'.repeat(n)),
);

describe('bulk routes, fuzzed over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ db: 'pglite' });
  });
  afterAll(async () => t?.close());

  const send = async (url: string, type: string, body: string) => {
    const res = await t.app.server.inject({ method: 'POST', url, payload: body, headers: { 'content-type': type, authorization: `Bearer ${t.adminToken}` } });
    expect(res.statusCode, `${url} ${body.slice(0, 120)} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) expect(res.json().error.message.length).toBeGreaterThan(5);
    return res.statusCode;
  };

  it('never answers 500 to mutated B2MML schedules', async () => {
    const edit = fc.record({ at: fc.nat(), cut: fc.nat(120), add: junk });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let doc = example;
        for (const e of edits) {
          const at = e.at % (doc.length + 1);
          doc = doc.slice(0, at) + e.add + doc.slice(at + e.cut);
        }
        await send('/api/integration/b2mml', 'application/xml', doc);
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('never answers 500 to random CSV files', async () => {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), junk, fc.constantFrom('HSG-BOT', '10', '2030-01-01', '1'));
    const line = fc.array(cell, { minLength: 0, maxLength: 7 }).map((c) => c.join(','));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(line, { maxLength: 30 }), async (header, lines) => {
        await send('/api/orders/import', 'text/csv', [header ? 'order,product,quantity,due,priority' : 'x', ...lines].join('\n'));
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('never answers 500 to random plant files, YAML or JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 5 }).map((v) => ['application/json', JSON.stringify(v) ?? 'null'] as const),
          fc.array(junk, { maxLength: 12 }).map((p) => ['application/yaml', `materials:\n  - ${p.join('')}`] as const),
        ),
        async ([type, body]) => {
          await send('/api/plant/import', type, body);
        },
      ),
      { numRuns: 20 },
    );
    expect((await t.app.server.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  }, 120_000);
});
