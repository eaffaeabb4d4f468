// PGlite is a single-process database: two processes on one data folder would corrupt it. A pid file guards it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data folder for this process; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'takt.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid))
      throw new DataDirBusyError(
        `the data folder ${path.resolve(dataDir)} is in use by Takt process ${pid}; stop it first (Ctrl+C in its terminal, or kill ${pid}), or use the web app / API while it runs`,
      );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (existsSync(file) && Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
    } catch {
      /* already gone */
    }
  };
}
