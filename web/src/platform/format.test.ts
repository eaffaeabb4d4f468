import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime, formatTimesIn, fromLocalInput, toLocalInput } from './format.ts';

describe('one time formatter', () => {
  it('writes times in 24-hour form whatever the locale', () => {
    const t = Date.UTC(2026, 11, 2, 14, 5, 9);
    expect(formatTime(t, 'UTC')).toBe('14:05:09');
    expect(formatTime(new Date(Date.UTC(2026, 11, 2, 0, 5, 9)), 'UTC')).toBe('00:05:09');
    expect(formatDateTime(t, 'UTC')).toMatch(/14:05:09/);
    expect(formatDateTime(t, 'UTC')).not.toMatch(/AM|PM/i);
  });

  it('formats the instants quoted in server text', () => {
    const text = 'Moved by hand: E-TOP/10 to imm03 at 2026-12-02T11:48:00.000Z';
    expect(formatTimesIn(text)).toBe(`Moved by hand: E-TOP/10 to imm03 at ${formatDateTime('2026-12-02T11:48:00.000Z')}`);
    expect(formatTimesIn('from 2026-12-24T06:00:00+01:00 on')).not.toMatch(/T06:00/);
    expect(formatTimesIn('order 2026-12 lot L-1')).toBe('order 2026-12 lot L-1');
  });

  it('says "—" for no time and repeats text it cannot read', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('datetime-local inputs in a given zone', () => {
  it('shows an instant as the wall-clock time of the zone, and reads it back', () => {
    expect(toLocalInput('2026-12-24T05:00:00Z', 'Europe/Berlin')).toBe('2026-12-24T06:00');
    expect(toLocalInput('2026-07-01T04:00:00Z', 'Europe/Berlin')).toBe('2026-07-01T06:00');
    expect(toLocalInput('2026-12-24T05:00:00Z', 'America/New_York')).toBe('2026-12-24T00:00');
    expect(fromLocalInput('2026-12-24T06:00', 'Europe/Berlin')).toBe('2026-12-24T05:00:00.000Z');
    expect(fromLocalInput('2026-07-01T06:00', 'Europe/Berlin')).toBe('2026-07-01T04:00:00.000Z');
    // the hours either side of the spring and autumn changes
    expect(fromLocalInput('2026-03-29T01:30', 'Europe/Berlin')).toBe('2026-03-29T00:30:00.000Z');
    expect(fromLocalInput('2026-03-29T03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(fromLocalInput('2026-10-25T04:00', 'Europe/Berlin')).toBe('2026-10-25T03:00:00.000Z');
    for (const iso of ['2026-01-15T23:45:00.000Z', '2026-06-30T12:00:00.000Z'])
      expect(fromLocalInput(toLocalInput(iso, 'Asia/Kolkata'), 'Asia/Kolkata')).toBe(iso);
  });

  it('falls back to the browser zone for an unknown zone name', () => {
    expect(toLocalInput('2026-12-24T05:00:00Z', 'Not/AZone')).toBe(toLocalInput('2026-12-24T05:00:00Z'));
  });
});
