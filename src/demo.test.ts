// The demo's predictive maintenance (issue #16), from the files: exactly one demo machine wears (demo/plant.yaml,
// attribute simWear), the demo's condition monitor watches the tag its wear drifts, and simulated as the simulator
// runs it, that tag climbs towards its upper limit before each wear-out breakdown, comes back after the repair, and
// the monitor is in alarm before the breakdown.
import { describe, expect, it } from 'vitest';
import { demoMonitors } from './demo.ts';
import { analyse } from './maintenance/predictive/model.ts';
import { DEMO_PLANT_FILE } from './platform/app.ts';
import { MachineModel } from './sim/machine.ts';
import { loadPlantFile } from './sim/plant.ts';
import { wearOf } from './sim/simulator.ts';

const H = 3600_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 4, 4, 6, 0, 0);

const specs = loadPlantFile(DEMO_PLANT_FILE);
const wearing = specs.filter((s) => s.degradation);

/** The tag's one-minute means and the wear-outs of a wearing machine over `hours`, as the simulator runs it. */
function simulate(seed: number, hours: number) {
  const spec = wearing[0];
  const tag = spec.degradation!.tag;
  const model = new MachineModel(spec, { seed, startMs: T0, degradation: wearOf(spec, seed) });
  const means: Array<{ ts: number; value: number }> = [];
  for (let t = T0; t < T0 + hours * H; t += MIN) {
    const xs = model
      .step(t + MIN)
      .filter((c) => c.tag === tag)
      .map((c) => c.value as number);
    if (xs.length) means.push({ ts: t, value: xs.reduce((a, b) => a + b, 0) / xs.length });
  }
  return { means, failures: model.degradation!.failures, stats: model.stats() };
}

const meanOf = (pts: Array<{ ts: number; value: number }>, from: number, to: number) => {
  const xs = pts.filter((p) => p.ts >= from && p.ts < to).map((p) => p.value);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};

describe('the demo plant wears one machine and watches it', () => {
  it('one machine wears, and the demo has a monitor on the tag it drifts, with that tag’s limits', () => {
    expect(wearing.map((s) => [s.path, s.degradation?.tag])).toEqual([['acme/lakeside/moulding/imm-cell1/imm02', 'meltTemperature']]);
    const p = wearing[0].parameters.find((x) => x.name === 'meltTemperature')!;
    const monitors = demoMonitors(specs);
    expect(monitors).toHaveLength(1);
    expect(monitors[0]).toMatchObject({ equipment: wearing[0].path, tag: 'meltTemperature', method: 'ewma', min: p.min, max: p.max, enabled: true });
    expect(monitors[0].params).toMatchObject({ mean: p.target, sd: (p.max! - p.min!) / 4 });
    // machines without wear get no monitor
    expect(demoMonitors(specs.filter((s) => !s.degradation))).toEqual([]);
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the tag climbs before each wear-out, is back after the repair, and the monitor warns before the breakdown`, () => {
      const { means, failures, stats } = simulate(seed, 16);
      const p = wearing[0].parameters.find((x) => x.name === wearing[0].degradation!.tag)!;
      const quarter = (p.max! - p.min!) / 4;
      // the first band was found half worn: it fails within the first hours, and a new one later
      expect(failures.length).toBeGreaterThanOrEqual(2);
      expect(stats.breakdowns).toBeGreaterThanOrEqual(failures.length);
      for (const f of failures.slice(0, -1)) {
        const before = meanOf(means, f.ts - H, f.ts);
        const after = meanOf(means, f.ts + H, f.ts + 2 * H);
        expect(before, `hour before the wear-out at +${((f.ts - T0) / H).toFixed(1)} h`).toBeGreaterThan(p.target + quarter);
        expect(after).toBeLessThan(before - quarter);
      }
      // the demo monitor, evaluated as maintenance does (its lookback of one-minute means up to now), at the breakdown
      const [monitor] = demoMonitors(specs);
      const f = failures[0];
      const a = analyse(
        monitor,
        means.filter((m) => m.ts < f.ts && m.ts >= f.ts - monitor.params.lookbackH * H),
      );
      expect(a.alarmNow).toBe(true);
      expect(a.onset).not.toBeNull();
      expect(a.onset!).toBeLessThan(f.ts);
    });
  }
});
