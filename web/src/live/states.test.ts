import { describe, expect, it } from 'vitest';
import { classOfMachine, machineWord, packmlTitle, stateWord } from './states.ts';

const m = (state: string, bucket = 'apt', extra: { online?: boolean; stale?: boolean } = {}) => ({
  state,
  bucket: bucket as never,
  online: true,
  stale: false,
  ...extra,
});

describe('state words', () => {
  it('says what operators say and keeps the PackML name for the tooltip', () => {
    expect(machineWord(m('Execute'))).toBe('Running');
    expect(packmlTitle(m('Execute'))).toBe('PackML state: Execute');
    expect(machineWord(m('Held', 'adet'))).toBe('Fault');
    expect(machineWord(m('Suspended', 'adet'))).toBe('Waiting');
    expect(machineWord(m('Aborted', 'adet'))).toBe('Emergency stop');
    expect(machineWord(m('Idle', 'adot'))).toBe('Idle');
    expect(stateWord('Idle', 'pdot')).toBe('Planned stop');
    expect(stateWord('Execute', 'asut')).toBe('Setup');
  });
  it('never calls a machine without current data running or idle', () => {
    expect(machineWord(m('Execute', 'apt', { stale: true }))).toBe('No data');
    expect(machineWord(m('Execute', 'apt', { online: false }))).toBe('Offline');
    expect(
      classOfMachine({
        ...m('Execute', 'apt', { stale: true }),
        equipmentId: '',
        path: '',
        name: '',
        since: null,
        lastSeen: null,
        good: 0,
        scrap: 0,
        cycleTime: null,
        alarm: null,
      }),
    ).toBe('offline');
  });
});
