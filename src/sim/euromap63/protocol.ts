// The machine side of EUROMAP 63 (standards.md §6) for the press emulator: request lines, job files, DAT lines.
// Written independently of the connector so the tests check one reading of the standard against the other.

export const CRLF = '\r\n';
export const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Splits on a separator outside "quotes" and [brackets]. */
export function splitOutside(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  let depth = 0;
  for (const ch of text) {
    if (ch === '"') q = !q;
    else if (!q && ch === '[') depth++;
    else if (!q && ch === ']') depth--;
    if (ch === sep && !q && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Commands of a job or request file: split on ';', line breaks and continuation lines folded into single spaces. */
export function commands(text: string): string[] {
  return splitOutside(text, ';')
    .map((c) => c.replace(/\s+/g, ' ').trim())
    .filter((c) => c !== '');
}

export type JobCommand =
  | { kind: 'report'; name: string; mode: 'REWRITE' | 'APPEND'; file: string; cyclicShots: number | null; cyclicTimeS?: number; params: string[] }
  | { kind: 'event'; name: string; file: string }
  | { kind: 'set'; param: string; raw: string }
  | { kind: 'abort'; name: string | null }
  | { kind: 'getid'; file: string }
  | { kind: 'error'; code: number; text: string };

/** One job command; syntax the emulator does not know is an error the job's LOG reports. */
export function parseJobCommand(c: string): JobCommand {
  let m = /^REPORT (\S+) (REWRITE|APPEND) "([^"]+)"(.*?) ?PARAMETERS (.+)$/i.exec(c);
  if (m) {
    const opts = m[4].toUpperCase();
    let cyclicShots: number | null = null;
    let cyclicTimeS: number | undefined;
    const cyc = /CYCLIC SHOT (\d+)/.exec(opts);
    const time = /CYCLIC TIME (\d{2}):(\d{2}):(\d{2})/.exec(opts);
    if (cyc) cyclicShots = Math.max(1, Number(cyc[1]));
    else if (time) cyclicTimeS = Math.max(1, Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]));
    else if (/CYCLIC/.test(opts)) return { kind: 'error', code: 4, text: 'only CYCLIC SHOT n and CYCLIC TIME hh:mm:ss are supported' };
    const params = splitOutside(m[5], ',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    return {
      kind: 'report',
      name: m[1],
      mode: m[2].toUpperCase() as 'REWRITE' | 'APPEND',
      file: m[3],
      cyclicShots,
      ...(cyclicTimeS ? { cyclicTimeS } : {}),
      params,
    };
  }
  m = /^EVENT (\S+) CURRENT_ALARMS REWRITE "([^"]+)"/i.exec(c);
  if (m) return { kind: 'event', name: m[1], file: m[2] };
  m = /^SET (\S+) (.+)$/i.exec(c);
  if (m) return { kind: 'set', param: m[1], raw: m[2].trim() };
  m = /^ABORT (JOB (\S+)|ALL)$/i.exec(c);
  if (m) return { kind: 'abort', name: m[2] ?? null };
  m = /^GETID "([^"]+)"$/i.exec(c);
  if (m) return { kind: 'getid', file: m[1] };
  return { kind: 'error', code: 1, text: `syntax error: ${c.slice(0, 60)}` };
}

export function formatDatValue(v: number | string): string {
  return typeof v === 'number' ? String(v) : `"${v}"`;
}

/** A header line, continued on lines beginning with a space when it gets long. */
export function headerLines(names: string[], width = 60): string {
  let out = '';
  let line = '';
  names.forEach((n, i) => {
    const piece = n + (i < names.length - 1 ? ',' : '');
    if (line.length + piece.length > width && line !== '') {
      out += line + CRLF;
      line = ' ';
    }
    line += piece;
  });
  return out + line + CRLF;
}

const fmts = new Map<string, Intl.DateTimeFormat>();

/** The machine's clock shows local time: `YYYYMMDD` and `HH:MM:SS` of an instant in the zone. */
export function localDateTime(ts: number, tz: string): { date: string; time: string } {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmts.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(ts))) p[x.type] = x.value;
  return { date: `${p.year}${p.month}${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}
