// The OpenAPI document is the contract a client is built from (docs/architecture.md "HTTP API"): every route declares
// its success reply, and a client generated from the document compiles with a real type for every reply. The route
// list comes from the server itself, so a new route without a reply schema fails here, named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  let t: TestServer;
  let doc: OpenApi;
  let routes: Array<{ method: string; url: string }>;

  beforeAll(async () => {
    t = await startTestServer({ db: 'pglite', listen: false });
    doc = (await t.app.server.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    routes = t.app.routes.filter((r) => r.url.startsWith('/api/') && r.url !== '/api/openapi.json');
  });
  afterAll(async () => t?.close());

  it('shows every route with a success reply that has a schema', () => {
    expect(routes.length).toBeGreaterThan(100);
    const offenders = routes.filter((r) => {
      const op = doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()];
      const success = Object.entries(op?.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      return !success.some(([, res]) => Object.values(res.content ?? {}).some((c) => c.schema !== undefined));
    });
    expect(offenders.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('generates a client that compiles, with a known reply type for every route', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-openapi-client-'));
    try {
      writeFileSync(path.join(dir, 'api.ts'), astToString(await openapiTS(doc as never, { silent: true })));
      // One line per route: the type of its success body (the union over its 2xx replies and their content types)
      // must be neither unknown nor never. A route the check cannot see is named on its own line.
      const checks = routes.map(
        (r) =>
          `  ${JSON.stringify(`${r.method} ${r.url}`)}: true as const satisfies Known<Success<paths[${JSON.stringify(toOpenApiPath(r.url))}][${JSON.stringify(r.method.toLowerCase())}]>>,`,
      );
      const header = [
        "import type { paths } from './api';",
        'type Success<Op> = Op extends { responses: infer R }',
        '  ? { [K in keyof R]: `${K & (string | number)}` extends `2${string}` ? (R[K] extends { content: infer C } ? C[keyof C] : never) : never }[keyof R]',
        '  : never;',
        'type Known<T> = [T] extends [never] ? false : unknown extends T ? false : true;',
        'export const checks = {',
      ];
      const source = [...header, ...checks, '};', ''].join('\n');
      writeFileSync(path.join(dir, 'check.ts'), source);
      const program = ts.createProgram({
        rootNames: [path.join(dir, 'api.ts'), path.join(dir, 'check.ts')],
        options: {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          types: [],
          lib: ['lib.es2022.d.ts'],
        },
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0];
        if (!d.file) return text;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
        // a failed check names its route; anything else is a compile error of the generated client itself
        const route = d.file.fileName.endsWith('check.ts') ? /^\s*"([^"]+)"/.exec(source.split('\n')[line] ?? '')?.[1] : undefined;
        return route ? `${route}: no known success reply type` : `${path.basename(d.file.fileName)}:${line + 1}: ${text}`;
      });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
