import { describe, expect, it } from 'vitest';
import { localToUtc, nextShiftChange, plannedDowntimeFor, shiftAt, shiftsBetween, zoneOffset } from './calendar.ts';

const cal = {
  timezone: 'Europe/Berlin',
  shifts: [
    { name: 'Early', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5], breaks: [{ start: '09:00', end: '09:15' }] },
    { name: 'Night', start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5], breaks: [{ start: '02:00', end: '02:30' }] },
  ],
  holidays: ['2026-12-25'],
  plannedDowntime: [{ from: '2026-11-23T10:00:00Z', to: '2026-11-23T11:00:00Z', reason: 'PM', equipmentPath: 'acme/a' }],
};
const utc = (s: string) => Date.parse(s);

describe('shift calendars', () => {
  it('converts local wall-clock time to UTC across daylight saving', () => {
    expect(localToUtc('2026-01-15', '06:00', 'Europe/Berlin')).toBe(utc('2026-01-15T05:00:00Z'));
    expect(localToUtc('2026-07-15', '06:00', 'Europe/Berlin')).toBe(utc('2026-07-15T04:00:00Z'));
    expect(zoneOffset(utc('2026-07-15T04:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    // 02:30 does not exist on 2026-03-29 in Berlin: the clock jumps 02:00 → 03:00
    expect(localToUtc('2026-03-29', '03:00', 'Europe/Berlin')).toBe(utc('2026-03-29T01:00:00Z'));
  });

  it('lists the shifts of a Monday in Berlin in UTC with their breaks', () => {
    // Monday 2026-11-23 (CET, UTC+1)
    const s = shiftsBetween(cal, utc('2026-11-23T00:00:00Z'), utc('2026-11-24T00:00:00Z'));
    expect(s.map((x) => [x.name, new Date(x.start).toISOString(), new Date(x.end).toISOString()])).toEqual([
      ['Early', '2026-11-23T05:00:00.000Z', '2026-11-23T13:00:00.000Z'],
      ['Night', '2026-11-23T21:00:00.000Z', '2026-11-24T00:00:00.000Z'], // clipped to the period
    ]);
    expect(s[0].breaks).toEqual([{ name: undefined, start: utc('2026-11-23T08:00:00Z'), end: utc('2026-11-23T08:15:00Z') }]);
  });

  it('puts a night break after midnight on the second day', () => {
    const s = shiftAt(cal, utc('2026-11-24T01:30:00Z'))!; // Tue 02:30 local, inside Monday's night shift
    expect(s.name).toBe('Night');
    expect(s.date).toBe('2026-11-23');
    expect(s.breaks[0]).toMatchObject({ start: utc('2026-11-24T01:00:00Z'), end: utc('2026-11-24T01:30:00Z') });
  });

  it('has no shifts on holidays and weekends', () => {
    expect(shiftsBetween(cal, utc('2026-12-25T00:00:00Z'), utc('2026-12-25T12:00:00Z')).filter((x) => x.date === '2026-12-25')).toEqual([]);
    expect(shiftAt(cal, utc('2026-11-28T10:00:00Z'))).toBeUndefined(); // Saturday
  });

  it('knows when the current shift situation changes', () => {
    expect(nextShiftChange(cal, utc('2026-11-23T10:00:00Z'))).toBe(utc('2026-11-23T13:00:00Z'));
    expect(nextShiftChange(cal, utc('2026-11-23T15:00:00Z'))).toBe(utc('2026-11-23T21:00:00Z'));
  });

  it('applies planned downtime to the named subtree only', () => {
    const from = utc('2026-11-23T00:00:00Z');
    const to = utc('2026-11-24T00:00:00Z');
    expect(plannedDowntimeFor(cal, 'acme/a/m1', from, to)).toHaveLength(1);
    expect(plannedDowntimeFor(cal, 'acme/ab', from, to)).toHaveLength(0);
  });
});
