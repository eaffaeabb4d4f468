// UNS JSON publisher: the machines of one area over one MQTT connection, one topic per tag
// (takt/v1/<equipment path>/<tag>) or, with batching, one message per machine and instant on tag `_batch`.
import type { MqttClient } from 'mqtt';
import type { SimValue, TagChange } from './machine.ts';
import { clientIdFor, closeConnection, openConnection, type BrokerOptions, type Publisher, type SimDevice } from './transport.ts';

export const UNS_PREFIX = 'takt/v1';

export interface UnsMessage {
  topic: string;
  payload: string;
}

/** `{"value", "ts", "seq"}` per tag; `seq` counts per machine so the receiver can spot gaps and duplicates. */
export function unsMessages(path: string, changes: TagChange[], nextSeq: () => number, batch: boolean): UnsMessage[] {
  const out: UnsMessage[] = [];
  if (!batch) {
    for (const c of changes) out.push({ topic: `${UNS_PREFIX}/${path}/${c.tag}`, payload: JSON.stringify({ value: c.value, ts: c.ts, seq: nextSeq() }) });
    return out;
  }
  // Batch the changes of one instant (a cycle end, a sample): a later value of the same tag must not overwrite an
  // earlier one in the same object, so a repeated tag starts a new message.
  let values: Record<string, SimValue> | null = null;
  let ts = NaN;
  const flush = () => {
    if (values) out.push({ topic: `${UNS_PREFIX}/${path}/_batch`, payload: JSON.stringify({ ts, seq: nextSeq(), values }) });
    values = null;
  };
  for (const c of changes) {
    if (!values || c.ts !== ts || c.tag in values) {
      flush();
      values = {};
      ts = c.ts;
    }
    values[c.tag] = c.value;
  }
  flush();
  return out;
}

export class UnsPublisher implements Publisher {
  readonly label: string;
  published = 0;
  dropped = 0;
  private everConnected = false;
  private client: MqttClient;
  private seq = new Map<string, number>();

  constructor(
    o: BrokerOptions,
    area: string,
    private readonly devices: SimDevice[],
    private readonly batch: boolean,
  ) {
    this.label = `uns ${area}`;
    this.client = openConnection(o, clientIdFor('uns', area), this.label, {}, () => {
      // After every (re)connection each machine reports all its current values, as a PLC gateway does on reconnect.
      this.everConnected = true;
      for (const d of this.devices) this.send(d, d.snapshot());
      // Recipe downloads: takt/v1/<path>/_cmd/writeParameters {"id", "parameters"} → setpoints reported back, then a reply.
      this.client.subscribe(
        this.devices.map((d) => `${UNS_PREFIX}/${d.spec.path}/_cmd/writeParameters`),
        { qos: 1 },
      );
    });
    this.client.on('message', (topic, payload) => this.onCommand(topic, payload));
  }

  private onCommand(topic: string, payload: Buffer): void {
    const device = this.devices.find((d) => topic === `${UNS_PREFIX}/${d.spec.path}/_cmd/writeParameters`);
    if (!device?.write) return;
    let cmd: { id?: unknown; parameters?: unknown };
    try {
      cmd = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // not a command this machine understands
    }
    const params = cmd.parameters && typeof cmd.parameters === 'object' ? (cmd.parameters as Record<string, unknown>) : {};
    const r = device.write(params);
    if ('changes' in r) this.send(device, r.changes);
    const reply = 'error' in r ? { id: cmd.id, status: 'rejected', reason: r.error } : { id: cmd.id, status: 'ok' };
    this.client.publish(`${topic}/reply`, JSON.stringify(reply), { qos: 1 });
  }

  connected(): boolean {
    return this.client.connected;
  }

  publish(device: SimDevice, changes: TagChange[]): void {
    if (!changes.length) return;
    if (!this.client.connected) {
      // Before the first connection nothing is lost: the snapshot sent on connecting carries the current values.
      if (this.everConnected) this.dropped += changes.length;
      return;
    }
    this.send(device, changes);
  }

  private send(device: SimDevice, changes: TagChange[]): void {
    const path = device.spec.path;
    const nextSeq = () => {
      const s = this.seq.get(path) ?? 0;
      this.seq.set(path, s + 1);
      return s;
    };
    for (const m of unsMessages(path, changes, nextSeq, this.batch)) {
      this.client.publish(m.topic, m.payload, { qos: 1 }, (err) => {
        if (err) this.dropped++;
      });
      this.published++;
    }
  }

  stop(): Promise<void> {
    return closeConnection(this.client);
  }
}
