// The planning module's face: schedule versions of the released orders from the scheduling engine, publishing into the
// dispatch lists, repairs (move, machine down, rush order) and the automatic proposals.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { OrderBook } from '../execution/index.ts';
import { planningRoutes } from './planning.routes.ts';
import { DEFAULT_PLANNING_OPTIONS, PlanningService, type PlanningOptions } from './planning.service.ts';
import type { MachineStateSource } from './snapshot.ts';
import { PlanWatcher } from './watch.ts';

export { PlanningService, DEFAULT_PLANNING_OPTIONS, type PlanningOptions, type StoredModel } from './planning.service.ts';
export type { MachineStateSource } from './snapshot.ts';
export type { Assignment, AssignmentDiff, Kpis, LateOrder, Moved, Risk } from './result.ts';
export type { VersionRow, VersionStatus } from './planning.repository.ts';

export interface PlanningModule extends TaktModule {
  planning: PlanningService;
}

/** `orders` is execution's order book; `states` gives the machines' current state buckets and `pathOf` turns an equipment id into its path (collect). */
export async function createPlanningModule(
  ctx: AppContext,
  states: (MachineStateSource & { registry: { byEquipmentId(id: string): { path: string } | undefined } }) | undefined,
  orders: OrderBook,
  opts: Partial<PlanningOptions> = {},
): Promise<PlanningModule> {
  const planning = new PlanningService(ctx, states, orders, { ...DEFAULT_PLANNING_OPTIONS, ...opts });
  await planning.start();
  const watcher = new PlanWatcher(ctx, planning, (id) => states?.registry.byEquipmentId(id)?.path);
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
