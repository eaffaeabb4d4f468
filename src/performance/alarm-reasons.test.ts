import { describe, expect, it } from 'vitest';
import { alarmOfStop, reasonForAlarm, type AlarmMapping } from './alarm-reasons.ts';

const s = (x: number) => x * 1000;

describe('alarm codes of stops', () => {
  it('takes the alarm active at the start, else one raised within the grace period, never a later one', () => {
    const values = [
      { ts: s(0), code: '' },
      { ts: s(100), code: 'E205' },
      { ts: s(400), code: '' },
      { ts: s(1000), code: 'E512' },
    ];
    expect(alarmOfStop(values, { start: s(100), end: s(700) })).toBe('E205'); // set in the same instant
    expect(alarmOfStop(values, { start: s(95), end: s(700) })).toBe('E205'); // set 5 s after the stop began
    expect(alarmOfStop(values, { start: s(80), end: s(700) })).toBeNull(); // 20 s later: not the cause
    expect(alarmOfStop(values, { start: s(500), end: s(2000) })).toBeNull(); // E512 came during the repair
    expect(alarmOfStop(values, { start: s(95), end: s(98) })).toBeNull(); // the stop ended before the alarm
  });

  it('maps a code by machine, then class, then plant-wide', () => {
    const maps: AlarmMapping[] = [
      { scope: 'class', scopeId: 'imm', alarmCode: 'E205', reasonId: 'breakdown.mechanical' },
      { scope: 'machine', scopeId: 'm1', alarmCode: 'E205', reasonId: 'breakdown.electrical' },
    ];
    const plant = new Map([['E310', 'breakdown.tool']]);
    expect(reasonForAlarm(maps, plant, { id: 'm1', equipmentClass: 'imm' }, 'E205')).toBe('breakdown.electrical');
    expect(reasonForAlarm(maps, plant, { id: 'm2', equipmentClass: 'imm' }, 'E205')).toBe('breakdown.mechanical');
    expect(reasonForAlarm(maps, plant, { id: 'm2', equipmentClass: null }, 'E310')).toBe('breakdown.tool');
    expect(reasonForAlarm(maps, plant, { id: 'm2', equipmentClass: 'press' }, 'E205')).toBeNull();
  });
});
