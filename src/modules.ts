// The business modules that make up Takt, in the order they start; their routes follow the platform's own.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CollectService, collectRoutes, LiveView } from './collect/index.ts';
import { CommandService } from './connectors/commands.ts';
import { connectorRoutes } from './connectors/connectors.routes.ts';
import { ingestRoutes } from './connectors/http/ingest.ts';
import { ConnectorManager, lazyFactory, type ConnectorFactory } from './connectors/manager.ts';
import { startMqtt, type MqttConnector } from './connectors/mqtt/index.ts';
import { createErpModule } from './erp/index.ts';
import { createExecutionModule, ExecutionService, fromBody } from './execution/index.ts';
import { lotsRoutes, MaterialLedger } from './lots/index.ts';
import { DEMO_PLANT_FILE, type TaktModule } from './platform/app.ts';
import { OutboundGuard } from './platform/net/outbound.ts';
import { DEMO_PEOPLE } from './platform/auth/demo-people.ts';
import { SYSTEM_ACTOR } from './platform/auth/principal.ts';
import type { AppContext } from './platform/context.ts';
import { importPlant, parsePlantFile, PlantService, plantRoutes } from './plant/index.ts';
import { createPerformanceModule } from './performance/index.ts';
import { createPlanningModule } from './planning/index.ts';

export interface CollectModule extends TaktModule {
  collect: CollectService;
  live: LiveView;
}

export interface MqttModule extends TaktModule {
  mqtt?: MqttConnector;
}

export interface ConnectorsModule extends TaktModule {
  manager: ConnectorManager;
  commands: CommandService;
}

/** Protocols whose connectors the plant model's `connections` start (MQTT and Sparkplug go through the broker). */
function connectorFactories(ctx: AppContext): Map<string, ConnectorFactory> {
  const pkiDir = path.join(ctx.config.dataDir.startsWith('memory://') ? os.tmpdir() : ctx.config.dataDir, 'opcua-pki');
  return new Map<string, ConnectorFactory>([
    [
      'opcua',
      lazyFactory('opcua', async () => {
        const { createOpcuaConnector } = await import('./connectors/opcua/index.ts');
        return (settings, c) => createOpcuaConnector(settings as Parameters<typeof createOpcuaConnector>[0], c, { pkiDir });
      }),
    ],
    [
      'euromap63',
      lazyFactory('euromap63', async () => {
        const { createEuromap63Connector } = await import('./connectors/euromap63/index.ts');
        return (settings, c) => createEuromap63Connector(settings as Parameters<typeof createEuromap63Connector>[0], c);
      }),
    ],
  ]);
}

export async function createModules(ctx: AppContext): Promise<TaktModule[]> {
  // Every module that keeps master data in memory subscribes here, in this order (the connectors and execution read
  // collect's registry); a change answers once all of them have reloaded (platform/master-data.ts).
  const masterData = ctx.events.masterData;
  const unsubscribe: Array<() => void> = [];
  const collect = new CollectService(ctx);
  await collect.start();
  unsubscribe.push(masterData.subscribe('collect', () => collect.reload()));
  // before any connector delivers data: performance learns of every stretch of history collect rewrites
  const performanceModule = await createPerformanceModule(ctx, collect);
  unsubscribe.push(masterData.subscribe('performance', (changes) => performanceModule.performance.reloadPlant(changes)));
  const live = new LiveView(collect, ctx.events, ctx.database);
  await live.start();
  ctx.health.set('collect', () => collect.pipeline.health());
  ctx.health.set('mqtt', () => mqttModule.mqtt?.health() ?? null);
  const collectModule: CollectModule = {
    name: 'collect',
    collect,
    live,
    routes: collectRoutes(collect, live),
    closing: () => live.stop(),
    async stop() {
      await collect.stop();
    },
  };
  // one guard for webhooks and OPC UA browse, so the demo can open its own simulator's endpoint (below)
  const outbound = new OutboundGuard(ctx.config.outboundAllow);
  let simulator: { stop(): Promise<void> } | undefined;
  const mqttModule: MqttModule = {
    name: 'mqtt',
    async listening() {
      mqttModule.mqtt = await startMqtt(ctx, collect);
      mqttModule.mqtt.inbound.onCommandReply = (_topic, payload) => commands.onReply(payload);
      if (ctx.config.simulate) simulator = await startDemoSimulator(ctx, mqttModule, outbound);
    },
    async stop() {
      await simulator?.stop();
      await mqttModule.mqtt?.stop();
    },
  };
  const manager = new ConnectorManager(ctx, collect, connectorFactories(ctx));
  await manager.start();
  unsubscribe.push(masterData.subscribe('connectors', () => manager.resync()));
  const commands = new CommandService(ctx, collect, manager, () => mqttModule.mqtt);
  const connectorsModule: ConnectorsModule = {
    name: 'connectors',
    manager,
    commands,
    routes: async (app) => {
      await app.register(async (scope) => ingestRoutes(collect, ctx.database)(scope));
      await app.register(async (scope) => connectorRoutes(collect, commands, manager, () => mqttModule.mqtt, outbound)(scope));
    },
    stop: () => manager.stop(),
  };
  const executionModule = await createExecutionModule(ctx, collect, commands);
  executionModule.setLedger(new MaterialLedger(ctx.events));
  unsubscribe.push(masterData.subscribe('execution', () => executionModule.watch.reload()));
  const planningModule = await createPlanningModule(ctx, collect);
  const erpModule = await createErpModule(ctx, executionModule.floor, undefined, outbound);
  // last in the list, so stopped first: no reload starts on modules that are stopping
  const masterDataModule: TaktModule = {
    name: 'master-data',
    async stop() {
      for (const off of unsubscribe) off();
      await masterData.settled();
    },
  };
  return [
    { name: 'plant', routes: plantRoutes },
    collectModule,
    mqttModule,
    connectorsModule,
    executionModule,
    { name: 'lots', routes: lotsRoutes },
    performanceModule,
    planningModule,
    erpModule,
    masterDataModule,
  ];
}

/** npm start brings the demo plant to life: simulated machines speak the real protocols (MQTT, Sparkplug, OPC UA, EUROMAP 63). */
async function startDemoSimulator(ctx: AppContext, m: MqttModule, outbound: OutboundGuard): Promise<{ stop(): Promise<void> } | undefined> {
  const plant = new PlantService(ctx.db, ctx.events);
  const eq = await plant.listEquipment();
  if (!eq.some((e) => e.path === 'acme/lakeside')) return undefined; // not the demo plant: nothing to simulate
  const running: Array<{ stop(): Promise<void> }> = [];
  const { startSimulator } = await import('./sim/index.ts');
  running.push(
    await startSimulator({
      brokerUrl: m.mqtt!.url,
      username: m.mqtt!.username,
      password: m.mqtt!.password,
      plantFile: DEMO_PLANT_FILE,
      protocol: 'mixed',
      seed: 1,
      speed: 1,
      progressMs: 0,
      // the demo's machines work their shifts: no parts in breaks, at night or at weekends (issue #12 item 6)
      calendars: true,
      log: (line) => ctx.log.debug(`sim: ${line}`),
    }),
  );
  for (const e of eq)
    for (const c of e.connections) {
      try {
        if (c.protocol === 'opcua' && /^opc\.tcp:\/\/(127\.0\.0\.1|localhost):\d+/.test(c.endpoint)) {
          const { startOpcuaMachine } = await import('./sim/opcua/index.ts');
          running.push(await startOpcuaMachine({ name: e.extId, port: Number(new URL(c.endpoint.replace('opc.tcp', 'http')).port), seed: 5 }));
          // the demo's own machine on loopback may be browsed (node picker); nothing else on loopback is opened
          outbound.allowEntry(new URL(c.endpoint).host);
        } else if (c.protocol === 'euromap63') {
          const { startEuromap63Press } = await import('./sim/euromap63/index.ts');
          mkdirSync(c.sessionDir, { recursive: true });
          running.push(await startEuromap63Press({ sessionDir: c.sessionDir, timezone: c.timezone, seed: 6 }));
        }
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, `demo simulator for ${e.path} (${c.protocol}) did not start`);
      }
    }
  ctx.log.info('demo plant simulator running (TAKT_SIMULATE=false to turn it off)');
  return { stop: async () => void (await Promise.all(running.map((r) => r.stop().catch(() => {})))) };
}

export { DEMO_PEOPLE };

/**
 * Only when the demo is asked for (`npm start`, `takt start --demo`, TAKT_DEMO=true): an empty plant gets the demo
 * plant, its people with their published badge PINs and a few orders. A plain `takt start` leaves an empty database
 * empty (only the first admin), so no known shop-floor credentials exist in production (issue #11 item 9).
 */
export async function loadDemoPlantIfEmpty(ctx: AppContext): Promise<void> {
  if (!ctx.config.demo) return;
  const plant = new PlantService(ctx.db, ctx.events);
  if ((await plant.listEquipment()).length > 0) return;
  const counts = await importPlant(ctx.db, ctx.events, SYSTEM_ACTOR, parsePlantFile(readFileSync(DEMO_PLANT_FILE, 'utf8')), 'demo plant on first start');
  ctx.log.info({ created: counts.created }, 'empty plant: loaded the demo plant');
  // people for the shop-floor terminal of the demo plant: they sign in with badge and PIN (README)
  const existing = new Set((await ctx.auth.listUsers()).map((u) => u.username));
  for (const u of DEMO_PEOPLE)
    if (!existing.has(u.username)) await ctx.auth.createUser(SYSTEM_ACTOR, { ...u, password: randomBytes(12).toString('base64url') });
  // with the simulator on (npm start), a few released orders so the terminals and dispatch lists have work
  if (ctx.config.simulate) await seedDemoOrders(ctx);
}

/** Released demo orders: housings on the presses and sensor units on the assembly line, due over the next days. */
async function seedDemoOrders(ctx: AppContext): Promise<void> {
  const orders = new ExecutionService(ctx.db, ctx.events);
  const day = 86_400_000;
  const demo: Array<[string, string, number, number, number]> = [
    ['DEMO-1001', 'HSG-TOP', 1200, 1, 10],
    ['DEMO-1002', 'HSG-BOT', 1000, 1, 20],
    ['DEMO-1003', 'S200', 400, 2, 10],
    ['DEMO-1004', 'HSG-TOP', 800, 3, 50],
    ['DEMO-1005', 'S200', 250, 4, 50],
  ];
  await orders.receive(
    SYSTEM_ACTOR,
    demo.map(([id, product, quantity, dueDays, priority]) => ({ ...fromBody({ id, product, quantity, priority, due: new Date(Date.now() + dueDays * day).toISOString() }), description: 'demo order' })),
    'each',
  );
  for (const [id] of demo) await orders.release(SYSTEM_ACTOR, id).catch((err) => ctx.log.warn({ err: (err as Error).message }, `demo order ${id} was not released`));
}
