// Sparkplug B 3.0 edge node: one per area (group 'takt', edge node id = area id), each machine a device.
// NBIRTH (bdSeq, Node Control/Rebirth) → DBIRTH per device with every metric and its alias → DDATA by alias only.
// NDEATH is the MQTT will carrying the same bdSeq; a Rebirth NCMD republishes all births.
import sparkplug from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';
import type { MqttClient } from 'mqtt';
import type { TagChange, TagInfo } from './machine.ts';
import { SPARKPLUG_GROUP } from './plant.ts';
import { clientIdFor, closeConnection, openConnection, type BrokerOptions, type Publisher, type SimDevice } from './transport.ts';

const codec = sparkplug.get('spBv1.0')!;
export const encodeSparkplug = (p: UPayload): Buffer => Buffer.from(codec.encodePayload(p));
export const decodeSparkplug = (b: Uint8Array): UPayload => codec.decodePayload(b);
export const REBIRTH_METRIC = 'Node Control/Rebirth';

const TYPE: Record<TagInfo['type'], UMetric['type']> = { string: 'String', int: 'Int64', double: 'Double' };

export class SparkplugEdgeNode implements Publisher {
  readonly label: string;
  published = 0;
  dropped = 0;
  private everConnected = false;
  private client: MqttClient;
  private seq = 0;
  private bdSeq = 0;
  private born = false;
  /** Aliases are unique across the node (not just per device), as Sparkplug requires; stable across rebirths. */
  private aliases = new Map<string, Map<string, number>>();
  private readonly base: string;

  constructor(
    o: BrokerOptions,
    private readonly area: string,
    private readonly devices: SimDevice[],
    private readonly log: (line: string) => void = o.log,
  ) {
    this.label = `sparkplug ${area}`;
    this.base = `spBv1.0/${SPARKPLUG_GROUP}`;
    let alias = 1;
    for (const d of devices) this.aliases.set(d.spec.deviceId, new Map(d.tags.map((t) => [t.name, alias++])));
    this.client = openConnection(
      o,
      clientIdFor('sp', area),
      this.label,
      { will: { topic: `${this.base}/NDEATH/${area}`, payload: this.deathPayload(), qos: 1, retain: false } },
      (c) => this.online(c),
    );
    this.client.on('close', () => {
      // The next session needs a new bdSeq, and its will must carry it: mqtt.js reads options.will at each connect.
      if (!this.born) return;
      this.born = false;
      this.bdSeq = (this.bdSeq + 1) % 256;
      if (this.client.options.will) this.client.options.will.payload = this.deathPayload();
    });
    this.client.on('message', (topic, payload) => this.command(topic, payload));
  }

  connected(): boolean {
    return this.client.connected && this.born;
  }

  private deathPayload(): Buffer {
    return encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'Int64', value: this.bdSeq }] });
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) % 256;
    return s;
  }

  private online(c: MqttClient): void {
    // Subscribe before the births so that a rebirth request sent in answer to them is not missed.
    c.subscribe([`${this.base}/NCMD/${this.area}`, `${this.base}/DCMD/${this.area}/+`], { qos: 1 }, (err) => {
      if (err) this.log(`${this.label}: subscribe failed: ${err.message}`);
    });
    this.births();
  }

  /** NBIRTH (seq 0) then every DBIRTH with the devices' current values. */
  private births(): void {
    this.seq = 0;
    const now = Date.now();
    this.send(`${this.base}/NBIRTH/${this.area}`, {
      timestamp: now,
      seq: this.nextSeq(),
      metrics: [
        { name: 'bdSeq', type: 'Int64', value: this.bdSeq, timestamp: now },
        { name: REBIRTH_METRIC, type: 'Boolean', value: false, timestamp: now },
      ],
    });
    for (const d of this.devices) {
      const aliases = this.aliases.get(d.spec.deviceId)!;
      const types = new Map(d.tags.map((t) => [t.name, t]));
      const snap = d.snapshot();
      const ts = snap[0]?.ts ?? now;
      this.send(`${this.base}/DBIRTH/${this.area}/${d.spec.deviceId}`, {
        timestamp: ts,
        seq: this.nextSeq(),
        metrics: snap.map((c) => {
          const info = types.get(c.tag);
          const m: UMetric = { name: c.tag, alias: aliases.get(c.tag), type: TYPE[info?.type ?? 'double'], value: c.value, timestamp: c.ts };
          if (info?.unit) m.properties = { engUnit: { type: 'String', value: info.unit } };
          return m;
        }),
      });
    }
    this.born = true;
    this.everConnected = true;
  }

  private command(topic: string, payload: Buffer): void {
    let decoded: UPayload;
    try {
      decoded = decodeSparkplug(payload);
    } catch {
      this.log(`${this.label}: undecodable command on ${topic} ignored`);
      return;
    }
    if (!topic.includes('/NCMD/')) return; // devices accept no writes: the simulator has no setpoints to change
    const rebirth = decoded.metrics?.some((m) => m.name === REBIRTH_METRIC && m.value === true);
    if (rebirth && this.client.connected) {
      this.log(`${this.label}: rebirth requested`);
      this.births();
    }
  }

  publish(device: SimDevice, changes: TagChange[]): void {
    if (!changes.length) return;
    if (!this.connected()) {
      // Before the first connection nothing is lost: the snapshot sent on connecting carries the current values.
      if (this.everConnected) this.dropped += changes.length;
      return;
    }
    const aliases = this.aliases.get(device.spec.deviceId)!;
    const types = new Map(device.tags.map((t) => [t.name, t.type]));
    const topic = `${this.base}/DDATA/${this.area}/${device.spec.deviceId}`;
    // One DDATA per call; a tag that changes twice in it starts a new message, so each payload holds one value per metric.
    let metrics: UMetric[] = [];
    let seen = new Set<string>();
    const flush = () => {
      if (!metrics.length) return;
      this.send(topic, { timestamp: metrics[metrics.length - 1].timestamp as number, seq: this.nextSeq(), metrics });
      metrics = [];
      seen = new Set();
    };
    for (const c of changes) {
      if (seen.has(c.tag)) flush();
      seen.add(c.tag);
      metrics.push({ alias: aliases.get(c.tag), type: TYPE[types.get(c.tag) ?? 'double'], value: c.value, timestamp: c.ts });
    }
    flush();
  }

  private send(topic: string, p: UPayload): void {
    this.client.publish(topic, encodeSparkplug(p), { qos: 1 }, (err) => {
      if (err) this.dropped++;
    });
    this.published++;
  }

  /** A clean shutdown announces the death itself: the broker sends the will only on an unexpected disconnect. */
  async stop(): Promise<void> {
    if (this.client.connected) {
      const payload = this.deathPayload();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000); // a broker that vanished must not block the shutdown
        this.client.publish(`${this.base}/NDEATH/${this.area}`, payload, { qos: 1 }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.born = false;
    await closeConnection(this.client);
  }
}
