import { describe, expect, it } from 'vitest';
import { Degradation } from './degradation.ts';
import { MachineModel, type TagChange } from './machine.ts';

const T0 = Date.UTC(2026, 4, 4, 6, 0, 0);
const H = 3600_000;
const press = {
  idealCycleTimeS: 22,
  setupTimeS: 0,
  parameters: [{ name: 'meltTemperature', target: 230, min: 220, max: 240, unit: '°C' }],
};

function run(seed: number, hours: number, degradation?: { lifeH: number; seed: number }) {
  const m = new MachineModel(press, { seed, startMs: T0, ...(degradation ? { degradation: { tag: 'meltTemperature', ...degradation } } : {}) });
  const events: TagChange[] = [];
  for (let t = T0; t < T0 + hours * H; t += 60_000) events.push(...m.step(t + 60_000));
  return { m, events };
}

describe('Degradation', () => {
  it('wears with running time, drifts by drift × half × wear^curve, and starts again after a replacement', () => {
    const d = new Degradation({ tag: 'x', lifeH: 10, lifeShape: 1000, drift: 2, curve: 2, microStopFactor: 5, seed: 1 });
    expect(d.wear).toBe(0);
    expect(d.offset(5)).toBe(0);
    expect(d.microStopRate).toBe(1);
    // with a huge shape every life is (almost exactly) the Weibull scale ≈ the mean life
    expect(d.run(5 * H)).toBe(false);
    expect(d.wear).toBeCloseTo(0.5, 2);
    expect(d.offset(5)).toBeCloseTo(2 * 5 * 0.25, 1);
    expect(d.microStopRate).toBeCloseTo(1 + 4 * 0.25, 1);
    expect(d.run(5.1 * H)).toBe(true);
    d.replace(T0);
    expect(d.wear).toBe(0);
    expect(d.failures).toHaveLength(1);
    expect(d.failures[0].lifeH).toBeCloseTo(10, 1);
  });

  it('starts part-worn with startWear, and refuses a startWear outside [0, 1)', () => {
    const d = new Degradation({ tag: 'x', lifeH: 10, lifeShape: 1000, drift: 2, curve: 2, startWear: 0.5, seed: 1 });
    expect(d.wear).toBeCloseTo(0.5, 6);
    expect(d.offset(5)).toBeCloseTo(2 * 5 * 0.25, 6);
    expect(d.run(4.9 * H)).toBe(false);
    expect(d.run(0.2 * H)).toBe(true);
    d.replace(T0);
    expect(d.wear).toBe(0); // the new component is new
    for (const startWear of [-0.1, 1, Number.NaN]) expect(() => new Degradation({ tag: 'x', lifeH: 10, startWear, seed: 1 })).toThrow(/startWear/);
  });

  it('draws lives around the mean life, the same for the same seed', () => {
    const lives = (seed: number) => {
      const d = new Degradation({ tag: 'x', lifeH: 100, seed });
      for (let i = 0; i < 400; i++) {
        while (!d.run(H)) {}
        d.replace(i);
      }
      return d.failures.map((f) => f.lifeH);
    };
    const a = lives(3);
    expect(lives(3)).toEqual(a);
    expect(lives(4)).not.toEqual(a);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean).toBeGreaterThan(92);
    expect(mean).toBeLessThan(108);
  });

  it('in the machine model: the tag drifts up before each wear-out breakdown, which raises the component alarm and resets the drift', () => {
    const { m, events } = run(5, 24 * 7, { lifeH: 30, seed: 9 });
    const fails = m.degradation?.failures ?? [];
    expect(fails.length).toBeGreaterThanOrEqual(3);
    const temps = events.filter((e) => e.tag === 'meltTemperature');
    const mean = (from: number, to: number) => {
      const v = temps.filter((e) => e.ts >= from && e.ts < to).map((e) => Number(e.value));
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    for (const f of fails.slice(1)) {
      // the last hour before the failure is hotter than the hour after the repair
      expect(mean(f.ts - H, f.ts)).toBeGreaterThan(mean(f.ts + 0.5 * H, f.ts + 1.5 * H) + 5);
      expect(events.some((e) => e.tag === 'alarm' && e.value === 'E101' && e.ts === f.ts)).toBe(true);
    }
  });

  it('is deterministic and raises more micro-stops than the same machine without wear', () => {
    const a = run(5, 24 * 7, { lifeH: 30, seed: 9 });
    const b = run(5, 24 * 7, { lifeH: 30, seed: 9 });
    expect(b.events).toEqual(a.events);
    const plain = run(5, 24 * 7);
    expect(plain.m.degradation).toBeUndefined();
    expect(a.m.stats().microStops).toBeGreaterThan(plain.m.stats().microStops);
  });
});
