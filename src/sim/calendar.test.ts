// The demo's assembly stations produce only in their calendar's planned time (issue #12 item 6): no part in a break,
// at night or at the weekend, and they do produce in their shifts. The calendar comes from the demo plant file.
import { describe, expect, it } from 'vitest';
import { plannedAt } from './calendar.ts';
import { MachineModel, type TagChange } from './machine.ts';
import { loadPlantFile } from './plant.ts';
import { DEFAULT_PLANT_FILE } from './simulator.ts';

const specs = loadPlantFile(DEFAULT_PLANT_FILE);
const stations = specs.filter((s) => s.path.startsWith('acme/lakeside/assembly/'));
// Friday 2026-05-08 00:00 UTC to Monday 2026-05-11 12:00 UTC: a night, two shifts with breaks, a weekend, a Monday morning
const FROM = Date.UTC(2026, 4, 8);
const TO = Date.UTC(2026, 4, 11, 12);

function run(spec: (typeof specs)[number], calendar: boolean) {
  const model = new MachineModel(spec, { seed: 3, startMs: FROM, ...(calendar && spec.calendar ? { calendar: plannedAt(spec.calendar, spec.path) } : {}) });
  const out: TagChange[] = [];
  for (let t = FROM; t < TO; ) out.push(...model.step((t += 60_000)));
  return out;
}

describe('simulated machines follow their calendar', () => {
  it('the assembly stations have the two-shift calendar in the demo plant', () => {
    expect(stations.map((s) => s.id)).toEqual(['st10', 'st20', 'st30']);
    for (const s of stations) expect(s.calendar).toMatchObject({ id: 'two-shift' });
  });

  for (const spec of stations)
    it(`${spec.id} makes parts only in planned time (shifts minus breaks), and does make them there`, () => {
      const planned = plannedAt(spec.calendar!, spec.path);
      const parts = run(spec, true).filter((c) => (c.tag === 'good' || c.tag === 'scrap') && !c.reset);
      // a part counted at ts ended a cycle that ran up to ts: the instant just before is planned time
      const outside = parts.filter((c) => !planned(c.ts - 1).planned);
      expect(outside).toEqual([]);
      // Friday 06:00–22:00 Berlin less two 30-min breaks = 15 h, Monday 06:00–14:00 Berlin (04:00–12:00 UTC) less the
      // lunch = 7.5 h: 22.5 h of planned time; the machine runs most of it at its ideal cycle
      const ideal = (22.5 * 3600) / spec.idealCycleTimeS;
      expect(parts.length).toBeGreaterThan(0.6 * ideal);
      expect(parts.length).toBeLessThanOrEqual(ideal);
      // without the calendar the same machine produces at night and at the weekend (what the demo did before)
      const free = run(spec, false).filter((c) => (c.tag === 'good' || c.tag === 'scrap') && !c.reset && !planned(c.ts - 1).planned);
      expect(free.length).toBeGreaterThan(0);
    });

  it('waits Idle outside planned time and starts up shortly before it resumes', () => {
    const spec = stations[0];
    const planned = plannedAt(spec.calendar!, spec.path);
    const states = run(spec, true).filter((c) => c.tag === 'state');
    const saturdayNoon = Date.UTC(2026, 4, 9, 12);
    const last = states.filter((c) => c.ts <= saturdayNoon).at(-1);
    expect(last?.value).toBe('Idle');
    // every Execute begins in planned time
    for (const c of states) if (c.value === 'Execute') expect(planned(c.ts).planned).toBe(true);
  });
});
