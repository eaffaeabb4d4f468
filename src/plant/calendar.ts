// Shift calendars in time: which shifts (with breaks and planned downtime) cover an instant or a period.
// Shift times are wall-clock times in the calendar's time zone; everything returned is UTC epoch ms.
import type { CalendarInput } from './schemas.ts';

export interface Interval {
  start: number;
  end: number;
}

export interface ShiftInstance extends Interval {
  name: string;
  /** The local date the shift starts on, YYYY-MM-DD. */
  date: string;
  breaks: Array<Interval & { name?: string }>;
}

type Calendar = Pick<CalendarInput, 'timezone' | 'shifts' | 'holidays' | 'plannedDowntime'>;

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
export function localParts(ts: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p = Object.fromEntries(
    formatter(tz)
      .formatToParts(new Date(ts))
      .map((x) => [x.type, x.value]),
  );
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}

/** The zone's offset from UTC at an instant, in ms (Europe/Berlin in winter: +3 600 000). */
export function zoneOffset(ts: number, tz: string): number {
  const l = localParts(ts, tz);
  return Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s) - Math.floor(ts / 1000) * 1000;
}

/** The instant a local wall-clock time happens; in a spring-forward gap, the time just after it. */
export function localToUtc(date: string, hhmm: string, tz: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let ts = wall - zoneOffset(wall, tz);
  ts = wall - zoneOffset(ts, tz);
  return ts;
}

const isoDate = (y: number, mo: number, d: number) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const addDays = (date: string, n: number) => {
  const [y, mo, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d) + n * DAY);
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
};
/** ISO weekday, 1 = Monday … 7 = Sunday. */
const isoWeekday = (date: string) => {
  const [y, mo, d] = date.split('-').map(Number);
  return ((new Date(Date.UTC(y, mo - 1, d)).getUTCDay() + 6) % 7) + 1;
};
const minutes = (hhmm: string) => +hhmm.slice(0, 2) * 60 + +hhmm.slice(3, 5);

/** Every shift that overlaps [from, to), in time order, clipped to the period, breaks included. */
export function shiftsBetween(cal: Calendar, from: number, to: number): ShiftInstance[] {
  const tz = cal.timezone ?? 'UTC';
  const holidays = new Set(cal.holidays ?? []);
  const first = localParts(from, tz);
  let date = addDays(isoDate(first.y, first.mo, first.d), -1);
  const out: ShiftInstance[] = [];
  for (let guard = 0; guard < 4000; guard++) {
    if (localToUtc(date, '00:00', tz) >= to) break;
    if (!holidays.has(date)) {
      const wd = isoWeekday(date);
      for (const s of cal.shifts ?? []) {
        if (!(s.days ?? [1, 2, 3, 4, 5]).includes(wd)) continue;
        const overnight = minutes(s.end) <= minutes(s.start);
        const start = localToUtc(date, s.start, tz);
        const end = localToUtc(overnight ? addDays(date, 1) : date, s.end, tz);
        if (end <= from || start >= to) continue;
        const breaks = (s.breaks ?? []).map((b) => {
          // a break earlier in the day than the shift start belongs to the shift's second day
          const day = overnight && minutes(b.start) < minutes(s.start) ? addDays(date, 1) : date;
          const bs = localToUtc(day, b.start, tz);
          const bOvernight = minutes(b.end) <= minutes(b.start);
          const be = localToUtc(bOvernight ? addDays(day, 1) : day, b.end, tz);
          return { name: b.name, start: Math.max(bs, start, from), end: Math.min(be, end, to) };
        });
        out.push({
          name: s.name,
          date,
          start: Math.max(start, from),
          end: Math.min(end, to),
          breaks: breaks.filter((b) => b.end > b.start),
        });
      }
    }
    date = addDays(date, 1);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The shift running at an instant, if any (its full extent, not clipped). */
export function shiftAt(cal: Calendar, ts: number): ShiftInstance | undefined {
  const around = shiftsBetween(cal, ts - 2 * DAY, ts + 2 * DAY);
  return around.find((s) => s.start <= ts && ts < s.end);
}

/** The next shift boundary (start or end) after ts, within two days; used to know how long a cached shift holds. */
export function nextShiftChange(cal: Calendar, ts: number): number {
  let next = ts + 2 * DAY;
  for (const s of shiftsBetween(cal, ts - 2 * DAY, ts + 2 * DAY)) {
    if (s.start > ts) next = Math.min(next, s.start);
    if (s.end > ts) next = Math.min(next, s.end);
  }
  return next;
}

/** Planned downtime windows of the calendar that apply to an equipment path (calendar-wide or its subtree). */
export function plannedDowntimeFor(cal: Calendar, equipmentPath: string, from: number, to: number): Array<Interval & { reason: string }> {
  return (cal.plannedDowntime ?? [])
    .filter((d) => !d.equipmentPath || equipmentPath === d.equipmentPath || equipmentPath.startsWith(`${d.equipmentPath}/`))
    .map((d) => ({ start: Math.max(Date.parse(d.from), from), end: Math.min(Date.parse(d.to), to), reason: d.reason }))
    .filter((d) => d.end > d.start);
}
