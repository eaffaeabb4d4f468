// Development stand-in for the Takt live API (used while the server's collect module was being built): serves
// web/dist and fakes sign-in, the demo plant's equipment, /api/live/*, tags, values, states and quarantine with a
// small random machine model. Not used by tests or production. Run: node web/dev/fake-live-server.mjs [port]
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import YAML from 'yaml';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, '..', 'dist');
const port = Number(process.argv[2] ?? 3200);
const plant = YAML.parse(readFileSync(join(here, '..', '..', 'demo', 'plant.yaml'), 'utf8'));

const equipment = [];
(function walk(nodes, parent) {
  for (const n of nodes ?? []) {
    const path = parent ? `${parent.path}/${n.id}` : n.id;
    const e = { id: randomUUID(), extId: n.id, path, level: n.level, name: n.name, description: '', parentId: parent?.id ?? null, equipmentClass: n.equipmentClass ?? null, calendarId: null, properties: n.properties ?? {}, attributes: {}, tags: [], connections: [], version: 1, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    equipment.push(e);
    walk(n.children, e);
  }
})(plant.equipment, null);

const PROCESS = {
  imm: [
    { tag: 'meltTemperature', unit: '°C', min: 220, max: 240, mid: 230, amp: 6 },
    { tag: 'mouldTemperature', unit: '°C', min: 40, max: 50, mid: 45, amp: 3 },
    { tag: 'injectionPressure', unit: 'bar', min: 800, max: 900, mid: 850, amp: 30 },
  ],
  st10: [{ tag: 'torque', unit: 'Nm', min: 0.8, max: 1.0, mid: 0.9, amp: 0.07 }],
  st20: [{ tag: 'testVoltage', unit: 'V', min: 4.8, max: 5.2, mid: 5, amp: 0.1 }],
  st30: [],
};
const now = () => Date.now();
const machines = equipment.filter((e) => e.level === 'machine').map((e, i) => {
  const ideal = e.properties.idealCycleTime?.value ?? 20;
  const proc = PROCESS[e.equipmentClass] ?? PROCESS[e.extId] ?? [];
  const start = now() - 24 * 3600_000;
  const intervals = [];
  let t = start;
  while (t < now()) {
    const state = pick();
    const len = (state === 'Execute' ? 20 + Math.random() * 60 : 2 + Math.random() * 15) * 60_000;
    intervals.push({ state, bucket: bucketOf(state), start: t, end: Math.min(t + len, now()) });
    t += len;
  }
  intervals[intervals.length - 1].end = null;
  const values = new Map(proc.map((p) => [p.tag, []]));
  for (let ts = start; ts < now(); ts += 10_000) for (const p of proc) values.get(p.tag).push([ts, p.mid + (Math.random() - 0.5) * 2 * p.amp]);
  return { eq: e, ideal, proc, intervals, values, good: Math.floor(Math.random() * 800), scrap: Math.floor(Math.random() * 12), cycleTime: ideal * (0.95 + Math.random() * 0.3), alarm: null, lastSeen: now(), online: i !== 6, silent: i === 5 };
});
function pick() {
  const r = Math.random();
  return r < 0.6 ? 'Execute' : r < 0.7 ? 'Held' : r < 0.8 ? 'Suspended' : r < 0.88 ? 'Idle' : r < 0.94 ? 'Starting' : 'Stopped';
}
function bucketOf(s) {
  return s === 'Execute' ? 'apt' : s === 'Idle' ? 'adot' : s === 'Unknown' ? 'unknown' : 'adet';
}
function tile(m) {
  const cur = m.intervals[m.intervals.length - 1];
  const stale = now() - m.lastSeen > 120_000 || !m.online;
  return { equipmentId: m.eq.id, path: m.eq.path, name: m.eq.name, state: m.online ? cur.state : 'Unknown', bucket: m.online ? cur.bucket : 'unknown', since: new Date(cur.start).toISOString(), online: m.online, lastSeen: new Date(m.lastSeen).toISOString(), stale, good: m.good, scrap: m.scrap, cycleTime: m.cycleTime, alarm: m.alarm };
}
if (machines[5]) machines[5].lastSeen = now() - 200_000;

const quarantine = [];
function addQuarantine(m) {
  quarantine.unshift({ id: String(quarantine.length + 1), receivedAt: new Date().toISOString(), source: 'mqtt:edge-1', topic: `takt/v1/${m.eq.path}/${m.proc[0]?.tag ?? 'state'}`, equipmentPath: m.eq.path, reason: Math.random() < 0.5 ? 'value is not a number' : 'unknown tag', payload: JSON.stringify({ value: 'NaN', ts: new Date().toISOString(), note: 'x'.repeat(Math.floor(Math.random() * 200)) }) });
}
for (let i = 0; i < 8; i++) addQuarantine(machines[i % machines.length]);

const clients = new Set();
function send(res, type, data) {
  res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}
setInterval(() => {
  for (const m of machines) {
    if (!m.online || m.silent) continue;
    m.lastSeen = now();
    const cur = m.intervals[m.intervals.length - 1];
    let changed = false;
    if (Math.random() < 0.02) {
      cur.end = now();
      const state = pick();
      m.intervals.push({ state, bucket: bucketOf(state), start: now(), end: null });
      m.alarm = state === 'Held' ? 'E-217 Nozzle temperature low' : null;
      changed = true;
    }
    if (cur.state === 'Execute' && Math.random() < 1 / m.ideal) {
      if (Math.random() < 0.03) m.scrap++;
      else m.good++;
      m.cycleTime = m.ideal * (0.95 + Math.random() * 0.3);
      changed = true;
    }
    for (const p of m.proc) {
      const v = p.mid + (Math.random() - 0.5) * 2 * p.amp * (Math.random() < 0.05 ? 2 : 1);
      m.values.get(p.tag).push([now(), v]);
      for (const c of clients) if (c.equipment === m.eq.id) send(c.res, 'value', { equipmentId: m.eq.id, tag: p.tag, ts: now(), value: v });
    }
    if (changed) for (const c of clients) send(c.res, 'machine', tile(m));
  }
  if (Math.random() < 0.05) {
    const m = machines[Math.floor(Math.random() * machines.length)];
    addQuarantine(m);
    const q = quarantine[0];
    for (const c of clients) send(c.res, 'quarantine', { receivedAt: Date.parse(q.receivedAt), equipmentPath: q.equipmentPath, reason: q.reason, topic: q.topic });
  }
}, 1000);

const json = (res, data, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(data));
};
const user = { id: 'u1', username: 'admin', displayName: 'Admin', roles: ['admin'] };
const byId = (id) => machines.find((m) => m.eq.id === id || m.eq.path === id);
const MIME = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.png': 'image/png' };

createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  const q = url.searchParams;
  const from = q.get('from') ? Date.parse(q.get('from')) : now() - 3600_000;
  const to = q.get('to') ? Date.parse(q.get('to')) : now();
  let m;
  if (p === '/api/auth/me' || p === '/api/auth/login') return json(res, { user, token: 't' });
  if (p === '/api/auth/logout') return json(res, {});
  if (p === '/api/health') return json(res, { status: 'ok', database: 'fake', version: 'dev' });
  if (p === '/api/equipment') return json(res, equipment);
  if ((m = p.match(/^\/api\/equipment\/([^/]+)$/))) {
    const e = equipment.find((x) => x.id === decodeURIComponent(m[1]));
    return e ? json(res, e) : json(res, { error: { code: 'not_found', message: 'not found' } }, 404);
  }
  if ((m = p.match(/^\/api\/equipment\/([^/]+)\/tags$/))) {
    const mc = byId(decodeURIComponent(m[1]));
    if (!mc) return json(res, []);
    const last = (tag) => mc.values.get(tag)?.at(-1);
    return json(res, [
      { tag: 'state', role: 'state', unit: null, min: null, max: null, latest: { ts: new Date().toISOString(), value: tile(mc).state } },
      { tag: 'good', role: 'good', unit: 'pcs', min: null, max: null, latest: { ts: new Date().toISOString(), value: mc.good } },
      { tag: 'cycle_time', role: 'cycle_time', unit: 's', min: null, max: null, latest: { ts: new Date().toISOString(), value: mc.cycleTime } },
      ...mc.proc.map((pp) => ({ tag: pp.tag, role: 'process', unit: pp.unit, min: pp.min, max: pp.max, latest: last(pp.tag) ? { ts: new Date(last(pp.tag)[0]).toISOString(), value: last(pp.tag)[1] } : null })),
    ]);
  }
  if ((m = p.match(/^\/api\/equipment\/([^/]+)\/tags\/([^/]+)\/values$/))) {
    const mc = byId(decodeURIComponent(m[1]));
    const vals = (mc?.values.get(decodeURIComponent(m[2])) ?? []).filter(([t]) => t >= from && t <= to);
    if (q.get('rollup') === '1m') {
      const mins = new Map();
      for (const [t, v] of vals) {
        const k = Math.floor(t / 60_000) * 60_000;
        const a = mins.get(k) ?? { n: 0, s: 0, min: Infinity, max: -Infinity };
        a.n++, (a.s += v), (a.min = Math.min(a.min, v)), (a.max = Math.max(a.max, v));
        mins.set(k, a);
      }
      return json(res, [...mins].map(([k, a]) => ({ ts: new Date(k).toISOString(), value: a.s / a.n, min: a.min, max: a.max })));
    }
    return json(res, vals.map(([t, v]) => ({ ts: new Date(t).toISOString(), value: v })));
  }
  if ((m = p.match(/^\/api\/equipment\/([^/]+)\/states$/))) {
    const mc = byId(decodeURIComponent(m[1]));
    return json(res, (mc?.intervals ?? []).filter((i) => (i.end ?? now()) >= from && i.start <= to).map((i) => ({ state: i.state, bucket: i.bucket, start: new Date(i.start).toISOString(), end: i.end ? new Date(i.end).toISOString() : null })));
  }
  if (p === '/api/quarantine') {
    const rows = quarantine.filter((x) => Date.parse(x.receivedAt) >= from && Date.parse(x.receivedAt) <= to && (!q.get('equipment') || x.equipmentPath === q.get('equipment'))).slice(0, Number(q.get('limit') ?? 1000));
    if (q.get('format') === 'csv') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="quarantine.csv"' });
      return res.end(['receivedAt,source,topic,equipmentPath,reason,payload', ...rows.map((r) => [r.receivedAt, r.source, r.topic, r.equipmentPath, r.reason, r.payload].map((v) => `"${String(v).replace(/"/g, '""')}"`).join(','))].join('\n'));
    }
    return json(res, rows);
  }
  if (p === '/api/live/machines') return json(res, machines.map(tile));
  if (p === '/api/live/stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const c = { res, equipment: q.get('equipment') };
    clients.add(c);
    for (const mc of machines) send(res, 'machine', tile(mc));
    const beat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    req.on('close', () => (clients.delete(c), clearInterval(beat)));
    return;
  }
  if (p.startsWith('/api/')) return json(res, { error: { code: 'not_found', message: 'fake: not here' } }, 404);
  const file = join(dist, p);
  const f = existsSync(file) && extname(file) ? file : join(dist, 'index.html');
  res.writeHead(200, { 'content-type': MIME[extname(f)] ?? 'application/octet-stream' });
  res.end(readFileSync(f));
}).listen(port, () => console.log(`fake live API on http://localhost:${port}`));
