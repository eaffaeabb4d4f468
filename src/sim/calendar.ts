// When a simulated machine may produce: the shifts of its calendar (from the plant file, inherited from the nearest
// ancestor) minus breaks and planned downtime. Outside them it waits Idle, as a real line does — so the demo makes no
// parts that the KPIs would have to leave outside planned time (issue #12 item 6).
import { plannedDowntimeFor, shiftsBetween } from '../plant/index.ts';

export type SimCalendar = Parameters<typeof shiftsBetween>[0];

/** Whether instant `t` is planned production time, and until when that stays so (epoch ms). */
export type PlannedAt = (t: number) => { planned: boolean; until: number };

const DAY = 86_400_000;

type Span = { start: number; end: number };

function merge(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else if (s.end > s.start) out.push({ ...s });
  }
  return out;
}

function minus(a: Span[], b: Span[]): Span[] {
  let out = a;
  for (const cut of b)
    out = out.flatMap((s) =>
      cut.end <= s.start || cut.start >= s.end
        ? [s]
        : [
            { start: s.start, end: cut.start },
            { start: cut.end, end: s.end },
          ].filter((x) => x.end > x.start),
    );
  return out;
}

/** Planned production windows of a calendar for a machine, looked up a week at a time. */
export function plannedAt(cal: SimCalendar, equipmentPath: string): PlannedAt {
  let lo = Infinity;
  let hi = -Infinity;
  let spans: Span[] = [];
  const load = (t: number) => {
    lo = t - DAY;
    hi = t + 8 * DAY;
    const shifts = shiftsBetween(cal, lo, hi);
    const off = merge([...shifts.flatMap((s) => s.breaks.map((b) => ({ start: b.start, end: b.end }))), ...plannedDowntimeFor(cal, equipmentPath, lo, hi)]);
    spans = minus(merge(shifts.map((s) => ({ start: s.start, end: s.end }))), off);
  };
  return (t) => {
    if (t < lo || t >= hi - DAY) load(t);
    for (const s of spans) {
      if (t < s.start) return { planned: false, until: s.start };
      if (t < s.end) return { planned: true, until: s.end };
    }
    return { planned: false, until: hi - DAY };
  };
}
