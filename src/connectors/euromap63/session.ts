// The EUROMAP 63 session protocol (standards.md §6): Takt writes SESSnnnn.REQ with lines `<8-digit id> <COMMAND>;`, the
// machine reads and deletes it, runs it and answers in SESSnnnn.RSP; Takt deletes the RSP before the next REQ, so
// there is one outstanding request per session folder. Session numbers run 0000 … 9999 and wrap to 0000.
import * as path from 'node:path';
import { CRLF } from './jobs.ts';
import { completeLines, decodeText } from './dat.ts';
import { isBusy, isMissing, type FileOps } from './files.ts';

export interface RspLine {
  id: number;
  ok: boolean;
  /** The whole response line, e.g. `00000001 ERROR 3 "no such job";`. */
  text: string;
}

export class SessionTimeout extends Error {
  constructor(
    readonly session: string,
    ms: number,
  ) {
    super(`no ${session}.RSP within ${(ms / 1000).toFixed(1)} s`);
  }
}

export class SessionStopped extends Error {
  constructor() {
    super('connector stopped');
  }
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const SESSION_FILE = /^SESS(\d{4})\.(REQ|RSP)$/i;

export const sessionName = (n: number) => `SESS${pad(n % 10_000, 4)}`;

export class SessionClient {
  /** The next session number. */
  next = 0;
  private cmdId = 0;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly files: FileOps,
    private readonly pollMs: number,
    private readonly isStopped: () => boolean = () => false,
  ) {}

  /**
   * Clears REQ/RSP files a previous run left behind and continues numbering after the highest one found, so a late
   * answer to an old request can never be taken for the answer to a new one.
   */
  async init(): Promise<void> {
    let highest = -1;
    for (const name of await this.files.list(this.dir)) {
      const m = SESSION_FILE.exec(name);
      if (!m) continue;
      highest = Math.max(highest, Number(m[1]));
      await this.files.remove(path.join(this.dir, name));
    }
    if (highest >= 0) this.next = (highest + 1) % 10_000;
  }

  /** Runs `fn` while holding the session: requests never overlap. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends one request (several commands) and waits for its RSP. Resolves with one line per command id (a missing
   * answer counts as an error); rejects with SessionTimeout when no complete RSP comes within `timeoutMs`.
   * Callers hold the session (exclusive) around it.
   */
  async request(commands: string[], timeoutMs: number): Promise<RspLine[]> {
    const name = sessionName(this.next);
    this.next = (this.next + 1) % 10_000;
    const req = path.join(this.dir, `${name}.REQ`);
    const rsp = path.join(this.dir, `${name}.RSP`);
    await this.files.remove(rsp); // a stale answer from a run long ago under the same number
    const ids = commands.map(() => {
      const id = this.cmdId;
      this.cmdId = (this.cmdId + 1) % 100_000_000;
      return id;
    });
    await this.files.writeAtomic(req, commands.map((c, i) => `${pad(ids[i], 8)} ${c};${CRLF}`).join(''));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.isStopped()) {
        await this.files.remove(req).catch(() => undefined);
        throw new SessionStopped();
      }
      const lines = await this.readRsp(rsp);
      if (lines && ids.every((id) => lines.some((l) => l.id === id))) {
        await this.files.remove(rsp);
        return ids.map((id) => lines.find((l) => l.id === id)!);
      }
      if (Date.now() >= deadline) {
        // The machine never took the request (or took it and never answered): take it back if it is still there.
        await this.files.remove(req).catch(() => undefined);
        await this.files.remove(rsp).catch(() => undefined);
        throw new SessionTimeout(name, timeoutMs);
      }
      await sleep(Math.min(this.pollMs, Math.max(1, deadline - Date.now())));
    }
  }

  /** The RSP's complete lines, or null while it is missing, busy or still being written. */
  private async readRsp(file: string): Promise<RspLine[] | null> {
    try {
      const { buf } = await this.files.readFrom(file, 0);
      return parseRsp(completeLines(buf).lines);
    } catch (err) {
      if (isMissing(err) || isBusy(err)) return null;
      throw err;
    }
  }
}

/** RSP lines: `<id> PROCESSED…;` is success, any other answer (ERROR …) is an error. */
export function parseRsp(lines: string[]): RspLine[] {
  const out: RspLine[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const m = /^(\d{1,8})\s+(\S+)/.exec(line);
    if (!m || !line.endsWith(';')) continue;
    out.push({ id: Number(m[1]), ok: /^PROCESSED$/i.test(m[2].replace(/;$/, '')), text: line });
  }
  return out;
}

/** Errors a job's LOG reports: every line that is not `… PROCESSED …`, as written. */
export function logErrors(buf: Buffer): string[] {
  return decodeText(buf)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && /\bERROR\b/i.test(l));
}

/** Waits for a job's LOG until the deadline; its error lines, or null if it never came. */
export async function readLog(files: FileOps, logPath: string, deadline: number, stopped: () => boolean): Promise<string[] | null> {
  for (;;) {
    try {
      const { buf } = await files.readFrom(logPath, 0);
      const { bytes } = completeLines(buf);
      if (bytes === buf.length && bytes > 0) return logErrors(buf);
    } catch (err) {
      if (!isMissing(err) && !isBusy(err)) throw err;
    }
    if (Date.now() >= deadline || stopped()) return null;
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
