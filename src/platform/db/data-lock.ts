// PGlite is a single-process database: two processes on one data folder would corrupt it. A pid file guards it.
//
// Taking the lock is one atomic step (issue #11 item 16): the pid is written to a private temporary file which is then
// hard-linked to takt.pid; link() fails if takt.pid exists, so of many processes starting at once exactly one wins,
// and the file is never seen half-written. A lock left by a dead process is removed only under a second, equally
// atomic recovery lock, and only if it still names that dead process, so two recoverers cannot remove each other's
// fresh lock.
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {}

/** Lock files this process holds, so a pid file naming this process is recognised as its own or as stale. */
const held = new Set<string>();

/** A recovery lock older than this was left by a process that died while recovering. */
const RECOVERY_STALE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `file` holding `content`, atomically and only if it does not exist yet. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content, { flag: 'wx' });
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The pid a lock names; 0 if its content is not a pid (left by an old version); undefined if it is gone. */
const readPid = (file: string): number | undefined => {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return undefined; // removed in the meantime
  }
};

/** A lock naming a process that no longer runs (or this very process, from a run whose pid was reused). */
const isStale = (file: string, pid: number | undefined) => pid !== undefined && !held.has(file) && (pid === 0 || pid === process.pid || !alive(pid));

/** Removes a stale lock under the recovery lock; false if another process is recovering right now. */
function recoverStale(file: string, stalePid: number): boolean {
  const guard = `${file}.recover`;
  if (!createExclusive(guard, String(process.pid))) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > RECOVERY_STALE_MS) rmSync(guard, { force: true });
    } catch {
      /* released meanwhile */
    }
    return false;
  }
  try {
    // still the same dead process's lock? (another process may have recovered and locked it in between)
    if (readPid(file) === stalePid && isStale(file, stalePid)) rmSync(file, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Takes the data folder for this process; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, 'takt.pid');
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(file, String(process.pid))) break;
    const pid = readPid(file);
    if (attempt < 5 && (pid === undefined || (isStale(file, pid) && recoverStale(file, pid)))) continue;
    throw new DataDirBusyError(
      `the data folder ${path.resolve(dataDir)} is in use by Takt process ${pid ?? '(unknown)'}; stop it first (Ctrl+C in its terminal, or kill ${pid ?? '<pid>'}), or use the web app / API while it runs`,
    );
  }
  held.add(file);
  return () => {
    held.delete(file);
    try {
      if (readPid(file) === process.pid) rmSync(file);
    } catch {
      /* already gone */
    }
  };
}
