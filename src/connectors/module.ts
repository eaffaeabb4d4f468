// The connectors put together: the MQTT connector (embedded broker or external client) as one module, the connectors
// the plant model's connections start (OPC UA, EUROMAP 63) with machine commands and the HTTP ingest as the other.
// Both receive collect's ports (registry, observation sink, machine view), never the CollectService.
import os from 'node:os';
import path from 'node:path';
import type { EquipmentDirectory, IngestSink, MachineView, ObservationSink } from '../collect/index.ts';
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { OutboundGuard } from '../platform/net/outbound.ts';
import { CommandService } from './commands.ts';
import { connectorRoutes } from './connectors.routes.ts';
import { ingestRoutes } from './http/ingest.ts';
import { ConnectorManager, lazyFactory, type ConnectorFactory } from './manager.ts';
import { startMqtt, type MqttConnector } from './mqtt/index.ts';

/** The OPC UA and EUROMAP 63 connectors load on first use only: node-opcua is large and most plants need one of them at most. */
export const loadOpcua = () => import('./opcua/index.ts');
export const loadEuromap63 = () => import('./euromap63/index.ts');

/** Folders of this instance: relative session folders resolve under its data folder; dispose() removes a temporary one. */
export interface InstanceFolders {
  resolve(dir: string): string;
  dispose(): void;
}

export interface MqttModule extends TaktModule {
  mqtt?: MqttConnector;
  /** Where machines' answers to commands (takt/v1/<path>/_cmd/<name>/reply) go: the connectors module's commands. */
  onCommandReply(handler: (payload: Buffer) => void): void;
}

/**
 * The broker opens once the HTTP server listens. `afterStart` runs then, with the connector (the demo starts its
 * simulated machines there) and what it returns is stopped before the broker.
 */
export function createMqttModule(
  ctx: AppContext,
  deps: { directory: EquipmentDirectory; sink: ObservationSink; afterStart?: (mqtt: MqttConnector) => Promise<{ stop(): Promise<void> } | undefined> },
): MqttModule {
  let replies: ((payload: Buffer) => void) | undefined;
  let started: { stop(): Promise<void> } | undefined;
  const m: MqttModule = {
    name: 'mqtt',
    onCommandReply: (handler) => void (replies = handler),
    async listening() {
      m.mqtt = await startMqtt(ctx, deps);
      m.mqtt.inbound.onCommandReply = (_topic, payload) => replies?.(payload);
      started = await deps.afterStart?.(m.mqtt);
    },
    async stop() {
      await started?.stop();
      await m.mqtt?.stop();
    },
  };
  ctx.health.set('mqtt', () => m.mqtt?.health() ?? null);
  return m;
}

export interface ConnectorsModule extends TaktModule {
  manager: ConnectorManager;
  commands: CommandService;
  /** Brings the running connectors in step with collect's registry (a master-data change). */
  resync(): Promise<void>;
}

/** Protocols whose connectors the plant model's `connections` start (MQTT and Sparkplug go through the broker). */
function connectorFactories(ctx: AppContext, folders: InstanceFolders): Map<string, ConnectorFactory> {
  const pkiDir = path.join(ctx.config.dataDir.startsWith('memory://') ? os.tmpdir() : ctx.config.dataDir, 'opcua-pki');
  return new Map<string, ConnectorFactory>([
    [
      'opcua',
      lazyFactory('opcua', async () => {
        const { createOpcuaConnector, routeOpcuaLogs } = await loadOpcua();
        routeOpcuaLogs(ctx.log);
        return (settings, c) => createOpcuaConnector(settings as Parameters<typeof createOpcuaConnector>[0], c, { pkiDir });
      }),
    ],
    [
      'euromap63',
      lazyFactory('euromap63', async () => {
        const { createEuromap63Connector } = await loadEuromap63();
        return (settings, c) => {
          const s = settings as Parameters<typeof createEuromap63Connector>[0];
          return createEuromap63Connector({ ...s, sessionDir: folders.resolve(s.sessionDir) }, c);
        };
      }),
    ],
  ]);
}

/**
 * `mqtt` is the MQTT module (commands go out through its broker, replies come back through it); `outbound` guards
 * OPC UA browsing; `folders` resolve EUROMAP 63 session folders and are disposed when this module stops.
 */
export async function createConnectorsModule(
  ctx: AppContext,
  deps: {
    directory: EquipmentDirectory;
    sink: ObservationSink;
    ingest: IngestSink;
    machines: MachineView;
    mqtt: MqttModule;
    outbound: OutboundGuard;
    folders: InstanceFolders;
  },
): Promise<ConnectorsModule> {
  const { directory, sink, machines, mqtt, outbound, folders } = deps;
  const manager = new ConnectorManager(ctx, { directory, sink }, connectorFactories(ctx, folders));
  await manager.start();
  const broker = () => mqtt.mqtt;
  const commands = new CommandService(ctx, machines, manager, broker);
  mqtt.onCommandReply((payload) => commands.onReply(payload));
  return {
    name: 'connectors',
    manager,
    commands,
    resync: () => manager.resync(),
    routes: async (app) => {
      await app.register(async (scope) => ingestRoutes({ registry: directory, pipeline: deps.ingest }, ctx.database)(scope));
      await app.register(async (scope) => connectorRoutes(machines, commands, manager, broker, outbound)(scope));
    },
    // after the broker and the demo's simulators (the mqtt module, before this one) listen
    listening: async () => manager.started(),
    async stop() {
      await manager.stop();
      folders.dispose();
    },
  };
}
