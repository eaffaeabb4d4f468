// End to end over a real MQTT broker (aedes, in process, random port): the simulator's messages as a subscriber sees them.
import net from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from './simulator.ts';
import { decodeSparkplug, encodeSparkplug, REBIRTH_METRIC } from './publish-sparkplug.ts';

interface Msg {
  topic: string;
  payload: Buffer;
}

describe('simulator over MQTT', () => {
  let broker: Aedes;
  let server: net.Server;
  let url: string;
  let sub: MqttClient;
  const msgs: Msg[] = [];

  beforeAll(async () => {
    broker = await Aedes.createBroker();
    server = net.createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    sub = await connectAsync(url, { clientId: 'test-sub' });
    sub.on('message', (topic, payload) => msgs.push({ topic, payload }));
    await sub.subscribeAsync(['takt/v1/#', 'spBv1.0/#'], { qos: 1 });
  });

  afterAll(async () => {
    await sub?.endAsync();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('publishes UNS JSON and Sparkplug B (births, aliased data, rebirth, death) in mixed mode', async () => {
    const log: string[] = [];
    const sim = await startSimulator({
      brokerUrl: url,
      machines: 3,
      tagsPerMachine: 2,
      protocol: 'mixed',
      speed: 600,
      seed: 7,
      tickMs: 25,
      progressMs: 0,
      log: (l) => log.push(l),
    });
    expect(sim.machines.map((m) => `${m.id}:${m.protocol}`)).toEqual(['m1:uns', 'm2:sparkplug', 'm3:sparkplug']);
    await new Promise((r) => setTimeout(r, 1200));
    // Ask the edge node for a rebirth, as a host does after a seq gap.
    await sub.publishAsync(
      'spBv1.0/takt/NCMD/area1',
      encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }] }),
      { qos: 1 },
    );
    await new Promise((r) => setTimeout(r, 800));
    await sim.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.stats().published).toBeGreaterThan(100);
    expect(log.some((l) => l.includes('connected'))).toBe(true);

    // UNS: right topics, valid payloads, per-machine seq strictly increasing.
    const uns = msgs.filter((m) => m.topic.startsWith('takt/v1/'));
    expect(uns.length).toBeGreaterThan(50);
    const tags = new Set(['state', 'good', 'scrap', 'cycle_time', 'alarm', 'pv1', 'pv2']);
    let lastSeq = -1;
    const seen = new Set<string>();
    for (const m of uns) {
      const match = /^takt\/v1\/sim\/area1\/line1\/m1\/([^/]+)$/.exec(m.topic);
      expect(match, m.topic).not.toBeNull();
      expect(tags.has(match![1])).toBe(true);
      seen.add(match![1]);
      const p = JSON.parse(m.payload.toString('utf8'));
      expect(Object.keys(p).sort()).toEqual(['seq', 'ts', 'value']);
      expect(Number.isInteger(p.seq)).toBe(true);
      expect(p.seq).toBeGreaterThan(lastSeq);
      lastSeq = p.seq;
      expect(Math.abs(p.ts - Date.now())).toBeLessThan(60_000);
      expect(typeof p.value === 'number' || typeof p.value === 'string').toBe(true);
    }
    expect(seen).toEqual(tags);

    // Sparkplug: NBIRTH(seq 0, bdSeq) → DBIRTH with names and aliases → DDATA by alias; seq +1 per node message.
    // (without our own rebirth request)
    const sp = msgs
      .filter((m) => m.topic.startsWith('spBv1.0/takt/') && !m.topic.includes('/NCMD/'))
      .map((m) => ({ topic: m.topic, p: decodeSparkplug(m.payload) }));
    const kinds = sp.map((m) => m.topic.split('/')[2]);
    expect(kinds[0]).toBe('NBIRTH');
    expect(kinds.filter((k) => k === 'NBIRTH')).toHaveLength(2); // the first birth and the rebirth
    expect(kinds.filter((k) => k === 'DBIRTH')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'DDATA').length).toBeGreaterThan(20);
    expect(kinds[kinds.length - 1]).toBe('NDEATH');
    const nbirth = sp[0].p;
    const bdSeq = Number(nbirth.metrics!.find((m) => m.name === 'bdSeq')!.value);
    expect(nbirth.metrics!.some((m) => m.name === REBIRTH_METRIC && m.value === false)).toBe(true);
    expect(Number(sp[sp.length - 1].p.metrics!.find((m) => m.name === 'bdSeq')!.value)).toBe(bdSeq);

    const aliases = new Map<number, string>();
    let prev = -1;
    for (const { topic, p } of sp) {
      const kind = topic.split('/')[2];
      if (kind === 'NDEATH') continue;
      const seq = Number(p.seq);
      if (kind === 'NBIRTH') expect(seq).toBe(0);
      else expect(seq).toBe((prev + 1) % 256);
      prev = seq;
      if (kind === 'DBIRTH') {
        expect(topic).toMatch(/^spBv1\.0\/takt\/DBIRTH\/area1\/m[23]$/);
        expect(p.metrics!.map((m) => m.name)).toEqual(['state', 'good', 'scrap', 'cycle_time', 'alarm', 'pv1', 'pv2']);
        for (const m of p.metrics!) {
          const a = Number(m.alias);
          expect(aliases.get(a) ?? `${topic.split('/')[4]}/${m.name}`).toBe(`${topic.split('/')[4]}/${m.name}`);
          aliases.set(a, `${topic.split('/')[4]}/${m.name}`);
        }
      }
      if (kind === 'DDATA') {
        for (const m of p.metrics!) {
          expect(m.name).toBeUndefined();
          const known = aliases.get(Number(m.alias));
          expect(known?.startsWith(`${topic.split('/')[4]}/`)).toBe(true);
        }
      }
    }
    expect(aliases.size).toBe(14); // unique across the node's devices
  });
});

describe('simulator and a broker that comes and goes', () => {
  it('waits for a broker that is down, then births with a new bdSeq after each lost connection', async () => {
    // A free port with nothing listening yet.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `mqtt://127.0.0.1:${port}`;

    const log: string[] = [];
    const sim = await startSimulator({
      brokerUrl: url,
      machines: 2,
      tagsPerMachine: 1,
      protocol: 'sparkplug',
      speed: 600,
      tickMs: 25,
      progressMs: 0,
      log: (l) => log.push(l),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(log.some((l) => l.includes('not reachable'))).toBe(true);
    expect(sim.stats().connected).toBe(0);

    const broker = await Aedes.createBroker();
    const server = net.createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const seen: { kind: string; bdSeq?: number }[] = [];
    const sub = await connectAsync(url, { clientId: 'test-sub-2' });
    sub.on('message', (topic, payload) => {
      const kind = topic.split('/')[2];
      const bd = decodeSparkplug(payload).metrics?.find((m) => m.name === 'bdSeq');
      seen.push({ kind, bdSeq: bd ? Number(bd.value) : undefined });
    });
    await sub.subscribeAsync('spBv1.0/takt/+/area1', { qos: 1 });
    // mqtt.js retries every 2 s: wait for the birth.
    for (let i = 0; i < 60 && !seen.some((s) => s.kind === 'NBIRTH'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen.find((s) => s.kind === 'NBIRTH')?.bdSeq).toBe(0);

    // Drop the edge node's connection from the broker side: the will (NDEATH bdSeq 0) goes out, the node comes back with bdSeq 1.
    const simClient = Object.values((broker as unknown as { clients: Record<string, { id: string; close(): void }> }).clients).find((c) =>
      c.id.startsWith('takt-sim-'),
    );
    simClient!.close();
    for (let i = 0; i < 60 && seen.filter((s) => s.kind === 'NBIRTH').length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen.filter((s) => s.kind !== 'NDATA')).toEqual([
      { kind: 'NBIRTH', bdSeq: 0 },
      { kind: 'NDEATH', bdSeq: 0 },
      { kind: 'NBIRTH', bdSeq: 1 },
    ]);
    expect(sim.stats().dropped).toBeGreaterThan(0); // changes during the 2 s outage (not those before the first connection)

    await sim.stop();
    await sub.endAsync();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }, 20_000);
});
