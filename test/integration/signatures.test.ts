// E-signatures (issue #15, docs/signatures.md): a person re-authenticates with password or badge + PIN, the signature
// is bound to the hash of the record version it signs and breaks when the record changes, guesses count against the
// sign-in lockout, the policy's two-person rule holds, and only an admin changes the policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES, type Role } from '../../src/platform/auth/principal.ts';
import { LOGIN_LIMITS } from '../../src/platform/auth/rate-limit.ts';
import { AppError } from '../../src/platform/errors.ts';
import { recordHash } from '../../src/platform/signatures/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

type Inject = TestServer['app']['server']['inject'];
type Method = 'GET' | 'POST' | 'PUT';

const RECORD_TYPE = 'test.doc';

for (const kind of DB_KINDS) {
  describe(`e-signatures on ${kind}`, () => {
    let t: TestServer;
    /** The records of a stand-in module, registered the way a module registers its own. */
    const docs = new Map<string, Record<string, unknown>>();
    const sessions: Record<string, string> = {};

    const call = (token: string | undefined, method: Method, url: string, payload?: unknown) =>
      (t.app.server.inject as Inject)({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const login = async (username: string, password = t.userPassword) => {
      const res = await call(undefined, 'POST', '/api/auth/login', { username, password });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().token as string;
    };
    const badgeLogin = async (badge: string, pin: string) => {
      const res = await call(undefined, 'POST', '/api/auth/badge', { badge, pin });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().token as string;
    };
    const person = async (username: string, displayName: string, roles: Role[], extra: Record<string, string> = {}) => {
      const res = await call(t.adminToken, 'POST', '/api/users', { username, displayName, roles, password: t.userPassword, ...extra });
      expect(res.statusCode, res.body).toBe(201);
      return login(username);
    };
    const sign = (token: string, recordId: string, body: Record<string, unknown>) =>
      call(token, 'POST', '/api/signatures', { recordType: RECORD_TYPE, recordId, meaning: 'approval', ...body });
    const signaturesOf = async (recordId: string) => {
      const res = await call(sessions.ann, 'GET', `/api/signatures?recordType=${RECORD_TYPE}&recordId=${recordId}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        current: string;
        currentHash: string | null;
        signatures: Array<{ id: string; status: string; problems: string[]; changed: string[]; signerUsername: string; method: string }>;
      };
    };
    const target = (id: string) => ({ recordType: RECORD_TYPE, recordId: id, record: docs.get(id) });
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      return err as AppError;
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true, listen: false });
      t.app.ctx.signatures.register(RECORD_TYPE, async (id) => docs.get(id));
      sessions.ann = await person('qa-ann', 'Ann Quality', ['quality']);
      sessions.bob = await person('qa-bob', 'Bob Quality', ['quality']);
      sessions.sue = await person('sup-sue', 'Sue Supervisor', ['supervisor']);
      sessions.olivia = await badgeLogin('1001', '104729');
    });
    afterAll(async () => t?.close());

    it('signs with username and password: the printed name, the meaning and the hash of the exact record version', async () => {
      docs.set('D1', { id: 'D1', status: 'open', lines: [{ qty: 2, at: new Date('2026-12-01T08:00:00Z') }] });
      const res = await sign(sessions.ann, 'D1', { username: 'qa-ann', password: t.userPassword, reason: 'checked the lines' });
      expect(res.statusCode, res.body).toBe(201);
      const s = res.json();
      expect(s).toMatchObject({
        recordType: RECORD_TYPE,
        recordId: 'D1',
        meaning: 'approval',
        action: null,
        signerUsername: 'qa-ann',
        signerName: 'Ann Quality',
        method: 'password',
        reason: 'checked the lines',
        status: 'valid',
      });
      expect(s.recordHash).toBe(recordHash(docs.get('D1')));
      expect(Date.parse(s.signedAt)).not.toBeNaN();
      const listed = await signaturesOf('D1');
      expect(listed).toMatchObject({ current: 'found', currentHash: s.recordHash, signatures: [{ id: s.id, status: 'valid', problems: [] }] });
      // the signature is in the tamper-evident trail, by the signer, with its reason
      const audit = (await call(t.adminToken, 'GET', `/api/audit?entity=signature&entityId=${s.id}`)).json();
      expect(audit).toMatchObject([
        { action: 'sign', actor: 'qa-ann', reason: 'checked the lines', after: { recordHash: s.recordHash, meaning: 'approval', signerName: 'Ann Quality' } },
      ]);
      expect(JSON.stringify(audit)).not.toContain(t.userPassword);
    });

    it('signs with badge and PIN at the terminal', async () => {
      docs.set('D2', { id: 'D2', status: 'open' });
      const res = await sign(sessions.olivia, 'D2', { badge: '1001', pin: '104729', meaning: 'responsibility' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ signerUsername: 'olivia', method: 'badge', meaning: 'responsibility', status: 'valid' });
    });

    it('later in the same session the password (or PIN) alone signs; a fresh session needs ID and secret first', async () => {
      docs.set('D3', { id: 'D3', status: 'open' });
      const fresh = await login('qa-bob');
      const alone = await sign(fresh, 'D3', { password: t.userPassword });
      expect(alone.statusCode).toBe(400);
      expect(alone.json().error.message).toMatch(/first signature in a session needs your username and password/);
      expect((await sign(fresh, 'D3', { username: 'qa-bob', password: t.userPassword })).statusCode).toBe(201);
      const again = await sign(fresh, 'D3', { password: t.userPassword, meaning: 'review' });
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json()).toMatchObject({ signerUsername: 'qa-bob', method: 'session_password' });
      // another session of the same person is another continuous period: ID and secret again
      expect((await sign(sessions.bob, 'D3', { password: t.userPassword })).statusCode).toBe(400);
      // the terminal: badge and PIN once, then the PIN alone
      const terminal = await badgeLogin('2001', '230519');
      expect((await sign(terminal, 'D3', { pin: '230519' })).statusCode).toBe(400);
      expect((await sign(terminal, 'D3', { badge: '2001', pin: '230519' })).statusCode).toBe(201);
      expect((await sign(terminal, 'D3', { pin: '230519', meaning: 'review' })).json()).toMatchObject({ signerUsername: 'sam', method: 'session_pin' });
      // a mix of credentials is no way to sign
      for (const body of [{}, { username: 'qa-bob' }, { username: 'qa-bob', pin: '230519' }, { badge: '2001', password: 'x' }, { password: 'x', pin: '1' }]) {
        const res = await sign(fresh, 'D3', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
      }
    });

    it('someone else may sign at your session with their own ID and secret, and the trail says at whose', async () => {
      docs.set('D4', { id: 'D4', status: 'open' });
      const res = await sign(sessions.olivia, 'D4', { badge: '2001', pin: '230519' });
      expect(res.json()).toMatchObject({ signerUsername: 'sam', method: 'badge' });
      const audit = (await call(t.adminToken, 'GET', `/api/audit?entity=signature&entityId=${res.json().id}`)).json();
      expect(audit[0]).toMatchObject({ actor: 'sam', after: { atSessionOf: 'olivia' } });
      // sam's signature is his, not the session's: olivia's own PIN alone signs here because she signed D2 with badge + PIN
      expect((await sign(sessions.olivia, 'D4', { pin: '104729' })).json()).toMatchObject({ signerUsername: 'olivia', method: 'session_pin' });
    });

    it('a wrong PIN or password answers 401 signature_rejected and counts towards the sign-in lockout', async () => {
      docs.set('D5', { id: 'D5', status: 'open' });
      await person('op-pat', 'Pat Operator', ['operator'], { badge: 'B-77', pin: '480213' });
      for (let i = 0; i < LOGIN_LIMITS.maxPerUser; i++) {
        const res = await sign(sessions.ann, 'D5', { badge: 'B-77', pin: String(600000 + i) });
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toMatchObject({ code: 'signature_rejected', message: 'signature refused: unknown badge or wrong PIN' });
      }
      // the badge is now locked: for signing, and for signing in at the terminal, even with the right PIN
      const locked = await sign(sessions.ann, 'D5', { badge: 'B-77', pin: '480213' });
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await call(undefined, 'POST', '/api/auth/badge', { badge: 'B-77', pin: '480213' })).statusCode).toBe(429);
      // the signer's own session goes on: a rejected signature is no sign-out
      expect((await call(sessions.ann, 'GET', '/api/auth/me')).statusCode).toBe(200);
      // guesses at a password through the signature form and at the sign-in page share one count
      for (let i = 0; i < LOGIN_LIMITS.maxPerUser - 1; i++)
        expect((await sign(sessions.ann, 'D5', { username: 'qa-bob', password: `not-bobs-${i}` })).statusCode).toBe(401);
      expect((await call(undefined, 'POST', '/api/auth/login', { username: 'qa-bob', password: 'not-bobs-either' })).statusCode).toBe(401);
      expect((await call(undefined, 'POST', '/api/auth/login', { username: 'qa-bob', password: t.userPassword })).statusCode).toBe(429);
      expect((await signaturesOf('D5')).signatures).toEqual([]);
      const trail = (await call(t.adminToken, 'GET', '/api/audit?entity=sign_in&limit=5000')).json() as Array<{
        action: string;
        entityId: string;
        after: Record<string, unknown>;
      }>;
      expect(trail.find((r) => r.action === 'sign_in_failed' && r.entityId === 'badge:B-77')).toMatchObject({
        after: { purpose: 'signature', reason: 'wrong PIN' },
      });
      expect(trail.find((r) => r.action === 'lockout' && r.entityId === 'badge:B-77')).toBeDefined();
      expect(JSON.stringify(trail)).not.toContain('600001');
    });

    it('a changed record shows its signatures as broken, naming what changed', async () => {
      docs.set('D6', { id: 'D6', status: 'open', qty: 5 });
      const signed = (await sign(sessions.ann, 'D6', { username: 'qa-ann', password: t.userPassword, action: 'lot.release' })).json();
      await t.app.ctx.signatures.requireSignatures('lot.release', target('D6'));
      docs.set('D6', { id: 'D6', status: 'open', qty: 6 });
      const listed = await signaturesOf('D6');
      expect(listed.currentHash).toBe(recordHash(docs.get('D6')));
      expect(listed.signatures).toMatchObject([
        { id: signed.id, status: 'broken', changed: ['$.qty'], problems: ['the record has changed since it was signed'] },
      ]);
      expect((await refusal(t.app.ctx.signatures.requireSignatures('lot.release', target('D6')))).code).toBe('signature_required');
      // the same content in another key order is the same version: valid again
      docs.set('D6', { qty: 5, status: 'open', id: 'D6' });
      expect((await signaturesOf('D6')).signatures[0].status).toBe('valid');
      // the module's own view: verify(recordType, id, currentRecord)
      expect((await t.app.ctx.signatures.verify(RECORD_TYPE, 'D6', { id: 'D6', status: 'closed', qty: 5 }))[0]).toMatchObject({
        status: 'broken',
        changed: ['$.status'],
      });
      // the record gone, or no module for the type: nothing to compare, so unverified (never valid)
      docs.delete('D6');
      expect(await signaturesOf('D6')).toMatchObject({ current: 'missing', currentHash: null, signatures: [{ status: 'unverified' }] });
    });

    it('refuses to sign a version the signer was not shown, a record that does not exist, a type no module supplies', async () => {
      docs.set('D7', { id: 'D7', status: 'open' });
      const stale = await sign(sessions.ann, 'D7', { username: 'qa-ann', password: t.userPassword, expectedHash: recordHash({ id: 'D7', status: 'draft' }) });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.message).toMatch(/has changed since it was shown to you/);
      const shown = await sign(sessions.ann, 'D7', { username: 'qa-ann', password: t.userPassword, expectedHash: recordHash(docs.get('D7')) });
      expect(shown.statusCode).toBe(201);
      expect((await sign(sessions.ann, 'NOPE', { username: 'qa-ann', password: t.userPassword })).statusCode).toBe(404);
      const unknown = await call(sessions.ann, 'POST', '/api/signatures', {
        recordType: 'no.such',
        recordId: 'X',
        meaning: 'approval',
        username: 'qa-ann',
        password: t.userPassword,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toMatch(/no module supplies it/);
      expect((await call(sessions.ann, 'GET', '/api/signatures?recordType=no.such&recordId=X')).json()).toMatchObject({
        current: 'unknown_type',
        signatures: [],
      });
      const badMeaning = await sign(sessions.ann, 'D7', { username: 'qa-ann', password: t.userPassword, meaning: 'witness' });
      expect(badMeaning.statusCode).toBe(400);
    });

    it('two signatures must come from two different people (recipe.change needs two)', async () => {
      docs.set('R1', { id: 'R1', setpoints: { melt: 230 } });
      const withAnn = { username: 'qa-ann', password: t.userPassword, action: 'recipe.change' };
      expect((await sign(sessions.ann, 'R1', withAnn)).statusCode).toBe(201);
      expect((await sign(sessions.ann, 'R1', withAnn)).statusCode).toBe(201);
      const once = await refusal(t.app.ctx.signatures.requireSignatures('recipe.change', target('R1')));
      expect(once.code).toBe('signature_required');
      expect(once.message).toMatch(/two signatures by two different people.*1 of 2 given/);
      expect(JSON.stringify(once.details)).toMatch(/Ann Quality has already signed/);
      expect((await sign(sessions.sue, 'R1', { username: 'sup-sue', password: t.userPassword, action: 'recipe.change' })).statusCode).toBe(201);
      const ok = await t.app.ctx.signatures.requireSignatures('recipe.change', target('R1'));
      expect(ok.counted).toHaveLength(2);
      // a signature for another action does not count for this one
      docs.set('R2', { id: 'R2' });
      await sign(sessions.ann, 'R2', { ...withAnn, action: 'ncr.close' });
      await sign(sessions.sue, 'R2', { username: 'sup-sue', password: t.userPassword });
      expect((await refusal(t.app.ctx.signatures.requireSignatures('recipe.change', target('R2')))).code).toBe('signature_required');
    });

    it('a signer without the role the policy names gets 403; an action without a rule needs nothing', async () => {
      docs.set('N1', { id: 'N1', status: 'dispositioned' });
      expect((await sign(sessions.olivia, 'N1', { badge: '1001', pin: '104729', action: 'ncr.close' })).statusCode).toBe(201);
      const err = await refusal(t.app.ctx.signatures.requireSignatures('ncr.close', target('N1')));
      expect(err.code).toBe('forbidden');
      expect(JSON.stringify(err.details)).toMatch(/did not hold the role quality/);
      expect((await t.app.ctx.signatures.requireSignatures('not.guarded', target('N1'))).needed).toBe(0);
    });

    it("a signature row changed or added behind Takt's back shows as broken", async () => {
      docs.set('T1', { id: 'T1' });
      const s = (await sign(sessions.ann, 'T1', { username: 'qa-ann', password: t.userPassword, meaning: 'review' })).json();
      await expect(t.sql(`UPDATE signatures SET meaning = 'approval' WHERE id = $1`, [s.id])).rejects.toThrow(/append-only/);
      await expect(t.sql(`DELETE FROM signatures WHERE id = $1`, [s.id])).rejects.toThrow(/append-only/);
      await t.sql('ALTER TABLE signatures DISABLE TRIGGER signatures_no_update');
      try {
        await t.sql(`UPDATE signatures SET meaning = 'approval' WHERE id = $1`, [s.id]);
      } finally {
        await t.sql('ALTER TABLE signatures ENABLE TRIGGER signatures_no_update');
      }
      // a forged row: copied from a real one, another id and signer, no audit entry
      const forged = '11111111-2222-4333-8444-555555555555';
      await t.sql(
        `INSERT INTO signatures (id, record_type, record_id, action, meaning, signer_id, signer_username, signer_name, signer_roles, method, reason, record_hash, record_json, signed_at)
         SELECT $1, record_type, record_id, 'ncr.close', meaning, signer_id, signer_username, signer_name, signer_roles, method, reason, record_hash, record_json, signed_at FROM signatures WHERE id = $2`,
        [forged, s.id],
      );
      const listed = await signaturesOf('T1');
      expect(listed.signatures.find((x) => x.id === s.id)).toMatchObject({
        status: 'broken',
        problems: ['the signature differs from its audit trail entry: the signature row was altered'],
      });
      expect(listed.signatures.find((x) => x.id === forged)).toMatchObject({
        status: 'broken',
        problems: ['the audit trail has no entry for this signature: it was not given through Takt'],
      });
      expect((await refusal(t.app.ctx.signatures.requireSignatures('ncr.close', target('T1')))).code).toBe('signature_required');
    });

    it('only an admin changes the policy; the change is audited and takes effect at once', async () => {
      const before = (await call(sessions.ann, 'GET', '/api/signatures/policy')).json();
      expect(before.rules.map((r: { action: string }) => r.action)).toEqual(['coa.sign', 'lot.release', 'ncr.close', 'recipe.change', 'spc.limits.change']);
      // the stand-in module's type among whatever the real modules register
      expect(before.recordTypes).toContain(RECORD_TYPE);
      const next = {
        rules: [
          ...before.rules.filter((r: { action: string }) => r.action !== 'lot.release'),
          { action: 'lot.release', signatures: 2, roles: ['quality'], meaning: null },
        ],
        reason: 'two-person release',
      };
      for (const token of [sessions.ann, sessions.sue, sessions.olivia])
        expect((await call(token, 'PUT', '/api/signatures/policy', next)).statusCode).toBe(403);
      const put = await call(t.adminToken, 'PUT', '/api/signatures/policy', next);
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().rules.find((r: { action: string }) => r.action === 'lot.release')).toEqual({
        action: 'lot.release',
        signatures: 2,
        roles: ['quality'],
        meaning: null,
      });
      const audit = (await call(t.adminToken, 'GET', '/api/audit?entity=signature_policy&entityId=policy')).json();
      expect(audit[0]).toMatchObject({
        actor: 'admin',
        reason: 'two-person release',
        after: { rules: expect.arrayContaining([expect.objectContaining({ action: 'lot.release', signatures: 2 })]) },
      });
      // D7 has one valid signature (not for lot.release); L1 gets one for lot.release: now one short
      docs.set('L1', { id: 'L1', status: 'held' });
      await sign(sessions.ann, 'L1', { username: 'qa-ann', password: t.userPassword, action: 'lot.release' });
      expect((await refusal(t.app.ctx.signatures.requireSignatures('lot.release', target('L1')))).message).toMatch(/1 of 2 given/);
      for (const bad of [
        { rules: [{ action: 'x.y', signatures: 3 }] },
        {
          rules: [
            { action: 'x.y', signatures: 1 },
            { action: 'x.y', signatures: 2 },
          ],
        },
        { rules: 'none' },
      ])
        expect((await call(t.adminToken, 'PUT', '/api/signatures/policy', bad)).statusCode, JSON.stringify(bad)).toBe(400);
    });

    it('every signature route answers every role as its route table says', async () => {
      const routes = t.app.routes.filter((r) => r.url.startsWith('/api/signatures'));
      expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
        'GET /api/signatures',
        'GET /api/signatures/policy',
        'POST /api/signatures',
        'PUT /api/signatures/policy',
      ]);
      const expected: Record<string, readonly string[]> = {
        'POST /api/signatures': ['admin', 'supervisor', 'operator', 'quality', 'maintenance'],
        'GET /api/signatures': ['admin', 'supervisor', 'operator', 'quality', 'maintenance', 'integration'],
        'GET /api/signatures/policy': ['admin', 'supervisor', 'operator', 'quality', 'maintenance', 'integration'],
        'PUT /api/signatures/policy': ['admin'],
      };
      const tokens: Record<string, string> = {};
      for (const role of ALL_ROLES) {
        if (role === 'integration' || role === 'device') {
          const res = await call(t.adminToken, 'POST', '/api/tokens', { name: `sig-${role}`, role });
          tokens[role] = res.json().token;
        } else tokens[role] = await t.tokenFor([role]);
      }
      const current = (await call(t.adminToken, 'GET', '/api/signatures/policy')).json();
      const bodies: Record<string, unknown> = { 'POST /api/signatures': {}, 'PUT /api/signatures/policy': { rules: current.rules } };
      const urls: Record<string, string> = { 'GET /api/signatures': `/api/signatures?recordType=${RECORD_TYPE}&recordId=D1` };
      for (const r of routes) {
        const key = `${r.method} ${r.url}`;
        expect([...(r.roles ?? [])].sort(), key).toEqual([...expected[key]].sort());
        for (const role of ALL_ROLES) {
          const res = await call(tokens[role], r.method as Method, urls[key] ?? r.url, bodies[key]);
          if (r.roles!.includes(role)) expect([200, 400], `${role} on ${key}: ${res.body}`).toContain(res.statusCode);
          else expect(res.statusCode, `${role} on ${key}`).toBe(403);
        }
        expect((await call(undefined, r.method as Method, urls[key] ?? r.url, bodies[key])).statusCode, key).toBe(401);
      }
    });
  });
}
