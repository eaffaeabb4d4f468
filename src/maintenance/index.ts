// The maintenance module's face (docs/maintenance.md): work orders — corrective and preventive, their life cycle,
// who did what and when.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { maintenanceKpiRoutes } from './kpis/kpis.routes.ts';
import { MaintenanceKpiService, type ReliabilityFigures } from './kpis/kpis.service.ts';
import { MaintenanceLink } from './planning-link/windows.ts';
import { workOrderRoutes } from './work-orders/work-orders.routes.ts';
import { WorkOrderService } from './work-orders/work-orders.service.ts';

export type { MaintenanceEvents } from './events.ts';
export { MaintenanceLink, type MaintenanceWindow } from './planning-link/windows.ts';
export { AGE_CLASSES, maintenanceKpis, type KpiWorkOrder, type MaintenanceKpis } from './kpis/kpis.ts';
export type { ReliabilityFigures } from './kpis/kpis.service.ts';
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

export interface MaintenanceDeps {
  /** the equipment a work order is for, by id or ISA-95 path */
  plant: EquipmentLookup;
  /** performance's MTBF and MTTR of a piece of equipment over a period (the maintenance KPIs) */
  reliability?: ReliabilityFigures;
}

export interface MaintenanceModule extends TaktModule {
  workOrders: WorkOrderService;
  /** planned windows and repair estimates for the plan and the time model (bound to their ports in src/modules.ts) */
  link: MaintenanceLink;
}

export async function createMaintenanceModule(ctx: AppContext, deps: MaintenanceDeps): Promise<MaintenanceModule> {
  const workOrders = new WorkOrderService(ctx, deps.plant);
  const link = new MaintenanceLink(() => ctx.db);
  const kpis = new MaintenanceKpiService(ctx, deps.plant, deps.reliability);
  return {
    name: 'maintenance',
    workOrders,
    link,
    routes: (fastify) => {
      workOrderRoutes(fastify, workOrders);
      maintenanceKpiRoutes(fastify, kpis);
    },
  };
}
