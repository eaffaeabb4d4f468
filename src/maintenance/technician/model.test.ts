import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mttrSplit } from './model.ts';

const T = Date.parse('2026-01-05T06:00:00Z');
const at = (min: number) => new Date(T + min * 60_000).toISOString();

describe('MTTR split', () => {
  it('is all waiting for a technician when nobody worked', () => {
    expect(mttrSplit(new Date(at(0)), new Date(at(45)), [])).toEqual({
      totalMinutes: 45,
      waitingForTechnicianMinutes: 45,
      repairMinutes: 0,
      waitingForPartsMinutes: 0,
      otherMinutes: 0,
    });
  });

  it('counts a pause for parts until labour resumes, and labour outside the repair not at all', () => {
    const labour = [
      { startedAt: at(-30), stoppedAt: at(5), stopReason: 'other' as const },
      { startedAt: at(20), stoppedAt: at(30), stopReason: 'parts' as const },
      { startedAt: at(50), stoppedAt: null, stopReason: null },
    ];
    // clipped to [0, 60]: 0–5 repair, 5–20 other, 20–30 repair, 30–50 parts, 50–60 repair (running until the end)
    expect(mttrSplit(new Date(at(0)), new Date(at(60)), labour)).toEqual({
      totalMinutes: 60,
      waitingForTechnicianMinutes: 0,
      repairMinutes: 25,
      waitingForPartsMinutes: 20,
      otherMinutes: 15,
    });
  });

  it('always adds up to the total, each part within [0, total]', () => {
    const stretch = fc.record({
      s: fc.integer({ min: -50, max: 300 }),
      len: fc.option(fc.integer({ min: 0, max: 200 })),
      reason: fc.constantFrom('done', 'break', 'parts', 'other'),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.array(stretch, { maxLength: 8 }), (end, stretches) => {
        const labour = stretches.map((x) => ({
          startedAt: at(x.s),
          stoppedAt: x.len === null ? null : at(x.s + x.len),
          stopReason: x.len === null ? null : (x.reason as 'done'),
        }));
        const f = mttrSplit(new Date(at(0)), new Date(at(end)), labour);
        const parts = [f.waitingForTechnicianMinutes, f.repairMinutes, f.waitingForPartsMinutes, f.otherMinutes];
        expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(end, 9);
        for (const p of parts) expect(p).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
