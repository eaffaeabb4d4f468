// What the publishers share: the device view of a simulated machine and one resilient MQTT connection.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { TagChange, TagInfo } from './machine.ts';
import type { MachineSpec } from './plant.ts';

/** A machine as a publisher sees it; timestamps are already wall-clock epoch ms. */
export interface SimDevice {
  spec: MachineSpec;
  tags: TagInfo[];
  snapshot(): TagChange[];
  /** A write from Takt (recipe download): the setpoints to report back, or why the machine refuses. */
  write?(values: Record<string, unknown>): { changes: TagChange[] } | { error: string };
}

export interface Publisher {
  readonly label: string;
  /** Publishes one machine's changes (already in time order); dropped and counted while the broker is away. */
  publish(device: SimDevice, changes: TagChange[]): void;
  stop(): Promise<void>;
  connected(): boolean;
  published: number;
  dropped: number;
}

export interface BrokerOptions {
  brokerUrl: string;
  username?: string;
  password?: string;
  log: (line: string) => void;
}

/**
 * One MQTT connection that never gives up: mqtt.js reconnects every 2 s, and a broker that is down is reported once
 * per outage instead of on every attempt, so hundreds of machines do not flood the log. `onConnect` runs after every
 * (re)connection: that is when a machine announces its current values again.
 */
export function openConnection(
  o: BrokerOptions,
  clientId: string,
  label: string,
  extra: Partial<IClientOptions>,
  onConnect: (client: MqttClient) => void,
): MqttClient {
  const client = connect(o.brokerUrl, {
    clientId,
    username: o.username,
    password: o.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    keepalive: 30,
    // Offline publishing is handled by the caller (drop and count); mqtt.js must not queue unboundedly.
    queueQoSZero: false,
    ...extra,
  });
  let down = false;
  let everConnected = false;
  client.on('connect', () => {
    if (down || !everConnected) o.log(`${label}: connected to ${o.brokerUrl}`);
    down = false;
    everConnected = true;
    onConnect(client);
  });
  const reportDown = (why: string) => {
    if (down) return;
    down = true;
    o.log(`${label}: broker ${o.brokerUrl} not reachable (${why}); retrying every 2 s`);
  };
  client.on('error', (err) => reportDown((err as NodeJS.ErrnoException).code ?? err.message));
  client.on('offline', () => reportDown('offline'));
  client.on('close', () => {
    if (everConnected && !down && !client.disconnecting) reportDown('connection closed');
  });
  return client;
}

/** Ends a connection without waiting forever on a broker that is gone. */
export function closeConnection(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.end(true, {}, () => resolve());
    }, 2000);
    client.end(false, {}, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A client id unique per process and edge, without Math.random: two simulators must not kick each other off. */
export function clientIdFor(kind: string, area: string): string {
  return `takt-sim-${kind}-${area}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`.slice(0, 64);
}
