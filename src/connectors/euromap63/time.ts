// EUROMAP 63 DATE (YYYYMMDD) and TIME (HH:MM:SS) are the machine's local wall-clock time with no zone (standards.md §6),
// so the connector converts them with the machine's IANA zone. Intl knows the zone rules; the DST cases are:
// - spring forward: a wall time inside the gap does not exist; it is taken as the time just after the gap;
// - fall back: a wall time in the repeated hour happens twice; with a hint (the previous row's instant) the first
//   candidate not before the hint wins, so a stream of rows keeps going forward through the repeated hour.

const formatters = new Map<string, Intl.DateTimeFormat>();
const MINUTE = 60_000;
const DAY = 86_400_000;

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

/** Throws a RangeError for a zone Intl does not know. */
export function checkTimeZone(tz: string): void {
  formatter(tz);
}

/** The zone's offset from UTC at an instant in ms (Europe/Berlin in summer: +7 200 000). */
export function offsetAt(ts: number, tz: string): number {
  let y = 0,
    mo = 0,
    d = 0,
    h = 0,
    mi = 0,
    s = 0;
  for (const p of formatter(tz).formatToParts(new Date(ts))) {
    switch (p.type) {
      case 'year':
        y = +p.value;
        break;
      case 'month':
        mo = +p.value;
        break;
      case 'day':
        d = +p.value;
        break;
      case 'hour':
        h = +p.value;
        break;
      case 'minute':
        mi = +p.value;
        break;
      case 'second':
        s = +p.value;
        break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ts / 1000) * 1000;
}

// Per zone: wall-clock minute → the instants (as offsets) that wall minute maps to. Rows come in time order, so a small
// cache makes the Intl calls rare (they cost microseconds each).
const cache = new Map<string, Map<number, number[]>>();

/** Offsets (ms) under which a wall-clock minute exists in the zone: one normally, two in a fall-back hour, none in a gap. */
function offsetsFor(wallMinute: number, tz: string): number[] {
  let byMinute = cache.get(tz);
  if (!byMinute) cache.set(tz, (byMinute = new Map()));
  let offs = byMinute.get(wallMinute);
  if (offs) return offs;
  const wall = wallMinute * MINUTE;
  const before = offsetAt(wall - DAY, tz);
  const after = offsetAt(wall + DAY, tz);
  offs = [];
  for (const o of before === after ? [before] : [before, after]) if (offsetAt(wall - o, tz) === o) offs.push(o);
  // Earlier instant first: the larger offset gives the earlier instant.
  offs.sort((a, b) => b - a);
  if (offs.length === 0) offs = [Math.min(before, after)]; // gap: the offset before it, i.e. the time just after the gap
  if (byMinute.size > 20_000) byMinute.clear();
  byMinute.set(wallMinute, offs);
  return offs;
}

/**
 * UTC epoch ms of a local wall-clock time in `tz`. `hint` (the previous row's instant) resolves the repeated hour when
 * clocks fall back: the earliest candidate at or after the hint, else the latest candidate.
 */
export function wallToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string, hint?: number): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const offs = offsetsFor(Math.floor(wall / MINUTE), tz);
  if (offs.length === 1 || hint === undefined) return wall - offs[0];
  for (const o of offs) if (wall - o >= hint) return wall - o;
  return wall - offs[offs.length - 1];
}

/** Parses EUROMAP 63 DATE `YYYYMMDD` and TIME `HH:MM:SS` into UTC epoch ms, or a reason why not. */
export function datTimeToUtc(date: string, time: string, tz: string, hint?: number): number | string {
  const dm = /^(\d{4})(\d{2})(\d{2})$/.exec(date.trim());
  if (!dm) return `DATE '${date}' is not YYYYMMDD`;
  const tm = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time.trim());
  if (!tm) return `TIME '${time}' is not HH:MM:SS`;
  const [y, mo, d, h, mi, s] = [+dm[1], +dm[2], +dm[3], +tm[1], +tm[2], +tm[3]];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return `DATE/TIME '${date} ${time}' is not a valid date and time`;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1) return `DATE '${date}' does not exist`;
  return wallToUtc(y, mo, d, h, mi, s, tz, hint);
}
