// The demo: the demo plant, its people, orders, lots, condition monitor, in-line characteristic and preventive plans on
// an empty database (only when asked for), and the simulated machines that bring it to life (one of them wears:
// predictive maintenance has something to see). Composition, like src/modules.ts: it builds on the modules' faces only.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { MqttConnector } from './connectors/index.ts';
import { loadOpcua } from './connectors/index.ts';
import { ExecutionService, fromBody, orderBook } from './execution/index.ts';
import { LotService, type ReceiveInput } from './lots/index.ts';
import type { MaintenanceModule } from './maintenance/index.ts';
import { createMonitor, type MonitorInput, monitorParamsSchema } from './maintenance/index.ts';
import { DEMO_PLANT_FILE } from './platform/app.ts';
import { DEMO_PEOPLE } from './platform/auth/demo-people.ts';
import { SYSTEM_ACTOR } from './platform/auth/principal.ts';
import type { AppContext } from './platform/context.ts';
import { listenerError } from './platform/listen.ts';
import type { OutboundGuard } from './platform/net/outbound.ts';
import { createPlantModule, importPlant, parsePlantFile, type EquipmentLookup, type PlantFile } from './plant/index.ts';
import type { QualityModule } from './quality/index.ts';
import type { MachineSpec } from './sim/index.ts';

/** npm start brings the demo plant to life: simulated machines speak the real protocols (MQTT, Sparkplug, OPC UA, EUROMAP 63). */
export async function startDemoSimulator(
  ctx: AppContext,
  plant: EquipmentLookup,
  mqtt: MqttConnector,
  outbound: OutboundGuard,
  folder: (dir: string) => string,
): Promise<{ stop(): Promise<void> } | undefined> {
  const eq = await plant.listEquipment();
  if (!eq.some((e) => e.path === 'acme/lakeside')) return undefined; // not the demo plant: nothing to simulate
  const running: Array<{ stop(): Promise<void> }> = [];
  const { startSimulator } = await import('./sim/index.ts');
  running.push(
    await startSimulator({
      brokerUrl: mqtt.url,
      username: mqtt.username,
      password: mqtt.password,
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
  // before the modules start (platform/app.ts): the plant's own service, from its factory
  const { plant } = createPlantModule(ctx);
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
    loadedNow.add(ctx);
    await seedDemoOrders(ctx, plant);
    await seedDemoLots(ctx, plant);
    await seedDemoMonitors(ctx, plant);
  }
}

/**
 * The demo's condition monitors: one per wearing machine of the demo plant (attribute `simWear`, src/sim/README.md),
 * on the tag its wear drifts, with that process value's limits. The baseline is the routing's target with σ a quarter
 * of the tolerance band (the simulated value wanders that much on its own for hours), so the EWMA (λ 0.2, L 3, ten-minute
 * buckets) alarms when the smoothed value is half a band off target: in the last hour or two of a heater band's life.
 */
export function demoMonitors(machines: readonly MachineSpec[]): MonitorInput[] {
  return machines.flatMap((m) => {
    const p = m.degradation && m.parameters.find((x) => x.name === m.degradation!.tag);
    if (!p || p.min === undefined || p.max === undefined) return [];
    const half = (p.max - p.min) / 2;
    const params = monitorParamsSchema.parse({ bucketMin: 10, lookbackH: 12, mean: p.target, sd: half / 2, lambda: 0.2, L: 3, trendPoints: 6, horizonH: 12 });
    return [{ equipment: m.path, tag: p.name, method: 'ewma' as const, min: p.min, max: p.max, params, enabled: true }];
  });
}

async function seedDemoMonitors(ctx: AppContext, plant: EquipmentLookup): Promise<void> {
  const { loadPlantFile } = await import('./sim/index.ts');
  for (const m of demoMonitors(loadPlantFile(DEMO_PLANT_FILE)))
    await createMonitor(ctx.db, plant, SYSTEM_ACTOR, m).catch((err) =>
      ctx.log.warn({ err: (err as Error).message }, `demo monitor on ${m.equipment} was not created`),
    );
}

const MOULDING = 'acme/lakeside/moulding';
const LINE1 = 'acme/lakeside/assembly/line1';

/** The starts that loaded the demo plant (with the simulator): the modules' own demo data follows once they exist. */
const loadedNow = new WeakSet<AppContext>();

/** The demo's in-line characteristic: station 10's screw torque, every value the station reports charted on I–MR. */
export const DEMO_TORQUE = {
  id: 'S200-TORQUE',
  name: 'Screw torque',
  product: 'S200',
  operationSeq: 10,
  kind: 'variable',
  unit: 'Nm',
  nominal: 0.9,
  // wider than the routing's process window (0.8 … 1.0 Nm), where the simulated torque stays but for about one value
  // in 3,000: a few alarms (and NCRs) a day, not one every few minutes
  lsl: 0.75,
  usl: 1.05,
  chart: 'i-mr',
  subgroupSize: 1,
  ruleSet: 'western-electric',
  rules: [1, 2, 3, 4],
  gauge: null,
  method: 'in-line: the screwdriver controller of station 10',
  sampling: null,
} as const;

/** The demo's preventive plans: the EUROMAP 63 press's mould by its shot counter, station 10's screwdriver by the calendar. */
export const DEMO_PLANS = [
  {
    name: 'Mould service every 20,000 shots',
    equipment: `${MOULDING}/imm-cell2/imm06`,
    basis: 'cycles',
    interval: 20_000,
    lead: 2000,
    tolerance: 1000,
    tasks: 'Clean the vents\nCheck the ejector pins\nGrease the guide pillars',
    estimateMinutes: 90,
  },
  {
    name: 'Screwdriver calibration every 2 weeks',
    equipment: `${LINE1}/st10`,
    basis: 'calendar',
    interval: 2,
    intervalUnit: 'weeks',
    lead: 2,
    tolerance: 1,
    tasks: 'Check the torque on the reference joint\nRecord the calibration',
    estimateMinutes: 30,
  },
] as const;

/**
 * After the modules are made, on the start that loaded the demo plant (with the simulator): quality measures station
 * 10's torque in-line with an alarm when a value is out of spec (never a stop: the demo runs unattended), and
 * maintenance has a shot-count plan on the EUROMAP 63 press and a calendar plan on station 10. Through the modules'
 * faces, as a person would set them up; a step that fails is logged, and the demo goes on without it.
 */
export async function seedDemoModules(
  ctx: AppContext,
  quality: Pick<QualityModule, 'quality' | 'inline' | 'reactions'>,
  maintenance: Pick<MaintenanceModule, 'plans'>,
): Promise<void> {
  if (!loadedNow.has(ctx)) return;
  loadedNow.delete(ctx);
  const warn = (what: string) => (err: unknown) => ctx.log.warn({ err: (err as Error).message }, `demo ${what} was not set up`);
  await (async () => {
    const c = await quality.quality.create(SYSTEM_ACTOR, { ...DEMO_TORQUE, rules: [...DEMO_TORQUE.rules] });
    await quality.inline?.put(SYSTEM_ACTOR, c, `${LINE1}/st10`, 'torque');
    await quality.reactions.putPlan(SYSTEM_ACTOR, c, { onSpec: true, rules: [], action: 'alarm' });
  })().catch(warn(`characteristic ${DEMO_TORQUE.id}`));
  for (const plan of DEMO_PLANS) await maintenance.plans.create(SYSTEM_ACTOR, { ...plan }).catch(warn(`plan '${plan.name}'`));
}

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

async function seedDemoLots(ctx: AppContext, plant: EquipmentLookup): Promise<void> {
  const lots = new LotService(ctx.db, orderBook, plant);
  for (const lot of DEMO_LOTS)
    await lots.receive(SYSTEM_ACTOR, lot).catch((err) => ctx.log.warn({ err: (err as Error).message }, `demo lot ${lot.id} was not received`));
}

/** Released demo orders: housings on the presses and sensor units on the assembly line, due over the next days. */
async function seedDemoOrders(ctx: AppContext, plant: EquipmentLookup): Promise<void> {
  const orders = new ExecutionService(ctx.db, ctx.events, plant);
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
    demo.map(([id, product, quantity, dueDays, priority]) => ({
      ...fromBody({ id, product, quantity, priority, due: new Date(Date.now() + dueDays * day).toISOString() }),
      description: 'demo order',
    })),
    'each',
  );
  for (const [id] of demo)
    await orders.release(SYSTEM_ACTOR, id).catch((err) => ctx.log.warn({ err: (err as Error).message }, `demo order ${id} was not released`));
}
