// The due rule of each sampling kind as a property over random counts, times and marks ("a check is due iff …"),
// the plan's validation at its edges, and a few hand-picked cases a reader can check by eye.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueCheck, samplingPlanSchema, sameRun, type CheckMark, type RunAtStation } from './sampling.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T06:00:00Z');

const runArb = fc.record({
  orderId: fc.constantFrom('A', 'B'),
  seq: fc.constantFrom(10, 20),
  phase: fc.constantFrom('setup' as const, 'running' as const, 'paused' as const),
  setupStartedAt: fc.integer({ min: 0, max: 600 }).map((m) => T0 + m * MIN),
  startedAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
  parts: fc.integer({ min: 0, max: 5000 }),
  lot: fc.option(fc.record({ id: fc.constantFrom('L1', 'L2'), after: fc.integer({ min: 0, max: 600 }) }), { nil: null }),
});
type RawRun = typeof runArb extends fc.Arbitrary<infer T> ? T : never;
const runOf = (r: RawRun): RunAtStation => ({
  orderId: r.orderId,
  seq: r.seq,
  phase: r.phase,
  setupStartedAt: r.setupStartedAt,
  startedAt: r.startedAfter === null ? null : r.setupStartedAt + r.startedAfter * MIN,
  parts: r.parts,
  lot: r.lot && { id: r.lot.id, since: r.setupStartedAt + r.lot.after * MIN },
});
const markArb = fc.option(
  fc.record({
    orderId: fc.option(fc.constantFrom('A', 'B'), { nil: null }),
    seq: fc.option(fc.constantFrom(10, 20), { nil: null }),
    parts: fc.integer({ min: 0, max: 5000 }),
    lot: fc.option(fc.constantFrom('L1', 'L2'), { nil: null }),
    at: fc.integer({ min: 0, max: 1200 }).map((m) => T0 + m * MIN),
  }),
  { nil: null },
);
const nowArb = fc.integer({ min: 0, max: 3000 }).map((m) => T0 + m * MIN);
const grace = fc.integer({ min: 0, max: 200 });

const partsSinceOf = (run: RunAtStation, mark: CheckMark | null) =>
  mark && mark.orderId === run.orderId && mark.seq === run.seq && mark.at >= run.setupStartedAt ? Math.max(0, run.parts - mark.parts) : run.parts;

describe('a check is due iff …', () => {
  it('parts: iff the parts made since the run’s last check reach N; blocking iff they reach N + grace', () => {
    fc.assert(
      fc.property(runArb, markArb, nowArb, fc.integer({ min: 1, max: 500 }), grace, (raw, mark, now, every, g) => {
        const run = runOf(raw);
        const d = dueCheck({ kind: 'parts', everyParts: every, sampleSize: 1, graceParts: g }, run, mark, now);
        const since = partsSinceOf(run, mark);
        expect(d !== null).toBe(since >= every);
        if (d) {
          expect(d).toMatchObject({ reason: 'parts', partsSince: since, dueSince: null, overdue: since > every, blocking: since >= every + g });
        }
      }),
    );
  });

  it('time: iff production started and T minutes passed since the later of the run’s last check and its start', () => {
    fc.assert(
      fc.property(runArb, markArb, nowArb, fc.integer({ min: 1, max: 600 }), grace, (raw, mark, now, every, g) => {
        const run = runOf(raw);
        const d = dueCheck({ kind: 'time', everyMinutes: every, sampleSize: 1, graceMinutes: g }, run, mark, now);
        if (run.startedAt === null) {
          expect(d).toBeNull();
          return;
        }
        const from = sameRun(run, mark) ? Math.max(mark.at, run.startedAt) : run.startedAt;
        expect(d !== null).toBe(now - from >= every * MIN);
        if (d) expect(d).toMatchObject({ reason: 'time', dueSince: from + every * MIN, blocking: now - from >= (every + g) * MIN });
      }),
    );
  });

  it('first-piece: iff this run of the operation (since its setup) has no check; blocking iff parts reach the grace', () => {
    fc.assert(
      fc.property(runArb, markArb, nowArb, grace, (raw, mark, now, g) => {
        const run = runOf(raw);
        const d = dueCheck({ kind: 'first-piece', sampleSize: 1, graceParts: g }, run, mark, now);
        const checked = mark !== null && mark.orderId === run.orderId && mark.seq === run.seq && mark.at >= run.setupStartedAt;
        expect(d !== null).toBe(!checked);
        if (d) expect(d).toMatchObject({ reason: 'first-piece', dueSince: run.setupStartedAt, blocking: run.parts >= g });
      }),
    );
  });

  it('lot: iff a lot is booked and the last check was not of that lot; blocking iff grace minutes passed since the booking', () => {
    fc.assert(
      fc.property(runArb, markArb, nowArb, grace, (raw, mark, now, g) => {
        const run = runOf(raw);
        const d = dueCheck({ kind: 'lot', sampleSize: 1, graceMinutes: g }, run, mark, now);
        expect(d !== null).toBe(run.lot !== null && mark?.lot !== run.lot.id);
        if (d && run.lot) expect(d).toMatchObject({ reason: 'lot', dueSince: run.lot.since, blocking: now - run.lot.since >= g * MIN });
      }),
    );
  });

  it('nothing is due at a station where nothing runs, whatever the plan', () => {
    for (const plan of [
      { kind: 'parts', everyParts: 1, sampleSize: 1, graceParts: 0 },
      { kind: 'time', everyMinutes: 1, sampleSize: 1, graceMinutes: 0 },
      { kind: 'first-piece', sampleSize: 1, graceParts: 0 },
      { kind: 'lot', sampleSize: 1, graceMinutes: 0 },
    ] as const)
      expect(dueCheck(plan, null, null, T0)).toBeNull();
  });

  it('a check taken counts: after it the parts start from its count again (hand case)', () => {
    const run: RunAtStation = { orderId: 'A', seq: 10, phase: 'running', setupStartedAt: T0, startedAt: T0 + MIN, parts: 12, lot: null };
    const plan = { kind: 'parts' as const, everyParts: 5, sampleSize: 3, graceParts: 2 };
    expect(dueCheck(plan, run, { orderId: 'A', seq: 10, parts: 10, lot: null, at: T0 + 5 * MIN }, T0)).toBeNull();
    expect(dueCheck(plan, run, { orderId: 'A', seq: 10, parts: 7, lot: null, at: T0 + 5 * MIN }, T0)).toMatchObject({ overdue: false, blocking: false });
    expect(dueCheck(plan, run, { orderId: 'A', seq: 10, parts: 5, lot: null, at: T0 + 5 * MIN }, T0)).toMatchObject({ overdue: true, blocking: true });
    // a check of the previous operation does not count for this one: all 12 parts
    expect(dueCheck(plan, run, { orderId: 'B', seq: 10, parts: 12, lot: null, at: T0 + 5 * MIN }, T0)?.partsSince).toBe(12);
  });
});

describe('sampling plan validation', () => {
  it('takes each kind with its own fields and defaults the grace to 0', () => {
    expect(samplingPlanSchema.parse({ kind: 'parts', everyParts: 50, sampleSize: 5 })).toEqual({ kind: 'parts', everyParts: 50, sampleSize: 5, graceParts: 0 });
    expect(samplingPlanSchema.parse({ kind: 'time', everyMinutes: 60, sampleSize: 1, graceMinutes: 15 }).kind).toBe('time');
    expect(samplingPlanSchema.parse({ kind: 'first-piece', sampleSize: 1 })).toEqual({ kind: 'first-piece', sampleSize: 1, graceParts: 0 });
    expect(samplingPlanSchema.parse({ kind: 'lot', sampleSize: 2 })).toEqual({ kind: 'lot', sampleSize: 2, graceMinutes: 0 });
  });

  it('refuses every malformed plan (bounded fuzz: anything that is not one of the four shapes fails to parse, never throws otherwise)', () => {
    for (const bad of [
      { kind: 'parts', everyParts: 0, sampleSize: 1 },
      { kind: 'parts', everyParts: 1.5, sampleSize: 1 },
      { kind: 'parts', everyParts: 10, sampleSize: 0 },
      { kind: 'time', everyMinutes: 0, sampleSize: 1 },
      { kind: 'time', everyParts: 10, sampleSize: 1 },
      { kind: 'lot', sampleSize: 1, graceParts: 3 },
      { kind: 'hourly', sampleSize: 1 },
      { kind: 'parts', everyParts: 10, sampleSize: 1, graceParts: -1 },
      { kind: 'time', everyMinutes: 10_081, sampleSize: 1 },
    ])
      expect(samplingPlanSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = samplingPlanSchema.safeParse(v);
        if (r.success) expect(['parts', 'time', 'first-piece', 'lot']).toContain(r.data.kind);
      }),
      { numRuns: 500 },
    );
  });
});
