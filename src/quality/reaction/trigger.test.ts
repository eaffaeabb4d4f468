// The reaction plan's triggers and its episodes over random sequences: a spec violation is exactly a value outside
// LSL/USL; a rule fires on the newest point only, from the points it needs (the same answer as the whole history);
// one run of violations is one reaction, and while a reaction's holds are open no second stop is sent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeLimits, evaluateChart, type Measurement } from '../spc/charts.ts';
import { episodeStep, pointsNeeded, released, ruleViolation, specViolation, type Episode } from './trigger.ts';

/** Drives episodeStep as the service does: events are values (violating or not) and releases of one open hold. */
function run(events: Array<{ kind: 'value'; bad: boolean } | { kind: 'release' }>, holdsPerReaction: number) {
  let open: Episode | null = null;
  const steps: string[] = [];
  for (const e of events) {
    if (e.kind === 'release') {
      if (open && open.openHolds > 0) {
        open = { placedHolds: open.placedHolds, openHolds: open.openHolds - 1 } as Episode;
        if (released(open)) open = null;
        steps.push('release');
      }
      continue;
    }
    const step = episodeStep(open, e.bad);
    steps.push(step);
    if (step === 'react') open = { openHolds: holdsPerReaction, placedHolds: holdsPerReaction > 0 };
    if (step === 'close') open = null;
  }
  return steps;
}

const events = fc.array(fc.oneof(fc.record({ kind: fc.constant('value' as const), bad: fc.boolean() }), fc.constant({ kind: 'release' as const })), {
  maxLength: 80,
});

describe('episodes', () => {
  it('alarm only: one reaction per run of consecutive violations, a conforming value ends it', () => {
    fc.assert(
      fc.property(events, (evs) => {
        const values = evs.filter((e) => e.kind === 'value').map((e) => (e as { bad: boolean }).bad);
        const runs = values.filter((bad, i) => bad && (i === 0 || !values[i - 1])).length;
        const steps = run(evs, 0);
        expect(steps.filter((s) => s === 'react')).toHaveLength(runs);
        expect(steps.filter((s) => s === 'link')).toHaveLength(values.filter((b) => b).length - runs);
      }),
    );
  });

  it('with holds: never a second reaction (stop) while a hold is open; the first violation after the last release reacts', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 1, max: 3 }), (evs, holds) => {
        const steps = run(evs, holds);
        let open = 0;
        let idle = true;
        for (const s of steps) {
          if (s === 'react') {
            expect(idle).toBe(true); // no reaction while one is open
            open = holds;
            idle = false;
          } else if (s === 'release') {
            open--;
            if (open === 0) idle = true;
          } else if (s === 'close') throw new Error('an episode with holds is closed only by releasing them');
          else if (s === 'link') expect(idle).toBe(false);
        }
        // every violation while idle reacts: count them independently
        let expected = 0;
        let openHolds = 0;
        for (const e of evs) {
          if (e.kind === 'release') openHolds = Math.max(0, openHolds - 1);
          else if (e.bad && openHolds === 0) {
            expected++;
            openHolds = holds;
          }
        }
        expect(steps.filter((s) => s === 'react')).toHaveLength(expected);
      }),
    );
  });
});

describe('triggers', () => {
  it('a spec violation is a value below LSL or above USL, and only that', () => {
    const limit = fc.option(fc.double({ min: -100, max: 100, noNaN: true }), { nil: null });
    fc.assert(
      fc.property(fc.double({ min: -200, max: 200, noNaN: true }), limit, limit, (v, lsl, usl) => {
        const fired = specViolation(v, lsl, usl);
        expect(fired !== null).toBe((lsl !== null && v < lsl) || (usl !== null && v > usl));
        if (fired) expect(fired).toMatchObject({ trigger: 'spec', rule: null });
      }),
    );
    expect(specViolation(null, 0, 1)).toBeNull();
    expect(specViolation(1, 0, 1)).toBeNull(); // on the limit is in spec
  });

  it('a rule on the newest point from the points it needs gives the same answer as the whole history', () => {
    const spec = { chart: 'i-mr' as const };
    const base: Measurement[] = Array.from({ length: 30 }, (_, i) => ({
      ts: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      value: 10 + ((i * 7) % 5) - 2,
    }));
    const limits = computeLimits(spec, base);
    const selection = { ruleSet: 'nelson' as const, rules: [1, 2, 3, 4, 5, 6, 7, 8] };
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.subarray([1, 2, 3, 4, 5, 6, 7, 8], { minLength: 1 }),
        (values, planRules) => {
          const data = values.map((value, i) => ({ ts: new Date(Date.UTC(2026, 1, 1, 0, i)).toISOString(), value }));
          const last = data.at(-1)!;
          const recent = data.slice(-pointsNeeded('nelson', planRules));
          const fired = ruleViolation(spec, recent, limits, selection, planRules, last.ts);
          const whole = evaluateChart(spec, data, limits, { ruleSet: 'nelson', rules: planRules }).violations.filter((v) => v.index === data.length - 1);
          expect(fired?.rule ?? null).toBe(whole.length ? Math.min(...whole.map((v) => v.rule)) : null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads back the longest run the plan needs, plus one for the moving range', () => {
    expect(pointsNeeded('nelson', [1])).toBe(2);
    expect(pointsNeeded('nelson', [1, 7])).toBe(16);
    expect(pointsNeeded('western-electric', [4])).toBe(9);
  });
});
