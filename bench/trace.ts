// bench:trace — a genealogy of 1,000,000 lots (12 layers: supplier lots + 11 produced layers, fan-in 5) on PostgreSQL;
// then random backward traces from top-layer lots and forward traces from supplier lots through the lots module's
// trace (one statement: de-duplicated walk, lot details, edges), next to a plain `WITH RECURSIVE … UNION ALL` (every path) and a recursive CTE
// that de-duplicates on lot id (`UNION`), each baseline query under a statement timeout. Target: p95 ≤ 50 ms per
// trace. Then operator transactions: `consume` through the ledger (lock, book, audit), p50/p99 and per second.
//   DATABASE_URL=postgres://… npx tsx bench/trace.ts [--lots 1000000] [--layers 12] [--fan-in 5] [--window 24]
//        [--traces 200] [--baseline 20] [--timeout-ms 2000] [--consumes 2000] [--concurrency 4]
import os from 'node:os';
import { operatorBench, printTx, receiveLotByApi } from './operator.ts';
import { performance as perf } from 'node:perf_hooks';
import { MaterialLedger, traceLots, type Trace } from '../src/lots/index.ts';
import type { Db } from '../src/platform/db/database.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { EventBus } from '../src/platform/events.ts';
import { PlantService } from '../src/plant/index.ts';
import { layerSize, lotId, parentsOf, rng, type GenealogyShape } from './lib/genealogy.ts';
import { orderBook } from '../src/execution/index.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const shape: GenealogyShape = { lots: arg('lots', 1_000_000), layers: arg('layers', 12), fanIn: arg('fan-in', 5), window: arg('window', 24), seed: 7 };
const TRACES = arg('traces', 200);
const BASELINE = arg('baseline', 20);
const TIMEOUT_MS = arg('timeout-ms', 2000);
const CONSUMES = arg('consumes', 2000);
const CONCURRENCY = arg('concurrency', 4);
const TARGET_MS = 50;
/** --keep 1: leave the schema in place afterwards; --reuse 1: time on a genealogy a kept run left (no reload). */
const KEEP = arg('keep', 0) === 1;
const REUSE = arg('reuse', 0) === 1;
const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'bench_trace';
const out = (s: string) => process.stdout.write(`${s}\n`);
const progress = (s: string) => process.stderr.write(`${s}\n`);
const BATCH = 20_000;
const T0 = Date.parse('2026-01-05T06:00:00Z') / 1000;

async function load(database: Database): Promise<void> {
  // Bulk load without the foreign keys and the forward index, then build the index once (as a restore would).
  await database.query(`ALTER TABLE lot_genealogy DROP CONSTRAINT lot_genealogy_child_lot_fkey, DROP CONSTRAINT lot_genealogy_parent_lot_fkey`);
  await database.query(`ALTER TABLE material_lots DROP CONSTRAINT material_lots_material_id_fkey`);
  await database.query(`DROP INDEX lot_genealogy_parent_idx`);
  const mats = Array.from({ length: shape.layers }, (_, k) => `BM-${String(k).padStart(2, '0')}`);
  await database.query(`INSERT INTO materials (id, name, unit) SELECT m, m, 'kg' FROM unnest($1::text[]) AS u(m)`, [mats]);
  const random = rng(shape.seed);
  const g0 = perf.now();
  let lots = 0;
  let edges = 0;
  for (let layer = 0; layer < shape.layers; layer++) {
    const n = layerSize(shape, layer);
    // lots of a layer are made one after the other across ~60 days; layer k a few hours after layer k−1
    const step = (60 * 86_400) / n;
    for (let start = 0; start < n; start += BATCH) {
      const end = Math.min(n, start + BATCH);
      const ids: string[] = [];
      const at: number[] = [];
      const supplierLots: Array<string | null> = [];
      const orders: Array<string | null> = [];
      const equipment: Array<string | null> = [];
      const child: string[] = [];
      const parent: string[] = [];
      const qty: number[] = [];
      for (let i = start; i < end; i++) {
        ids.push(lotId(layer, i));
        at.push(T0 + layer * 4 * 3600 + i * step);
        supplierLots.push(layer === 0 ? `SUP-${Math.floor(i / 4)}` : null);
        orders.push(layer === 0 ? null : `WO-${layer}-${Math.floor(i / 50)}`);
        equipment.push(layer === 0 ? null : `bench/line${layer}/m${i % 20}`);
        if (layer > 0)
          for (const p of parentsOf(shape, layer, i, random)) {
            child.push(lotId(layer, i));
            parent.push(lotId(layer - 1, p));
            qty.push(1 + (p % 7));
          }
      }
      await database.query(
        `INSERT INTO material_lots (id, material_id, quantity, initial_quantity, unit, status, supplier, supplier_lot, order_id, seq, equipment, operator, created_by, created_at, updated_at)
         SELECT id, $2, 1000, 1000, 'kg', 'available', CASE WHEN sl IS NULL THEN NULL ELSE 'Bench Supplier' END, sl, o,
                CASE WHEN o IS NULL THEN NULL ELSE 10 END, e, CASE WHEN o IS NULL THEN NULL ELSE 'bench' END, 'bench', to_timestamp(t), to_timestamp(t)
         FROM unnest($1::text[], $3::float8[], $4::text[], $5::text[], $6::text[]) AS u(id, t, sl, o, e)`,
        [ids, mats[layer], at, supplierLots, orders, equipment],
      );
      if (child.length)
        await database.query(`INSERT INTO lot_genealogy (child_lot, parent_lot, quantity) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])`, [
          child,
          parent,
          qty,
        ]);
      lots += ids.length;
      edges += child.length;
      progress(`  layer ${layer}: ${end}/${n} lots — ${lots} lots, ${edges} edges (${((perf.now() - g0) / 1000).toFixed(0)} s)`);
    }
  }
  progress('  building the forward index (parent → child) …');
  await database.query(`CREATE INDEX lot_genealogy_parent_idx ON lot_genealogy (parent_lot, child_lot) INCLUDE (quantity)`);
  // what autovacuum would have done by the time anyone traces: statistics and the visibility map (index-only scans)
  await database.query(`VACUUM ANALYZE material_lots`);
  await database.query(`VACUUM ANALYZE lot_genealogy`);
  out(
    `genealogy: ${lots} lots in ${shape.layers} layers (1 supplier + ${shape.layers - 1} produced), ${edges} edges, fan-in ${shape.fanIn}, window ${shape.window}; loaded in ${((perf.now() - g0) / 1000).toFixed(0)} s`,
  );
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
const ms = (v: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);

interface Row {
  name: string;
  times: number[];
  nodes: number[];
  timeouts: number;
  runs: number;
}

function row(r: Row): string {
  const t = [...r.times].sort((a, b) => a - b);
  const n = [...r.nodes].sort((a, b) => a - b);
  const p95 = pct(t, 95);
  const verdict = r.timeouts ? `${r.timeouts}/${r.runs} timed out (> ${TIMEOUT_MS} ms)` : p95 <= TARGET_MS ? 'OK' : 'over target';
  const nodes = n.length ? `${pct(n, 50)} (${n[0]}–${n.at(-1)})` : '—';
  return `| ${r.name} | ${r.runs} | ${ms(pct(t, 50))} | ${ms(p95)} | ${ms(t.at(-1) ?? NaN)} | ${nodes} | ≤ ${TARGET_MS} ms | ${verdict} |`;
}

/** A baseline query in its own transaction with a statement timeout; undefined when it timed out. */
async function timed(database: Database, text: string, id: string): Promise<{ ms: number; nodes: number } | undefined> {
  try {
    return await database.transaction(async (q) => {
      await q.query(`SET LOCAL statement_timeout = ${Math.floor(TIMEOUT_MS)}`);
      const a = perf.now();
      const [r] = await q.query<{ n: number }>(text, [id]);
      return { ms: perf.now() - a, nodes: Number(r!.n) };
    });
  } catch (err) {
    if ((err as { code?: string }).code === '57014') return undefined;
    throw err;
  }
}

const NAIVE = {
  backward: `WITH RECURSIVE t(id, depth) AS (SELECT $1::text, 0 UNION ALL SELECT g.parent_lot, t.depth + 1 FROM lot_genealogy g JOIN t ON g.child_lot = t.id)
             SELECT count(*)::int AS n FROM material_lots l WHERE l.id IN (SELECT id FROM t)`,
  forward: `WITH RECURSIVE t(id, depth) AS (SELECT $1::text, 0 UNION ALL SELECT g.child_lot, t.depth + 1 FROM lot_genealogy g JOIN t ON g.parent_lot = t.id)
            SELECT count(*)::int AS n FROM material_lots l WHERE l.id IN (SELECT id FROM t)`,
};
const DEDUP = {
  backward: `WITH RECURSIVE t(id) AS (SELECT $1::text UNION SELECT g.parent_lot FROM lot_genealogy g JOIN t ON g.child_lot = t.id)
             SELECT count(*)::int AS n FROM material_lots l JOIN t ON l.id = t.id`,
  forward: `WITH RECURSIVE t(id) AS (SELECT $1::text UNION SELECT g.child_lot FROM lot_genealogy g JOIN t ON g.parent_lot = t.id)
            SELECT count(*)::int AS n FROM material_lots l JOIN t ON l.id = t.id`,
};

async function traces(database: Database): Promise<{ same: boolean; fast: boolean }> {
  const random = rng(11);
  const top = shape.layers - 1;
  const pick = (layer: number) => Array.from({ length: TRACES }, () => lotId(layer, Math.floor(random() * layerSize(shape, layer))));
  const starts = { backward: pick(top), forward: pick(0) };
  const rows: Row[] = [];
  let same = true;
  for (const direction of ['backward', 'forward'] as const) {
    const ours: Row = { name: `${direction}: Takt trace (walk + lots + edges)`, times: [], nodes: [], timeouts: 0, runs: 0 };
    const found = new Map<string, number>();
    let truncated = 0;
    for (const id of starts[direction]) {
      const a = perf.now();
      const t: Trace = await traceLots(database.db, orderBook, [id], direction);
      ours.times.push(perf.now() - a);
      ours.nodes.push(t.nodes.length);
      found.set(id, t.nodes.length);
      if (t.truncated) truncated++;
      ours.runs++;
    }
    if (truncated) out(`  note: ${truncated} ${direction} traces hit the default limits (truncated)`);
    const dedup: Row = { name: `${direction}: recursive CTE, UNION on lot id`, times: [], nodes: [], timeouts: 0, runs: 0 };
    const naive: Row = { name: `${direction}: plain recursive CTE (UNION ALL)`, times: [], nodes: [], timeouts: 0, runs: 0 };
    for (const id of starts[direction].slice(0, BASELINE)) {
      for (const [r, text] of [
        [dedup, DEDUP[direction]],
        [naive, NAIVE[direction]],
      ] as const) {
        r.runs++;
        const res = await timed(database, text, id);
        if (!res) {
          r.timeouts++;
          continue;
        }
        r.times.push(res.ms);
        r.nodes.push(res.nodes);
        if (res.nodes !== found.get(id)) {
          same = false;
          out(`  !! ${direction} from ${id}: ${r.name} found ${res.nodes} lots, Takt's trace ${found.get(id)}`);
        }
      }
      progress(`  ${direction} baseline ${dedup.runs}/${Math.min(BASELINE, TRACES)}`);
    }
    rows.push(ours, dedup, naive);
    progress(`  ${direction} traces done`);
  }
  out('\n| trace | runs | p50 | p95 | max | lots returned: median (min–max) | target | |');
  out('|---|---|---|---|---|---|---|---|');
  for (const r of rows) out(row(r));
  const ourP95 = rows
    .filter((r) => r.name.includes('Takt'))
    .map((r) =>
      pct(
        [...r.times].sort((a, b) => a - b),
        95,
      ),
    );
  return { same, fast: ourP95.every((p) => p <= TARGET_MS) };
}

async function consumes(database: Database, concurrency: number): Promise<string> {
  const ledger = new MaterialLedger(new PlantService(database.db, new EventBus()), orderBook);
  const random = rng(13);
  const n0 = layerSize(shape, 0);
  const times: number[] = [];
  let refused = 0;
  let next = 0;
  const actor = { id: null, name: 'bench-operator' };
  const worker = async () => {
    while (next < CONSUMES) {
      next++;
      const lotIdToScan = lotId(0, Math.floor(random() * Math.min(n0, 500))); // 500 lots in use: some contention
      const a = perf.now();
      try {
        await database.db.transaction((tx) =>
          ledger.consume(tx as unknown as Db, actor, {
            lotId: lotIdToScan,
            quantity: 0.25,
            allowedMaterials: ['BM-00'],
            orderId: 'BENCH-O',
            seq: 10,
            equipment: 'bench/line1/m1',
            method: 'scan',
          }),
        );
      } catch {
        refused++;
      }
      times.push(perf.now() - a);
    }
  };
  const w0 = perf.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (perf.now() - w0) / 1000;
  const t = times.sort((a, b) => a - b);
  return `| consume lot (lock, book, audit) | ${t.length}${refused ? ` (${refused} refused)` : ''} | ${concurrency} | ${ms(pct(t, 50))} | ${ms(pct(t, 99))} | ${ms(t.at(-1)!)} | ${(t.length / seconds).toFixed(0)} | p99 ≤ 50 ms ${pct(t, 99) <= 50 ? 'OK' : 'over target'} |`;
}

async function main() {
  const database = await openDatabase({ databaseUrl: url, schema, poolSize: Math.max(4, CONCURRENCY + 1) });
  try {
    out(`bench:trace on PostgreSQL (${database.location}); ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);
    if (REUSE) {
      await database.query(
        `DELETE FROM lot_consumptions; DELETE FROM order_operations; DELETE FROM production_orders; DELETE FROM products; UPDATE material_lots SET quantity = 1000, status = 'available' WHERE quantity <> 1000`,
      );
      out(`reusing the genealogy in schema ${schema}`);
    } else {
      await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await database.query(`CREATE SCHEMA ${schema}`);
      await migrate(database);
      await load(database);
    }
    const verdict = await traces(database);
    // one order with one operation to book against, as execution would have created it
    await database.query(`INSERT INTO products (id, name, unit, routing) VALUES ('BENCH-P', 'Bench product', 'pcs', '[]')`);
    await database.query(
      `INSERT INTO production_orders (id, product_id, quantity, unit, source, fingerprint) VALUES ('BENCH-O', 'BENCH-P', 1000, 'pcs', 'rest', 'bench')`,
    );
    await database.query(`INSERT INTO order_operations (order_id, seq, name, quantity, unit) VALUES ('BENCH-O', 10, 'Mould', 1000, 'pcs')`);
    const single = await consumes(database, 1);
    const parallel = CONCURRENCY > 1 ? await consumes(database, CONCURRENCY) : undefined;
    out(`\n| operator transaction | count | concurrent terminals | p50 | p99 | max | per second | target |`);
    out('|---|---|---|---|---|---|---|---|');
    out(single);
    if (parallel) out(parallel);
    // the same through the terminal's HTTP routes (auth, validation, operation lock, audit, the answer's view)
    const http = await operatorBench({
      stations: Math.max(1, CONCURRENCY),
      reports: Math.max(50, Math.round(CONSUMES / Math.max(1, CONCURRENCY) / 4)),
      receiveLot: receiveLotByApi,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    out('\nthrough the HTTP API of the terminal, one operator per station:');
    printTx(http, out);
    out(`\nload average at the end: ${os.loadavg()[0]!.toFixed(1)}`);
    out(`Takt's traces return the same lots as the completed baseline queries: ${verdict.same ? 'yes' : 'NO'}`);
    out(`Takt's trace p95 ≤ ${TARGET_MS} ms in both directions: ${verdict.fast ? 'yes' : 'no'}`);
  } finally {
    if (!KEEP) await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
