import { describe, expect, it } from 'vitest';
import { MachineModel, type MachineOptions, type PackMLState, type TagChange } from './machine.ts';
import { SimRng, deriveSeed } from './rng.ts';

const T0 = Date.UTC(2026, 4, 4, 6, 0, 0);
const H = 3600_000;

const press = {
  idealCycleTimeS: 22,
  setupTimeS: 2700,
  parameters: [
    { name: 'meltTemperature', target: 230, min: 220, max: 240, unit: '°C' },
    { name: 'mouldTemperature', target: 45, min: 40, max: 50, unit: '°C' },
    { name: 'injectionPressure', target: 850, min: 800, max: 900, unit: 'bar' },
    { name: 'holdingTime', target: 6, min: 5, max: 7, unit: 's' },
  ],
};

function run(seed: number, hours: number, opts: Partial<MachineOptions> = {}, stepMs = 1000) {
  const m = new MachineModel(press, { seed, startMs: T0, ...opts });
  const events: TagChange[] = [...m.snapshot()];
  for (let t = T0; t < T0 + hours * H; ) {
    t += stepMs;
    events.push(...m.step(t));
  }
  return { m, events };
}

describe('SimRng', () => {
  it('repeats per seed and differs between seeds', () => {
    const a = new SimRng(7),
      b = new SimRng(7),
      c = new SimRng(8);
    const xa = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(xa);
    expect(deriveSeed(1, 'a/b')).not.toBe(deriveSeed(1, 'a/c'));
  });
});

describe('MachineModel', () => {
  it('is deterministic per seed, independent of the step size', () => {
    const a = run(42, 3).events;
    const b = run(42, 3).events;
    expect(b).toEqual(a);
    // Same seed stepped in big chunks: same events (the model is event-driven, not tick-driven).
    const c = run(42, 3, {}, 60_000).events;
    expect(c).toEqual(a);
    expect(run(43, 3).events).not.toEqual(a);
  });

  it('keeps good and scrap monotonic except explicit resets', () => {
    for (const counterResets of [false, true]) {
      const { m, events } = run(5, 24, { counterResets }, 30_000);
      const last: Record<string, number> = {};
      let resets = 0;
      for (const e of events) {
        if (e.tag !== 'good' && e.tag !== 'scrap') continue;
        const v = e.value as number;
        expect(Number.isInteger(v)).toBe(true);
        if (e.reset) {
          expect(v).toBe(0);
          resets++;
        } else if (last[e.tag] !== undefined) expect(v).toBe(last[e.tag] + 1);
        last[e.tag] = v;
      }
      if (counterResets) expect(resets).toBeGreaterThan(0);
      else expect(resets).toBe(0);
      expect(resets / 2).toBe(m.stats().counterResets);
    }
  });

  it('spends a plausible shift: Execute dominant, breakdowns, micro-stops and changeovers present', () => {
    const totals: Partial<Record<PackMLState, number>> = {};
    let microStops = 0,
      breakdowns = 0,
      changeovers = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const s = run(seed, 8, {}, 10_000).m.stats();
      for (const [k, v] of Object.entries(s.stateMs)) totals[k as PackMLState] = (totals[k as PackMLState] ?? 0) + v;
      microStops += s.microStops;
      breakdowns += s.breakdowns;
      changeovers += s.changeovers;
    }
    const all = Object.values(totals).reduce((a, b) => a + b, 0);
    expect(all).toBe(10 * 8 * H);
    const share = (st: PackMLState) => (totals[st] ?? 0) / all;
    expect(share('Execute')).toBeGreaterThan(0.6);
    expect(share('Execute')).toBeLessThan(0.97);
    expect(share('Suspended')).toBeGreaterThan(0);
    expect((totals.Aborted ?? 0) + (totals.Held ?? 0)).toBeGreaterThan(0);
    expect(microStops).toBeGreaterThan(100); // ~30 per machine-shift
    expect(breakdowns).toBeGreaterThan(5);
    expect(changeovers).toBeGreaterThan(2);
  });

  it('raises an alarm with each breakdown and clears it afterwards', () => {
    const states: unknown[] = [];
    let raised = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const { events } = run(seed, 24, {}, 60_000);
      const alarms = events.filter((e) => e.tag === 'alarm').map((e) => e.value);
      raised += alarms.filter((a) => a !== '').length;
      for (let i = 1; i < alarms.length; i++) if (alarms[i] !== '') expect(alarms[i - 1]).toBe('');
      states.push(...events.filter((e) => e.tag === 'state').map((e) => e.value));
    }
    expect(raised).toBeGreaterThan(10);
    expect(states).toContain('Aborted');
    expect(states).toContain('Stopped');
    expect(states).toContain('Suspended');
  });

  it('drifts process values around the target and sometimes outside the limits', () => {
    const { events } = run(11, 8, {}, 60_000);
    const melt = events.filter((e) => e.tag === 'meltTemperature').map((e) => e.value as number);
    expect(melt.length).toBeGreaterThan(1000);
    const mean = melt.reduce((a, b) => a + b, 0) / melt.length;
    expect(Math.abs(mean - 230)).toBeLessThan(4);
    expect(new Set(melt).size).toBeGreaterThan(50);
    let outside = 0;
    for (let seed = 1; seed <= 10; seed++)
      for (const e of run(seed, 8, {}, 60_000).events) if (e.tag === 'meltTemperature' && ((e.value as number) < 220 || (e.value as number) > 240)) outside++;
    expect(outside).toBeGreaterThan(0);
  });

  it('publishes cycle times close to the ideal', () => {
    const { events } = run(9, 8, {}, 60_000);
    const ct = events
      .filter((e) => e.tag === 'cycle_time')
      .slice(1)
      .map((e) => e.value as number);
    expect(ct.length).toBeGreaterThan(800);
    const sorted = [...ct].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    expect(median).toBeGreaterThan(22 * 0.99);
    expect(median).toBeLessThan(22 * 1.05);
    expect(Math.min(...ct)).toBeGreaterThanOrEqual(22 * 0.98 - 0.001);
    expect(Math.max(...ct)).toBeGreaterThan(22 * 1.1); // some slow cycles
  });

  it('keeps the scrap rate at a few percent', () => {
    const { events } = run(13, 24, {}, 60_000);
    const good = events.filter((e) => e.tag === 'good').length;
    const scrap = events.filter((e) => e.tag === 'scrap').length;
    const rate = scrap / (good + scrap);
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.1);
  });

  it('returns events in time order and never goes back in time', () => {
    const { events } = run(17, 4, {}, 7_777);
    for (let i = 1; i < events.length; i++) expect(events[i].ts).toBeGreaterThanOrEqual(events[i - 1].ts);
  });
});
