// Parsing EUROMAP 63 .DAT files (standards.md §6): comma-separated; the first line of a REPORT file names the
// parameters and may continue on lines that begin with a space; then one line per shot (CYCLIC SHOT) or interval.
// Commas inside `[...]` belong to the name (`SetTmpBrlZn[1,3]`), commas inside "..." to the string.

/** Splits a line on commas outside brackets and quotes; fields are trimmed, quotes kept (see parseValue). */
export function splitFields(line: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 91 /* [ */) depth++;
    else if (c === 93 /* ] */) depth = Math.max(0, depth - 1);
    else if (c === 44 /* , */ && depth === 0) {
      out.push(line.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(line.slice(start).trim());
  return out;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A field's value: "quoted" → string (a doubled "" inside is one "), a decimal-point number → number, else the text. */
export function parseValue(field: string): number | string {
  const f = field.trim();
  if (f.length >= 2 && f.startsWith('"') && f.endsWith('"')) return f.slice(1, -1).replace(/""/g, '"');
  if (NUMBER.test(f)) return Number(f);
  return f;
}

/** Decodes file bytes: UTF-8 where valid, else Latin-1 (controllers writing Windows code pages). */
export function decodeText(buf: Buffer): string {
  const s = buf.toString('utf8');
  return s.includes('\uFFFD') && !buf.includes(Buffer.from('\uFFFD', 'utf8')) ? buf.toString('latin1') : s;
}

/**
 * The complete lines in `buf` (each ended by LF, CRLF preferred) and how many bytes they take. A last line without its
 * line end is still being written: it is left for the next read.
 */
export function completeLines(buf: Buffer): { lines: string[]; bytes: number } {
  const end = buf.lastIndexOf(10);
  if (end < 0) return { lines: [], bytes: 0 };
  const text = decodeText(buf.subarray(0, end + 1));
  const lines = text.split('\n');
  lines.pop(); // after the last LF
  return { lines: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), bytes: end + 1 };
}

export interface DatHeader {
  names: string[];
  /** How many lines the header takes (1 + continuation lines). */
  lineCount: number;
}

/**
 * The header of a REPORT file from its first complete lines: line 0 plus every following line that begins with a
 * space. Undefined while it may still continue (no line after it yet) — a header is only known once a row follows.
 */
export function parseHeader(lines: string[]): DatHeader | undefined {
  if (lines.length === 0) return undefined;
  let text = lines[0];
  let i = 1;
  while (i < lines.length && /^[ \t]/.test(lines[i])) text += lines[i++].trimStart();
  if (i >= lines.length) return undefined;
  return { names: splitFields(text).filter((n, k, all) => n !== '' || k < all.length - 1), lineCount: i };
}

export interface ParsedRow {
  ok: true;
  ts: number;
  values: Array<{ name: string; value: number | string }>;
}
export interface BadRow {
  ok: false;
  reason: string;
}

export interface AlarmRow {
  ts: number;
  cycle: number | string;
  set: boolean;
  /** Alarm number as written (kept as text: leading zeros and vendor prefixes matter). */
  no: string;
  text: string;
}

/** Alarm .DAT row: `index,YYYYMMDD,HH:MM:SS,cycle,set(1)/reset(0),alarm-no,"text"` (standards.md §6). */
export function parseAlarmRow(line: string, toUtc: (date: string, time: string) => number | string): AlarmRow | BadRow | null {
  const f = splitFields(line);
  if (f.length === 1 && f[0] === '') return null; // empty line
  if (/^[A-Za-z]/.test(f[0]) && f.some((x) => /^DATE$/i.test(x))) return null; // a header line, if the machine writes one
  if (f.length !== 7) return { ok: false, reason: `alarm row: expected 7 fields, got ${f.length}` };
  const ts = toUtc(f[1], f[2]);
  if (typeof ts === 'string') return { ok: false, reason: `alarm row: ${ts}` };
  if (f[4] !== '0' && f[4] !== '1') return { ok: false, reason: `alarm row: set/reset field '${f[4]}' is not 1 or 0` };
  const no = parseValue(f[5]);
  const text = parseValue(f[6]);
  return { ts, cycle: parseValue(f[3]), set: f[4] === '1', no: String(no), text: String(text) };
}
