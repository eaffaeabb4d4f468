// Reading the cyclic REPORT file (APPEND: header, then one row per shot) incrementally: from the byte offset delivered
// so far to the last complete line. Rows become Observations; rows that cannot be read become Rejections for the
// pipeline's quarantine. Nothing is remembered as delivered until the sink has taken the batch (commit).
import type { Observation, Rejection } from '../../collect/index.ts';
import { completeLines, parseHeader, parseValue, splitFields } from './dat.ts';
import { isBusy, isMissing, type FileOps } from './files.ts';
import { tagFor } from './jobs.ts';
import { datTimeToUtc } from './time.ts';

export interface StreamConfig {
  equipmentPath: string;
  timezone: string;
  mapping?: Record<string, string>;
}

interface StreamState {
  offset: number;
  ino: number;
  names: string[] | null;
  /** Instant of the last row (hint through a fall-back hour) and rows seen in its second. */
  lastSecond: number | undefined;
  inSecond: number;
  /** Raw lines recently delivered: a re-read of a recreated file skips exactly these, nothing else. */
  recent: string[];
  rereading: boolean;
}

export interface ReadResult {
  observations: Observation[];
  rejections: Rejection[];
  rows: number;
  /** The file is read to its end (no half-written line pending). */
  atEnd: boolean;
  commit(): void;
}

const RECENT = 256;
const fresh = (): StreamState => ({ offset: 0, ino: 0, names: null, lastSecond: undefined, inSecond: 0, recent: [], rereading: false });

export class ReportStream {
  private st: StreamState = fresh();
  private tagCache = new Map<string, string>();

  constructor(
    private readonly cfg: StreamConfig,
    readonly fileName: string,
  ) {}

  get offset(): number {
    return this.st.offset;
  }

  /** A stream for the next file after a rotation: a new file from its start, same time and de-duplication memory. */
  successor(fileName: string): ReportStream {
    const s = new ReportStream(this.cfg, fileName);
    // rereading: should the old file still be there for a moment, rows already delivered are recognised and skipped
    s.st = { ...fresh(), lastSecond: this.st.lastSecond, inSecond: this.st.inSecond, recent: [...this.st.recent], rereading: true };
    return s;
  }

  /** New complete rows of the file, or null when there is nothing new (missing, busy, unchanged, half a line). */
  async read(files: FileOps, filePath: string, receivedAt: number): Promise<ReadResult | null> {
    let st: StreamState = { ...this.st, recent: this.st.recent };
    let got;
    try {
      got = await files.readFrom(filePath, st.offset);
      const recreated = got.stat.size < st.offset || (st.offset > 0 && st.ino !== 0 && got.stat.ino !== 0 && got.stat.ino !== st.ino);
      if (recreated) {
        // the machine started the file again (restart, folder cleared): read it from its start
        st = { ...fresh(), lastSecond: st.lastSecond, inSecond: st.inSecond, recent: st.recent, rereading: true };
        got = await files.readFrom(filePath, 0);
      }
    } catch (err) {
      if (isMissing(err)) return null; // not written yet, or away for a moment: keep the offset
      throw err;
    }
    st.ino = got.stat.ino;
    const { lines, bytes } = completeLines(got.buf);
    if (lines.length === 0) return null;
    let rowLines = lines;
    if (!st.names) {
      const header = parseHeader(lines);
      if (!header) return null; // header still being written, or no row after it yet
      st.names = header.names;
      rowLines = lines.slice(header.lineCount);
    }
    st.offset += bytes;
    st.recent = [...st.recent];
    const out: ReadResult = { observations: [], rejections: [], rows: 0, atEnd: st.offset === got.stat.size, commit: () => (this.st = st) };
    for (const line of rowLines) this.row(line, st, receivedAt, out);
    if (st.recent.length > RECENT) st.recent.splice(0, st.recent.length - RECENT);
    return out;
  }

  private tag(name: string): string {
    let t = this.tagCache.get(name);
    if (t === undefined) this.tagCache.set(name, (t = tagFor(name, this.cfg.mapping)));
    return t;
  }

  private row(line: string, st: StreamState, receivedAt: number, out: ReadResult): void {
    if (line.trim() === '') return;
    const source = { protocol: 'euromap63', client: this.cfg.equipmentPath };
    const reject = (reason: string) => out.rejections.push({ source, topic: this.fileName, reason, payload: line, receivedAt });
    if (st.rereading && st.recent.includes(line)) return;
    const names = st.names!;
    const f = splitFields(line);
    if (f.length !== names.length) return void reject(`${this.fileName}: expected ${names.length} columns (${names.join(',')}), got ${f.length}`);
    let ts: number | undefined;
    const di = names.indexOf('DATE');
    const ti = names.indexOf('TIME');
    if (di >= 0 && ti >= 0) {
      const t = datTimeToUtc(f[di], f[ti], this.cfg.timezone, st.lastSecond);
      if (typeof t === 'string') return void reject(`${this.fileName}: ${t}`);
      ts = t;
    }
    let seq: number | undefined;
    const ci = names.indexOf('ActCntCyc');
    if (ci >= 0) {
      const c = parseValue(f[ci]);
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) return void reject(`${this.fileName}: ActCntCyc '${f[ci]}' is not a cycle counter`);
      seq = c;
    }
    if (ts !== undefined) {
      // DATE/TIME have whole seconds: rows within one second are spread over its milliseconds, in file order, so each
      // keeps its own timestamp (the pipeline de-duplicates by tag and timestamp).
      if (ts === st.lastSecond) st.inSecond++;
      else {
        st.lastSecond = ts;
        st.inSecond = 0;
      }
      ts += Math.min(999, st.inSecond);
    }
    for (let i = 0; i < names.length; i++) {
      if (i === di || i === ti) continue;
      const value = parseValue(f[i]);
      if (value === '') continue; // the machine had no value for it
      const obs: Observation = {
        source,
        topic: `${this.fileName}:${names[i]}`,
        equipmentPath: this.cfg.equipmentPath,
        tag: this.tag(names[i]),
        value,
        receivedAt,
      };
      if (ts !== undefined) obs.ts = ts;
      if (seq !== undefined) obs.seq = seq;
      out.observations.push(obs);
    }
    out.rows++;
    st.recent.push(line);
  }
}

/** Whether an error reading a file means "try again later" rather than a fault. */
export const transientFileError = (err: unknown) => isBusy(err) || isMissing(err);
