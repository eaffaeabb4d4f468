import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKpis } from './kpis.ts';
import { zeroTotals } from './time-model.ts';
import { kpiWarnings } from './warnings.ts';

describe('KPI warnings', () => {
  it('flags an effectiveness above 100 % as "ideal cycle time too slow" (IMM 05: 28 s ideal, 20 s real)', () => {
    // one hour running, a part every 20 s: PQ 180; PRI 28 s → Σ PRI × PQ = 5040 s; E = 5040 / 3600 = 1.4
    const t = { ...zeroTotals(), period: 3600, pot: 3600, apt: 3600, good: 180, idealS: 180 * 28 };
    const k = computeKpis(t);
    expect(k.effectiveness).toBeCloseTo(1.4, 9);
    const w = kpiWarnings(k);
    expect(w.map((x) => x.code)).toEqual(['ideal_cycle_too_slow']);
    expect(w[0].message).toMatch(/^ideal cycle time too slow: effectiveness 140\.0 %/);
  });

  it('does not flag 100 % or below, nor a missing effectiveness', () => {
    expect(kpiWarnings({ effectiveness: 1 })).toEqual([]);
    expect(kpiWarnings({ effectiveness: 0.93 })).toEqual([]);
    expect(kpiWarnings({ effectiveness: null })).toEqual([]);
  });

  it('flags exactly when Σ(PRI × PQ) exceeds APT, over random figures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 120 }), (apt, pq, pri) => {
        const k = computeKpis({ ...zeroTotals(), period: apt, pot: apt, apt, good: pq, idealS: pq * pri });
        expect(kpiWarnings(k).length > 0).toBe(pq * pri > apt);
      }),
    );
  });
});
