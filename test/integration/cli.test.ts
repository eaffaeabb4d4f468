// The `takt` command as a new user runs it: a fresh data folder, the embedded database, one process per command.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'takt-cli-'));
const env = { ...process.env, TAKT_CONFIG: '', DATABASE_URL: '', TAKT_DATA_DIR: '', TAKT_LOG_LEVEL: 'warn' };

function takt(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/takt.mjs'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe('takt CLI', () => {
  afterAll(() => {});

  it('has help on every command', () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['user', 'add', '--help'],
      ['import', 'plant', '--help'],
      ['audit', 'verify', '--help'],
      ['audit', 'checkpoint', '--help'],
    ]) {
      const r = takt(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/Usage: takt/);
    }
  });

  it('migrates, adds users, imports and exports a plant file', () => {
    expect(takt('migrate', '--data-dir', dataDir).out).toMatch(/pglite .* is up to date/);
    expect(
      takt('user', 'add', 'ann', '--role', 'supervisor,quality', '--name', 'Ann Smith', '--password', 'ann-password-1', '--data-dir', dataDir).out,
    ).toMatch(/added ann/);
    const dup = takt('user', 'add', 'ann', '--role', 'operator', '--password', 'whatever-123', '--data-dir', dataDir);
    expect(dup.code).toBe(2);
    expect(dup.err).toMatch(/already exists/);
    const badRole = takt('user', 'add', 'bob', '--role', 'wizard', '--password', 'whatever-123', '--data-dir', dataDir);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toMatch(/roles/);
    const short = takt('user', 'add', 'carl', '--role', 'operator', '--password', '12345678', '--data-dir', dataDir);
    expect(short.code).toBe(2);
    expect(short.err).toMatch(/password: at least 10 characters/);
    const common = takt('user', 'add', 'carl', '--role', 'operator', '--password', 'Password123!', '--data-dir', dataDir);
    expect(common.code).toBe(2);
    expect(common.err).toMatch(/password: .*common passwords/);
    expect(takt('user', 'add', '--help').out).toMatch(/at\s+least\s+10\s+characters\s+and\s+not\s+a\s+common\s+password/);
    expect(takt('user', 'list', '--data-dir', dataDir).out).toMatch(/ann\s+supervisor,quality/);
    const imp = takt('import', 'plant', path.join(ROOT, 'demo/plant.yaml'), '--data-dir', dataDir);
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.out).created.equipment).toBe(16);
    const exp = takt('export', 'plant', '--format', 'json', '--data-dir', dataDir);
    const plant = JSON.parse(exp.out);
    expect(plant.equipment[0].id).toBe('acme');
    expect(plant.products.map((p: { id: string }) => p.id)).toContain('S200');
  });

  it('refuses a broken plant file with the path inside the file, writing nothing', () => {
    const bad = path.join(dataDir, 'bad.yaml');
    writeFileSync(
      bad,
      'equipment:\n  - id: plant9\n    level: enterprise\n    name: P9\n    children:\n      - { id: m1, level: machine, name: M1, equipmentClass: no-such-class }\n',
    );
    const r = takt('import', 'plant', bad, '--data-dir', dataDir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/equipment\[0\]\.children\[0\]\.equipmentClass: equipment class 'no-such-class' does not exist/);
    expect(takt('export', 'plant', '--format', 'json', '--data-dir', dataDir).out).not.toMatch(/plant9/);
  });

  it('verifies the audit trail and finds a row altered directly in the database', async () => {
    expect(takt('audit', 'verify', '--data-dir', dataDir).out).toMatch(/intact: \d+ rows/);
    const db = new PGlite(path.join(dataDir, 'pgdata'));
    await db.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
      UPDATE audit_log SET actor = 'mallory' WHERE seq = 2;
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;`);
    await db.close();
    const r = takt('audit', 'verify', '--data-dir', dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at row 2/);
  });

  it('signs checkpoints outside the database and finds a tail deleted by the owner', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-cli-anchor-'));
    for (const u of ['cara', 'dan', 'eve'])
      expect(takt('user', 'add', u, '--role', 'operator', '--password', 'tester-pass-4711', '--data-dir', dir).code).toBe(0);
    const cp = takt('audit', 'checkpoint', '--data-dir', dir);
    expect(cp.code, cp.err).toBe(0);
    expect(cp.out).toMatch(/checkpoint: row 3 hash [0-9a-f]{64}/);
    expect(takt('audit', 'verify', '--data-dir', dir).out).toMatch(/intact: 3 rows checked, 2 signed checkpoints/);
    expect(takt('audit', 'public-key', '--data-dir', dir).out).toMatch(/BEGIN PUBLIC KEY/);
    const db = new PGlite(path.join(dir, 'pgdata'));
    await db.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
      DELETE FROM audit_log WHERE seq = 3;
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;`);
    await db.close();
    const r = takt('audit', 'verify', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at row 3: rows 3–3 are missing: the signed checkpoint/);
  }, 300_000); // eight processes, each opening the embedded database

  it('starts on an empty folder with --demo: the demo plant, the demo-credentials flag, the first admin password printed once; stops cleanly', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-start-'));
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/takt.mjs'), 'start', '--demo', '--port', String(port), '--data-dir', dir], { cwd: ROOT, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      let health: Response | undefined;
      for (let i = 0; i < 360 && !health; i++) {
        await new Promise((r) => setTimeout(r, 250));
        health = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
      }
      expect(health?.status).toBe(200);
      expect((await health!.json()).demoCredentials).toBe(true);
      for (let i = 0; i < 40 && !/password: \S+/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      const password = /password: (\S+)/.exec(out)?.[1];
      expect(password).toBeTruthy();
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      const { token } = await login.json();
      const eq = await (await fetch(`http://127.0.0.1:${port}/api/equipment`, { headers: { authorization: `Bearer ${token}` } })).json();
      expect(eq.length).toBe(16);
      // a second process on the same folder is refused instead of corrupting it
      const second = takt('user', 'list', '--data-dir', dir);
      expect(second.code).toBe(2);
      expect(second.err).toMatch(/in use by Takt process/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(child.exitCode).toBe(0);
    expect(existsSync(path.join(dir, 'takt.pid'))).toBe(false);
  });
});
