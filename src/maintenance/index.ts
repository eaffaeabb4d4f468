// The maintenance module's face (docs/maintenance.md): work orders — corrective and preventive, their life cycle,
// who did what and when.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import type { PredictiveDeps } from './predictive/ports.ts';
import { predictiveRoutes } from './predictive/predictive.routes.ts';
import { PredictiveService } from './predictive/predictive.service.ts';
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
export { TECHNICIANS, WORK_ORDER_ENTITY, WorkOrderService, type WorkOrderInput } from './work-orders/work-orders.service.ts';

// predictive maintenance (src/maintenance/predictive)
export type { EarlyWarning, PredictiveDeps, StopHistory, TagReader } from './predictive/ports.ts';
export { PredictiveService } from './predictive/predictive.service.ts';

export interface MaintenanceDeps {
  /** the equipment a work order is for, by id or ISA-95 path */
  plant: EquipmentLookup;
  /** predictive maintenance: collected tag values, stop history, the early-warning path */
  predictive: PredictiveDeps;
}

export interface MaintenanceModule extends TaktModule {
  workOrders: WorkOrderService;
  predictive: PredictiveService;
}

export async function createMaintenanceModule(ctx: AppContext, deps: MaintenanceDeps): Promise<MaintenanceModule> {
  const workOrders = new WorkOrderService(ctx, deps.plant);
  const predictive = new PredictiveService(ctx, deps.plant, deps.predictive, {
    open: async (actor, input) => (await workOrders.open(actor, input)).workOrder,
  });
  predictive.start();
  return {
    name: 'maintenance',
    workOrders,
    predictive,
    routes: (fastify) => {
      workOrderRoutes(fastify, workOrders);
      predictiveRoutes(fastify, predictive);
    },
    stop: () => predictive.stop(),
  };
}
