import { describe, expect, it } from 'vitest';
import { datTimeToUtc } from './time.ts';

const utc = (iso: string) => Date.parse(iso);

describe('DATE/TIME in the machine zone → UTC', () => {
  it('converts winter and summer time', () => {
    expect(datTimeToUtc('20240115', '08:00:00', 'Europe/Berlin')).toBe(utc('2024-01-15T07:00:00Z'));
    expect(datTimeToUtc('20240715', '08:00:00', 'Europe/Berlin')).toBe(utc('2024-07-15T06:00:00Z'));
    expect(datTimeToUtc('20240715', '08:00:00', 'America/New_York')).toBe(utc('2024-07-15T12:00:00Z'));
    expect(datTimeToUtc('20240715', '08:00:00', 'UTC')).toBe(utc('2024-07-15T08:00:00Z'));
  });

  it('takes a time in the spring-forward gap as the time just after it', () => {
    // Europe/Berlin 2024-03-31: 02:00 CET → 03:00 CEST
    expect(datTimeToUtc('20240331', '01:59:59', 'Europe/Berlin')).toBe(utc('2024-03-31T00:59:59Z'));
    expect(datTimeToUtc('20240331', '03:00:00', 'Europe/Berlin')).toBe(utc('2024-03-31T01:00:00Z'));
    expect(datTimeToUtc('20240331', '02:30:00', 'Europe/Berlin')).toBe(utc('2024-03-31T01:30:00Z'));
  });

  it('keeps a stream going forward through the repeated hour when clocks fall back', () => {
    // Europe/Berlin 2024-10-27: 03:00 CEST → 02:00 CET; 02:30 happens at 00:30Z and at 01:30Z
    expect(datTimeToUtc('20241027', '02:30:00', 'Europe/Berlin')).toBe(utc('2024-10-27T00:30:00Z'));
    const rows = ['02:30:00', '02:59:59', '02:00:00', '02:30:00', '03:00:00'];
    let hint: number | undefined;
    const out = rows.map((t) => (hint = datTimeToUtc('20241027', t, 'Europe/Berlin', hint) as number));
    expect(out.map((t) => new Date(t).toISOString())).toEqual([
      '2024-10-27T00:30:00.000Z',
      '2024-10-27T00:59:59.000Z',
      '2024-10-27T01:00:00.000Z',
      '2024-10-27T01:30:00.000Z',
      '2024-10-27T02:00:00.000Z',
    ]);
  });

  it('refuses what is not a date and time', () => {
    expect(datTimeToUtc('2024-01-15', '08:00:00', 'UTC')).toMatch(/YYYYMMDD/);
    expect(datTimeToUtc('20240115', '8:00', 'UTC')).toMatch(/HH:MM:SS/);
    expect(datTimeToUtc('20240230', '08:00:00', 'UTC')).toMatch(/does not exist/);
    expect(datTimeToUtc('20240115', '25:00:00', 'UTC')).toMatch(/not a valid/);
  });
});
