// The maintenance module's face (docs/maintenance.md): work orders — corrective and preventive, their life cycle,
// who did what and when.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { createCorrective, type StopLookup, type UnderRepair } from './corrective/index.ts';
import type { SpareParts } from './technician/ports.ts';
import { technicianRoutes } from './technician/technician.routes.ts';
import { TechnicianService } from './technician/technician.service.ts';
import type { PlanUsage } from './preventive/ports.ts';
import { planRoutes } from './preventive/plans.routes.ts';
import { PlanService } from './preventive/plans.service.ts';
import { maintenanceKpiRoutes } from './kpis/kpis.routes.ts';
import { MaintenanceKpiService, type ReliabilityFigures } from './kpis/kpis.service.ts';
import { MaintenanceLink } from './planning-link/windows.ts';
import type { PredictiveDeps } from './predictive/ports.ts';
import { predictiveRoutes } from './predictive/predictive.routes.ts';
import { PredictiveService } from './predictive/predictive.service.ts';
import { workOrderRoutes } from './work-orders/work-orders.routes.ts';
import { WorkOrderService } from './work-orders/work-orders.service.ts';

export type { MaintenanceEvents } from './events.ts';
export type { StopFact, StopLookup, UnderRepair } from './corrective/index.ts';
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
// preventive plans (src/maintenance/preventive)
export { CONTRACT_BASES, PLAN_BASES, PLAN_STATUSES, type MachineDue, type Plan, type PlanBasis, type PlanStatus } from './preventive/model.ts';
export type { PlanUsage, UsageFigure, UsageWindow } from './preventive/ports.ts';
export { PLAN_EDITORS } from './preventive/plans.routes.ts';
export { PLAN_ENTITY, PlanService, type NextDue, type PlanWithDue } from './preventive/plans.service.ts';
export { TECHNICIANS, WORK_ORDER_ENTITY, WorkOrderService, type WorkOrderInput } from './work-orders/work-orders.service.ts';

// technician work (docs/maintenance.md "Technician work"): the MTTR split for KPIs and the scheduler, the SpareParts port
export {
  FAILURE_CODE_FIELDS,
  LABOUR_STOP_REASONS,
  mttrSplit,
  type FailureCodes,
  type LabourEntry,
  type MttrFigures,
  type MttrSplit,
  type SparePart,
} from './technician/model.ts';
export type { SpareParts } from './technician/ports.ts';
export { TechnicianService, type MachineMttr, type TechnicianWork } from './technician/technician.service.ts';
// predictive maintenance (src/maintenance/predictive)
export type { EarlyWarning, PredictiveDeps, StopHistory, TagReader } from './predictive/ports.ts';
export { createMonitor, PredictiveService, type MonitorInput } from './predictive/predictive.service.ts';
export { monitorParamsSchema, type Monitor, type MonitorParams } from './predictive/model.ts';

export interface MaintenanceDeps {
  /** the equipment a work order is for, by id or ISA-95 path */
  plant: EquipmentLookup;
  /** the machines' stops and state changes (performance, collect): breakdowns open corrective work orders */
  stops?: StopLookup;
  /** spare parts issued from material lots through the lots ledger (lots' `spareParts()`) */
  parts: SpareParts;
  /** machine usage from collected data for usage-based preventive plans (collect's `machineUsage`) */
  usage: PlanUsage;
  /** how often the plans' due work orders are generated in the background (default 5 minutes; 0: never) */
  planGenerateEveryMs?: number;
  /** performance's MTBF and MTTR of a piece of equipment over a period (the maintenance KPIs) */
  reliability?: ReliabilityFigures;
  /** predictive maintenance: collected tag values, stop history, the early-warning path */
  predictive: PredictiveDeps;
}

export interface MaintenanceModule extends TaktModule {
  workOrders: WorkOrderService;
  /** the machine's corrective work order in progress, if it is under repair (execution's RepairGate) */
  underRepair(equipmentId: string): Promise<UnderRepair | null>;
  /** technician work; `technician.mttr(id)` and `technician.machineMttr(equipment, from, to)` give the MTTR split */
  technician: TechnicianService;
  plans: PlanService;
  /** planned windows and repair estimates for the plan and the time model (bound to their ports in src/modules.ts) */
  link: MaintenanceLink;
  predictive: PredictiveService;
}

export async function createMaintenanceModule(ctx: AppContext, deps: MaintenanceDeps): Promise<MaintenanceModule> {
  const workOrders = new WorkOrderService(ctx, deps.plant);
  const corrective = createCorrective(ctx, deps.plant, workOrders, deps.stops);
  const technician = new TechnicianService(ctx, workOrders, deps.parts, deps.plant);
  const link = new MaintenanceLink(() => ctx.db);
  const kpis = new MaintenanceKpiService(ctx, deps.plant, deps.reliability, (scope, from, to) => technician.splitOf(scope, from, to));
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
  const predictive = new PredictiveService(ctx, deps.plant, deps.predictive, {
    open: async (actor, input) => (await workOrders.open(actor, input)).workOrder,
  });
  predictive.start();
  return {
    name: 'maintenance',
    workOrders,
    underRepair: corrective.underRepair,
    technician,
    plans,
    link,
    predictive,
    routes: (fastify) => {
      workOrderRoutes(fastify, workOrders);
      corrective.routes(fastify);
      technicianRoutes(fastify, technician);
      planRoutes(fastify, plans);
      maintenanceKpiRoutes(fastify, kpis);
      predictiveRoutes(fastify, predictive);
    },
    async stop() {
      if (timer) clearInterval(timer);
      offDone();
      await corrective.stop();
      await plans.settled();
      await predictive.stop();
    },
  };
}
