// The business modules that make up Takt, in the order they start; their routes follow the platform's own. Each
// module is made by its face's factory and receives ports (docs/architecture.md, "Modules and their ports"): the
// plant's equipment lookup, collect's observation sink, directory, machine view, order context and history,
// execution's order book, the lot ledger, the machine commands.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectModule } from './collect/index.ts';
import { createConnectorsModule, createMqttModule, type InstanceFolders } from './connectors/index.ts';
import { startDemoSimulator } from './demo.ts';
import { createErpModule } from './erp/index.ts';
import { createExecutionModule, orderBook, reworkOperations, scrapReasons, yieldFigures } from './execution/index.ts';
import { createLotsModule, lotHolds } from './lots/index.ts';
import { createMaintenanceModule } from './maintenance/index.ts';
import { createPerformanceModule } from './performance/index.ts';
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
  const lots = createLotsModule(ctx, { orders: orderBook, plant: plant.equipment });
  // quality is made after execution (its holds, shop floor, order book); execution asks quality's operator
  // qualification and blocking checks through these ports once quality exists (before any route is served)
  let quality: QualityModule | undefined;
  const made = (): QualityModule => {
    if (!quality) throw new Error('execution asked quality before quality was made');
    return quality;
  };
  const execution = await createExecutionModule(ctx, {
    plant: plant.equipment,
    machines: collect.machines,
    orderContext: collect.orderContext,
    history: collect.history,
    commands: connectors.commands,
    ledger: lots.ledger,
    qualifications: { missingForStation: (username, station) => made().qualifications.missingForStation(username, station) },
    checks: { blocking: (equipmentId) => made().checks.blocking(equipmentId) },
  });
  unsubscribe.push(masterData.subscribe('execution', () => execution.watch.reload()));
  const planning = await createPlanningModule(ctx, {
    plant: plant.equipment,
    machines: { machineStates: () => collect.machines.machineStates(), pathOf: (id) => collect.directory.byEquipmentId(id)?.path },
    orders: orderBook,
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
      machines: { directory: collect.directory, contexts: collect.contexts },
    },
  });
  const maintenance = await createMaintenanceModule(ctx, {
    plant: plant.equipment,
    // predictive maintenance: collect's one-minute means, performance's failure stops, its early-warning stream
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
      earlyWarning: {
        raise: (w) =>
          ctx.events.publish('performance.alert', {
            id: w.id,
            ruleId: `maintenance.monitor:${w.monitorId}`,
            equipmentId: w.equipmentId,
            severity: 'warning',
            state: 'raised',
            message: w.message,
            at: w.at,
          }),
      },
    },
  });
  return [plant, collect, mqtt, connectors, execution, lots, performance, planning, erp, quality, maintenance, masterDataModule];
}
