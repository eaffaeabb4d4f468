// Date, time and number formatting used across screens. Every time the app shows goes through here, in 24-hour
// form whatever the locale's habit (a plant runs round the clock), so no page mixes "2:05 PM" with "14:05".

type When = string | number | Date | null | undefined;

const H23 = { hourCycle: 'h23' } as const;
const formats = new Map<string, Intl.DateTimeFormat>();
function format(kind: 'dateTime' | 'time' | 'date', timeZone?: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    const date = { year: 'numeric', month: 'short', day: '2-digit' } as const;
    const time = { hour: '2-digit', minute: '2-digit', second: '2-digit', ...H23 } as const;
    const parts = kind === 'dateTime' ? { ...date, ...time } : kind === 'time' ? time : date;
    f = new Intl.DateTimeFormat(undefined, { ...parts, timeZone });
    formats.set(key, f);
  }
  return f;
}

function toDate(v: When): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Dec 02, 2026, 14:05:09" — date and 24-hour time, in the browser's zone unless a zone is given. */
export function formatDateTime(v: When, timeZone?: string): string {
  if (v === null || v === undefined || v === '') return '—';
  const d = toDate(v);
  return d ? format('dateTime', timeZone).format(d) : String(v);
}

/** "14:05:09" — 24-hour time of day. */
export function formatTime(v: When, timeZone?: string): string {
  if (v === null || v === undefined || v === '') return '—';
  const d = toDate(v);
  return d ? format('time', timeZone).format(d) : String(v);
}

/** "Dec 02, 2026" — the day only. */
export function formatDate(v: When, timeZone?: string): string {
  if (v === null || v === undefined || v === '') return '—';
  const d = toDate(v);
  return d ? format('date', timeZone).format(d) : String(v);
}

/** Server text that quotes instants (e.g. "moved … at 2026-12-02T11:48:00.000Z"): each ISO instant formatted as above. */
export function formatTimesIn(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => formatDateTime(iso));
}

export function formatRelative(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const ms = Date.now() - new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const s = Math.round(ms / 1000);
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return formatDateTime(iso);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall-clock fields of an instant in a time zone (the browser's when none is given). */
function wallClock(d: Date, timeZone?: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  if (!timeZone) return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    ...H23,
  }).formatToParts(d);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { y: n('year'), mo: n('month'), d: n('day'), h: n('hour') % 24, mi: n('minute'), s: n('second') };
}

/** True when the browser knows this IANA zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * "YYYY-MM-DDTHH:mm" for <input type="datetime-local"> from an ISO string, and back: in the browser's zone, or in
 * the given IANA zone (a calendar's own) when there is one.
 */
export function toLocalInput(iso: string | undefined, timeZone?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const w = wallClock(d, timeZone && isTimeZone(timeZone) ? timeZone : undefined);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;
}

export function fromLocalInput(local: string, timeZone?: string): string {
  if (!local) return '';
  if (!timeZone || !isTimeZone(timeZone)) {
    const d = new Date(local);
    return Number.isNaN(d.getTime()) ? local : d.toISOString();
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return local;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // the zone's offset at that wall-clock time: guess from the instant read as UTC, then correct once (DST edges)
  const offset = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(t / 1000) * 1000;
  };
  let t = asUtc - offset(asUtc);
  t = asUtc - offset(t);
  return new Date(t).toISOString();
}
