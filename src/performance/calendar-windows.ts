// POT and PDOT windows from a plant shift calendar (shifts minus holidays; breaks and planned downtime).
// A unit without a calendar is planned around the clock (POT = the whole period, no PDOT).
import { plannedDowntimeFor, shiftsBetween } from '../plant/index.ts';
import { intersect } from './intervals.ts';
import type { CalendarFn } from './time-model.ts';

export type PlantCalendar = Parameters<typeof shiftsBetween>[0] & { id?: string };

export function calendarFn(cal: PlantCalendar | null | undefined, equipmentPath: string): CalendarFn {
  if (!cal) return (from, to) => ({ pot: [{ start: from, end: to }], planned: [] });
  return (from, to) => {
    const shifts = shiftsBetween(cal, from, to);
    return {
      pot: shifts.map((s) => ({ start: s.start, end: s.end })),
      planned: [...shifts.flatMap((s) => s.breaks.map((b) => ({ start: b.start, end: b.end }))), ...plannedDowntimeFor(cal, equipmentPath, from, to)],
    };
  };
}

/** Shift instances of a period (for grouping by shift); without a calendar, none. */
export function shiftSpans(cal: PlantCalendar | null | undefined, from: number, to: number) {
  if (!cal) return [];
  return shiftsBetween(cal, from, to).map((s) => ({ name: s.name, date: s.date, start: s.start, end: s.end }));
}

/**
 * The calendar of a machine from its commissioning on (issue #12 item 6): time before it is not planned at all — not
 * POT, so not even unknown; it is `outside` like time with no shift. ISO 22400-2 defines POT as the time the unit is
 * planned to operate, and a machine not yet installed is not. `Infinity` (never commissioned) plans nothing.
 */
export function fromCommissioning(fn: CalendarFn, commissionedAt: number): CalendarFn {
  if (commissionedAt === -Infinity) return fn;
  const since = [{ start: commissionedAt, end: Infinity }];
  return (from, to) => {
    if (to <= commissionedAt) return { pot: [], planned: [] };
    const w = fn(from, to);
    if (from >= commissionedAt) return w;
    return { pot: intersect(w.pot, since), planned: intersect(w.planned, since) };
  };
}
