// Silence judged on the data's own timestamps (issue #12 item 3): the deriver and the replay after late data agree.
import { describe, expect, it } from 'vitest';
import type { CleanValue } from './clean.ts';
import { Deriver, emptyDerived, replayIntervals } from './derive.ts';
import { EquipmentRegistry } from './registry.ts';

const registry = new EquipmentRegistry([
  {
    id: 'm1',
    path: 'p/m1',
    level: 'machine',
    name: 'M1',
    parentId: null,
    calendarId: null,
    equipmentClass: null,
    properties: { staleAfterS: { value: 600 } },
    tags: [],
    connections: [],
  } as never,
]);
const eq = registry.byEquipmentId('m1')!;
const T = Date.UTC(2026, 0, 5, 7);
const MIN = 60_000;

function value(tag: string, v: string | number, ts: number): CleanValue {
  return {
    eq,
    tag: eq.tags.get(tag)!,
    ts,
    value: v,
    num: typeof v === 'number' ? v : null,
    txt: typeof v === 'string' ? v : null,
    obs: { source: { protocol: 'test', client: 't' }, topic: tag, equipmentPath: eq.path, tag, value: v, ts, receivedAt: T + 10 * 3_600_000 },
  };
}

describe('silences in timestamped history', () => {
  it('a gap longer than the stale limit between two data timestamps is Unknown from the earlier to the later', () => {
    expect(eq.staleAfterS).toBe(600);
    const d = new Deriver();
    const out = emptyDerived();
    // Execute at 07:00, heartbeats every 5 min (300 s ≤ 600 s) until 07:10, then nothing until 08:10 (3600 s > 600 s)
    d.apply(value('state', 'Execute', T), null, out);
    d.apply(value('good', 10, T + 5 * MIN), null, out);
    d.apply(value('good', 20, T + 10 * MIN), null, out);
    d.apply(value('good', 30, T + 70 * MIN), null, out);
    expect(out.opens.map((o) => [o.start - T, o.state])).toEqual([
      [0, 'Execute'],
      [10 * MIN, 'Unknown'],
      [70 * MIN, 'Execute'],
    ]);
    expect(out.closes.map((c) => [c.start - T, c.end - T])).toEqual([
      [0, 10 * MIN],
      [10 * MIN, 70 * MIN],
    ]);
    // a silence is not stored as `_online`: a rebuild finds it again from the data
    expect(out.online).toEqual([]);
    // a value older than the latest (late) makes no silence
    const late = emptyDerived();
    d.apply(value('good', 25, T + 40 * MIN), null, late);
    expect(late.opens).toEqual([]);
  });

  it('the replay after late data opens the same intervals from silence events', () => {
    const { intervals } = replayIntervals(
      'm1',
      {},
      [
        { ts: T, role: 'state', value: 'Execute' },
        { ts: T + 10 * MIN, role: 'silent', value: true },
        { ts: T + 70 * MIN, role: 'silent', value: false },
      ],
      () => null,
    );
    expect(intervals.map((i) => [i.start - T, i.end === null ? null : i.end - T, i.state])).toEqual([
      [0, 10 * MIN, 'Execute'],
      [10 * MIN, 70 * MIN, 'Unknown'],
      [70 * MIN, null, 'Execute'],
    ]);
  });
});
