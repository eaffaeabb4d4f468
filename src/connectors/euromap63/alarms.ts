// The CURRENT_ALARMS event file (REWRITE): the machine rewrites it when an alarm is set or reset; rows are
// `index,YYYYMMDD,HH:MM:SS,cycle,set(1)/reset(0),alarm-no,"text"` (standards.md §6). Takt's `alarm` tag carries the
// newest alarm still set (its number, or its text when it has no number) and '' when none is set.
import type { Observation, Rejection } from '../../collect/index.ts';
import { completeLines, parseAlarmRow, type AlarmRow } from './dat.ts';
import { isMissing, type FileOps } from './files.ts';
import type { StreamConfig } from './report.ts';
import { datTimeToUtc } from './time.ts';

export interface AlarmRead {
  observations: Observation[];
  rejections: Rejection[];
  commit(): void;
}

export class AlarmTracker {
  private processed = '';
  private seen = '';
  private published: string | undefined;
  private lastTs: number | undefined;

  constructor(
    private readonly cfg: StreamConfig,
    readonly fileName: string,
    private readonly tag = 'alarm',
  ) {}

  /** After a machine restart the alarm state is unknown until the machine writes the file again. */
  forget(): void {
    this.processed = this.seen = '';
  }

  async read(files: FileOps, filePath: string, receivedAt: number): Promise<AlarmRead | null> {
    let got;
    try {
      const st = await files.stat(filePath);
      const sig = `${st.size}:${st.mtimeMs}:${st.ino}`;
      if (sig === this.processed) return null;
      // A file being rewritten in place may be empty or short for a moment: read it once it stays the same for a poll.
      if (sig !== this.seen) {
        this.seen = sig;
        return null;
      }
      got = await files.readFrom(filePath, 0);
      if (`${got.stat.size}:${got.stat.mtimeMs}:${got.stat.ino}` !== sig) return null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    const sig = this.seen;
    const { lines, bytes } = completeLines(got.buf);
    if (bytes !== got.buf.length) return null; // half a line: not finished
    const source = { protocol: 'euromap63', client: this.cfg.equipmentPath };
    const out: AlarmRead = { observations: [], rejections: [], commit: () => undefined };
    const rows: AlarmRow[] = [];
    let hint: number | undefined;
    for (const line of lines) {
      const r = parseAlarmRow(line, (d, t) => datTimeToUtc(d, t, this.cfg.timezone, hint));
      if (r === null) continue;
      if ('ok' in r) {
        out.rejections.push({ source, topic: this.fileName, reason: `${this.fileName}: ${r.reason}`, payload: line, receivedAt });
        continue;
      }
      rows.push(r);
      hint = r.ts;
    }
    const active = new Map<string, AlarmRow>();
    let latest: number | undefined;
    for (const r of rows) {
      latest = latest === undefined ? r.ts : Math.max(latest, r.ts);
      const key = r.no !== '' ? r.no : r.text;
      if (r.set) active.set(key, r);
      else if ((active.get(key)?.ts ?? -Infinity) <= r.ts) active.delete(key);
    }
    let top: AlarmRow | undefined;
    for (const r of active.values()) if (!top || r.ts >= top.ts) top = r;
    const value = top ? (top.no !== '' && top.no !== '0' ? top.no : top.text) : '';
    let ts = latest;
    if (ts !== undefined && this.lastTs !== undefined && ts <= this.lastTs) ts = this.lastTs + 1;
    const publish = value !== this.published && (this.published !== undefined || rows.length > 0);
    if (publish) {
      const obs: Observation = { source, topic: this.fileName, equipmentPath: this.cfg.equipmentPath, tag: this.tag, value, receivedAt };
      if (ts !== undefined) obs.ts = ts;
      out.observations.push(obs);
    }
    out.commit = () => {
      this.processed = sig;
      if (publish) {
        this.published = value;
        if (ts !== undefined) this.lastTs = ts;
      }
    };
    return out;
  }
}
