// The performance module's face: ISO 22400 time model and KPIs, roll-ups, downtime reasons.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import { performanceRoutes } from './performance.routes.ts';
import { DEFAULT_OPTIONS, PerformanceService, type PerformanceOptions } from './performance.service.ts';
import { StopService } from './stops.ts';

export { computeKpis, DEFAULT_SETTINGS, type KpiSettings, type Kpis } from './kpis.ts';
export { computeTimeModel, derivedTimes, type TimeTotals } from './time-model.ts';
export { PerformanceService } from './performance.service.ts';
export type { ProductResolver } from './plant-view.ts';

export interface PerformanceModule extends TaktModule {
  performance: PerformanceService;
  stops: StopService;
}

export async function createPerformanceModule(ctx: AppContext, opts: Partial<PerformanceOptions> = {}): Promise<PerformanceModule> {
  const performance = new PerformanceService(ctx, { ...DEFAULT_OPTIONS, ...opts });
  await performance.start();
  const stops = new StopService(ctx, performance);
  return {
    name: 'performance',
    performance,
    stops,
    routes: performanceRoutes(performance, stops),
    stop: () => performance.stop(),
  };
}
