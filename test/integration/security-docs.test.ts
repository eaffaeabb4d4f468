// docs/security.md's table of who may call each route is the route table itself: a new route, or a changed role list,
// fails here until the document says the same (UPDATE_DOCS=1 rewrites the block).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolesTable, withRolesTable } from '../support/roles-table.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DOC = path.resolve(import.meta.dirname, '../../docs/security.md');

describe('docs/security.md', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ db: 'pglite', listen: false });
  });
  afterAll(async () => t?.close());

  it('lists every route with exactly the roles the guard enforces', () => {
    const doc = readFileSync(DOC, 'utf8');
    const expected = withRolesTable(doc, rolesTable(t.app.routes));
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, expected);
    else expect(doc, 'docs/security.md is out of date: UPDATE_DOCS=1 npx vitest run test/integration/security-docs.test.ts').toBe(expected);
  });
});
