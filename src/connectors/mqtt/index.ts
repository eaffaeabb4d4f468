// The MQTT connector: the embedded broker (default) or a client of an external broker (MQTT_URL), feeding UNS JSON
// and Sparkplug B into the collect pipeline.
import type { EquipmentDirectory, ObservationSink } from '../../collect/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { listenerError } from '../../platform/listen.ts';
import { EmbeddedBroker, INTERNAL_USERNAME } from './broker.ts';
import { ExternalBrokerClient, redact } from './client.ts';
import { createInbound, type MqttInbound } from './inbound.ts';
import { registrySparkplugMap } from './scope.ts';

export { decodeUns, UNS_PREFIX } from './uns.ts';
export { INTERNAL_USERNAME } from './broker.ts';

export interface MqttConnector {
  /** Where Takt's own clients (the simulator) connect, with credentials. */
  url: string;
  username?: string;
  password?: string;
  inbound: MqttInbound;
  broker?: EmbeddedBroker;
  publish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean): Promise<void>;
  health(): { mode: 'embedded' | 'external'; url: string; connected: boolean; sparkplugNodes: number };
  stop(): Promise<void>;
}

/** TAKT_MQTT_HOST, else the HTTP server's address: restricting TAKT_HOST to one interface restricts both. */
const mqttHost = (ctx: AppContext) => ctx.config.mqttHost ?? ctx.config.host;

const isAddrInUse = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';

/** The MQTT port (MQTT 5.0 §4.2: 1883 is IANA's port for MQTT without TLS) the embedded broker takes when TAKT_MQTT_PORT is unset. */
export const DEFAULT_MQTT_PORT = 1883;

/** `collect` is collect's registry (Sparkplug ids and metrics of the equipment) and the sink machines' data goes into. */
export async function startMqtt(ctx: AppContext, collect: { directory: EquipmentDirectory; sink: ObservationSink }): Promise<MqttConnector> {
  const { config, log } = ctx;
  if (config.mqttUrl) {
    let client!: ExternalBrokerClient;
    const inbound = createInbound(collect.directory, collect.sink, config.sparkplugHostId, (t, p, q, r) => client.publish(t, p, q, r), config.mqttMaxPacket);
    client = new ExternalBrokerClient(config.mqttUrl, `takt-${config.sparkplugHostId}`, log);
    await client.start(inbound);
    return {
      url: config.mqttUrl,
      inbound,
      publish: (t, p, q, r) => client.publish(t, p, q, r),
      health: () => ({ mode: 'external', url: redact(config.mqttUrl!), connected: client.connected, sparkplugNodes: inbound.host.nodes().length }),
      stop: () => client.stop(inbound),
    };
  }
  const wanted = config.mqttPort ?? DEFAULT_MQTT_PORT;
  const broker = new EmbeddedBroker({
    port: wanted,
    host: mqttHost(ctx),
    authenticate: (t) => ctx.auth.authenticate(t),
    sparkplug: registrySparkplugMap(collect.directory),
    maxPacket: config.mqttMaxPacket,
    log,
  });
  const inbound = createInbound(collect.directory, collect.sink, config.sparkplugHostId, (t, p, q, r) => broker.publish(t, p, q, r), config.mqttMaxPacket);
  broker.setInbound(inbound);
  let port: number;
  try {
    port = await broker.listen();
  } catch (err) {
    // Another broker (say, a Mosquitto already on 1883) must not stop Takt from starting with its defaults; a port
    // someone chose must not be swapped behind their back (their devices point at it): stop, naming the setting.
    if (!isAddrInUse(err) || config.mqttPort !== undefined)
      throw listenerError(err, {
        what: 'MQTT',
        port: wanted,
        portSetting: 'TAKT_MQTT_PORT',
        host: mqttHost(ctx),
        hostSetting: config.mqttHost ? 'TAKT_MQTT_HOST' : 'TAKT_HOST',
      });
    log.warn(`MQTT port ${wanted} is in use (another broker?); the embedded broker takes a free port instead — set TAKT_MQTT_PORT or MQTT_URL to choose`);
    port = await broker.listen(0);
  }
  return finishEmbedded(broker, port, inbound, ctx);
}

async function finishEmbedded(broker: EmbeddedBroker, port: number, inbound: MqttInbound, ctx: AppContext): Promise<MqttConnector> {
  const birth = inbound.host.birthState();
  await broker.publish(birth.topic, birth.payload, birth.qos, birth.retain);
  ctx.log.info(`MQTT broker (embedded) on port ${port}; devices sign in with an API token as password`);
  const url = `mqtt://127.0.0.1:${port}`;
  return {
    url,
    username: INTERNAL_USERNAME,
    password: broker.internalPassword,
    inbound,
    broker,
    publish: (t, p, q, r) => broker.publish(t, p, q, r),
    health: () => ({ mode: 'embedded', url: `mqtt://${mqttHost(ctx)}:${port}`, connected: true, sparkplugNodes: inbound.host.nodes().length }),
    async stop() {
      await broker.close();
    },
  };
}
