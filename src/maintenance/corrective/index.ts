// Corrective maintenance put together: the breakdown threshold, the watch that opens work orders for long breakdowns,
// the `stopId` check of a person's work order, and "under repair". docs/maintenance.md "Corrective work orders".
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import type { WorkOrderService } from '../work-orders/work-orders.service.ts';
import { BreakdownWatch, findStop } from './breakdowns.ts';
import { correctiveRoutes } from './corrective.routes.ts';
import type { StopLookup } from './ports.ts';
import { BreakdownSettingsService } from './settings.ts';
import { underRepair, type UnderRepair } from './under-repair.ts';

export type { StopFact, StopLookup } from './ports.ts';
export type { UnderRepair } from './under-repair.ts';

export interface Corrective {
  settings: BreakdownSettingsService;
  watch: BreakdownWatch | undefined;
  underRepair(equipmentId: string): Promise<UnderRepair | null>;
  routes(app: FastifyInstance): void;
  stop(): Promise<void>;
}

/** Without a stop lookup (no machine data), people still open corrective orders, without a `stopId` check. */
export function createCorrective(ctx: AppContext, plant: EquipmentLookup, workOrders: WorkOrderService, stops: StopLookup | undefined): Corrective {
  const settings = new BreakdownSettingsService(ctx, plant);
  let watch: BreakdownWatch | undefined;
  if (stops) {
    workOrders.checkStopsWith(async (equipmentId, stopId) => {
      const s = await findStop(stops, equipmentId, stopId);
      return { stopStart: new Date(s.start), alarmCode: s.alarmCode, stopReason: s.reason };
    });
    watch = new BreakdownWatch(ctx, stops, settings, workOrders);
    watch.start();
  }
  return {
    settings,
    watch,
    underRepair: (equipmentId) => underRepair(ctx.db, equipmentId),
    routes: (app) => correctiveRoutes(app, settings, () => ctx.db),
    stop: async () => watch?.stop(),
  };
}
