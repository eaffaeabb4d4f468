// bench:kpi — 200 machines × 90 days of state changes and counts on PostgreSQL, generated in SQL; the roll-ups folded
// once; then KPIs for one machine-month, one line-week and the whole plant for a quarter from the roll-ups, each next
// to computing the same figures from raw data in the same run. Target: plant-quarter ≤ 200 ms.
//   DATABASE_URL=postgres://… npx tsx bench/kpi.ts [--machines 200] [--days 90]
import { randomUUID } from 'node:crypto';
import { performance as perf } from 'node:perf_hooks';
import { createCollectHistory } from '../src/collect/index.ts';
import { EventBus } from '../src/platform/events.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { PlantService } from '../src/plant/index.ts';
import { computeKpis } from '../src/performance/kpis.ts';
import { PlantView } from '../src/performance/plant-view.ts';
import { Rollup } from '../src/performance/rollup.ts';
import { addTotals, zeroTotals, type TimeTotals } from '../src/performance/time-model.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const MACHINES = arg('machines', 200);
const DAYS = arg('days', 90);
const PER_LINE = 20;
const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'takt_bench_kpi';
const DAY = 86_400_000;
const log = (s: string) => process.stdout.write(`${s}\n`);
const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;

async function main() {
  const database = await openDatabase({ databaseUrl: url, schema, poolSize: 4 });
  await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await database.query(`CREATE SCHEMA ${schema}`);
  await migrate(database);
  const t0 = Math.floor(Date.now() / DAY) * DAY - (DAYS + 1) * DAY;
  const t1 = t0 + DAYS * DAY;
  log(`bench:kpi — ${MACHINES} machines × ${DAYS} days on PostgreSQL (${database.location})`);

  // plant: one site with the demo's three-shift calendar, lines of 20 machines
  await database.query(
    `INSERT INTO calendars (id, name, timezone, shifts, planned_downtime, holidays) VALUES ('three-shift', 'Three shifts', 'Europe/Berlin', $1, '[]', '[]')`,
    [
      JSON.stringify([
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
        { name: 'Night', start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5], breaks: [{ start: '02:00', end: '02:30' }] },
      ]),
    ],
  );
  const site = randomUUID();
  await database.query(
    `INSERT INTO equipment (id, ext_id, path, level, name, calendar_id) VALUES ($1, 'bench', 'bench', 'site', 'Bench plant', 'three-shift')`,
    [site],
  );
  const lines: string[] = [];
  const machines: string[] = [];
  for (let i = 0; i < MACHINES; i++) {
    if (i % PER_LINE === 0) {
      const id = randomUUID();
      lines.push(id);
      await database.query(`INSERT INTO equipment (id, ext_id, parent_id, path, level, name) VALUES ($1, $2, $3, $4, 'line', $2)`, [
        id,
        `line${lines.length}`,
        site,
        `bench/line${lines.length}`,
      ]);
    }
    const id = randomUUID();
    machines.push(id);
    await database.query(`INSERT INTO equipment (id, ext_id, parent_id, path, level, name, properties) VALUES ($1, $2, $3, $4, 'machine', $2, $5)`, [
      id,
      `m${i}`,
      lines.at(-1),
      `bench/line${lines.length}/m${i}`,
      JSON.stringify({ idealCycleTime: { value: 20 + (i % 10), unit: 's' } }),
    ]);
  }

  // history in SQL: a state change every ~10 min (jittered), counts every 5 min
  const g0 = perf.now();
  for (let i = 0; i < machines.length; i++) {
    await database.query(
      `WITH slots AS (
         SELECT k, $2::float8 + k * 600 + (abs(hashtext($1::text || k)) % 300) AS s FROM generate_series(0, $3::int - 1) AS k
       ), st AS (
         SELECT k, s, lead(s) OVER (ORDER BY k) AS e, abs(hashtext(k::text || $1::text)) % 100 AS r FROM slots
       )
       INSERT INTO state_intervals (equipment_id, start_ts, end_ts, state, bucket)
       SELECT $1::uuid, to_timestamp(s), to_timestamp(coalesce(e, $4::float8)),
         CASE WHEN r < 70 THEN 'Execute' WHEN r < 78 THEN 'Held' WHEN r < 83 THEN 'Stopped' WHEN r < 88 THEN 'Suspended'
              WHEN r < 95 THEN 'Idle' WHEN r < 98 THEN 'Execute' ELSE 'Unknown' END,
         CASE WHEN r < 70 THEN 'apt' WHEN r < 88 THEN 'adet' WHEN r < 95 THEN 'adot' WHEN r < 98 THEN 'asut' ELSE 'unknown' END
       FROM st`,
      [machines[i], t0 / 1000, DAYS * 144, t1 / 1000],
    );
    await database.query(
      `INSERT INTO production_counts (equipment_id, ts, kind, delta)
       SELECT $1::uuid, to_timestamp($2::float8 + k * 300 + 7), CASE WHEN k % 17 = 0 THEN 'scrap' ELSE 'good' END, 8 + abs(hashtext($1::text || k)) % 8
       FROM generate_series(0, $3::int - 1) AS k`,
      [machines[i], t0 / 1000, DAYS * 288],
    );
    if ((i + 1) % 20 === 0) log(`  generated ${i + 1}/${machines.length} machines (${((perf.now() - g0) / 1000).toFixed(1)} s)`);
  }
  await database.query(`DELETE FROM perf_dirty`); // the fold below starts from the whole history anyway
  await database.query(`ANALYZE`);
  const [n] = await database.query<{ i: string; c: string }>(
    `SELECT (SELECT count(*) FROM state_intervals)::text AS i, (SELECT count(*) FROM production_counts)::text AS c`,
  );
  log(`  ${n.i} state intervals, ${n.c} count rows in ${((perf.now() - g0) / 1000).toFixed(1)} s`);

  const view = new PlantView(new PlantService(database.db, new EventBus()));
  await view.reload();
  const now = Date.now();
  const rollup = new Rollup(database, view, createCollectHistory(), {
    minorStopThresholdS: 300,
    now: () => now,
    progress: (d, total) => d % 40 === 0 && log(`  folded ${d}/${total} machines`),
  });
  const f0 = perf.now();
  await rollup.fold();
  const [h] = await database.query<{ h: string; d: string }>(`SELECT (SELECT count(*) FROM perf_hour)::text AS h, (SELECT count(*) FROM perf_day)::text AS d`);
  log(`  initial fold: ${h.h} machine-hours, ${h.d} machine-days in ${((perf.now() - f0) / 1000).toFixed(1)} s\n`);

  const all = view.machines();
  const line1 = all.filter((m) => m.path.startsWith('bench/line1/'));
  const cases: Array<{ name: string; ms: typeof all; from: number; to: number }> = [
    { name: 'machine-month', ms: [all[0]], from: t1 - 30 * DAY + 17 * 60_000, to: t1 - 5 * 60_000 },
    { name: 'line-week', ms: line1, from: t1 - 7 * DAY + 23 * 60_000, to: t1 - 13 * 60_000 },
    { name: 'plant-quarter', ms: all, from: t0, to: t1 },
  ];
  const sum = (m: Map<string, TimeTotals>) => [...m.values()].reduce((a, t) => addTotals(a, t), zeroTotals());
  log('query           machines  roll-ups (median of 5)  from raw    OEE (roll-ups)  OEE (raw)');
  let plantMs = 0;
  for (const c of cases) {
    const times: number[] = [];
    let viaRollup = zeroTotals();
    for (let r = 0; r < 5; r++) {
      const a = perf.now();
      viaRollup = sum(await rollup.totals(c.ms, c.from, c.to, false));
      times.push(perf.now() - a);
    }
    times.sort((x, y) => x - y);
    const b = perf.now();
    const raw = sum(await rollup.fromRaw(c.ms, c.from, c.to));
    const rawMs = perf.now() - b;
    const o1 = computeKpis(viaRollup).oee;
    const o2 = computeKpis(raw).oee;
    if (c.name === 'plant-quarter') plantMs = times[2];
    log(
      `${c.name.padEnd(16)}${String(c.ms.length).padStart(8)}  ${ms(times[2]).padStart(22)}  ${ms(rawMs).padStart(10)}  ${(o1 ?? 0).toFixed(6).padStart(14)}  ${(o2 ?? 0).toFixed(6).padStart(9)}`,
    );
    if (Math.abs((o1 ?? 0) - (o2 ?? 0)) > 1e-9) log(`  !! ${c.name}: roll-up and raw disagree`);
  }
  log(`\nplant-quarter from roll-ups: ${ms(plantMs)} (target ≤ 200 ms) ${plantMs <= 200 ? 'OK' : 'OVER TARGET'}`);
  await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
