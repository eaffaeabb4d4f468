// bench:ingest — machine data over MQTT QoS 1 into Takt, on PostgreSQL and on PGlite, next to the rate a bare
// mqtt.js subscriber receives the same stream from a bare broker in the same run (the limit of this machine).
//   npm run bench:ingest -- [--machines 100] [--tags 10] [--seconds 20] [--only postgres|pglite|baseline]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MACHINES = Number(arg('machines', '100'));
const TAGS = Number(arg('tags', '10'));
const SECONDS = Number(arg('seconds', '20'));
const ONLY = arg('only', '');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

const log = (s: string) => process.stderr.write(`${s}\n`);

function child(args: string[], env: Record<string, string> = {}): { proc: ChildProcess; out: () => string; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let resolveLine!: (s: string) => void;
  const firstLine = new Promise<string>((r) => (resolveLine = r));
  proc.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolveLine(out.split('\n')[0]);
  });
  proc.stderr!.on('data', (d) => {
    const s = String(d);
    if (/publisher:/.test(s)) process.stderr.write(s);
  });
  return { proc, out: () => out, firstLine };
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));

async function publish(url: string, password: string): Promise<{ acked: number; seconds: number; p50: number; p99: number }> {
  const pub = child([
    TSX,
    'bench/lib/ingest-publisher.ts',
    '--url',
    url,
    '--password',
    password,
    '--machines',
    String(MACHINES),
    '--tags',
    String(TAGS),
    '--seconds',
    String(SECONDS),
  ]);
  await exited(pub.proc);
  return JSON.parse(pub.out().trim().split('\n').pop()!);
}

async function baseline(): Promise<{ rate: number }> {
  log('baseline: a bare aedes broker and a bare mqtt.js subscriber (QoS 1) …');
  const broker = child([TSX, 'bench/lib/bare-broker.ts']);
  const port = Number(await broker.firstLine);
  const sub = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'bench-sub', clean: true });
  await new Promise<void>((r) => sub.once('connect', () => r()));
  await sub.subscribeAsync('takt/v1/#', { qos: 1 });
  let received = 0;
  let first = 0;
  let last = 0;
  sub.on('message', () => {
    if (!first) first = performance.now();
    last = performance.now();
    received++;
  });
  const r = await publish(`mqtt://127.0.0.1:${port}`, '');
  await new Promise((res) => setTimeout(res, 500));
  await sub.endAsync();
  broker.proc.kill('SIGKILL');
  const rate = received / ((last - first) / 1000);
  log(`baseline: subscriber received ${received} messages, ${Math.round(rate)}/s (publisher acked ${r.acked})`);
  return { rate };
}

async function takt(kind: 'postgres' | 'pglite'): Promise<{ rate: number; p50: number; p99: number; acked: number }> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'takt-bench-'));
  const port = 3900 + Math.floor(Math.random() * 50);
  const mqttPort = 18900 + Math.floor(Math.random() * 50);
  const env: Record<string, string> = {
    TAKT_PORT: String(port),
    TAKT_MQTT_PORT: String(mqttPort),
    TAKT_SIMULATE: 'false',
    TAKT_DEMO: 'false',
    TAKT_ADMIN_PASSWORD: 'bench-admin-pass',
    TAKT_LOG_LEVEL: 'warn',
    TAKT_CONFIG: '',
    ...(kind === 'postgres' ? { DATABASE_URL: PG_URL, TAKT_DATABASE_SCHEMA: schema } : { TAKT_DATA_DIR: dataDir, DATABASE_URL: '' }),
  };
  log(`${kind}: starting Takt …`);
  const t = child([path.join(ROOT, 'bin/takt.mjs'), 'start'], env);
  const api = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${api}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error(`Takt did not start:\n${t.out()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { token } = await (
    await fetch(`${api}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bench-admin-pass' }),
    })
  ).json();
  const call = (u: string, body: unknown) =>
    fetch(`${api}${u}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const plant = {
    equipmentClasses: [{ id: 'bench-machine', name: 'Bench machine', tags: Array.from({ length: TAGS }, (_, i) => ({ name: `p${i}`, unit: 'u' })) }],
    equipment: [
      {
        id: 'bench',
        level: 'area',
        name: 'Bench',
        children: Array.from({ length: MACHINES }, (_, i) => ({ id: `m${i}`, level: 'machine', name: `M${i}`, equipmentClass: 'bench-machine' })),
      },
    ],
  };
  const imp = await call('/api/plant/import', plant);
  if (!imp.ok) throw new Error(`import: ${await imp.text()}`);
  const device = await (await call('/api/tokens', { name: 'bench', role: 'device' })).json();
  await new Promise((r) => setTimeout(r, 500)); // the collect registry reloads after plant changes
  const count = async () => {
    const r = await fetch(`${api}/api/collect/metrics`, { headers: { authorization: `Bearer ${token}` } });
    return ((await r.json()) as { stored: number }).stored;
  };
  const dbCount = async () => {
    if (kind !== 'postgres') return count();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const r = await c.query(`SELECT count(*)::int AS n FROM ${schema}.tag_values`);
    await c.end();
    return r.rows[0].n as number;
  };
  log(`${kind}: publishing ${MACHINES} machines × ${TAGS} tags for ${SECONDS} s …`);
  const before = await dbCount();
  const t0 = performance.now();
  const r = await publish(`mqtt://127.0.0.1:${mqttPort}`, device.token);
  const elapsed = (performance.now() - t0) / 1000;
  const after = await dbCount();
  const stored = after - before;
  const metrics = await (await fetch(`${api}/api/collect/metrics`, { headers: { authorization: `Bearer ${token}` } })).json();
  log(`${kind}: pipeline ${JSON.stringify(metrics)}`);
  if (metrics.quarantined > 0) {
    const q = await (await fetch(`${api}/api/quarantine?limit=3`, { headers: { authorization: `Bearer ${token}` } })).json();
    log(`${kind}: quarantined, e.g. ${JSON.stringify(q[0]?.reason)}`);
  }
  log(`${kind}: ${stored} rows stored in ${elapsed.toFixed(1)} s; publisher acked ${r.acked}; p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`);
  t.proc.kill('SIGTERM');
  await exited(t.proc);
  if (kind === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
  return { rate: stored / r.seconds, p50: r.p50, p99: r.p99, acked: r.acked };
}

const rows: string[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
log(`bench:ingest on ${os.cpus().length} cores, Node ${process.version}; ${MACHINES} machines × ${TAGS} tags, ${SECONDS} s per run`);
const base = !ONLY || ONLY === 'baseline' ? await baseline() : undefined;
const results: Record<string, Awaited<ReturnType<typeof takt>>> = {};
for (const kind of ['postgres', 'pglite'] as const) if (!ONLY || ONLY === kind) results[kind] = await takt(kind);
rows.push('| run | messages/s persisted | p50 publish→committed | p99 publish→committed | target |');
rows.push('|---|---|---|---|---|');
if (base) rows.push(`| bare mqtt.js subscriber on a bare aedes broker (limit of this machine) | ${fmt(base.rate)} received/s | – | – | – |`);
if (results.postgres)
  rows.push(
    `| Takt on PostgreSQL | ${fmt(results.postgres.rate)} | ${results.postgres.p50.toFixed(0)} ms | ${results.postgres.p99.toFixed(0)} ms | ≥ 50,000/s, p99 ≤ 1 s |`,
  );
if (results.pglite)
  rows.push(`| Takt on PGlite | ${fmt(results.pglite.rate)} | ${results.pglite.p50.toFixed(0)} ms | ${results.pglite.p99.toFixed(0)} ms | ≥ 20,000/s |`);
process.stdout.write(`\n${rows.join('\n')}\n`);
