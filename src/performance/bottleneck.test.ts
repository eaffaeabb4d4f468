import { describe, expect, it } from 'vitest';
import { bottleneckFigures, rankBottlenecks } from './bottleneck.ts';
import { zeroTotals, type TimeTotals } from './time-model.ts';

const totals = (x: Partial<TimeTotals>): TimeTotals => ({ ...zeroTotals(), pot: 3600, ...x });

describe('bottleneck (active period method)', () => {
  it('active = APT + ASUT + own stops; waiting = starved/blocked + idle; unknown in neither', () => {
    // PBT 3600: APT 2400, setup 300, failure 300, starved 300, idle 120, no data 180 → active 3000, waiting 420
    // active share 3000 / 3420 = 0.877193; 200 parts at PRI 10 s: 2000 s ideal → loading 2000 / 3600 = 0.555556,
    // throughput 200 per planned hour, ideal rate 360 per hour
    const f = bottleneckFigures(
      totals({ apt: 2400, asut: 300, adet: 600, failureS: 300, externalS: 300, adot: 120, unknown: 180, good: 190, scrap: 10, idealS: 2000 }),
    );
    expect(f).toMatchObject({ activeS: 3000, waitingS: 420, starvedOrBlockedS: 300, idleS: 120, unknownS: 180, pbtS: 3600, parts: 200 });
    expect(f.activeShare).toBeCloseTo(0.877193, 6);
    expect(f.loading).toBeCloseTo(0.555556, 6);
    expect(f.throughputPerHour).toBe(200);
    expect(f.idealPerHour).toBe(360);
  });

  it('ranks by active share, ties by loading, machines without data last', () => {
    const rows = [
      { id: 'a', figures: bottleneckFigures(totals({ apt: 1800, externalS: 1800, idealS: 1000 })) }, // 0.5
      { id: 'b', figures: bottleneckFigures(totals({ unknown: 3600 })) }, // no data
      { id: 'c', figures: bottleneckFigures(totals({ apt: 3600, idealS: 1000 })) }, // 1.0, loading 0.28
      { id: 'd', figures: bottleneckFigures(totals({ apt: 3600, idealS: 3000 })) }, // 1.0, loading 0.83
    ];
    const ranked = rankBottlenecks(rows);
    expect(ranked.map((r) => [r.id, r.rank, r.bottleneck])).toEqual([
      ['d', 1, true],
      ['c', 2, false],
      ['a', 3, false],
      ['b', 4, false],
    ]);
  });
});
