// Operator transactions on PostgreSQL through the whole HTTP stack (auth, validation, one transaction with the
// operation row locked, audit, the operation view in the answer): a count reported from the terminal, and — when a
// lot ledger is there — a lot consumed. Several stations at once, each operator one request after the other.
// Prints p50/p99 per transaction and transactions per second next to the 50 ms p99 target.
//   npx tsx bench/operator.ts [--stations 6] [--reports 300]
import { performance as perf } from 'node:perf_hooks';
import { startTestServer, type TestServer } from '../test/support/server.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

export interface TxFigures {
  name: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Runs `perStation` calls of `fn(station, i)` on every station in parallel (each station sequential). */
async function measure(
  name: string,
  stations: number,
  perStation: number,
  fn: (station: number, i: number) => Promise<void>,
  progress: (s: string) => void,
): Promise<TxFigures> {
  const times: number[] = [];
  const t0 = perf.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: stations }, async (_, s) => {
      for (let i = 0; i < perStation; i++) {
        const t = perf.now();
        await fn(s, i);
        times.push(perf.now() - t);
        if (++done % 200 === 0) progress(`  ${name}: ${done}/${stations * perStation}`);
      }
    }),
  );
  const wall = perf.now() - t0;
  return { name, n: times.length, p50: pct(times, 50), p99: pct(times, 99), max: Math.max(...times), perSecond: (times.length * 1000) / wall };
}

export interface OperatorBenchOptions {
  stations: number;
  reports: number;
  /** Creates an available lot of a material with a quantity and returns its id (the lots module), or undefined. */
  receiveLot?: (t: TestServer, materialId: string, quantity: number) => Promise<string | undefined>;
  progress?: (s: string) => void;
}

export async function operatorBench(o: OperatorBenchOptions): Promise<TxFigures[]> {
  const progress = o.progress ?? ((s: string) => process.stderr.write(`${s}\n`));
  progress(`operator transactions: starting Takt on PostgreSQL with the demo plant, ${o.stations} stations`);
  const t = await startTestServer({ db: 'postgres', demo: true });
  try {
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'POST', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    // a product without a recipe, so setup needs no machine to confirm one: moulded on any press, one material
    await call('POST', '/api/products', {
      id: 'BENCH-PART',
      name: 'Bench part',
      unit: 'pcs',
      routing: [{ seq: 10, name: 'Mould', equipmentClass: 'imm', idealCycleTimeS: 20, bom: [{ materialId: 'PP-GRAN-BK', quantity: 0.01, unit: 'kg' }] }],
    });
    const machines = (await call('GET', '/api/equipment'))
      .filter((e: { level: string; equipmentClass: string | null }) => e.level === 'machine' && e.equipmentClass === 'imm')
      .map((e: { path: string }) => e.path);
    const stations = machines.slice(0, o.stations);
    for (const [i, m] of stations.entries()) {
      await call('POST', '/api/orders', { id: `B-${i}`, product: 'BENCH-PART', quantity: 100_000 });
      await call('POST', `/api/orders/B-${i}/release`);
      await call('POST', `/api/operations/B-${i}/10/setup`, { equipment: m });
      await call('POST', `/api/operations/B-${i}/10/start`, {});
    }
    // warm-up, not timed: the first requests compile the routes' code paths and fill the connection pool
    await Promise.all(
      stations.map((_: string, s: number) =>
        (async () => {
          for (let i = 0; i < 20; i++) await call('POST', `/api/operations/B-${s}/10/quantities`, { kind: 'good', quantity: 1 });
        })(),
      ),
    );
    const out: TxFigures[] = [];
    out.push(
      await measure(
        'report count',
        stations.length,
        o.reports,
        (s) => call('POST', `/api/operations/B-${s}/10/quantities`, { kind: 'good', quantity: 1 }).then(() => {}),
        progress,
      ),
    );
    if (o.receiveLot) {
      const lots: string[] = [];
      for (let s = 0; s < stations.length; s++) {
        const lot = await o.receiveLot(t, 'PP-GRAN-BK', 1_000_000);
        if (!lot) break;
        lots.push(lot);
      }
      if (lots.length === stations.length)
        out.push(
          await measure(
            'consume lot',
            stations.length,
            o.reports,
            (s) => call('POST', `/api/operations/B-${s}/10/consume`, { lotId: lots[s], quantity: 0.5 }).then(() => {}),
            progress,
          ),
        );
    }
    return out;
  } finally {
    await t.close();
  }
}

export function printTx(rows: TxFigures[], log = (s: string) => process.stdout.write(`${s}\n`)): void {
  log('| operator transaction | n | p50 | p99 | max | per second | target p99 |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    log(
      `| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${r.perSecond.toFixed(0)} | ≤ 50 ms ${r.p99 <= 50 ? '✓' : '✗'} |`,
    );
}

/** Receives a supplier lot through the API (the lots module). */
export async function receiveLotByApi(t: TestServer, material: string, quantity: number): Promise<string | undefined> {
  const res = await t.app.server.inject({
    method: 'POST',
    url: '/api/lots',
    headers: { authorization: `Bearer ${t.adminToken}` },
    payload: { material, quantity },
  });
  return res.statusCode === 201 ? (res.json().id as string) : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await operatorBench({ stations: arg('stations', 4), reports: arg('reports', 300), receiveLot: receiveLotByApi });
  printTx(rows);
  process.exit(0);
}
