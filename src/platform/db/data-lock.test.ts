import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from './data-lock.ts';

const LOCK_MODULE = path.resolve(import.meta.dirname, 'data-lock.ts');

/** A process that tries the lock when told "go", prints won/busy, and holds a won lock until its stdin closes. */
const CHILD = `
import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)};
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  let release;
  try { release = lockDataDir(process.argv[1]); process.stdout.write('won\\n'); }
  catch (err) { process.stdout.write(err.constructor.name === 'DataDirBusyError' ? 'busy\\n' : 'error ' + err.message + '\\n'); }
  process.stdin.once('end', () => { release?.(); process.exit(0); });
  process.stdin.resume();
});
`;

/** Starts n processes, lets them all try at once, and returns what each said. */
async function race(dir: string, n: number): Promise<string[]> {
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, dir], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = children.map((c) => {
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    return (want: RegExp) =>
      new Promise<string>((resolve) => {
        const check = () => (want.test(out) ? resolve(out) : setTimeout(check, 20));
        check();
      });
  });
  await Promise.all(lines.map((l) => l(/ready/)));
  for (const c of children) c.stdin.write('go\n');
  const said = (await Promise.all(lines.map((l) => l(/ready\n(won|busy|error.*)\n/)))).map((o) => o.split('\n')[1]);
  for (const c of children) c.stdin.end();
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  return said;
}

describe('data folder lock', () => {
  it('of many processes starting at once on one folder, exactly one wins; it leaves no pid file behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-lock-'));
    const said = await race(dir, 8);
    expect(said.filter((s) => s === 'won')).toHaveLength(1);
    expect(said.filter((s) => s === 'busy')).toHaveLength(7);
    expect(existsSync(path.join(dir, 'takt.pid'))).toBe(false);
  }, 60_000);

  it('of many processes finding a lock left by a dead process, exactly one takes over', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'takt.pid'), dead.stdout);
    const said = await race(dir, 6);
    expect(said.filter((s) => s === 'won')).toHaveLength(1);
    expect(said.filter((s) => s === 'busy')).toHaveLength(5);
  }, 60_000);

  it('refuses a folder this process holds, names the holder, and is free again after release', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-lock-'));
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'takt.pid'), 'utf8')).toBe(String(process.pid));
    expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by Takt process ${process.pid}`));
    release();
    expect(existsSync(path.join(dir, 'takt.pid'))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over a lock file that names no pid, or this pid from an earlier run (pid reuse after a restart)', () => {
    for (const content of ['', 'garbage', String(process.pid)]) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-lock-'));
      writeFileSync(path.join(dir, 'takt.pid'), content);
      const release = lockDataDir(dir);
      expect(readFileSync(path.join(dir, 'takt.pid'), 'utf8')).toBe(String(process.pid));
      release();
    }
  });
});
