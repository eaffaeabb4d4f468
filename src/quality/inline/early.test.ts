// The fast path's decision over random plans, limits, values and episode states: it stops exactly when the plan
// stops on the spec limits, the value is a finite number outside them and nothing is open or on its way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { specViolation } from '../reaction/trigger.ts';
import { earlyStop } from './early.ts';

const limit = fc.option(fc.double({ min: -100, max: 100, noNaN: true }), { nil: null });

describe('earlyStop', () => {
  it('stops on an out-of-spec number with a stop-on-spec plan and nothing open, and on nothing else', () => {
    fc.assert(
      fc.property(
        fc.record({
          plan: fc.option(fc.record({ action: fc.constantFrom('alarm', 'hold', 'stop' as const), onSpec: fc.boolean() }), { nil: null }),
          kind: fc.constantFrom('variable', 'attribute' as const),
          lsl: limit,
          usl: limit,
          value: fc.oneof(fc.double({ min: -200, max: 200 }), fc.constant(Number.NaN), fc.constant('1.5'), fc.boolean()),
          state: fc.record({ loop: fc.boolean(), episodeOpen: fc.boolean(), stopPending: fc.boolean() }),
        }),
        ({ plan, kind, lsl, usl, value, state }) => {
          const got = earlyStop(plan, { kind, lsl, usl }, value, state);
          const numeric = typeof value === 'number' && Number.isFinite(value);
          const should =
            state.loop &&
            !state.episodeOpen &&
            !state.stopPending &&
            plan?.action === 'stop' &&
            plan.onSpec &&
            kind === 'variable' &&
            numeric &&
            specViolation(value, lsl, usl) !== null;
          expect(got !== null).toBe(should);
          if (got) expect(got).toEqual(specViolation(value as number, lsl, usl));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('says which limit the value broke; a value on a limit is in spec', () => {
    const plan = { action: 'stop' as const, onSpec: true };
    const c = { kind: 'variable' as const, lsl: 0.8, usl: 1.0 };
    const free = { loop: true, episodeOpen: false, stopPending: false };
    expect(earlyStop(plan, c, 1.42, free)).toMatchObject({ trigger: 'spec', what: 'above USL 1' });
    expect(earlyStop(plan, c, 0.3, free)).toMatchObject({ trigger: 'spec', what: 'below LSL 0.8' });
    expect(earlyStop(plan, c, 1.0, free)).toBeNull();
    expect(earlyStop(plan, c, 0.8, free)).toBeNull();
    expect(earlyStop(plan, c, 1.42, { ...free, episodeOpen: true })).toBeNull();
    expect(earlyStop(plan, c, 1.42, { ...free, stopPending: true })).toBeNull();
    expect(earlyStop({ action: 'stop', onSpec: false }, c, 1.42, free)).toBeNull();
  });
});
