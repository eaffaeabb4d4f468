// bench:alerts — how long one evaluation of the early-warning rules takes for a plant: N machines (default 200) with
// two days of history up to now (planned around the clock), folded into the roll-ups, and four rules over the whole
// site (availability below, OEE below, scrap rising, down longer than 10 min). Prints the median of 5 evaluations and
// the alerts raised. The evaluator runs every 30 s, so an evaluation must stay well below that.
//   DATABASE_URL=postgres://… npx tsx bench/alerts.ts [--machines 200]
import { randomUUID } from 'node:crypto';
import { performance as perf } from 'node:perf_hooks';
import { createCollectHistory } from '../src/collect/index.ts';
import { SYSTEM_ACTOR } from '../src/platform/auth/principal.ts';
import type { AppContext } from '../src/platform/context.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { EventBus } from '../src/platform/events.ts';
import { PlantService } from '../src/plant/index.ts';
import { AlertService } from '../src/performance/alerts.service.ts';
import { PerformanceService } from '../src/performance/performance.service.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const MACHINES = arg('machines', 200);
const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'takt_bench_alerts';
const log = (s: string) => process.stdout.write(`${s}\n`);
const quiet = { warn() {}, info() {}, error() {}, debug() {} };

async function main() {
  const database = await openDatabase({ databaseUrl: url, schema, poolSize: 4 });
  await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await database.query(`CREATE SCHEMA ${schema}`);
  await migrate(database);
  const now = Date.now();
  const from = now - 2 * 86_400_000;
  const site = randomUUID();
  await database.query(`INSERT INTO equipment (id, ext_id, path, level, name) VALUES ($1, 'plant', 'plant', 'site', 'Plant')`, [site]);
  const g0 = perf.now();
  await database.query(`SELECT setseed(0.42)`);
  for (let i = 0; i < MACHINES; i++) {
    const id = randomUUID();
    await database.query(`INSERT INTO equipment (id, ext_id, parent_id, path, level, name, properties) VALUES ($1, $2, $3, $4, 'machine', $2, $5)`, [
      id,
      `m${i}`,
      site,
      `plant/m${i}`,
      JSON.stringify({ idealCycleTime: { value: 30, unit: 's' } }),
    ]);
    // a state change every 4–16 min: mostly Execute, sometimes Held, Stopped, Suspended or Idle; the last one open
    await database.query(
      `WITH c AS (SELECT random() AS r, 240 + random() * 720 AS len FROM generate_series(1, ($2::float8 - $1::float8)::int / 600)),
            s AS (SELECT r, $1::float8 + sum(len) OVER (ROWS UNBOUNDED PRECEDING) - len AS a, $1::float8 + sum(len) OVER (ROWS UNBOUNDED PRECEDING) AS b FROM c)
       INSERT INTO state_intervals (equipment_id, start_ts, end_ts, state, bucket)
       SELECT $3::uuid, to_timestamp(a), CASE WHEN lead(a) OVER (ORDER BY a) IS NULL THEN NULL ELSE to_timestamp(b) END,
              (ARRAY['Execute','Execute','Execute','Execute','Execute','Held','Stopped','Suspended','Idle'])[1 + floor(r * 9)::int],
              (ARRAY['apt','apt','apt','apt','apt','adet','adet','adet','adot'])[1 + floor(r * 9)::int]
       FROM s WHERE a < $2::float8`,
      [from / 1000, (now - 60_000) / 1000, id],
    );
    await database.query(
      `INSERT INTO production_counts (equipment_id, ts, kind, delta)
       SELECT $1::uuid, to_timestamp($2::float8 + k * 120), CASE WHEN random() < 0.05 THEN 'scrap' ELSE 'good' END, 1 + floor(random() * 4)::int
       FROM generate_series(0, ($3::float8 - $2::float8)::int / 120 - 1) AS k`,
      [id, from / 1000, (now - 60_000) / 1000],
    );
  }
  await database.query(`DELETE FROM perf_dirty`);
  await database.query(`ANALYZE`);
  log(`bench:alerts — ${MACHINES} machines × 2 days on PostgreSQL, history generated in ${((perf.now() - g0) / 1000).toFixed(1)} s`);

  const events = new EventBus();
  const ctx = { database, db: database.db, events, log: quiet } as unknown as AppContext;
  const performance = new PerformanceService(ctx, createCollectHistory(), new PlantService(database.db, events), {
    minorStopThresholdS: 300,
    foldEveryMs: 3_600_000,
  });
  await performance.start();
  const f0 = perf.now();
  await performance.rollup.fold();
  log(`  roll-ups folded in ${((perf.now() - f0) / 1000).toFixed(1)} s`);
  const alerts = new AlertService(ctx, performance, { evaluateEveryMs: 3_600_000 });
  const rule = { equipment: 'plant', hysteresis: 0, windowS: 3600, severity: 'warning' as const, enabled: true, metric: null, state: null };
  await alerts.createRule(SYSTEM_ACTOR, { ...rule, name: 'Availability < 60 %', kind: 'kpi_below', metric: 'availability', threshold: 0.6, hysteresis: 0.02 });
  await alerts.createRule(SYSTEM_ACTOR, { ...rule, name: 'OEE < 50 %', kind: 'kpi_below', metric: 'oee', threshold: 0.5 });
  await alerts.createRule(SYSTEM_ACTOR, { ...rule, name: 'Scrap rising', kind: 'scrap_rising', threshold: 0.03, windowS: 1800 });
  await alerts.createRule(SYSTEM_ACTOR, { ...rule, name: 'Down > 10 min', kind: 'state_longer_than', state: 'adet', threshold: 600 });
  const times: number[] = [];
  let raised = 0;
  for (let r = 0; r < 5; r++) {
    const a = perf.now();
    raised += (await alerts.evaluate()).raised;
    times.push(perf.now() - a);
  }
  times.sort((x, y) => x - y);
  const [open] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM perf_alerts WHERE cleared_at IS NULL`);
  log(
    `  4 rules × ${MACHINES} machines: evaluation ${times[2].toFixed(0)} ms (median of 5; first ${times.at(-1)!.toFixed(0)} ms), ${raised} alerts raised, ${open.n} open`,
  );
  await alerts.stop();
  await performance.stop();
  await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
