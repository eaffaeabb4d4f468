// The maintenance module's face (docs/maintenance.md): work orders — corrective and preventive, their life cycle,
// who did what and when.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import type { PlanUsage } from './preventive/ports.ts';
import { planRoutes } from './preventive/plans.routes.ts';
import { PlanService } from './preventive/plans.service.ts';
import { workOrderRoutes } from './work-orders/work-orders.routes.ts';
import { WorkOrderService } from './work-orders/work-orders.service.ts';

export type { MaintenanceEvents } from './events.ts';
export {
  canMove,
  OPEN_STATUSES,
  TRANSITIONS as WORK_ORDER_TRANSITIONS,
  WORK_ORDER_KINDS,
  WORK_ORDER_ORIGINS,
  WORK_ORDER_PRIORITIES,
  WORK_ORDER_STATUSES,
  type WorkOrder,
  type WorkOrderDetail,
  type WorkOrderKind,
  type WorkOrderOrigin,
  type WorkOrderPriority,
  type WorkOrderStatus,
  type WorkOrderStep,
} from './work-orders/model.ts';
export { WORK_ORDER_DECIDERS } from './work-orders/work-orders.routes.ts';
// preventive plans (src/maintenance/preventive)
export { CONTRACT_BASES, PLAN_BASES, PLAN_STATUSES, type MachineDue, type Plan, type PlanBasis, type PlanStatus } from './preventive/model.ts';
export type { PlanUsage, UsageFigure, UsageWindow } from './preventive/ports.ts';
export { PLAN_EDITORS } from './preventive/plans.routes.ts';
export { PLAN_ENTITY, PlanService, type NextDue, type PlanWithDue } from './preventive/plans.service.ts';
export { TECHNICIANS, WORK_ORDER_ENTITY, WorkOrderService, type WorkOrderInput } from './work-orders/work-orders.service.ts';

export interface MaintenanceDeps {
  /** the equipment a work order is for, by id or ISA-95 path */
  plant: EquipmentLookup;
  /** machine usage from collected data for usage-based preventive plans (collect's `machineUsage`) */
  usage: PlanUsage;
  /** how often the plans' due work orders are generated in the background (default 5 minutes; 0: never) */
  planGenerateEveryMs?: number;
}

export interface MaintenanceModule extends TaktModule {
  workOrders: WorkOrderService;
  plans: PlanService;
}

export async function createMaintenanceModule(ctx: AppContext, deps: MaintenanceDeps): Promise<MaintenanceModule> {
  const workOrders = new WorkOrderService(ctx, deps.plant);
  // preventive plans: "last done" kept when a plan's work order is done; due work orders generated periodically
  const plans = new PlanService(ctx, deps.plant, deps.usage, workOrders);
  const offDone = ctx.events.subscribe('maintenance.workOrder', (e) => {
    if (e.status === 'done' && e.kind === 'preventive')
      plans.recordDone(e.id).catch((err: unknown) => ctx.log.error({ err, workOrder: e.id }, 'recording a preventive plan as done failed'));
  });
  const every = deps.planGenerateEveryMs ?? 300_000;
  const timer =
    every > 0
      ? setInterval(() => {
          plans.generate().catch((err: unknown) => ctx.log.error({ err }, 'generating preventive work orders failed'));
        }, every)
      : undefined;
  timer?.unref();
  return {
    name: 'maintenance',
    workOrders,
    plans,
    routes: (fastify) => {
      workOrderRoutes(fastify, workOrders);
      planRoutes(fastify, plans);
    },
    async stop() {
      if (timer) clearInterval(timer);
      offDone();
      await plans.settled();
    },
  };
}
