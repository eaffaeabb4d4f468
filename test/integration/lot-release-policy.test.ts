// Side doors (issue #15, docs/quality.md "Holds"): releasing a held lot at its own page (POST /api/lots/:id/release)
// honours the signature policy for lot.release like quality's hold release does — refused 409 naming the policy
// without the signature, 403 when the signer lacks the role, released once a valid signature is on the lot as it is
// now, and released freely when the policy asks for none. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

for (const kind of DB_KINDS) {
  describe(`lot release and the signature policy on ${kind}`, () => {
    let t: TestServer;
    const tokens: Record<string, string> = {};
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        ...(body === undefined ? {} : { payload: body as object }),
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const person = async (username: string, roles: string[]) => {
      expect((await call('POST', '/api/users', { username, displayName: username, roles, password: t.userPassword })).status).toBe(201);
      tokens[username] = (await call('POST', '/api/auth/login', { username, password: t.userPassword })).body.token;
    };
    const heldLot = async (id: string) => {
      expect((await call('POST', '/api/lots', { id, material: 'PP-GRAN-BK', quantity: 25 })).status).toBe(201);
      expect((await call('POST', '/api/lots/' + id + '/hold', { reason: 'moisture suspected' })).status).toBe(200);
    };
    const sign = (lot: string, username: string, action = 'lot.release') =>
      call('POST', '/api/signatures', { recordType: 'lot', recordId: lot, meaning: 'approval', action, username, password: t.userPassword }, tokens[username]);
    const release = (lot: string) => call('POST', `/api/lots/${lot}/release`, { reason: 'dried and re-tested' }, tokens['qa-rita']);
    const status = async (lot: string) => (await call('GET', `/api/lots/${lot}`)).body.status as string;

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      await person('qa-rita', ['quality']);
      await person('sup-sam', ['supervisor']);
    });
    afterAll(async () => t?.close());

    it('refuses the release without the lot.release signature the policy asks for, naming the policy, and keeps the lot held', async () => {
      await heldLot('RP-1');
      const res = await release('RP-1');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('signature_required');
      expect(res.body.error.message).toContain("lot.release on lot 'RP-1' needs a signature");
      expect(await status('RP-1')).toBe('on_hold');
      // a signature for another action does not count
      expect((await sign('RP-1', 'qa-rita', 'ncr.close')).status).toBe(201);
      expect((await release('RP-1')).status).toBe(409);
      expect(await status('RP-1')).toBe('on_hold');
    });

    it('answers 403 when the only signer lacks the role, and releases once quality has signed the lot as it is now', async () => {
      await heldLot('RP-2');
      expect((await sign('RP-2', 'sup-sam')).status).toBe(201);
      const byRole = await release('RP-2');
      expect(byRole.status).toBe(403);
      expect(byRole.body.error.message).toContain('by quality');
      expect((await sign('RP-2', 'qa-rita')).status).toBe(201);
      const ok = await release('RP-2');
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'available', holdReason: null });
      // the signature no longer matches the released lot: holding and releasing again needs a new one
      expect((await call('POST', '/api/lots/RP-2/hold', { reason: 'again' })).status).toBe(200);
      expect((await release('RP-2')).status).toBe(409);
    });

    it('a lot that is not on hold gets the conflict that says so, not a request for a signature', async () => {
      expect((await call('POST', '/api/lots', { id: 'RP-3', material: 'PP-GRAN-BK', quantity: 5 })).status).toBe(201);
      const res = await release('RP-3');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.error.message).toContain('not on hold');
    });

    it('releases without a signature when the policy asks for none', async () => {
      const policy = (await call('GET', '/api/signatures/policy')).body.rules as Array<{ action: string }>;
      const rules = policy.filter((r) => r.action !== 'lot.release');
      expect((await call('PUT', '/api/signatures/policy', { rules, reason: 'test: no lot.release' })).status).toBe(200);
      await heldLot('RP-4');
      expect((await release('RP-4')).body).toMatchObject({ status: 'available' });
      expect((await call('PUT', '/api/signatures/policy', { rules: policy, reason: 'test: restore' })).status).toBe(200);
    });
  });
}
