// bench:quality — the closed loop's latency with the plant under the ingest benchmark's load: from the MQTT publish of
// an out-of-spec value (a characteristic mapped to a machine tag, reaction plan "stop") to the stop command arriving at
// the simulated machine (its MQTT subscription to takt/v1/<path>/_cmd/+), over many episodes, each released by a
// person through the API before the next. Printed next to the ingest path's own latency (publish → acknowledged after
// commit, as bench:ingest measures it) from the same run.
// Several gauging stations run their episodes side by side (each waits for its release), so enough episodes fit in
// the load's time on a small machine.
//   npm run bench:quality -- [--db pglite|postgres] [--episodes 150] [--stations 10] [--machines 100] [--tags 10] [--seconds 90]
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
const DB = arg('db', 'pglite') as 'pglite' | 'postgres';
const EPISODES = Number(arg('episodes', '150'));
const MACHINES = Number(arg('machines', '100'));
const TAGS = Number(arg('tags', '10'));
const SECONDS = Number(arg('seconds', '90'));
const STATIONS = Number(arg('stations', '10'));
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const qc = (k: number) => `bench/qc${k}`;
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function child(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => /publisher:/.test(String(d)) && process.stderr.write(String(d)));
  return { proc, out: () => out };
}
const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));
const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

const schema = `bench_${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'takt-bench-q-'));
const port = 3950 + Math.floor(Math.random() * 40);
const mqttPort = 18950 + Math.floor(Math.random() * 40);
log(
  `bench:quality on ${os.cpus().length} cores, Node ${process.version}, ${DB}; load ${MACHINES} machines × ${TAGS} tags for ${SECONDS} s; ${EPISODES} episodes`,
);
const takt = child([path.join(ROOT, 'bin/takt.mjs'), 'start'], {
  TAKT_PORT: String(port),
  TAKT_MQTT_PORT: String(mqttPort),
  TAKT_SIMULATE: 'false',
  TAKT_DEMO: 'false',
  TAKT_ADMIN_PASSWORD: 'bench-admin-pass',
  TAKT_LOG_LEVEL: 'warn',
  TAKT_CONFIG: '',
  ...(DB === 'postgres' ? { DATABASE_URL: PG_URL, TAKT_DATABASE_SCHEMA: schema } : { TAKT_DATA_DIR: dataDir, DATABASE_URL: '' }),
});
// an error anywhere below must not leave the server running
process.on('exit', () => takt.proc.exitCode === null && takt.proc.kill('SIGKILL'));
process.on('uncaughtException', (err) => {
  takt.proc.kill('SIGKILL');
  log(String(err.stack ?? err));
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  takt.proc.kill('SIGKILL');
  log(String((err as Error).stack ?? err));
  process.exit(1);
});
const api = `http://127.0.0.1:${port}`;
for (
  let i = 0;
  !(await fetch(`${api}/api/health`).then(
    (r) => r.ok,
    () => false,
  ));
  i++
) {
  if (i > 300) throw new Error(`Takt did not start:\n${takt.out()}`);
  await sleep(200);
}
const { token } = await (
  await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'bench-admin-pass' }),
  })
).json();
const call = async (method: string, u: string, body?: unknown) => {
  const r = await fetch(`${api}${u}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`${method} ${u}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
};

// the plant: the ingest benchmark's machines, plus a quality station measuring a width in-line
await call('POST', '/api/plant/import', {
  equipmentClasses: [
    { id: 'bench-machine', name: 'Bench machine', tags: Array.from({ length: TAGS }, (_, i) => ({ name: `p${i}`, unit: 'u' })) },
    { id: 'qc-station', name: 'Gauging station', tags: [{ name: 'width', unit: 'mm' }] },
  ],
  equipment: [
    {
      id: 'bench',
      level: 'area',
      name: 'Bench',
      children: [
        ...Array.from({ length: MACHINES }, (_, i) => ({ id: `m${i}`, level: 'machine', name: `M${i}`, equipmentClass: 'bench-machine' })),
        ...Array.from({ length: STATIONS }, (_, k) => ({ id: `qc${k}`, level: 'machine', name: `QC${k}`, equipmentClass: 'qc-station' })),
      ],
    },
  ],
  products: [{ id: 'QP', name: 'Gauged part', routing: [{ seq: 10, name: 'Gauge', workCenter: qc(0), idealCycleTimeS: 10 }] }],
});
await sleep(500); // the collect registry reloads after plant changes
for (let k = 0; k < STATIONS; k++) {
  await call('POST', '/api/quality/characteristics', { id: `QC-W${k}`, name: `Width ${k}`, product: 'QP', kind: 'variable', lsl: 9, usl: 11, chart: 'i-mr' });
  await call('PUT', `/api/quality/characteristics/QC-W${k}/machine-tag`, { equipment: qc(k), tag: 'width' });
  await call('PUT', `/api/quality/characteristics/QC-W${k}/reaction-plan`, { onSpec: true, action: 'stop' });
}
const device = await call('POST', '/api/tokens', { name: 'bench', role: 'device' });

// the simulated stations: each records when a stop command arrives and answers it by reporting Stopped
async function station(k: number) {
  const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { username: `qc${k}`, password: device.token, clientId: `bench-qc${k}`, clean: true });
  await new Promise<void>((r) => client.once('connect', () => r()));
  await client.subscribeAsync(`takt/v1/${qc(k)}/_cmd/+`, { qos: 1 });
  let onStop: ((at: number) => void) | undefined;
  client.on('message', (topic) => {
    const at = performance.now();
    if (!topic.endsWith('/_cmd/stop')) return;
    onStop?.(at);
    client.publish(`takt/v1/${qc(k)}/state`, 'Stopped', { qos: 1 });
  });
  return { client, stopped: () => new Promise<number>((resolve) => (onStop = resolve)) };
}
const stations = await Promise.all(Array.from({ length: STATIONS }, (_, k) => station(k)));

log(`${DB}: load on, episodes start on ${STATIONS} stations …`);
const load = child([
  TSX,
  'bench/lib/ingest-publisher.ts',
  '--url',
  `mqtt://127.0.0.1:${mqttPort}`,
  '--password',
  device.token,
  '--machines',
  String(MACHINES),
  '--tags',
  String(TAGS),
  '--seconds',
  String(SECONDS),
]);
let loadDone = false;
void exited(load.proc).then(() => (loadDone = true));
await sleep(3000); // the load reaches its rate
const latencies: number[] = [];
let missed = 0;
let started = 0;
async function episodes(k: number): Promise<void> {
  const st = stations[k];
  for (let i = 0; started < EPISODES && !loadDone; i++) {
    started++;
    const stopped = st.stopped();
    const t0 = performance.now();
    st.client.publish(`takt/v1/${qc(k)}/width`, JSON.stringify({ value: 12 + (i % 7) / 10, ts: Date.now() }), { qos: 1 });
    const at = await Promise.race([stopped, sleep(10_000).then(() => NaN)]);
    if (Number.isNaN(at)) missed++;
    else latencies.push(at - t0);
    if (latencies.length % 10 === 0 && !Number.isNaN(at))
      log(`  episode ${latencies.length}: p50 so far ${quantile(latencies, 0.5).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
    // a person releases the machine: its next out-of-spec value is a new episode
    let hold: Array<{ id: string; target: string }> = [];
    for (let n = 0; n < 400 && !hold.length; n++) {
      hold = ((await call('GET', '/api/quality/holds?status=open&kind=machine')) as typeof hold).filter((h) => h.target === qc(k));
      if (!hold.length) await sleep(50);
    }
    for (const h of hold) await call('POST', `/api/quality/holds/${h.id}/release`, { reason: `bench episode ${i + 1} at ${qc(k)} checked` });
  }
}
await Promise.all(stations.map((_, k) => episodes(k)));
if (!loadDone) log(`${DB}: episodes done; waiting for the load to end …`);
await exited(load.proc);
const ingest = JSON.parse(load.out().trim().split('\n').pop()!) as { acked: number; seconds: number; p50: number; p99: number };
const health = await (await fetch(`${api}/api/health`)).json();
log(`${DB}: reactions ${JSON.stringify(health['quality-reactions'])}, in-line ${JSON.stringify(health['quality-inline'])}`);
for (const st of stations) await st.client.endAsync();
takt.proc.kill('SIGTERM');
await exited(takt.proc);
if (DB === 'postgres') {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}
rmSync(dataDir, { recursive: true, force: true });

const ms = (n: number) => `${n.toFixed(0)} ms`;
const rows = [
  `| ${DB} | episodes | p50 | p95 | p99 | max | target |`,
  '|---|---|---|---|---|---|---|',
  `| out-of-spec value published → stop command at the machine | ${latencies.length}${missed ? ` (+${missed} without a stop in 10 s)` : ''} | ${ms(quantile(latencies, 0.5))} | ${ms(quantile(latencies, 0.95))} | ${ms(quantile(latencies, 0.99))} | ${ms(Math.max(...latencies))} | p99 ≤ 500 ms |`,
  `| ingest path in the same run: publish → acknowledged (committed), ${Math.round(ingest.acked / ingest.seconds).toLocaleString('en-US')} msg/s | – | ${ms(ingest.p50)} | – | ${ms(ingest.p99)} | – | – |`,
];
process.stdout.write(`\n${rows.join('\n')}\n`);
if (latencies.length < 100) log(`only ${latencies.length} episodes ran under load: raise --seconds`);
