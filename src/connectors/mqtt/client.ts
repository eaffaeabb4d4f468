// Takt as a client of an external broker (MQTT_URL), e.g. Mosquitto: a persistent session (clean: false) with QoS 1
// subscriptions, so messages published while Takt restarts wait in the broker. Each PUBACK is held back until the
// pipeline has stored the message; the broker's in-flight window then throttles delivery (backpressure).
import mqtt, { type MqttClient, type IPublishPacket } from 'mqtt';
import type { FastifyBaseLogger } from 'fastify';
import type { MqttInbound } from './inbound.ts';
import { UNS_SUBSCRIPTION } from './uns.ts';

type PacketSender = (packet: { cmd: string; messageId?: number }, cb?: () => void, ...rest: unknown[]) => void;

export class ExternalBrokerClient {
  private client?: MqttClient;
  private readonly pendingAcks = new Map<number, Promise<void>>();
  connected = false;

  constructor(
    private readonly url: string,
    private readonly clientId: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(inbound: MqttInbound): Promise<void> {
    const death = inbound.host.deathState();
    const client = mqtt.connect(this.url, {
      clientId: this.clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: { topic: death.topic, payload: death.payload, qos: death.qos, retain: death.retain },
    });
    this.client = client;
    // Hold PUBACKs until stored, without stalling mqtt.js's packet loop (it handles one packet at a time).
    const internal = client as unknown as { _sendPacket: PacketSender };
    const send = internal._sendPacket.bind(client);
    internal._sendPacket = (packet, cb, ...rest) => {
      const stored = packet.cmd === 'puback' && packet.messageId !== undefined ? this.pendingAcks.get(packet.messageId) : undefined;
      if (!stored) return send(packet, cb, ...rest);
      this.pendingAcks.delete(packet.messageId!);
      cb?.();
      stored.then(
        () => send(packet, undefined, ...rest),
        () => this.log.warn({ messageId: packet.messageId }, 'mqtt: message not stored; leaving it unacknowledged for redelivery'),
      );
    };
    client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      const topic = packet.topic;
      // inbound.handle never throws for what a machine sent; a bug there must still not end the process (issue #11)
      try {
        if (inbound.wants(topic)) {
          const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
          const stored = inbound.handle(topic, payload, `broker:${this.clientId}`, packet.qos);
          if (packet.qos > 0 && packet.messageId !== undefined) this.pendingAcks.set(packet.messageId, stored);
          else stored.catch((err) => this.log.debug({ topic, err }, 'mqtt: QoS 0 message not stored'));
        }
      } catch (err) {
        this.log.error({ topic, err }, 'mqtt: message could not be handled');
      }
      done();
    };
    client.on('connect', (ack) => {
      this.connected = true;
      this.log.info({ url: redact(this.url), sessionPresent: ack.sessionPresent }, 'mqtt: connected to the external broker');
      client.subscribe([UNS_SUBSCRIPTION, ...inbound.host.subscriptions], { qos: 1 }, (err) => {
        if (err) return this.log.error({ err }, 'mqtt: subscribe failed');
        const birth = inbound.host.birthState();
        client.publish(birth.topic, birth.payload, { qos: birth.qos, retain: birth.retain });
      });
    });
    client.on('close', () => {
      if (this.connected) this.log.warn('mqtt: connection to the external broker lost; reconnecting');
      this.connected = false;
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt: broker error'));
    return new Promise((resolve) => {
      // start in the background if the broker is down: Takt runs, and connects when the broker comes back
      const t = setTimeout(resolve, 5000);
      client.once('connect', () => (clearTimeout(t), resolve()));
    });
  }

  publish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.client) return reject(new Error('not connected'));
      this.client.publish(topic, payload, { qos, retain }, (err) => (err ? reject(err) : resolve()));
    });
  }

  async stop(inbound: MqttInbound): Promise<void> {
    if (!this.client) return;
    const death = inbound.host.deathState();
    if (this.connected) await withTimeout(this.publish(death.topic, death.payload, 1, true), 2000).catch(() => {});
    // with the broker away a graceful end would wait for it forever
    await withTimeout(this.client.endAsync(!this.connected), 3000).catch(() => this.client?.end(true));
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
