// The audit trail's anchor outside the database (issue #11 item 11) on PGlite and PostgreSQL. An attacker with the
// database owner's rights disables the append-only triggers, then (a) rewrites a row and recomputes the SHA-256
// chain — the chain alone still says intact, the HMAC does not; (b) deletes the tail — the signed checkpoint names
// the missing rows. Untouched, the trail is intact. On PostgreSQL, Takt runs as a non-owner role that may INSERT and
// SELECT the trail but not DELETE, UPDATE, TRUNCATE or ALTER it.
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../src/platform/audit/audit.service.ts';
import { rowHash, GENESIS_HASH } from '../../src/platform/audit/chain.ts';
import { openDatabase, type Db } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { DB_KINDS, POSTGRES_URL, startTestServer, type TestServer } from '../support/server.ts';

interface Row {
  seq: number;
  at: string;
  actor: string;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

for (const kind of DB_KINDS) {
  describe(`audit anchor on ${kind}`, () => {
    let t: TestServer;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-anchor-'));
    const keyFile = path.join(dir, 'keys', 'audit.key');
    const checkpointFile = path.join(dir, 'audit-checkpoints.jsonl');

    const call = async (method: string, url: string, token = t.adminToken) => {
      const res = await t.app.server.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, json: () => res.json(), body: res.body };
    };
    const verify = async () => (await call('GET', '/api/audit/verify')).json();
    const rows = async () =>
      (await t.sql(
        'SELECT seq::int AS seq, at, actor, actor_id, action, entity, entity_id, before, after, reason, prev_hash, hash FROM audit_log ORDER BY seq',
      )) as Row[];
    /** As the database owner would: triggers off, statements, triggers on. */
    const asOwner = async (statements: Array<[string, unknown[]]>) => {
      await t.sql('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      try {
        for (const [text, params] of statements) await t.sql(text, params);
      } finally {
        await t.sql('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
      }
    };
    /** Rewrites row `seq` with `patch` and recomputes every hash from there on, as a careful forger would. */
    const forge = async (seq: number, patch: Partial<Row>) => {
      const all = await rows();
      let prev = seq > 1 ? all.find((r) => r.seq === seq - 1)!.hash : GENESIS_HASH;
      const updates: Array<[string, unknown[]]> = [];
      for (const r of all.filter((x) => x.seq >= seq)) {
        const f = { ...r, ...(r.seq === seq ? patch : {}) };
        const hash = rowHash(prev, {
          seq: f.seq,
          at: new Date(f.at).toISOString(),
          actor: f.actor,
          actorId: f.actor_id,
          action: f.action,
          entity: f.entity,
          entityId: f.entity_id,
          before: f.before ?? null,
          after: f.after ?? null,
          reason: f.reason,
        });
        updates.push(['UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [f.actor, prev, hash, f.seq]]);
        prev = hash;
      }
      await asOwner(updates);
      return all;
    };
    const restore = (all: Row[]) =>
      asOwner(all.map((r) => ['UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [r.actor, r.prev_hash, r.hash, r.seq]]));

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: false, listen: false, config: { auditKeyFile: keyFile, auditCheckpointFile: checkpointFile } });
      for (let i = 0; i < 3; i++) await t.tokenFor(['operator']); // audited writes: three users
    }, 180_000);
    afterAll(async () => {
      await t?.close();
    });

    it('untouched: intact, every row has an HMAC, the key file is private and a start checkpoint exists', async () => {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
      const v = await verify();
      expect(v).toMatchObject({ ok: true, anchor: { checkpoints: 1, lastCheckpoint: { seq: 0 } } });
      expect(v.checked).toBeGreaterThanOrEqual(4);
      const macs = (await t.sql('SELECT hmac FROM audit_log')) as Array<{ hmac: string | null }>;
      expect(macs.every((m) => /^[0-9a-f]{64}$/.test(m.hmac ?? ''))).toBe(true);
      // the checkpoint's signature holds with the public key the API hands to auditors
      const pk = (await call('GET', '/api/audit/public-key')).json();
      expect(pk.publicKey).toMatch(/BEGIN PUBLIC KEY/);
      expect(JSON.parse(readFileSync(checkpointFile, 'utf8').split('\n')[0]!)).toMatchObject({ seq: 0, reason: 'start', key: pk.keyId });
    });

    if (kind === 'postgres')
      it('runs as a non-owner role: INSERT and SELECT on the trail, but DELETE, UPDATE, TRUNCATE and ALTER are refused', async () => {
        const role = `takt_app_${randomBytes(4).toString('hex')}`;
        const schema = ((await t.sql('SELECT current_schema() AS s')) as Array<{ s: string }>)[0]!.s;
        // the grants of docs/security.md, in the test's schema
        for (const stmt of [
          `CREATE ROLE ${role} LOGIN`,
          `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
          `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
          `REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${role}`,
        ])
          await t.sql(stmt);
        const url = new URL(POSTGRES_URL);
        url.username = role;
        url.password = '';
        const app = await openDatabase({ databaseUrl: url.toString(), schema, poolSize: 2 });
        try {
          expect((await migrate(app)).applied).toEqual([]); // Takt's start-up needs no CREATE rights once migrated
          const db = app.db as Db;
          await db.transaction(async (tx) =>
            appendAudit(tx as unknown as Db, { id: null, name: 'takt_app' }, { action: 'create', entity: 'probe', entityId: role }),
          );
          expect((await app.query<{ actor: string }>("SELECT actor FROM audit_log WHERE entity = 'probe'"))[0]).toMatchObject({ actor: 'takt_app' });
          const refused = async (stmt: string) => expect(app.query(stmt)).rejects.toMatchObject({ code: '42501' });
          await refused('DELETE FROM audit_log');
          await refused("UPDATE audit_log SET actor = 'mallory'");
          await refused('TRUNCATE audit_log');
          await refused('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
          await refused('ALTER TABLE audit_log DISABLE TRIGGER ALL');
          await refused('DROP TRIGGER audit_log_no_update ON audit_log');
          await refused('CREATE TABLE takt_evil (x int)');
          // the trail stays verifiable, with the row the role appended
          expect(await verifyAudit(db, undefined, t.app.ctx.audit!.anchor)).toMatchObject({ ok: true });
        } finally {
          await app.close();
          await t.sql(`DROP OWNED BY ${role}`);
          await t.sql(`DROP ROLE ${role}`);
        }
      });

    it('a row rewritten with the SHA-256 chain recomputed is reported by its HMAC', async () => {
      const target = 3;
      const original = await forge(target, { actor: 'mallory' });
      // the chain alone is fooled: this is what the anchor adds
      expect(await verifyAudit(t.app.ctx.db)).toMatchObject({ ok: true });
      const v = await verify();
      expect(v.ok).toBe(false);
      expect(v.firstBroken).toEqual({ seq: target, reason: expect.stringMatching(/HMAC does not match/) });
      expect(v.checked).toBe(target - 1);
      // a forger who also strips the HMAC gets no further
      await asOwner([['UPDATE audit_log SET hmac = NULL WHERE seq = $1', [target]]]);
      expect((await verify()).firstBroken).toEqual({ seq: target, reason: expect.stringMatching(/no HMAC/) });
      await restore(original);
      const back = (await t.sql('SELECT seq::int AS seq FROM audit_log WHERE hmac IS NULL')) as Array<{ seq: number }>;
      await asOwner(
        back.map((r) => [
          'UPDATE audit_log SET hmac = $1 WHERE seq = $2',
          [t.app.ctx.audit!.anchor.rowMac(r.seq, original.find((o) => o.seq === r.seq)!.hash), r.seq],
        ]),
      );
      expect(await verify()).toMatchObject({ ok: true });
    });

    it('a tail deleted below the last checkpoint is reported as missing rows', async () => {
      const cp = await call('POST', '/api/audit/checkpoint');
      expect(cp.status, cp.body).toBe(201);
      const head = cp.json().seq as number;
      expect(head).toBe((await rows()).length);
      expect((await call('POST', '/api/audit/checkpoint', await t.tokenFor(['supervisor']))).status).toBe(403);
      await t.tokenFor(['quality']); // one more row after the checkpoint
      await asOwner([['DELETE FROM audit_log WHERE seq >= $1', [head - 1]]]);
      // the chain alone is fooled again
      expect(await verifyAudit(t.app.ctx.db)).toMatchObject({ ok: true, checked: head - 2 });
      const v = await verify();
      expect(v).toMatchObject({ ok: false, checked: head - 2, firstBroken: { seq: head - 1 } });
      expect(v.firstBroken.reason).toMatch(new RegExp(`rows ${head - 1}–${head} are missing: the signed checkpoint`));
    });

    it('a forged or altered checkpoint line is reported', async () => {
      const text = readFileSync(checkpointFile, 'utf8');
      const last = JSON.parse(text.trim().split('\n').at(-1)!);
      appendFileSync(checkpointFile, `${JSON.stringify({ ...last, seq: 1 })}\n`);
      expect((await verify()).firstBroken.reason).toMatch(/checkpoint file line \d+: signature does not hold/);
      writeFileSync(checkpointFile, text);
    });
  });
}
