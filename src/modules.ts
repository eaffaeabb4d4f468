// The business modules that make up Takt, in the order they start; their routes follow the platform's own.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CollectService, collectRoutes, createCollectHistory, LiveView } from './collect/index.ts';
import { CommandService, ConnectorManager, connectorRoutes, ingestRoutes, lazyFactory, loadEuromap63, loadOpcua, startMqtt, type ConnectorFactory, type MqttConnector } from './connectors/index.ts';
import { createErpModule } from './erp/index.ts';
import { createExecutionModule, ExecutionService, fromBody, orderBook } from './execution/index.ts';
import { createLotsModule, LotService, type ReceiveInput } from './lots/index.ts';
import { DEMO_PLANT_FILE, type TaktModule } from './platform/app.ts';
import type { Config } from './platform/config.ts';
import { listenerError } from './platform/listen.ts';
import { OutboundGuard } from './platform/net/outbound.ts';
import { DEMO_PEOPLE } from './platform/auth/demo-people.ts';
import { SYSTEM_ACTOR } from './platform/auth/principal.ts';
import type { AppContext } from './platform/context.ts';
import { importPlant, parsePlantFile, PlantService, plantRoutes, type PlantFile } from './plant/index.ts';
import { createPerformanceModule } from './performance/index.ts';
import { createPlanningModule } from './planning/index.ts';
import { createQualityModule } from './quality/index.ts';

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

/**
 * Folders of the plant model (an EUROMAP 63 session folder) written as relative paths live under this instance's data
 * folder, not wherever Takt was started from: two instances with their own data folders never share one. Takt's own
 * folders there are created, so a new one is never reported missing; absolute paths (a press's network share) are the
 * machine's and only used. An in-memory database gets a temporary folder of its own, removed by dispose().
 */
export function instanceFolders(config: Pick<Config, 'dataDir'>): { resolve(dir: string): string; dispose(): void } {
  const memory = config.dataDir.startsWith('memory://');
  let base: string | undefined;
  return {
    resolve(dir) {
      if (path.isAbsolute(dir)) return dir;
      base ??= memory ? mkdtempSync(path.join(os.tmpdir(), 'takt-instance-')) : path.resolve(config.dataDir);
      const full = path.resolve(base, dir);
      if (!path.relative(base, full).startsWith('..')) mkdirSync(full, { recursive: true });
      return full;
    },
    dispose() {
      if (memory && base) rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Protocols whose connectors the plant model's `connections` start (MQTT and Sparkplug go through the broker). */
function connectorFactories(ctx: AppContext, folders: ReturnType<typeof instanceFolders>): Map<string, ConnectorFactory> {
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

export async function createModules(ctx: AppContext): Promise<TaktModule[]> {
  // Every module that keeps master data in memory subscribes here, in this order (the connectors and execution read
  // collect's registry); a change answers once all of them have reloaded (platform/master-data.ts).
  const masterData = ctx.events.masterData;
  const unsubscribe: Array<() => void> = [];
  const collect = new CollectService(ctx);
  await collect.start();
  // the port through which performance and execution read machine history: one definition of a good count
  const history = createCollectHistory();
  unsubscribe.push(masterData.subscribe('collect', () => collect.reload()));
  // before any connector delivers data: performance learns of every stretch of history collect rewrites
  const performanceModule = await createPerformanceModule(ctx, collect, history);
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
  const folders = instanceFolders(ctx.config);
  let simulator: { stop(): Promise<void> } | undefined;
  const mqttModule: MqttModule = {
    name: 'mqtt',
    async listening() {
      mqttModule.mqtt = await startMqtt(ctx, collect);
      mqttModule.mqtt.inbound.onCommandReply = (_topic, payload) => commands.onReply(payload);
      if (ctx.config.simulate) simulator = await startDemoSimulator(ctx, mqttModule, outbound, folders.resolve);
    },
    async stop() {
      await simulator?.stop();
      await mqttModule.mqtt?.stop();
    },
  };
  const manager = new ConnectorManager(ctx, collect, connectorFactories(ctx, folders));
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
    // after the broker and the demo's simulators (the mqtt module, before this one) listen
    listening: async () => manager.started(),
    async stop() {
      await manager.stop();
      folders.dispose();
    },
  };
  const executionModule = await createExecutionModule(ctx, collect, history, commands);
  const lotsModule = createLotsModule(ctx, orderBook);
  executionModule.setLedger(lotsModule.ledger);
  unsubscribe.push(masterData.subscribe('execution', () => executionModule.watch.reload()));
  const planningModule = await createPlanningModule(ctx, collect, orderBook);
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
    lotsModule,
    performanceModule,
    planningModule,
    erpModule,
    createQualityModule(ctx, { plant: new PlantService(ctx.db, ctx.events) }),
    masterDataModule,
  ];
}

/** npm start brings the demo plant to life: simulated machines speak the real protocols (MQTT, Sparkplug, OPC UA, EUROMAP 63). */
async function startDemoSimulator(
  ctx: AppContext,
  m: MqttModule,
  outbound: OutboundGuard,
  folder: (dir: string) => string,
): Promise<{ stop(): Promise<void> } | undefined> {
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
      calendars: ctx.config.simCalendars,
      log: (line) => ctx.log.debug(`sim: ${line}`),
    }),
  );
  const stopAll = async () => void (await Promise.all(running.map((r) => r.stop().catch(() => {}))));
  for (const e of eq)
    for (const c of e.connections) {
      let port = 0;
      try {
        if (c.protocol === 'opcua' && LOOPBACK_OPCUA.test(c.endpoint)) {
          const { routeOpcuaLogs } = await loadOpcua();
          routeOpcuaLogs(ctx.log);
          const { startOpcuaMachine } = await (await import('./sim/index.ts')).loadOpcuaSim();
          port = Number(new URL(c.endpoint.replace('opc.tcp', 'http')).port);
          running.push(await startOpcuaMachine({ name: e.extId, port, seed: 5 }));
          // the demo's own machine on loopback may be browsed (node picker); nothing else on loopback is opened
          outbound.allowEntry(new URL(c.endpoint).host);
        } else if (c.protocol === 'euromap63') {
          const { startEuromap63Press } = await (await import('./sim/index.ts')).loadEuromap63Sim();
          running.push(await startEuromap63Press({ sessionDir: folder(c.sessionDir), timezone: c.timezone, seed: 6 }));
        }
      } catch (err) {
        const stop = listenerError(err, {
          what: 'demo OPC UA simulator',
          port,
          portSetting: `TAKT_DEMO_OPCUA_PORT, or the free port chosen when the demo plant was loaded: ${e.path}'s OPC UA endpoint`,
        });
        // a port someone else holds would connect this demo to their server: stop rather than run half a demo
        if (port && stop !== err) {
          await stopAll();
          throw stop;
        }
        ctx.log.warn({ err: (err as Error).message }, `demo simulator for ${e.path} (${c.protocol}) did not start`);
      }
    }
  ctx.log.info('demo plant simulator running (TAKT_SIMULATE=false to turn it off)');
  return { stop: stopAll };
}

/** The demo's simulated OPC UA presses: an endpoint on this machine (the simulator serves it). */
const LOOPBACK_OPCUA = /^opc\.tcp:\/\/(127\.0\.0\.1|localhost):(\d+)/;

const freeTcpPort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * Gives the demo plant's simulated OPC UA presses this instance's own ports before it is stored: the first takes
 * TAKT_DEMO_OPCUA_PORT when set, the others (and the first when unset) a free port. The port in the plant file is a
 * placeholder; two demo instances never reach each other's simulator (issue #13).
 */
export async function placeDemoOpcuaPorts(file: PlantFile, demoOpcuaPort: number): Promise<string[]> {
  const endpoints: string[] = [];
  const visit = async (node: unknown): Promise<void> => {
    if (Array.isArray(node)) for (const n of node) await visit(n);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.protocol === 'opcua' && typeof o.endpoint === 'string' && LOOPBACK_OPCUA.test(o.endpoint)) {
        const port = !endpoints.length && demoOpcuaPort ? demoOpcuaPort : await freeTcpPort();
        const endpoint = o.endpoint.replace(LOOPBACK_OPCUA, (_all, host: string) => `opc.tcp://${host}:${port}`);
        o.endpoint = endpoint;
        endpoints.push(endpoint);
      }
      for (const v of Object.values(o)) await visit(v);
    }
  };
  await visit(file.equipment);
  return endpoints;
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
  const file = parsePlantFile(readFileSync(DEMO_PLANT_FILE, 'utf8'));
  const opcua = await placeDemoOpcuaPorts(file, ctx.config.demoOpcuaPort);
  const counts = await importPlant(ctx.db, ctx.events, SYSTEM_ACTOR, file, 'demo plant on first start');
  ctx.log.info({ created: counts.created, opcua }, 'empty plant: loaded the demo plant');
  // people for the shop-floor terminal of the demo plant: they sign in with badge and PIN (README)
  const existing = new Set((await ctx.auth.listUsers()).map((u) => u.username));
  for (const u of DEMO_PEOPLE)
    if (!existing.has(u.username)) await ctx.auth.createUser(SYSTEM_ACTOR, { ...u, password: randomBytes(12).toString('base64url') });
  // with the simulator on (npm start), a few released orders so the terminals and dispatch lists have work, and the
  // material lots their bills of materials need, so an operator can scan them and complete (README walkthrough)
  if (ctx.config.simulate) {
    await seedDemoOrders(ctx);
    await seedDemoLots(ctx);
  }
}

const MOULDING = 'acme/lakeside/moulding';
const LINE1 = 'acme/lakeside/assembly/line1';

/**
 * The demo's material in stock: one lot of every material the demo orders consume, at the area whose stations use it,
 * enough for all five orders (DEMO-1001 … DEMO-1005). The README's walkthrough scans DEMO-PP-1 at IMM 01.
 */
export const DEMO_LOTS: readonly ReceiveInput[] = [
  { id: 'DEMO-PP-1', materialId: 'PP-GRAN-BK', quantity: 500, location: MOULDING, supplier: 'PolyChem', supplierLot: 'PC-2611-07' },
  { id: 'DEMO-MB-1', materialId: 'MB-RED-02', quantity: 25, location: MOULDING, supplier: 'ColorMix', supplierLot: 'CM-4471' },
  { id: 'DEMO-TOP-1', materialId: 'HSG-TOP', quantity: 1000, location: LINE1 },
  { id: 'DEMO-BOT-1', materialId: 'HSG-BOT', quantity: 1000, location: LINE1 },
  { id: 'DEMO-PCB-1', materialId: 'PCB-S200', quantity: 1000, location: LINE1, supplier: 'Boardworks', supplierLot: 'BW-S200-118' },
  { id: 'DEMO-SCREW-1', materialId: 'SCREW-M3x8', quantity: 5000, location: LINE1, supplier: 'Schraubwerk', supplierLot: 'FX-3381' },
  { id: 'DEMO-BOX-1', materialId: 'BOX-S', quantity: 1000, location: LINE1, supplier: 'CartonCo', supplierLot: 'CC-0925' },
];

async function seedDemoLots(ctx: AppContext): Promise<void> {
  const lots = new LotService(ctx.db, ctx.events, orderBook);
  for (const lot of DEMO_LOTS) await lots.receive(SYSTEM_ACTOR, lot).catch((err) => ctx.log.warn({ err: (err as Error).message }, `demo lot ${lot.id} was not received`));
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
