// What maintenance and the shop floor change in a plan's inputs (pure, with fake ports): a maintenance window is
// unavailable time of its machine; a down machine's repair time is the work order's estimate, else the MTTR, else the
// default; a running operation's remaining time comes from its counted parts once it produces.
import { describe, expect, it } from 'vitest';
import { machineCalendar, type PlanOperation } from './model-map.ts';
import { remainingTime, repairTime } from './snapshot.ts';

const NOW = Date.parse('2026-03-02T06:00:00Z');
const H = 3_600_000;

describe('maintenance in the plan inputs', () => {
  it('a maintenance window is unavailable time, clipped to the horizon; a past one is dropped', () => {
    const cal = machineCalendar(
      {
        path: 'm1',
        name: 'm1',
        calendar: null,
        maintenance: [
          [NOW + H, NOW + 3 * H],
          [NOW - 3 * H, NOW - H],
          [NOW + 40 * H, NOW + 60 * H],
        ],
      },
      NOW,
      48 * H,
    );
    expect(cal).toEqual({
      unavailable: [
        [3600, 10800],
        [144000, 172800],
      ],
    });
    expect(machineCalendar({ path: 'm1', name: 'm1', calendar: null }, NOW, 48 * H)).toBeNull();
  });

  it("a down machine's repair time: estimate, else MTTR, else the default", async () => {
    const estimate = { plannedWindows: async () => [], repairEstimate: async () => ({ workOrderId: 'WO-7', seconds: 5400 }) };
    const none = { plannedWindows: async () => [], repairEstimate: async () => null };
    const mttr = { repairS: async () => 2722.4 };
    const noFailures = { repairS: async () => null };
    expect(await repairTime('e', NOW, 7200, { maintenance: estimate, repairTimes: mttr })).toEqual({ basis: 'work-order', seconds: 5400, workOrderId: 'WO-7' });
    expect(await repairTime('e', NOW, 7200, { maintenance: none, repairTimes: mttr })).toEqual({ basis: 'mttr', seconds: 2722 });
    expect(await repairTime('e', NOW, 7200, { maintenance: none, repairTimes: noFailures })).toEqual({ basis: 'default', seconds: 7200 });
    expect(await repairTime('e', NOW, 7200, {})).toEqual({ basis: 'default', seconds: 7200 });
  });

  it("a running operation's remaining time: counted parts × observed, else ideal, cycle time; the clock in setup", async () => {
    const op = (phase: string): PlanOperation => ({
      seq: 10,
      name: 'Fit',
      candidates: ['m1'],
      runTimeS: 1000,
      setupTimeS: 200,
      status: 'running',
      phase,
      equipment: 'm1',
      startedAt: NOW - 300_000,
    });
    const progress = (observed: number | null) => ({ progress: async () => ({ remaining: 60, idealCycleTimeS: 10, observedCycleTimeS: observed }) });
    expect(await remainingTime('O', op('running'), NOW, progress(12))).toEqual({ seconds: 720, basis: 'counted-observed', remaining: 60 });
    expect(await remainingTime('O', op('paused'), NOW, progress(null))).toEqual({ seconds: 600, basis: 'counted-ideal', remaining: 60 });
    // setup: 200 + 1000 − 300 s on the clock
    expect(await remainingTime('O', op('setup'), NOW, progress(12))).toEqual({ seconds: 900, basis: 'clock' });
    const failing = { progress: async () => Promise.reject(new Error('gone')) };
    expect(await remainingTime('O', op('running'), NOW, failing)).toEqual({ seconds: 900, basis: 'clock' });
    const done = { progress: async () => ({ remaining: 0, idealCycleTimeS: 10, observedCycleTimeS: null }) };
    expect(await remainingTime('O', op('running'), NOW, done)).toEqual({ seconds: 60, basis: 'counted-ideal', remaining: 0 });
  });
});
