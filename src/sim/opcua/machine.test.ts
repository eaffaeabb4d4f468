import { describe, expect, it } from 'vitest';
import { OpcuaSimMachine } from './machine.ts';

describe('simulated OPC UA machine behaviour', () => {
  it('runs the shared machine model, stops and starts on command, and refuses commands PackML does not allow', () => {
    const t0 = 1_700_000_000_000;
    const m = new OpcuaSimMachine({ seed: 1, speed: 10, wallNow: t0 });
    const good0 = m.get('good') as number;
    const changes = m.advance(t0 + 10_000); // 100 simulated seconds: several 20 s cycles
    expect(changes.some((c) => c.tag === 'cycle_time')).toBe(true);
    expect(m.get('good') as number).toBeGreaterThan(good0);
    for (const c of changes) expect(c.wallTs).toBeLessThanOrEqual(t0 + 10_000);
    expect(m.stop(t0 + 10_000).ok).toBe(true);
    expect(m.get('state')).toBe('Execute'); // the change is published with the next advance
    m.advance(t0 + 10_050);
    expect(m.get('state')).toBe('Stopping');
    m.advance(t0 + 11_000);
    expect(m.get('state')).toBe('Stopped');
    expect(m.stop(t0 + 11_000)).toMatchObject({ ok: false });
    const frozen = m.get('good');
    expect(m.advance(t0 + 20_000)).toHaveLength(0);
    expect(m.get('good')).toBe(frozen);
    expect(m.start(t0 + 20_000).ok).toBe(true);
    expect(m.start(t0 + 20_000).ok).toBe(true); // still Stopped until the next advance publishes Starting
    m.advance(t0 + 20_001);
    expect(m.start(t0 + 20_001)).toMatchObject({ ok: false });
    m.advance(t0 + 21_000);
    expect(m.get('state')).toBe('Execute');
  });

  it('adopts setpoints within range', () => {
    const t0 = 1_700_000_000_000;
    const m = new OpcuaSimMachine({ seed: 2, speed: 10, wallNow: t0 });
    const melt = m.get('meltTemperature') as number;
    expect(m.setSetpoint('SetMeltTemperature', 260).ok).toBe(true);
    expect(m.setSetpoint('SetMeltTemperature', 400)).toMatchObject({ ok: false });
    const later = m.advance(t0 + 2000).filter((c) => c.tag === 'meltTemperature');
    expect(later.length).toBeGreaterThan(0);
    expect(later.at(-1)!.value as number).toBeGreaterThan(melt + 15);
  });
});
