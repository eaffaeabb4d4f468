// The business modules that make up Takt, in the order they start; their routes follow the platform's own. Each
// module is made by its face's factory and receives ports (docs/architecture.md, "Modules and their ports"): the
// plant's equipment lookup, collect's observation sink, directory, machine view, order context and history,
// execution's order book, the lot ledger, the machine commands.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectModule, machineUsage } from './collect/index.ts';
import { createConnectorsModule, createMqttModule, type InstanceFolders } from './connectors/index.ts';
import { seedDemoModules, startDemoSimulator } from './demo.ts';
import { createErpModule } from './erp/index.ts';
import { createExecutionModule, orderBook, reworkOperations, scrapReasons, yieldFigures } from './execution/index.ts';
import { createLotsModule, LOT_RECORD_TYPE, lotHolds, spareParts } from './lots/index.ts';
import { createMaintenanceModule, type MaintenanceModule, type StopLookup } from './maintenance/index.ts';
import { createPerformanceModule, DEFAULT_SETTINGS } from './performance/index.ts';
import { createPlanningModule } from './planning/index.ts';
import { createPlantModule } from './plant/index.ts';
import type { TaktModule } from './platform/app.ts';
import type { Config } from './platform/config.ts';
import type { AppContext } from './platform/context.ts';
import { OutboundGuard } from './platform/net/outbound.ts';
import { createQualityModule, type QualityModule } from './quality/index.ts';

export type { CollectModule } from './collect/index.ts';
export type { ConnectorsModule, MqttModule } from './connectors/index.ts';
export { DEMO_LOTS, DEMO_PEOPLE, loadDemoPlantIfEmpty, placeDemoOpcuaPorts } from './demo.ts';

/**
 * Folders of the plant model (an EUROMAP 63 session folder) written as relative paths live under this instance's data
 * folder, not wherever Takt was started from: two instances with their own data folders never share one. Takt's own
 * folders there are created, so a new one is never reported missing; absolute paths (a press's network share) are the
 * machine's and only used. An in-memory database gets a temporary folder of its own, removed by dispose().
 */
export function instanceFolders(config: Pick<Config, 'dataDir'>): InstanceFolders {
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

export async function createModules(ctx: AppContext): Promise<TaktModule[]> {
  // Every module that keeps master data in memory subscribes here, in this order (the connectors and execution read
  // collect's registry); a change answers once all of them have reloaded (platform/master-data.ts).
  const masterData = ctx.events.masterData;
  const unsubscribe: Array<() => void> = [];
  const plant = createPlantModule(ctx);
  const collect = await createCollectModule(ctx, { plant: plant.equipment });
  unsubscribe.push(masterData.subscribe('collect', () => collect.reload()));
  // before any connector delivers data: performance learns of every stretch of history collect rewrites
  const performance = await createPerformanceModule(ctx, {
    plant: plant.equipment,
    onRewritten: collect.onRewritten,
    history: collect.history,
    orders: orderBook,
  });
  unsubscribe.push(masterData.subscribe('performance', (changes) => performance.performance.reloadPlant(changes)));
  // one guard for webhooks and OPC UA browse, so the demo can open its own simulator's endpoint (demo.ts)
  const outbound = new OutboundGuard(ctx.config.outboundAllow);
  const folders = instanceFolders(ctx.config);
  const mqtt = createMqttModule(ctx, {
    directory: collect.directory,
    sink: collect.sink,
    afterStart: async (broker) => (ctx.config.simulate ? startDemoSimulator(ctx, plant.equipment, broker, outbound, folders.resolve) : undefined),
  });
  const connectors = await createConnectorsModule(ctx, {
    directory: collect.directory,
    sink: collect.sink,
    ingest: collect.ingest,
    machines: collect.machines,
    mqtt,
    outbound,
    folders,
  });
  unsubscribe.push(masterData.subscribe('connectors', () => connectors.resync()));
  const lots = createLotsModule(ctx, {
    orders: orderBook,
    plant: plant.equipment,
    // a release at the lot's page needs the signatures the policy asks for lot.release, on the lot as it is now
    releasePolicy: { check: (lot) => ctx.signatures.requireSignatures('lot.release', { recordType: LOT_RECORD_TYPE, recordId: lot.id, record: lot }) },
  });
  // quality is made after execution (its holds, shop floor, order book); execution asks quality's operator
  // qualification and blocking checks through these ports once quality exists (before any route is served)
  let quality: QualityModule | undefined;
  const made = (): QualityModule => {
    if (!quality) throw new Error('execution asked quality before quality was made');
    return quality;
  };
  // maintenance is made last; execution asks it whether a machine is under repair through this late-bound gate
  let maintenanceMade: MaintenanceModule | undefined;
  const execution = await createExecutionModule(ctx, {
    plant: plant.equipment,
    machines: collect.machines,
    orderContext: collect.orderContext,
    history: collect.history,
    commands: connectors.commands,
    ledger: lots.ledger,
    qualifications: { missingForStation: (username, station) => made().qualifications.missingForStation(username, station) },
    checks: { blocking: (equipmentId) => made().checks.blocking(equipmentId) },
    repairs: { underRepair: async (equipmentId) => (maintenanceMade ? maintenanceMade.underRepair(equipmentId) : null) },
  });
  unsubscribe.push(masterData.subscribe('execution', () => execution.watch.reload()));
  // maintenance in the plan: made after planning, so its windows and repair estimates are bound late (asked per solve)
  let maintenance: MaintenanceModule | undefined;
  const maint = (): MaintenanceModule => {
    if (!maintenance) throw new Error('planning asked maintenance before maintenance was made');
    return maintenance;
  };
  const planning = await createPlanningModule(ctx, {
    plant: plant.equipment,
    machines: { machineStates: () => collect.machines.machineStates(), pathOf: (id) => collect.directory.byEquipmentId(id)?.path },
    orders: orderBook,
    maintenance: { plannedWindows: (from, to) => maint().link.plannedWindows(from, to), repairEstimate: (id) => maint().link.repairEstimate(id) },
    // a down machine's repair time from its stop history: performance's MTTR over the last 90 days (null without failures)
    repairTimes: {
      repairS: async (id, now) =>
        (await performance.performance.kpis({ equipment: id, from: now - 90 * 86_400_000, to: now, settings: DEFAULT_SETTINGS }).catch(() => null))?.mttr ??
        null,
    },
    // a running operation's remaining time from its counted parts (the terminal's view of it)
    running: {
      progress: async (orderId, seq) => {
        const v = await execution.floor.operationView(orderId, seq);
        return { remaining: v.remaining, idealCycleTimeS: v.standard.idealCycleTimeS, observedCycleTimeS: v.machine?.cycleTimeS ?? null };
      },
    },
  });
  const erp = await createErpModule(ctx, execution.floor, undefined, outbound);
  // last in the list, so stopped first: no reload starts on modules that are stopping
  const masterDataModule: TaktModule = {
    name: 'master-data',
    async stop() {
      for (const off of unsubscribe) off();
      await masterData.settled();
    },
  };
  quality = await createQualityModule(ctx, {
    plant: plant.equipment,
    lots: { lot: (id) => lots.lots.find(id) },
    dispositions: lots.dispositions,
    rework: reworkOperations,
    orders: orderBook,
    yields: { completed: (w, f) => yieldFigures.completed(ctx.db, w, f) },
    stations: { current: (station) => execution.floor.currentWork(station) },
    // defect codes are execution's scrap reasons: one catalogue
    defects: { ...scrapReasons, changed: () => execution.floor.reasonsChanged() },
    loop: {
      lots: lotHolds(lots.lots, ctx.db),
      operations: execution.holds,
      commands: connectors.commands,
      machines: { directory: collect.directory, contexts: collect.contexts, accepted: { onAccepted: collect.onAccepted } },
    },
  });
  // corrective maintenance reads the machines' stops (performance) and hears their state changes (collect)
  const stops: StopLookup = {
    stopsOf: async (equipmentId, from, to) => {
      const eq = collect.directory.byEquipmentId(equipmentId);
      if (eq?.level !== 'machine') return [];
      return performance.stops.list(equipmentId, from, to);
    },
    onStateChange: (listener) =>
      ctx.events.subscribe('collect.state', (e) => listener({ equipmentId: e.equipmentId, down: e.bucket === 'adet', since: e.since })),
    downNow: () =>
      collect.machines
        .machineStates()
        .filter((m) => m.bucket === 'adet' && m.since !== null)
        .map((m) => ({ equipmentId: m.eq.id, since: m.since! })),
  };
  const maintenanceModule = await createMaintenanceModule(ctx, {
    plant: plant.equipment,
    stops,
    // technician work issues spare parts from material lots through the lots ledger
    parts: spareParts(),
    // preventive plans count usage (shots, running hours, tonnes, conditions) from collect's stored data
    usage: machineUsage,
    // MTBF and MTTR for the maintenance KPIs: performance's ISO 22400 figures of the equipment and period
    reliability: {
      reliability: async (equipment, from, to) => {
        const k = await performance.performance.kpis({ equipment, from, to, settings: DEFAULT_SETTINGS }).catch(() => null);
        return k && { mtbfS: k.mtbf, mttrS: k.mttr, failures: Number(k.inputs.failures ?? 0) };
      },
    },
    // predictive maintenance: collect's one-minute means, performance's failure stops, its early-warning alerts
    predictive: {
      tags: {
        minuteMeans: async (equipmentId, tag, from, to) =>
          (await collect.collect.values(equipmentId, tag, from, to, true))
            .filter((p) => typeof p.value === 'number')
            .map((p) => ({ ts: Date.parse(p.ts), value: p.value as number })),
      },
      stops: {
        failures: async (equipmentId, from, to) =>
          (await performance.stops.list(equipmentId, from, to))
            .filter((s) => s.kind === 'failure')
            .map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end) }))
            .sort((a, b) => a.start - b.start),
      },
      // a warning is an alert of the early-warning path (stored, listed, acknowledged, live) until it is decided
      earlyWarning: {
        raise: async (w) =>
          void (await performance.externalAlerts.raise({
            id: w.id,
            source: `maintenance.monitor:${w.monitorId}`,
            label: `Condition monitor ${w.tag} (${w.method.toUpperCase()})`,
            link: '/maintenance/condition',
            equipmentId: w.equipmentId,
            severity: 'warning',
            message: w.message,
            value: w.value,
            threshold: w.limit,
            at: w.at,
          })),
        clear: async (c) => void (await performance.externalAlerts.clear(c.id, { at: c.at, by: c.by, reason: c.reason })),
      },
    },
  });
  maintenance = maintenanceModule;
  maintenanceMade = maintenanceModule;
  // preventive windows are planned downtime (PDOT) in the time model
  performance.performance.setMaintenanceWindows({ downtimeWindows: (from, to) => maint().link.downtimeWindows(from, to) });
  // the start that loaded the demo plant: its in-line characteristic and preventive plans (src/demo.ts)
  await seedDemoModules(ctx, quality, maintenanceModule);
  return [plant, collect, mqtt, connectors, execution, lots, performance, planning, erp, quality, maintenanceModule, masterDataModule];
}
