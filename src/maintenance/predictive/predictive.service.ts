// Predictive maintenance (docs/maintenance.md "Predictive maintenance"): monitors on process tags, evaluated every
// few minutes; a monitor's alarm episode raises one warning (through the early-warning port and the event
// 'maintenance.warning') that proposes a work order with its evidence; a person accepts it (the work order is opened
// and linked) or dismisses it, and a dismissed episode is not raised again. The warning's early-warning alert is
// cleared when it is decided, when its episode ends, or when its monitor is disabled or deleted. Reliability: a Weibull fit of a
// machine's times between failures.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import { type Analysis, analyse, baselineOf, type Monitor, type MonitorMethod, type MonitorParams, type WarningState } from './model.ts';
import type { PredictiveDeps, WorkOrderOpener } from './ports.ts';
import * as repo from './predictive.repository.ts';
import { fitWeibull, type WeibullFit } from './weibull.ts';

export const MONITOR_ENTITY = 'maintenance.monitor';
export const WARNING_ENTITY = 'maintenance.warning';
const H = 3600_000;

export interface MonitorInput {
  equipment: string;
  tag: string;
  method: MonitorMethod;
  min: number | null;
  max: number | null;
  params: MonitorParams;
  enabled: boolean;
}

export interface Reliability {
  equipment: string;
  from: string;
  to: string;
  failures: number;
  /** hours from the end of one failure to the start of the next */
  timesBetweenFailuresH: number[];
  weibull: WeibullFit;
  reading: string;
}

const fmt = (h: number | null) => (h === null ? 'beyond the horizon' : `${h.toFixed(1)} h`);

export class PredictiveService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly plant: EquipmentLookup,
    private readonly deps: PredictiveDeps,
    private readonly workOrders: WorkOrderOpener,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }

  /** Evaluates every `everyMs` (default 5 min) until stop(). */
  start(everyMs = 5 * 60_000): void {
    this.timer = setInterval(() => void this.evaluate().catch((err) => this.ctx.log.warn({ err }, 'maintenance: evaluating monitors failed')), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => {});
  }

  monitors(equipmentId?: string): Promise<Monitor[]> {
    return repo.listMonitors(this.db, equipmentId);
  }

  async monitor(id: string): Promise<Monitor> {
    const m = await repo.getMonitor(this.db, id);
    if (!m) throw notFound('monitor', id);
    return m;
  }

  createMonitor(actor: Actor, input: MonitorInput): Promise<Monitor> {
    return createMonitor(this.db, this.plant, actor, input);
  }

  async updateMonitor(actor: Actor, id: string, patch: Partial<Pick<MonitorInput, 'min' | 'max' | 'params' | 'enabled'>>): Promise<Monitor> {
    const before = await this.monitor(id);
    const next = { min: before.min, max: before.max, params: before.params, enabled: before.enabled, ...patch };
    checkLimits(next);
    await this.db.transaction(async (tx) => {
      await repo.updateMonitor(tx, id, next);
      await appendAudit(tx, actor, { action: 'update', entity: MONITOR_ENTITY, entityId: id, before, after: next });
    });
    if (before.enabled && !next.enabled) await this.endMonitorAlert(id, 'monitor disabled');
    return this.monitor(id);
  }

  async deleteMonitor(actor: Actor, id: string): Promise<void> {
    const before = await this.monitor(id);
    const ongoing = await repo.ongoingWarning(this.db, id);
    await this.db.transaction(async (tx) => {
      await repo.deleteMonitor(tx, id);
      await appendAudit(tx, actor, { action: 'delete', entity: MONITOR_ENTITY, entityId: id, before });
    });
    // its warnings went with it: so does the ongoing episode's alert
    if (ongoing) await this.clearAlert({ id: ongoing.id, at: Date.now(), by: null, reason: 'monitor deleted' });
  }

  /** The monitor's chart: its bucket means, the detector's statistic and episodes, and the trend forecast band. */
  async chart(id: string, now = Date.now()): Promise<{ monitor: Monitor; analysis: Analysis }> {
    const m = await this.monitor(id);
    const means = await this.deps.tags.minuteMeans(m.equipmentId, m.tag, now - m.params.lookbackH * H, now);
    return { monitor: m, analysis: analyse(m, means) };
  }

  /** One evaluation of every enabled monitor at `now`: raises new episodes, ends those back to normal. */
  evaluate(now = Date.now()): Promise<{ raised: number; ended: number }> {
    const run = this.running.then(() => this.evaluateNow(now));
    this.running = run.catch(() => {});
    return run;
  }

  private async evaluateNow(now: number): Promise<{ raised: number; ended: number }> {
    const out = { raised: 0, ended: 0 };
    for (const m of await repo.listMonitors(this.db)) {
      if (!m.enabled) continue;
      const { analysis: a } = await this.chart(m.id, now);
      if (a.points.length === 0) continue; // no data is not "back to normal": an episode ends only on values
      const ongoing = await repo.ongoingWarning(this.db, m.id);
      if (!a.alarmNow) {
        if (ongoing) {
          await repo.endEpisode(this.db, ongoing.id, now);
          await this.clearAlert({ id: ongoing.id, at: now, by: null, reason: 'back to normal' });
          out.ended++;
        }
        continue;
      }
      // the same excursion (open, accepted or dismissed) is one warning: never raised twice
      if (ongoing || a.onset === null) continue;
      const f = a.forecast;
      const trendText = f?.limit != null ? `; the trend reaches ${f.limit} in ${fmt(f.hours)} (95 % band ${fmt(f.earliestHours)} – ${fmt(f.latestHours)})` : '';
      const message = `${m.equipment} ${m.tag}: ${m.method.toUpperCase()} alarm since ${new Date(a.onset).toISOString()}${trendText}`;
      const evidence = { method: m.method, limits: { min: m.min, max: m.max }, baseline: a.baseline, points: a.points.slice(-200), forecast: f };
      const w = await repo.insertWarning(this.db, {
        id: randomUUID(),
        monitorId: m.id,
        equipmentId: m.equipmentId,
        episodeStart: a.onset,
        message,
        evidence,
        at: now,
      });
      if (!w) continue;
      out.raised++;
      const last = a.points[a.points.length - 1];
      await this.deps.earlyWarning
        .raise({
          id: w.id,
          monitorId: m.id,
          equipmentId: m.equipmentId,
          tag: m.tag,
          method: m.method,
          message,
          value: last.value,
          limit: f?.limit ?? (last.value > a.baseline.mean ? m.max : m.min) ?? m.max ?? m.min,
          at: now,
        })
        .catch((err) => this.ctx.log.warn({ err }, `maintenance: warning ${w.id} did not reach the early-warning path`));
      this.ctx.events.publish('maintenance.warning', { id: w.id, monitorId: m.id, equipmentId: m.equipmentId, state: 'raised', workOrderId: null, at: now });
    }
    return out;
  }

  async warnings(f: { state?: WarningState; equipment?: string; limit: number }): Promise<repo.Warning[]> {
    const equipmentId = f.equipment ? (await this.plant.getEquipment(f.equipment)).id : undefined;
    return repo.listWarnings(this.db, { state: f.state, equipmentId, limit: f.limit });
  }

  async warning(id: string): Promise<repo.Warning> {
    const w = await repo.getWarning(this.db, id);
    if (!w) throw notFound('warning', id);
    return w;
  }

  /** Accepts an open warning: opens the work order with the evidence's summary and links it. */
  async accept(actor: Actor, id: string, input: { kind: 'corrective' | 'preventive'; description?: string }): Promise<repo.Warning> {
    const w = await this.warning(id);
    if (w.state !== 'open') throw new AppError('conflict', `warning ${id} is already ${w.state}`);
    const m = await this.monitor(w.monitorId);
    const description = input.description ?? `Predictive warning: ${w.message}`.slice(0, 2000);
    const wo = await this.workOrders.open(actor, { equipment: m.equipmentId, kind: input.kind, description, origin: 'predictive', planId: w.id });
    await this.decide(actor, id, { state: 'accepted', workOrderId: wo.id, reason: null });
    return this.warning(id);
  }

  /** Dismisses an open warning; its episode is not raised again. */
  async dismiss(actor: Actor, id: string, reason: string): Promise<repo.Warning> {
    await this.decide(actor, id, { state: 'dismissed', workOrderId: null, reason });
    return this.warning(id);
  }

  private async decide(actor: Actor, id: string, d: { state: 'accepted' | 'dismissed'; workOrderId: string | null; reason: string | null }) {
    const w = await this.db.transaction(async (tx) => {
      const before = await repo.getWarning(tx, id, true);
      if (!before) throw notFound('warning', id);
      if (before.state !== 'open') throw new AppError('conflict', `warning ${id} is already ${before.state}`);
      await repo.decideWarning(tx, id, { ...d, by: actor.name });
      await appendAudit(tx, actor, {
        action: d.state === 'accepted' ? 'accept' : 'dismiss',
        entity: WARNING_ENTITY,
        entityId: id,
        before,
        after: d,
        reason: d.reason,
      });
      return before;
    });
    const at = Date.now();
    this.ctx.events.publish('maintenance.warning', {
      id,
      monitorId: w.monitorId,
      equipmentId: w.equipmentId,
      state: d.state,
      workOrderId: d.workOrderId,
      at,
    });
    const reason = d.state === 'accepted' ? `accepted, work order ${d.workOrderId} opened` : `dismissed: ${d.reason}`;
    await this.clearAlert({ id, at, by: actor.name, reason });
  }

  /** Ends a warning's early-warning alert; the warning itself is stored already, so a failure is logged, not thrown. */
  private async clearAlert(c: { id: string; at: number; by: string | null; reason: string }): Promise<void> {
    await this.deps.earlyWarning.clear(c).catch((err) => this.ctx.log.warn({ err }, `maintenance: the alert of warning ${c.id} was not cleared`));
  }

  /** A disabled monitor is no longer evaluated: its ongoing episode's alert ends now. */
  private async endMonitorAlert(monitorId: string, reason: string): Promise<void> {
    const ongoing = await repo.ongoingWarning(this.db, monitorId);
    if (ongoing) await this.clearAlert({ id: ongoing.id, at: Date.now(), by: null, reason });
  }

  /** The Weibull view of a machine's times between failures over the last `days` days. */
  async reliability(equipment: string, days: number, now = Date.now()): Promise<Reliability> {
    const eq = await this.plant.getEquipment(equipment);
    const from = now - days * 24 * H;
    const stops = await this.deps.stops.failures(eq.id, from, now);
    const tbf: number[] = [];
    for (let i = 1; i < stops.length; i++) tbf.push(Math.max(0, stops[i].start - stops[i - 1].end) / H);
    const weibull = fitWeibull(tbf);
    return {
      equipment: eq.path,
      from: new Date(from).toISOString(),
      to: new Date(now).toISOString(),
      failures: stops.length,
      timesBetweenFailuresH: tbf,
      weibull,
      reading: readingOf(weibull),
    };
  }
}

/**
 * Creates a monitor (audited; 409 when the machine has this method on this tag already). The service's route uses it,
 * and so does the demo, which adds its monitor before the modules start (src/demo.ts).
 */
export async function createMonitor(db: Db, plant: EquipmentLookup, actor: Actor, input: MonitorInput): Promise<Monitor> {
  const eq = await plant.getEquipment(input.equipment).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'not_found')
      throw validationFailed(`equipment '${input.equipment}' does not exist`, [{ path: 'equipment', message: 'no such equipment in the plant model' }]);
    throw err;
  });
  checkLimits(input);
  const made = await db.transaction(async (tx) => {
    const m = await repo.insertMonitor(tx, randomUUID(), { ...input, equipmentId: eq.id, equipmentPath: eq.path }, actor.name);
    if (m) await appendAudit(tx, actor, { action: 'create', entity: MONITOR_ENTITY, entityId: m.id, after: m });
    return m;
  });
  if (!made) throw new AppError('conflict', `${eq.path} already has a ${input.method} monitor on ${input.tag}`);
  return made;
}

function readingOf(w: WeibullFit): string {
  if (!w.ok) return w.reason;
  const b = w.beta.toFixed(2);
  if (w.beta < 0.9) return `β ${b} < 1: failures come early (infant mortality, bad repairs) — preventive replacement would not help`;
  if (w.beta <= 1.1) return `β ${b} ≈ 1: failures come at random — condition monitoring, not age-based replacement`;
  return `β ${b} > 1: wear-out — failures get likelier with running time; preventive or predictive work pays`;
}

function checkLimits(m: { min: number | null; max: number | null; params: MonitorParams }) {
  if (m.min === null && m.max === null) throw validationFailed('a monitor needs a limit', [{ path: 'max', message: 'give min, max or both' }]);
  if (m.min !== null && m.max !== null && m.min >= m.max) throw validationFailed('min must be below max', [{ path: 'min', message: 'must be below max' }]);
  try {
    baselineOf(m);
  } catch {
    throw validationFailed('with one limit the baseline must be given', [{ path: 'params.sd', message: 'give params.mean and params.sd' }]);
  }
}
