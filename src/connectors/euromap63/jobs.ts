// Job files and request lines of the EUROMAP 63 session protocol (standards.md §6): 8.3 upper-case file names, CRLF
// line ends, every command ends with ';'. Takt's files in the machine's folder all start with TKT.
import type { TagValue } from '../../collect/index.ts';

export const CRLF = '\r\n';

/** Takt's jobs: cyclic report, current alarms, heartbeat, abort of those, parameter download, read-back (one-shot report). */
export const JOBS = { report: 'TKTREP', alarms: 'TKTALM', heartbeat: 'TKTHBT', abort: 'TKTABT', set: 'TKTSET', readBack: 'TKTRDB' } as const;
export const file = (job: string, ext: 'JOB' | 'LOG' | 'DAT' | 'OLD') => `${job}.${ext}`;

/** Standard names (`ActTmpOil`, `SetTmpBrlZn[1,3]`) and vendor names (`@Foo`): no room for `;`, quotes or line ends. */
const PARAM_NAME = /^@?[A-Za-z][A-Za-z0-9_]*(\[[0-9]+(,[0-9]+)*\])?$/;

export function checkParamName(name: string): string | null {
  return PARAM_NAME.test(name) ? null : `'${name}' is not a EUROMAP 63 parameter name`;
}

/** A SET value: numbers with a decimal point, strings quoted, booleans 1/0 (standards.md §6). */
export function formatValue(v: TagValue): string | { error: string } {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { error: `${v} is not a finite number` };
    // no exponent: controllers read plain decimals
    return Math.abs(v) >= 1e21 || (v !== 0 && Math.abs(v) < 1e-6) ? v.toFixed(12).replace(/\.?0+$/, '') : String(v);
  }
  if (/["\r\n;]/.test(v)) return { error: 'a string value cannot contain quotes, semicolons or line ends' };
  return `"${v}"`;
}

/** Joins a parameter list, continuing long lines on lines that begin with a space. */
function paramList(params: string[]): string {
  const lines: string[] = [];
  let cur = '';
  for (const p of params) {
    const piece = cur === '' ? p : `,${p}`;
    if (cur.length + piece.length > 70 && cur !== '') {
      lines.push(`${cur},`);
      cur = p;
    } else cur += piece;
  }
  lines.push(cur);
  return lines.join(`${CRLF} `);
}

const jobHead = (job: string) => `JOB ${job} RESPONSE "${file(job, 'LOG')}";${CRLF}`;

/**
 * The cyclic report: one row per shot. APPEND, not REWRITE: with REWRITE each shot overwrites the last one, so a shot
 * is lost whenever the file is read less often than the machine cycles, is locked at the moment, or Takt is down; with
 * APPEND every row stays in the file until Takt has delivered it (and rotates the file, see connector.ts).
 */
export function reportJob(params: string[]): string {
  return (
    jobHead(JOBS.report) +
    `REPORT ${JOBS.report} APPEND "${file(JOBS.report, 'DAT')}" START IMMEDIATE STOP NEVER CYCLIC SHOT 1${CRLF}` +
    ` PARAMETERS ${paramList(params)};${CRLF}`
  );
}

/** Current alarms as an event: the machine rewrites the file whenever an alarm is set or reset. */
export function alarmJob(): string {
  return `${jobHead(JOBS.alarms)}EVENT ${JOBS.alarms} CURRENT_ALARMS REWRITE "${file(JOBS.alarms, 'DAT')}" START IMMEDIATE STOP NEVER;${CRLF}`;
}

/**
 * The heartbeat: a report by time (CYCLIC TIME hh:mm:ss, standards.md §6) that the press rewrites every `seconds`
 * whether it produces or not, with its clock and cycle counter. A heartbeat file that stops changing means the press
 * lost its jobs (a restart that kept the folder) or stopped working the folder; a counter that goes back means it
 * restarted; a counter ahead of the per-shot report means shots are made that the report no longer shows.
 */
export function heartbeatJob(seconds: number): string {
  const s = Math.max(1, Math.min(86_399, Math.round(seconds)));
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return (
    jobHead(JOBS.heartbeat) +
    `REPORT ${JOBS.heartbeat} REWRITE "${file(JOBS.heartbeat, 'DAT')}" START IMMEDIATE STOP NEVER CYCLIC TIME ${hms}${CRLF}` +
    ` PARAMETERS DATE,TIME,ActCntCyc;${CRLF}`
  );
}

/** Aborts Takt's own jobs of an earlier connection (errors such as "no such job" are expected and ignored). */
export function abortJob(): string {
  return jobHead(JOBS.abort) + [JOBS.report, JOBS.alarms, JOBS.heartbeat].map((j) => `ABORT JOB ${j};${CRLF}`).join('');
}

/** Parameter download: one SET per parameter. */
export function setJob(values: Array<[string, string]>): string {
  return jobHead(JOBS.set) + values.map(([n, v]) => `SET ${n} ${v};${CRLF}`).join('');
}

/** A one-shot report (no START/STOP/CYCLIC clause: reported once, at once) of the given parameters. */
export function readBackJob(params: string[]): string {
  return `${jobHead(JOBS.readBack)}REPORT ${JOBS.readBack} REWRITE "${file(JOBS.readBack, 'DAT')}"${CRLF} PARAMETERS ${paramList(params)};${CRLF}`;
}

/** Variables of the cyclic report: DATE, TIME, ActCntCyc, ActTimCyc, then reportParameters and mapped variables. */
export function reportParameters(reportParams: string[] | undefined, mapping: Record<string, string> | undefined): string[] {
  const out = ['DATE', 'TIME', 'ActCntCyc', 'ActTimCyc'];
  for (const p of [...(reportParams ?? []), ...Object.keys(mapping ?? {})]) if (!out.includes(p)) out.push(p);
  return out;
}

/** Tag of a variable: the mapping, else good/cycle_time for the counter and cycle time, else the name made tag-safe. */
export function tagFor(name: string, mapping: Record<string, string> | undefined): string {
  const m = mapping?.[name];
  if (m) return m;
  if (name === 'ActCntCyc') return 'good';
  if (name === 'ActTimCyc') return 'cycle_time';
  // `SetTmpBrlZn[1,3]` → `SetTmpBrlZn_1_3`, `@ActPrsX` → `_ActPrsX`: tag names allow letters, digits and _ . : - only
  const t = name
    .replace(/\]/g, '')
    .replace(/[[,@]/g, '_')
    .replace(/[^A-Za-z0-9_.:-]/g, '_')
    .slice(0, 100);
  return t === '' ? '_' : t;
}
