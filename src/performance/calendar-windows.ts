// POT and PDOT windows from a plant shift calendar (shifts minus holidays; breaks and planned downtime).
// A unit without a calendar is planned around the clock (POT = the whole period, no PDOT).
import { plannedDowntimeFor, shiftsBetween } from '../plant/index.ts';
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
