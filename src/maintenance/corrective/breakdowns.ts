// Automatic corrective work orders (docs/maintenance.md "Corrective work orders"): when a machine goes into unplanned
// downtime, a timer waits for its threshold; then, if the stop lasted (or still lasts) that long, a corrective work
// order opens with the machine, the stop, its alarm code and reason — once per stop: the machine's stop start is looked
// up first (one indexed row) and the unique index of migration 0028 refuses a second one.
import { SYSTEM_ACTOR } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import type { WorkOrderDetail } from '../work-orders/model.ts';
import { breakdownOrderOf } from '../work-orders/work-orders.repository.ts';
import type { WorkOrderService } from '../work-orders/work-orders.service.ts';
import type { StopFact, StopLookup } from './ports.ts';
import type { BreakdownSettingsService } from './settings.ts';

/** The stop named by `stopId` (its ISO start) among the machine's: 400 when it is not a time, 404 when no stop starts then. */
export async function findStop(stops: StopLookup, equipmentId: string, stopId: string): Promise<StopFact> {
  const start = Date.parse(stopId);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(stopId) || Number.isNaN(start))
    throw validationFailed(`stopId '${stopId}' is not a stop's start (an ISO 8601 time, as GET /api/performance/stops gives it)`, [
      { path: 'stopId', message: 'an ISO 8601 time' },
    ]);
  const found = (await stops.stopsOf(equipmentId, start - 1, start + 1)).find(
    (s) => s.equipmentId === equipmentId && Math.abs(Date.parse(s.start) - start) < 1,
  );
  if (!found) throw notFound('stop of this equipment starting at', stopId);
  return found;
}

export const describeStop = (s: StopFact, path: string): string =>
  `Breakdown of ${path} since ${s.start}${s.alarmCode ? `, alarm ${s.alarmCode}` : ''}${s.reason ? `: ${s.reason}` : ''}`;

const LOOKBACK_MS = 15 * 60_000;

export class BreakdownWatch {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private unsubscribe: (() => void) | undefined;
  private busy: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly stops: StopLookup,
    private readonly settings: BreakdownSettingsService,
    private readonly workOrders: WorkOrderService,
  ) {}

  start(): void {
    this.unsubscribe = this.stops.onStateChange((e) => {
      if (e.down) this.schedule(e.equipmentId, e.since);
      // back up (or data that arrived late, all at once): the stops that just ended may have lasted long enough
      else
        this.serial(async () => {
          await this.check(e.equipmentId, e.since);
        });
    });
    // machines already down when maintenance starts (a restart during a breakdown)
    for (const m of this.stops.downNow()) this.schedule(m.equipmentId, m.since);
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    return this.busy;
  }

  /** Checks the machine once its stop since `since` reaches the threshold (now when it has already). */
  private schedule(equipmentId: string, since: number, thresholdS?: number): void {
    if (this.stopped) return;
    const pending = this.timers.get(equipmentId);
    const plan = (threshold: number) => {
      const at = since + threshold * 1000;
      const current = this.timers.get(equipmentId);
      if (current && current.at <= at) return; // an earlier check is already planned: it reschedules if need be
      if (current) clearTimeout(current.timer);
      const timer = setTimeout(
        () => {
          this.timers.delete(equipmentId);
          this.serial(async () => {
            await this.check(equipmentId, since);
          });
        },
        Math.max(0, at - Date.now()),
      );
      timer.unref();
      this.timers.set(equipmentId, { at, timer });
    };
    if (thresholdS !== undefined) return plan(thresholdS);
    if (pending && pending.at <= since) return;
    this.serial(async () => {
      const t = await this.settings.thresholdFor(equipmentId);
      if (t.enabled) plan(t.thresholdS);
    });
  }

  private serial(job: () => Promise<void>): void {
    this.busy = this.busy.then(job).catch((err) => this.ctx.log.warn({ err }, 'maintenance: checking a breakdown failed'));
  }

  /** Opens the work orders of the machine's stops since `since` that reached the threshold; waits for an ongoing shorter one. */
  async check(equipmentId: string, since: number): Promise<WorkOrderDetail[]> {
    if (this.stopped) return [];
    const t = await this.settings.thresholdFor(equipmentId);
    if (!t.enabled) return [];
    const now = Date.now();
    // stops reaching into the last LOOKBACK_MS before `since`: a stop is listed whole however long ago it began (Held,
    // then Stopped), and data delivered late in one batch may hold several stops before its last state
    const stops = await this.stops.stopsOf(equipmentId, since - LOOKBACK_MS, now + 1);
    const opened: WorkOrderDetail[] = [];
    for (const s of stops) {
      if (s.equipmentId !== equipmentId) continue;
      if (s.durationS < t.thresholdS) {
        if (s.ongoing) this.schedule(equipmentId, Date.parse(s.start), t.thresholdS);
        continue;
      }
      const w = await this.openFor(s);
      if (w) opened.push(w);
    }
    return opened;
  }

  /** The stop's corrective work order, opened automatically unless the stop has one already. */
  private async openFor(s: StopFact): Promise<WorkOrderDetail | undefined> {
    const stopStart = new Date(s.start);
    if (await breakdownOrderOf(this.ctx.db, s.equipmentId, stopStart)) return undefined;
    const { workOrder, created } = await this.workOrders.open(SYSTEM_ACTOR, {
      equipment: s.equipmentId,
      kind: 'corrective',
      description: describeStop(s, s.path),
      origin: 'breakdown',
      stopId: s.start,
      stopStart,
      alarmCode: s.alarmCode,
      stopReason: s.reason,
    });
    if (created) this.ctx.log.info({ workOrder: workOrder.id, equipmentId: s.equipmentId, stop: s.start }, 'maintenance: breakdown opened a work order');
    return created ? workOrder : undefined;
  }
}
