// The performance module's face: ISO 22400 time model and KPIs, roll-ups, downtime reasons, early warning.
import type { FastifyInstance } from 'fastify';
import type { CollectHistory, RewriteListener } from '../collect/index.ts';
import type { OrderBook } from '../execution/index.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import { alertRoutes } from './alerts.routes.ts';
import { AlertService, DEFAULT_ALERT_OPTIONS, type AlertOptions, type ExternalAlerts } from './alerts.service.ts';
import { analysisRoutes } from './analysis.routes.ts';
import { OrderKpis } from './by-order.ts';
import { markRewritten } from './performance.repository.ts';
import { performanceRoutes } from './performance.routes.ts';
import { DEFAULT_OPTIONS, PerformanceService, type PerformanceOptions } from './performance.service.ts';
import { StopService } from './stops.ts';

export { computeKpis, DEFAULT_SETTINGS, type KpiSettings, type Kpis } from './kpis.ts';
export { computeTimeModel, derivedTimes, type TimeTotals } from './time-model.ts';
export { PerformanceService, type Figures } from './performance.service.ts';
export { AlertService, type ExternalAlertInput, type ExternalAlerts, type PublicAlert, type PublicAlertRule } from './alerts.service.ts';
export type { AlertRule, RuleKind, RuleMetric, Severity } from './alert-rules.ts';
export type { AlarmMapping } from './alarm-reasons.ts';
export type { BottleneckFigures } from './bottleneck.ts';
export type { BottleneckResult, KpiGroupsResult, KpiResult } from './schemas.ts';
export type { Pareto, ReasonRow, StopView } from './stops.ts';
export type { PerformanceEvents } from './events.ts';
export type { ProductResolver } from './plant-view.ts';
export type { MaintenanceWindowSource } from './maintenance-windows.ts';

export interface PerformanceModule extends TaktModule {
  performance: PerformanceService;
  stops: StopService;
  alerts: AlertService;
  /** the early-warning path for other modules' conditions (a predictive-maintenance warning): raise and clear */
  externalAlerts: ExternalAlerts;
}

/** The ports performance receives. */
export interface PerformanceDeps {
  plant: EquipmentLookup;
  /** collect tells the roll-ups, inside its own transactions, which stretches of raw history changed */
  onRewritten(listener: RewriteListener): () => void;
  /** collect's history port, the only way performance reads the machines' states, counts and alarm values */
  history: CollectHistory;
  /** execution's order book: an order's product when the machine's data does not name it */
  orders: Pick<OrderBook, 'summaries'>;
}

export async function createPerformanceModule(
  ctx: AppContext,
  deps: PerformanceDeps,
  opts: Partial<PerformanceOptions & AlertOptions> = {},
): Promise<PerformanceModule> {
  // stays registered after this module stops: collect's last flush at shutdown must still mark what it rewrote
  deps.onRewritten((q, ranges) => markRewritten(q, ranges, Date.now()));
  const performance = new PerformanceService(ctx, deps.history, deps.plant, { ...DEFAULT_OPTIONS, ...opts });
  await performance.start();
  const stops = new StopService(ctx, performance);
  const alerts = new AlertService(ctx, performance, { ...DEFAULT_ALERT_OPTIONS, ...opts });
  alerts.start();
  const byOrder = new OrderKpis(ctx, performance, deps.orders);
  return {
    name: 'performance',
    performance,
    stops,
    alerts,
    externalAlerts: { raise: (a) => alerts.raise(a), clear: (id, c) => alerts.clear(id, c) },
    routes: (app: FastifyInstance) => {
      performanceRoutes(performance, stops)(app);
      alertRoutes(alerts)(app);
      analysisRoutes(performance, stops, byOrder)(app);
    },
    closing: () => alerts.closing(),
    stop: async () => {
      await alerts.stop();
      await performance.stop();
    },
  };
}
