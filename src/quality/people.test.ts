// The pure rules of gauges and operator qualification: calendar days, a gauge's state and what a calibration does to
// it, whether a person holds a skill on a day and which requirements apply where (docs/quality.md).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, isDay } from './dates.ts';
import { afterCalibration, stateOf, unusable, type Gauge } from './gauges/gauges.model.ts';
import { applies, missingSkills, standing, type Requirement } from './skills/skills.model.ts';

const gauge = (over: Partial<Gauge>): Gauge => ({
  id: 'G-1',
  name: 'caliper',
  type: null,
  location: null,
  intervalDays: 30,
  lastCalibrated: '2026-01-01',
  dueOn: '2026-01-31',
  lastResult: 'pass',
  status: 'in-service',
  onOverdue: 'refuse',
  createdBy: 'q',
  createdAt: '',
  updatedAt: '',
  ...over,
});
const day = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => new Date(ms).toISOString().slice(0, 10));

describe('calendar days', () => {
  it('knows real days only', () => {
    expect(['2024-02-29', '2026-12-31', '2026-01-01'].every(isDay)).toBe(true);
    expect(['2026-02-29', '2026-13-01', '2026-1-01', '1899-12-31', '2026-01-01T00:00:00Z', 20260101, null].some(isDay)).toBe(false);
  });
  it('adds days and months (a month too short takes its last day)', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-15', 12)).toBe('2027-11-15');
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 120 }), (d, n, m) => {
        expect(isDay(addDays(d, n))).toBe(true);
        expect(addDays(addDays(d, n), -n)).toBe(d);
        const later = addMonths(d, m);
        expect(isDay(later) && later > d).toBe(true);
      }),
    );
  });
});

describe('gauges', () => {
  it('states: out of service, failed, not calibrated, overdue after the due day, due soon, ok', () => {
    expect(stateOf(gauge({ status: 'out-of-service', lastResult: 'fail' }), '2026-01-10', 7)).toBe('out-of-service');
    expect(stateOf(gauge({ lastResult: 'fail' }), '2026-01-10', 7)).toBe('failed');
    expect(stateOf(gauge({ dueOn: null, lastCalibrated: null, lastResult: null }), '2026-01-10', 7)).toBe('not-calibrated');
    expect(stateOf(gauge({}), '2026-02-01', 7)).toBe('overdue');
    expect(stateOf(gauge({}), '2026-01-31', 7)).toBe('due-soon');
    expect(stateOf(gauge({}), '2026-01-24', 7)).toBe('due-soon');
    expect(stateOf(gauge({}), '2026-01-23', 7)).toBe('ok');
    expect(unusable(gauge({}), '2026-01-31')).toBeNull();
    expect(unusable(gauge({}), '2026-02-01')).toBe('gauge G-1 (caliper) was due for calibration on 2026-01-31');
  });
  it('a calibration: a pass moves the due date, a fail keeps it and takes the gauge out of use, an older one changes nothing', () => {
    expect(afterCalibration(gauge({}), { calibratedOn: '2026-02-10', result: 'pass' })).toEqual({
      lastCalibrated: '2026-02-10',
      dueOn: '2026-03-12',
      lastResult: 'pass',
    });
    expect(afterCalibration(gauge({}), { calibratedOn: '2026-02-10', result: 'fail' })).toEqual({
      lastCalibrated: '2026-01-01',
      dueOn: '2026-01-31',
      lastResult: 'fail',
    });
    expect(afterCalibration(gauge({}), { calibratedOn: '2025-12-01', result: 'pass' })).toEqual({
      lastCalibrated: '2026-01-01',
      dueOn: '2026-01-31',
      lastResult: 'pass',
    });
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 3660 }), (d, interval) => {
        const after = afterCalibration(gauge({ intervalDays: interval, lastCalibrated: null }), { calibratedOn: d, result: 'pass' });
        expect(after.dueOn).toBe(addDays(d, interval));
        expect(unusable({ ...gauge({ intervalDays: interval }), ...after }, after.dueOn!)).toBeNull();
        expect(unusable({ ...gauge({ intervalDays: interval }), ...after }, addDays(after.dueOn!, 1))).toContain('was due');
      }),
    );
  });
});

describe('skills', () => {
  const req = (kind: Requirement['kind'], target: string, seq: number | null = null, skill = 'S'): Requirement => ({
    id: 1,
    skill,
    kind,
    target,
    seq,
    createdBy: '',
    createdAt: '',
  });
  it('a requirement applies to its machine and everything below a work centre, its routing step, its characteristic', () => {
    const place = { equipment: 'a/line1/st10', product: 'P', seq: 10, characteristic: 'C' };
    expect(applies(req('equipment', 'a/line1/st10'), place)).toBe(true);
    expect(applies(req('equipment', 'a/line1'), place)).toBe(true);
    expect(applies(req('equipment', 'a/line'), place)).toBe(false);
    expect(applies(req('equipment', 'a/line1/st10/x'), place)).toBe(false);
    expect(applies(req('operation', 'P', 10), place)).toBe(true);
    expect(applies(req('operation', 'P', 20), place)).toBe(false);
    expect(applies(req('characteristic', 'C'), place)).toBe(true);
    expect(applies(req('characteristic', 'C'), { equipment: 'a' })).toBe(false);
  });
  it('held from the grant to the day before expiry; the best training counts; expired says since when', () => {
    const t = (grantedOn: string, expiresOn: string | null) => ({ grantedOn, expiresOn });
    expect(standing([], '2026-01-01')).toEqual({ held: false, expiredOn: null });
    expect(standing([t('2026-01-01', '2026-02-01')], '2026-01-31')).toEqual({ held: true, expiresOn: '2026-02-01' });
    expect(standing([t('2026-01-01', '2026-02-01')], '2026-02-01')).toEqual({ held: false, expiredOn: '2026-02-01' });
    expect(standing([t('2026-01-02', null)], '2026-01-01')).toEqual({ held: false, expiredOn: null });
    expect(standing([t('2025-01-01', '2025-06-01'), t('2026-01-01', null)], '2026-03-01')).toEqual({ held: true, expiresOn: null });
    expect(standing([t('2025-01-01', '2025-06-01'), t('2025-03-01', '2025-09-01')], '2026-03-01')).toEqual({ held: false, expiredOn: '2025-09-01' });
  });
  it('names each missing skill once, who requires it and why', () => {
    const skills = new Map([['S', { code: 'S', name: 'Setter', validityMonths: 12, createdBy: '', createdAt: '', updatedAt: '' }]]);
    const reqs = [req('equipment', 'a/line1'), req('equipment', 'a/line1/st10'), req('operation', 'P', 10, 'T')];
    const place = { equipment: 'a/line1/st10', product: 'P', seq: 10 };
    expect(missingSkills('olivia', place, reqs, skills, [], '2026-01-01')).toBe(
      'olivia is not qualified: skill S (Setter), required by equipment a/line1, is not held (no training on record); skill T, required by operation 10 of product P, is not held (no training on record)',
    );
    const trained = [
      { skill: 'S', grantedOn: '2025-01-01', expiresOn: '2025-12-01' },
      { skill: 'T', grantedOn: '2025-01-01', expiresOn: null },
    ];
    expect(missingSkills('olivia', place, reqs, skills, trained, '2026-01-01')).toBe(
      'olivia is not qualified: skill S (Setter), required by equipment a/line1, is expired since 2025-12-01',
    );
    expect(missingSkills('olivia', { equipment: 'b/st1' }, reqs, skills, [], '2026-01-01')).toBeNull();
  });
});
