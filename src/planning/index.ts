// The planning module's face: schedule versions of the released orders from the scheduling engine, publishing into the
// dispatch lists, repairs (move, machine down, rush order) and the automatic proposals.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { OrderBook } from '../execution/index.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { planningRoutes } from './planning.routes.ts';
import { DEFAULT_PLANNING_OPTIONS, PlanningService, type PlanningOptions } from './planning.service.ts';
import type { MaintenancePlanning, RepairTimes, RunningProgress } from './ports.ts';
import type { MachineStateSource } from './snapshot.ts';
import { PlanWatcher } from './watch.ts';

export { PlanningService, DEFAULT_PLANNING_OPTIONS, type PlanningOptions, type StoredModel } from './planning.service.ts';
export type { MachineStateSource } from './snapshot.ts';
export type { DownBasis, MaintenancePlanning, RemainingBasis, RepairTimes, RunningProgress } from './ports.ts';
export type { Assignment, AssignmentDiff, Kpis, LateOrder, Moved, Risk } from './result.ts';
export type { Reason as VersionReason, VersionRow, VersionStatus } from './planning.repository.ts';
export type { VersionDetail } from './planning.service.ts';

export interface PlanningModule extends TaktModule {
  planning: PlanningService;
}

/** The ports planning receives; without `machines` a plan knows no machine as down unless told. */
export interface PlanningDeps {
  plant: EquipmentLookup;
  /** collect's machines now: their state buckets, and an equipment id's path (collect's directory) */
  machines?: MachineStateSource & { pathOf(equipmentId: string): string | undefined };
  /** execution's order book: the orders to plan, and the plan publication into the dispatch lists */
  orders: OrderBook;
  /** maintenance's planned windows (kept free of work) and corrective repair estimates (a down machine's repair time) */
  maintenance?: MaintenancePlanning;
  /** a machine's repair time from its stop history (MTTR), when no work order estimates it */
  repairTimes?: RepairTimes;
  /** execution's live counts of operations in progress: their remaining time from the parts still to make */
  running?: RunningProgress;
}

export async function createPlanningModule(ctx: AppContext, deps: PlanningDeps, opts: Partial<PlanningOptions> = {}): Promise<PlanningModule> {
  const { plant, machines, orders, maintenance, repairTimes, running } = deps;
  const planning = new PlanningService(ctx, plant, machines, orders, { ...DEFAULT_PLANNING_OPTIONS, ...opts }, { maintenance, repairTimes, running });
  await planning.start();
  const watcher = new PlanWatcher(ctx, planning, (id) => machines?.pathOf(id));
  watcher.start();
  return {
    name: 'planning',
    planning,
    routes: planningRoutes(planning),
    async stop() {
      watcher.stop();
      await planning.stop();
    },
  };
}
