// The heartbeat report (jobs.ts heartbeatJob): TKTHBT.DAT, rewritten by the press every few seconds with DATE, TIME and
// ActCntCyc. Takt judges the press alive by the file changing, not by its DATE/TIME: a press clock may be off or jump.
import { completeLines, parseHeader, parseValue, splitFields } from './dat.ts';
import { isBusy, isMissing, type FileOps } from './files.ts';

export interface Beat {
  /** The file changed since the last read. */
  changed: boolean;
  /** ActCntCyc of the newest heartbeat row, if it has one that reads as a counter. */
  counter: number | undefined;
}

export class HeartbeatReader {
  private last: string | null = null;

  /** The heartbeat as it is now; null when the file is missing, busy or half written (judge it next poll). */
  async read(files: FileOps, filePath: string): Promise<Beat | null> {
    let buf: Buffer;
    try {
      buf = (await files.readFrom(filePath, 0)).buf;
    } catch (err) {
      if (isMissing(err) || isBusy(err)) return null;
      throw err;
    }
    const { lines } = completeLines(buf);
    const header = parseHeader(lines);
    if (!header) return null;
    const row = lines
      .slice(header.lineCount)
      .filter((l) => l.trim() !== '')
      .at(-1);
    if (row === undefined) return null;
    const text = lines.join('\n');
    const changed = this.last !== null && text !== this.last;
    this.last = text;
    const f = splitFields(row);
    const i = header.names.indexOf('ActCntCyc');
    const v = i >= 0 && f.length === header.names.length ? parseValue(f[i]) : undefined;
    return { changed, counter: typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined };
  }

  /** After (re)establishing the jobs: the next content read is the baseline again. */
  reset(): void {
    this.last = null;
  }
}

/** Counter widths machines commonly wrap at (as collect/counters.ts): a drop from near one of them is a roll-over. */
const WRAPS = [2 ** 15, 2 ** 16, 2 ** 31, 2 ** 32];

/** A cycle counter that went back without rolling over: the press restarted or its counter was reset. */
export function counterWentBack(prev: number | undefined, next: number): boolean {
  if (prev === undefined || next >= prev) return false;
  return !WRAPS.some((w) => prev < w && prev >= w * 0.9 && next < w * 0.1);
}
