// Property test: KPIs read through the roll-ups equal a from-raw recomputation, on random histories, before and
// after late data rewrites part of the past (as collect's rebuild does). PGlite in memory, real migrations.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectHistory } from '../collect/index.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { calendarFn } from './calendar-windows.ts';
import { DEFAULT_CONVENTIONS } from './conventions.ts';
import { markRewritten } from './performance.repository.ts';
import type { MachineInfo, PlantView } from './plant-view.ts';
import { HOUR, Rollup } from './rollup.ts';
import { TOTAL_KEYS, type TimeTotals } from './time-model.ts';

const STATES: Array<[string, string]> = [
  ['Execute', 'apt'],
  ['Execute', 'apt'],
  ['Execute', 'apt'],
  ['Held', 'adet'],
  ['Stopped', 'adet'],
  ['Aborted', 'adet'],
  ['Suspended', 'adet'],
  ['Idle', 'adot'],
  ['Execute', 'asut'],
  ['Stopped', 'pdot'],
  ['Unknown', 'unknown'],
];
const threeShift = {
  timezone: 'Europe/Berlin',
  shifts: [
    {
      name: 'Early',
      start: '06:00',
      end: '14:00',
      days: [1, 2, 3, 4, 5],
      breaks: [
        { start: '09:00', end: '09:15' },
        { start: '12:00', end: '12:30' },
      ],
    },
    { name: 'Late', start: '14:00', end: '22:00', days: [1, 2, 3, 4, 5], breaks: [{ start: '18:00', end: '18:30' }] },
    { name: 'Night', start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5, 6], breaks: [{ start: '02:00', end: '02:30' }] },
  ],
  holidays: [],
  plannedDowntime: [] as Array<{ from: string; to: string; reason: string }>,
};

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('roll-ups agree with a from-raw recomputation', () => {
  let db: Database;
  const now = Date.now();
  const start = Math.floor((now - 4 * 86_400_000) / HOUR) * HOUR + 17 * 60_000 + 123; // not hour-aligned
  const machines: MachineInfo[] = [];
  let rollup: Rollup;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    threeShift.plannedDowntime = [{ from: new Date(start + 30 * HOUR).toISOString(), to: new Date(start + 33.5 * HOUR).toISOString(), reason: 'PM' }];
    for (let i = 0; i < 3; i++) {
      const id = randomUUID();
      await db.query(`INSERT INTO equipment (id, ext_id, path, level, name) VALUES ($1, $2, $3, 'machine', $2)`, [id, `m${i}`, `p/m${i}`]);
      machines.push({
        id,
        path: `p/m${i}`,
        name: `m${i}`,
        level: 'machine',
        equipmentClass: null,
        calendarId: i < 2 ? 'c' : null,
        calendar: i < 2 ? threeShift : null,
        idealCycleTimeS: i === 1 ? null : 20 + i,
        commissionedAt: i === 2 ? start + 10 * HOUR + 1234 : null,
        alarmTags: ['alarm'],
        // the third machine under the non-default plant conventions: maintenance repairs, no stops without an order
        conventions: i === 2 ? { maintenanceMode: 'unplanned', stopWithoutOrder: 'idle', mtbfDivisor: 'failures' } : DEFAULT_CONVENTIONS,
      });
    }
    const view = {
      machines: () => machines,
      machine: (id: string) => machines.find((m) => m.id === id),
      calendarFn: (m: MachineInfo) => calendarFn(m.calendar, m.path),
      idealCycleTime: (m: MachineInfo, order: string | null) => (order ? 30 : m.idealCycleTimeS),
    } as unknown as PlantView;
    rollup = new Rollup(db, view, createCollectHistory(), { minorStopThresholdS: 300, now: () => now }); // one clock: open intervals end at the same now
  }, 60_000);
  afterAll(async () => db?.close());

  /** Writes a random history for a machine over [from, to): back-to-back intervals with gaps, the last one open. */
  async function history(m: MachineInfo, from: number, to: number, r: () => number, open: boolean) {
    const rows: Array<[number, number | null, string, string]> = [];
    let t = from;
    while (t < to) {
      const [state, bucket] = STATES[Math.floor(r() * STATES.length)];
      const len = r() < 0.4 ? 10_000 + r() * 400_000 : 60_000 + r() * 7_200_000;
      const end = Math.min(to, t + len);
      rows.push([t, end, state, bucket]);
      t = end + (r() < 0.1 ? r() * 1_800_000 : 0); // sometimes a gap
    }
    if (open && rows.length) rows[rows.length - 1][1] = null;
    await db.query(
      `INSERT INTO state_intervals (equipment_id, start_ts, end_ts, state, bucket)
       SELECT $1, to_timestamp(s / 1000), to_timestamp(e / 1000), st, b FROM unnest($2::float8[], $3::float8[], $4::text[], $5::text[]) AS u(s, e, st, b)`,
      [m.id, rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map((x) => x[2]), rows.map((x) => x[3])],
    );
    const counts: Array<[number, string, number]> = [];
    for (let c = from + r() * 600_000; c < to; c += 60_000 + r() * 900_000) counts.push([c, r() < 0.1 ? 'scrap' : 'good', 1 + Math.floor(r() * 40)]);
    await db.query(
      `INSERT INTO production_counts (equipment_id, ts, kind, delta)
       SELECT $1, to_timestamp(t / 1000), k, d FROM unnest($2::float8[], $3::text[], $4::int8[]) AS u(t, k, d) ON CONFLICT DO NOTHING`,
      [m.id, counts.map((x) => x[0]), counts.map((x) => x[1]), counts.map((x) => x[2])],
    );
  }

  function expectSame(a: Map<string, TimeTotals>, b: Map<string, TimeTotals>, label: string) {
    for (const m of machines)
      for (const k of TOTAL_KEYS) {
        const x = a.get(m.id)![k];
        const y = b.get(m.id)![k];
        expect(Math.abs(x - y), `${label} ${m.name} ${k}: roll-up ${x} raw ${y}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(y)));
      }
  }

  async function checkRandomPeriods(r: () => number, n: number, label: string) {
    for (let i = 0; i < n; i++) {
      const from = start - HOUR + r() * 4.5 * 86_400_000;
      const to = from + r() * 3 * 86_400_000;
      const viaRollup = await rollup.totals(machines, from, to);
      const raw = await rollup.fromRaw(machines, from, to);
      expectSame(viaRollup, raw, `${label} [${new Date(from).toISOString()}, ${new Date(to).toISOString()})`);
    }
  }

  it('on random histories, then after late data rewrote part of the past', async () => {
    const r = rng(42);
    for (const m of machines) await history(m, start, now - 60_000, r, true);
    await rollup.fold();
    const [fold] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM perf_hour`);
    expect(fold.n).toBeGreaterThan(3 * 90);
    await checkRandomPeriods(r, 12, 'initial');
    // late data: collect rebuilds one machine's intervals from a past instant on and adds counts there
    // (collect tells the roll-ups which stretches it rewrote, inside its transaction: markRewritten, as in index.ts)
    const m = machines[0];
    const cut = start + 50 * HOUR + 1234;
    const span = (rows: Array<{ a: number; b: number }>) => rows.map((x) => ({ equipmentId: m.id, from: x.a * 1000, to: x.b * 1000 }));
    const deleted = await db.query<{ a: number; b: number }>(
      `DELETE FROM state_intervals WHERE equipment_id = $1 AND start_ts >= to_timestamp($2)
       RETURNING extract(epoch FROM start_ts)::float8 AS a, extract(epoch FROM coalesce(end_ts, start_ts))::float8 AS b`,
      [m.id, cut / 1000],
    );
    const cutShort = await db.query<{ a: number; b: number }>(
      `UPDATE state_intervals SET end_ts = to_timestamp($2) WHERE equipment_id = $1 AND (end_ts IS NULL OR end_ts > to_timestamp($2))
       RETURNING extract(epoch FROM start_ts)::float8 AS a, extract(epoch FROM end_ts)::float8 AS b`,
      [m.id, cut / 1000],
    );
    await history(m, cut, now - 30_000, r, true);
    await markRewritten(db, [...span(deleted), ...span(cutShort), { equipmentId: m.id, from: cut, to: now - 30_000 }], now);
    // and a late count on another machine
    const late = start + 10 * HOUR + 5;
    await db.query(`INSERT INTO production_counts (equipment_id, ts, kind, delta) VALUES ($1, to_timestamp($2), 'scrap', 7) ON CONFLICT DO NOTHING`, [
      machines[1].id,
      late / 1000,
    ]);
    await markRewritten(db, [{ equipmentId: machines[1].id, from: late, to: late }], now);
    const [dirty] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM perf_dirty`);
    expect(dirty.n).toBeGreaterThan(0);
    await checkRandomPeriods(r, 12, 'after late data');
    // whole folded range at once
    expectSame(await rollup.totals(machines, start - HOUR, now), await rollup.fromRaw(machines, start - HOUR, now), 'everything');
  }, 60_000);

  it('the hour counting a failure learns its whole restoration time when late data lengthens it hours later', async () => {
    // A machine planned around the clock: Execute h0–h0+10m, Held h0+10m–h0+50m, Stopped h0+50m–h0+3h10m (one failure
    // of 3 h, counted in hour h0 with failureWholeS 10 800 s), Execute until h0+5h. Late data then lengthens the
    // Stopped interval to h0+4h10m and collect marks only that stretch: hour h0 must now hold 14 400 s (ISO 22400-2
    // MTTR: the whole restoration time, where the failure began), read through the roll-ups as from raw.
    const id = randomUUID();
    await db.query(`INSERT INTO equipment (id, ext_id, path, level, name) VALUES ($1, 'm9', 'p/m9', 'machine', 'm9')`, [id]);
    const m9: MachineInfo = {
      id,
      path: 'p/m9',
      name: 'm9',
      level: 'machine',
      equipmentClass: null,
      calendarId: null,
      calendar: null,
      idealCycleTimeS: 20,
      alarmTags: ['alarm'],
      conventions: DEFAULT_CONVENTIONS,
      commissionedAt: null,
    };
    machines.push(m9);
    const h0 = Math.floor((now - 30 * HOUR) / HOUR) * HOUR;
    const min = 60_000;
    const rows: Array<[number, number, string, string]> = [
      [h0, h0 + 10 * min, 'Execute', 'apt'],
      [h0 + 10 * min, h0 + 50 * min, 'Held', 'adet'],
      [h0 + 50 * min, h0 + 190 * min, 'Stopped', 'adet'],
      [h0 + 190 * min, h0 + 300 * min, 'Execute', 'apt'],
    ];
    await db.query(
      `INSERT INTO state_intervals (equipment_id, start_ts, end_ts, state, bucket)
       SELECT $1, to_timestamp(s / 1000), to_timestamp(e / 1000), st, b FROM unnest($2::float8[], $3::float8[], $4::text[], $5::text[]) AS u(s, e, st, b)`,
      [id, rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map((x) => x[2]), rows.map((x) => x[3])],
    );
    await markRewritten(db, [{ equipmentId: id, from: h0, to: h0 + 300 * min }], now);
    const whole = async () => {
      const viaRollup = (await rollup.totals([m9], h0, h0 + HOUR)).get(id)!;
      const raw = (await rollup.fromRaw([m9], h0, h0 + HOUR)).get(id)!;
      return [viaRollup.failures, viaRollup.failureWholeS, raw.failureWholeS];
    };
    expect(await whole()).toEqual([1, 10800, 10800]);
    await db.query(`UPDATE state_intervals SET end_ts = to_timestamp($2) WHERE equipment_id = $1 AND state = 'Stopped'`, [id, (h0 + 250 * min) / 1000]);
    await db.query(`UPDATE state_intervals SET start_ts = to_timestamp($2) WHERE equipment_id = $1 AND start_ts = to_timestamp($3)`, [
      id,
      (h0 + 250 * min) / 1000,
      (h0 + 190 * min) / 1000,
    ]);
    await markRewritten(db, [{ equipmentId: id, from: h0 + 190 * min, to: h0 + 250 * min }], now);
    expect(await whole()).toEqual([1, 14400, 14400]);
  }, 60_000);
});
