import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeSparkplug, encodeSparkplug, metricValue } from './codec.ts';
import type { SparkplugMetricInput } from './codec.ts';
import { SparkplugHost } from './host.ts';
import type { SparkplugHostOptions } from './host.ts';

const require = createRequire(import.meta.url);
const sp = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

const T0 = 1_732_000_000_000;
const NODE_EQ = 'acme/lakeside/pressing/line1';
const DEV_EQ = 'acme/lakeside/pressing/line1/press01';
const EQUIPMENT: Record<string, string> = { 'plant1/gw': NODE_EQ, 'plant1/gw/press01': DEV_EQ };
const SOURCE = { protocol: 'sparkplug', client: 'plant1/gw' };

const T = {
  nbirth: 'spBv1.0/plant1/NBIRTH/gw',
  ndata: 'spBv1.0/plant1/NDATA/gw',
  ndeath: 'spBv1.0/plant1/NDEATH/gw',
  ncmd: 'spBv1.0/plant1/NCMD/gw',
  dbirth: 'spBv1.0/plant1/DBIRTH/gw/press01',
  ddata: 'spBv1.0/plant1/DDATA/gw/press01',
  ddeath: 'spBv1.0/plant1/DDEATH/gw/press01',
};

function setup(extra: Partial<SparkplugHostOptions> = {}) {
  const published: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }[] = [];
  let now = T0;
  const host = new SparkplugHost({
    hostId: 'takt',
    resolveEquipment: (g, n, d) => EQUIPMENT[[g, n, d].filter(Boolean).join('/')],
    publish: (topic, payload, o) => void published.push({ topic, payload, ...o }),
    now: () => now,
    ...extra,
  });
  let at = T0;
  const send = (topic: string, seq: number | undefined, metrics: SparkplugMetricInput[], timestamp = T0) =>
    host.handle(topic, encodeSparkplug({ timestamp, seq, metrics }), ++at);
  const ncmds = () => published.filter((p) => p.topic.includes('/NCMD/'));
  return { host, published, ncmds, send, advance: (ms: number) => (now += ms) };
}

const nbirthMetrics = (bdSeq: number): SparkplugMetricInput[] => [
  { name: 'bdSeq', datatype: 'Int64', value: bdSeq, timestamp: T0 },
  { name: 'Node Control/Rebirth', datatype: 'Boolean', value: false, timestamp: T0 },
  { name: 'Properties/OS', datatype: 'String', value: 'Linux', timestamp: T0 },
  { name: 'Supply Voltage', alias: 1, datatype: 'Float', value: 24.1, timestamp: T0 },
];
const dbirthMetrics: SparkplugMetricInput[] = [
  { name: 'Inputs/Melt Temp', alias: 10, datatype: 'Double', value: 231.5, timestamp: T0 },
  { name: 'Counts/Good', alias: 11, datatype: 'UInt32', value: 1000, timestamp: T0 },
  { name: 'Running', alias: 12, datatype: 'Boolean', value: true, timestamp: T0 },
  { name: 'Order', alias: 13, datatype: 'String', value: null, timestamp: T0 },
];

/** NBIRTH (seq 0) + DBIRTH (seq 1). */
function born(extra: Partial<SparkplugHostOptions> = {}) {
  const h = setup(extra);
  h.send(T.nbirth, 0, nbirthMetrics(3));
  h.send(T.dbirth, 1, dbirthMetrics);
  return h;
}

function rebirthRequest(payload: Buffer) {
  const r = decodeSparkplug(payload);
  if (!r.ok) throw new Error(r.reason);
  return { seq: r.payload.seq, timestamp: r.payload.timestamp, metrics: r.payload.metrics.map((m) => [m.name, metricValue(m)]) };
}

describe('births', () => {
  it('NBIRTH: node online, process metrics observed, bdSeq/Node Control/Properties skipped', () => {
    const { send, host } = setup();
    const r = send(T.nbirth, 0, nbirthMetrics(3));
    expect(r.rejections).toEqual([]);
    expect(r.statuses).toEqual([{ source: SOURCE, equipmentPath: NODE_EQ, online: true, at: T0, reason: 'NBIRTH' }]);
    expect(r.observations).toEqual([
      { source: SOURCE, topic: T.nbirth, equipmentPath: NODE_EQ, tag: 'Supply.Voltage', value: 24.1, ts: T0, seq: 0, receivedAt: T0 + 1 },
    ]);
    expect(host.nodes()[0]).toMatchObject({ group: 'plant1', node: 'gw', online: true, bdSeq: 3, lastSeq: 0, births: 1 });
  });

  it('DBIRTH: device online, its metrics observed (is_null metrics produce nothing)', () => {
    const { send } = setup();
    send(T.nbirth, 0, nbirthMetrics(3));
    const r = send(T.dbirth, 1, dbirthMetrics);
    expect(r.statuses).toEqual([{ source: SOURCE, equipmentPath: DEV_EQ, online: true, at: T0, reason: 'DBIRTH' }]);
    expect(r.observations.map((o) => [o.equipmentPath, o.tag, o.value])).toEqual([
      [DEV_EQ, 'Inputs.Melt.Temp', 231.5],
      [DEV_EQ, 'Counts.Good', 1000],
      [DEV_EQ, 'Running', true],
    ]);
  });
});

describe('data', () => {
  it('resolves alias-only metrics without datatype to the birth names and types', () => {
    const { send, host } = born();
    const r = send(
      T.ddata,
      2,
      [
        { alias: 10, datatype: 'Double', includeDatatype: false, value: 232.25, timestamp: T0 + 500 },
        { alias: 11, datatype: 'UInt32', includeDatatype: false, value: 1001, timestamp: T0 + 501 },
        { alias: 12, datatype: 'Boolean', includeDatatype: false, value: false }, // no metric timestamp
      ],
      T0 + 600,
    );
    expect(r.rejections).toEqual([]);
    expect(r.observations).toEqual([
      { source: SOURCE, topic: T.ddata, equipmentPath: DEV_EQ, tag: 'Inputs.Melt.Temp', value: 232.25, ts: T0 + 500, seq: 2, receivedAt: T0 + 3 },
      { source: SOURCE, topic: T.ddata, equipmentPath: DEV_EQ, tag: 'Counts.Good', value: 1001, ts: T0 + 501, seq: 2, receivedAt: T0 + 3 },
      { source: SOURCE, topic: T.ddata, equipmentPath: DEV_EQ, tag: 'Running', value: false, ts: T0 + 600, seq: 2, receivedAt: T0 + 3 },
    ]);
    const n = send(T.ndata, 3, [{ alias: 1, datatype: 'Float', includeDatatype: false, value: 23.9, timestamp: T0 + 700 }]);
    expect(n.observations).toMatchObject([{ equipmentPath: NODE_EQ, tag: 'Supply.Voltage', value: 23.9, ts: T0 + 700, seq: 3 }]);
    expect(host.nodes()[0]).toMatchObject({ lastSeq: 3, seqGaps: 0, rebirthsRequested: 0 });
  });

  it('uses metricToTag, and drops metrics it maps to undefined', () => {
    const { send, host } = born({ metricToTag: (eq, name) => (name === 'Running' ? undefined : `${eq}:${name}`) });
    const r = send(T.ddata, 2, [
      { alias: 10, datatype: 'Double', value: 1 },
      { alias: 12, datatype: 'Boolean', value: true },
    ]);
    expect(r.observations.map((o) => o.tag)).toEqual([`${DEV_EQ}:Inputs/Melt Temp`]);
    expect(host.nodes()[0].skippedMetrics).toBe(2); // Running in the DBIRTH and in this DDATA
  });

  it('wraps seq from 255 to 0 without a gap', () => {
    const { send, host, ncmds } = born();
    for (let s = 2; s <= 255; s++) send(T.ddata, s, [{ alias: 11, datatype: 'UInt32', value: s }]);
    const r = send(T.ddata, 0, [{ alias: 11, datatype: 'UInt32', value: 256 }]);
    expect(r.observations).toHaveLength(1);
    expect(host.nodes()[0]).toMatchObject({ lastSeq: 0, seqGaps: 0 });
    expect(ncmds()).toEqual([]);
  });

  it('on a seq gap keeps the values, counts the gap and requests one rebirth per hold-off window', () => {
    const { send, host, ncmds, advance } = born();
    const r = send(T.ddata, 5, [{ alias: 11, datatype: 'UInt32', value: 1005 }]);
    expect(r.observations).toMatchObject([{ tag: 'Counts.Good', value: 1005, seq: 5 }]);
    expect(r.rejections).toEqual([]);
    expect(ncmds()).toHaveLength(1);
    expect(ncmds()[0]).toMatchObject({ topic: T.ncmd, qos: 0, retain: false });
    expect(rebirthRequest(ncmds()[0].payload)).toEqual({
      seq: undefined,
      timestamp: T0,
      metrics: [['Node Control/Rebirth', { ok: true, value: true }]],
    });
    send(T.ddata, 9, [{ alias: 11, datatype: 'UInt32', value: 1009 }]);
    advance(4000);
    send(T.ddata, 20, [{ alias: 11, datatype: 'UInt32', value: 1020 }]);
    expect(ncmds()).toHaveLength(1); // still outstanding
    advance(2000);
    send(T.ddata, 30, [{ alias: 11, datatype: 'UInt32', value: 1030 }]);
    expect(ncmds()).toHaveLength(2);
    expect(host.nodes()[0]).toMatchObject({ seqGaps: 4, rebirthsRequested: 2, lastRebirthReason: 'seq gap: expected 21, got 30' });
    // The answer (a new NBIRTH) closes the request: the next gap may ask again at once.
    send(T.nbirth, 0, nbirthMetrics(3));
    send(T.ndata, 7, [{ alias: 1, datatype: 'Float', value: 1 }]);
    expect(ncmds()).toHaveLength(3);
  });

  it('refuses data before any birth and requests a rebirth', () => {
    const { send, ncmds } = setup();
    const r = send(T.ndata, 4, [{ alias: 1, datatype: 'Float', value: 1 }]);
    expect(r.observations).toEqual([]);
    expect(r.rejections).toHaveLength(1);
    expect(r.rejections[0]).toMatchObject({
      source: SOURCE,
      topic: T.ndata,
      reason: expect.stringMatching(/^no birth certificate for Sparkplug edge node plant1\/gw/),
    });
    expect(r.rejections[0].payload).toMatch(/^base64:/);
    expect(ncmds()).toHaveLength(1);
    const d = send(T.ddata, 5, [{ alias: 10, datatype: 'Double', value: 1 }]);
    expect(d.rejections[0].reason).toMatch(/^no birth certificate for/);
    expect(ncmds()).toHaveLength(1); // not twice within the hold-off window
  });

  it('refuses device data without DBIRTH although the node is born', () => {
    const { send, ncmds } = setup();
    send(T.nbirth, 0, nbirthMetrics(1));
    const r = send(T.ddata, 1, [{ alias: 10, datatype: 'Double', value: 1 }]);
    expect(r.rejections).toMatchObject([{ reason: expect.stringMatching(/^no birth certificate for Sparkplug device plant1\/gw\/press01/) }]);
    expect(ncmds()).toHaveLength(1);
  });

  it('refuses an unknown alias and requests a rebirth, keeping the known metrics', () => {
    const { send, ncmds } = born();
    const r = send(T.ddata, 2, [
      { alias: 99, datatype: 'Double', value: 1 },
      { alias: 10, datatype: 'Double', value: 2 },
    ]);
    expect(r.observations).toMatchObject([{ tag: 'Inputs.Melt.Temp', value: 2 }]);
    expect(r.rejections).toMatchObject([{ reason: expect.stringContaining('unknown metric alias 99') }]);
    expect(ncmds()).toHaveLength(1);
  });
});

describe('deaths', () => {
  it('NDEATH with the birth bdSeq takes the node and its devices offline', () => {
    const { send, host } = born();
    const r = host.handle(T.ndeath, encodeSparkplug({ metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 3 }] }), T0 + 99);
    expect(r.statuses).toEqual([
      { source: SOURCE, equipmentPath: NODE_EQ, online: false, at: T0 + 99, reason: 'NDEATH' },
      { source: SOURCE, equipmentPath: DEV_EQ, online: false, at: T0 + 99, reason: 'NDEATH (edge node)' },
    ]);
    expect(host.nodes()[0]).toMatchObject({ online: false, deaths: 1, devices: [{ device: 'press01', online: false, deaths: 1 }] });
    // After the death, data needs a new birth.
    expect(send(T.ndata, 2, [{ alias: 1, datatype: 'Float', value: 1 }]).rejections[0].reason).toMatch(/^no birth certificate/);
  });

  it('ignores an NDEATH with another bdSeq (a late will of an earlier session) but notes it', () => {
    const { host } = born();
    const r = host.handle(T.ndeath, encodeSparkplug({ metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 2 }] }), T0 + 99);
    expect(r).toEqual({ observations: [], rejections: [], statuses: [] });
    expect(host.nodes()[0]).toMatchObject({ online: true, staleDeaths: 1, lastStaleDeath: 'NDEATH bdSeq 2 does not match birth bdSeq 3' });
  });

  it('DDEATH takes the device offline at the DDEATH timestamp; its data then needs a DBIRTH', () => {
    const { send, host, ncmds } = born();
    const r = send(T.ddeath, 2, [], T0 + 50);
    expect(r.statuses).toEqual([{ source: SOURCE, equipmentPath: DEV_EQ, online: false, at: T0 + 50, reason: 'DDEATH' }]);
    expect(host.nodes()[0]).toMatchObject({ online: true, devices: [{ online: false, deaths: 1 }] });
    expect(send(T.ddata, 3, [{ alias: 10, datatype: 'Double', value: 1 }]).rejections[0].reason).toMatch(/^no birth certificate for Sparkplug device/);
    expect(ncmds()).toHaveLength(1);
  });

  it('connectionLost takes everything offline and requires new births', () => {
    const { host, send } = born();
    expect(host.connectionLost(T0 + 5).map((s) => [s.equipmentPath, s.online])).toEqual([
      [NODE_EQ, false],
      [DEV_EQ, false],
    ]);
    expect(send(T.ndata, 2, [{ alias: 1, datatype: 'Float', value: 1 }]).rejections).toHaveLength(1);
  });
});

describe('refusals', () => {
  it('refuses an unmapped edge node or device once per message, never guessing', () => {
    const { host } = setup();
    const other = (topic: string, metrics: SparkplugMetricInput[], seq = 0) => host.handle(topic, encodeSparkplug({ timestamp: T0, seq, metrics }), T0);
    const r = other('spBv1.0/plant1/NBIRTH/unknown-gw', nbirthMetrics(0));
    expect(r.observations).toEqual([]);
    expect(r.statuses).toEqual([]);
    expect(r.rejections).toMatchObject([
      {
        source: { protocol: 'sparkplug', client: 'plant1/unknown-gw' },
        reason: 'unknown Sparkplug edge node plant1/unknown-gw; map it to equipment in the plant model',
      },
    ]);
    // An edge node with nothing but bookkeeping metrics needs no mapping.
    expect(other('spBv1.0/plant1/NBIRTH/bare', nbirthMetrics(0).slice(0, 3)).rejections).toEqual([]);
    const d = other('spBv1.0/plant1/DBIRTH/bare/mystery', dbirthMetrics, 1);
    expect(d.rejections).toMatchObject([{ reason: 'unknown Sparkplug device plant1/bare/mystery; map it to equipment in the plant model' }]);
  });

  it('refuses malformed protobuf with the payload in base64', () => {
    const { host } = born();
    const bad = Buffer.from([0x0a, 0xff]);
    const r = host.handle(T.ddata, bad, T0);
    expect(r.observations).toEqual([]);
    expect(r.rejections).toEqual([
      {
        source: SOURCE,
        topic: T.ddata,
        reason: expect.stringContaining('malformed Sparkplug B payload'),
        payload: `base64:${bad.toString('base64')}`,
        receivedAt: T0,
      },
    ]);
  });

  it('refuses unsupported datatypes by metric name and type, and keeps the rest', () => {
    const { host, send } = setup();
    send(T.nbirth, 0, nbirthMetrics(1));
    const dbirth = sp.encodePayload({
      timestamp: T0,
      seq: 1,
      metrics: [
        { name: 'Recipe', alias: 20, type: 'DataSet', value: { numOfColumns: 1, columns: ['a'], types: ['Int32'], rows: [[1]] } },
        { name: 'Speed', alias: 21, type: 'Double', value: 12.5 },
      ],
    });
    const r = host.handle(T.dbirth, Buffer.from(dbirth), T0);
    expect(r.observations).toMatchObject([{ tag: 'Speed', value: 12.5 }]);
    expect(r.rejections).toHaveLength(1);
    expect(r.rejections[0].reason).toContain("metric 'Recipe': unsupported Sparkplug datatype DataSet (16)");
    const arr = send(T.ddata, 2, [{ name: 'Profile', datatype: 'FloatArray', value: new Uint8Array(8) }]);
    expect(arr.rejections[0].reason).toContain("metric 'Profile': unsupported Sparkplug datatype FloatArray (30)");
  });

  it('refuses other topics under spBv1.0 and ignores commands on the bus', () => {
    const { host, published } = born();
    expect(host.handle('spBv1.0/plant1/NDATA', Buffer.from('x'), T0).rejections).toMatchObject([{ reason: expect.stringContaining('too short') }]);
    const cmd = encodeSparkplug({ timestamp: T0, metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] });
    expect(host.handle(T.ncmd, cmd, T0)).toEqual({ observations: [], rejections: [], statuses: [] });
    expect(host.handle('spBv1.0/plant1/DCMD/gw/press01', cmd, T0)).toEqual({ observations: [], rejections: [], statuses: [] });
    expect(host.nodes()[0].seqGaps).toBe(0);
    expect(published).toEqual([]);
  });

  it('survives a failing publish and notes it in health', async () => {
    const { send, host } = born({ publish: () => Promise.reject(new Error('broker gone')) });
    send(T.ddata, 9, [{ alias: 11, datatype: 'UInt32', value: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.nodes()[0]).toMatchObject({ rebirthsRequested: 1, rebirthPublishFailures: 1, lastPublishError: 'broker gone' });
    const sync = born({
      publish: () => {
        throw new Error('not connected');
      },
    });
    sync.send(T.ddata, 9, [{ alias: 11, datatype: 'UInt32', value: 1 }]);
    expect(sync.host.nodes()[0].rebirthPublishFailures).toBe(1);
  });

  it('can leave rebirth requests to another host application', () => {
    const { send, ncmds, host } = born({ requestRebirths: false });
    send(T.ddata, 9, [{ alias: 11, datatype: 'UInt32', value: 1 }]);
    expect(ncmds()).toEqual([]);
    expect(host.nodes()[0]).toMatchObject({ seqGaps: 1, rebirthsRequested: 0 });
  });
});

describe('host STATE', () => {
  it('gives death (will) and birth certificates with the same timestamp, QoS 1, retained', () => {
    const { host, advance } = setup();
    expect(host.stateTopic).toBe('spBv1.0/STATE/takt');
    expect(host.subscriptions).toEqual(['spBv1.0/#']);
    const death = host.deathState();
    advance(250);
    const birth = host.birthState();
    expect(death).toMatchObject({ topic: 'spBv1.0/STATE/takt', qos: 1, retain: true });
    expect(birth).toMatchObject({ topic: 'spBv1.0/STATE/takt', qos: 1, retain: true });
    expect(JSON.parse(death.payload.toString('utf8'))).toEqual({ online: false, timestamp: T0 });
    expect(JSON.parse(birth.payload.toString('utf8'))).toEqual({ online: true, timestamp: T0 });
  });

  it('ignores other hosts and republishes its birth when told it is offline', () => {
    const { host, published } = setup();
    host.deathState();
    const offline = Buffer.from(JSON.stringify({ online: false, timestamp: T0 - 1000 }));
    expect(host.handle('spBv1.0/STATE/scada', offline, T0)).toEqual({ observations: [], rejections: [], statuses: [] });
    expect(published).toEqual([]);
    host.handle('spBv1.0/STATE/takt', Buffer.from(JSON.stringify({ online: true, timestamp: T0 })), T0);
    expect(published).toEqual([]);
    host.handle('spBv1.0/STATE/takt', offline, T0);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topic: 'spBv1.0/STATE/takt', qos: 1, retain: true });
    expect(JSON.parse(published[0].payload.toString('utf8'))).toEqual({ online: true, timestamp: T0 });
  });

  it('refuses an invalid host id', () => {
    expect(() => setup({ hostId: 'a/b' })).toThrow(/invalid Sparkplug host id/);
  });
});
