// Early warning: stored rules on KPIs and machine states, evaluated every 30 s (and 1 s after a state change for
// state rules) on the roll-ups through the KPI service — never on raw tag values. An alert is raised once per
// episode, cleared when the condition no longer holds (with hysteresis), acknowledged by a person, and published live.
// Other modules raise alerts of their own conditions on the same path (ExternalAlerts: a source instead of a rule,
// e.g. a predictive-maintenance warning), stored and listed alike and cleared by the module that raised them.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import type { EventMap } from '../platform/events.ts';
import { AppError, notFound, validationFailed } from '../platform/errors.ts';
import { z } from 'zod';
import {
  alertRuleSchema,
  decide,
  SEVERITIES,
  type Severity,
  describe,
  metricOf,
  scrapRise,
  secondsInState,
  type AlertRule,
  type Decision,
} from './alert-rules.ts';
import * as repo from './alerts.repository.ts';
import { computeKpis, DEFAULT_SETTINGS } from './kpis.ts';
import { loadRaw } from './performance.repository.ts';
import type { PerformanceService } from './performance.service.ts';
import type { MachineInfo } from './plant-view.ts';
import type { TimeTotals } from './time-model.ts';

export interface AlertOptions {
  /** How often every enabled rule is evaluated. */
  evaluateEveryMs: number;
}

export const DEFAULT_ALERT_OPTIONS: AlertOptions = { evaluateEveryMs: 30_000 };

export type RuleInput = Omit<AlertRule, 'id' | 'equipmentId'> & { equipment: string };

/** A rule as the API shows it: with the equipment it watches (null when that equipment is gone). */
export const publicAlertRuleSchema = alertRuleSchema.extend({
  equipment: z.object({ id: z.string(), path: z.string(), name: z.string(), level: z.string() }).nullable(),
});
export type PublicAlertRule = z.infer<typeof publicAlertRuleSchema>;

/** An alert as the API shows it: instants as ISO strings, with its machine's path and name. */
export const publicAlertSchema = repo.alertRowSchema.extend({
  path: z.string().nullable(),
  machine: z.string().nullable(),
  raisedAt: z.string(),
  clearedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  open: z.boolean(),
});
export type PublicAlert = z.infer<typeof publicAlertSchema>;

/** An alert another module raises on the early-warning path (its own condition, not a rule). */
export interface ExternalAlertInput {
  /** the episode's id (the raising module's own record, so it can clear it later) */
  id: string;
  /** what raised it, `<module>.<kind>:<id>` — e.g. `maintenance.monitor:<monitor id>` */
  source: string;
  /** shown where a rule's name would be, e.g. "Condition monitor meltTemperature (EWMA)" */
  label: string;
  /** the web page of the condition, e.g. /maintenance/condition */
  link: string | null;
  equipmentId: string;
  severity: Severity;
  message: string;
  value: number | null;
  threshold: number | null;
  at: number;
}

/**
 * The port performance offers other modules for their early warnings: stored in perf_alerts (one row per episode),
 * listed and acknowledged like a rule's alert, published live; the raising module clears it, never the evaluator.
 */
export interface ExternalAlerts {
  /** Opens the episode (false when an episode with this id exists); an open episode of the same source and machine ends first. */
  raise(a: ExternalAlertInput): Promise<boolean>;
  /** Ends the episode (false when it is unknown or ended already); `by`, a person who decided on it, is recorded as having seen it. */
  clear(id: string, c: { at: number; by: string | null; reason: string }): Promise<boolean>;
}

const SOURCE = /^[a-z][a-z0-9_.-]*:\S{1,160}$/;

export const evaluationSchema = z.object({ raised: z.number(), cleared: z.number() });

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export class AlertService implements ExternalAlerts {
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: Array<() => void> = [];
  private chain: Promise<unknown> = Promise.resolve();
  private stateTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Live stream listeners; null tells them Takt is shutting down (streams end so browsers reconnect elsewhere). */
  private listeners = new Set<(e: EventMap['performance.alert'] | null) => void>();

  constructor(
    private readonly ctx: AppContext,
    private readonly perf: PerformanceService,
    private readonly opts: AlertOptions = DEFAULT_ALERT_OPTIONS,
  ) {}

  start(): void {
    const run = (onlyStates: boolean) =>
      void this.evaluate(undefined, onlyStates).catch((err) => this.ctx.log.warn({ err }, 'performance: evaluating alert rules failed'));
    const tick = setInterval(() => run(false), this.opts.evaluateEveryMs);
    tick.unref();
    this.timers.push(tick);
    // a machine that resumes clears its "stopped longer than" alert within a second, not at the next tick
    this.unsubscribe.push(
      this.ctx.events.subscribe('performance.alert', (e) => {
        for (const l of this.listeners) l(e);
      }),
      this.ctx.events.subscribe('collect.state', () => {
        if (this.stateTimer || this.stopped) return;
        this.stateTimer = setTimeout(() => ((this.stateTimer = undefined), run(true)), 1000);
      }),
    );
  }

  subscribe(fn: (e: EventMap['performance.alert'] | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Ends the live streams (called when the server starts closing). */
  closing(): void {
    for (const l of this.listeners) l(null);
    this.listeners.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.stateTimer);
    await this.chain.catch(() => {});
  }

  // ------------------------------------------------------------------------------------------- evaluation

  /** Evaluates the enabled rules (or only the state rules) at `now`; one evaluation at a time. */
  evaluate(at?: number, onlyStates = false): Promise<{ raised: number; cleared: number }> {
    // a burst of state changes while an evaluation runs queues one state evaluation, not one per change
    if (onlyStates && this.queuedStates) return this.queuedStates;
    const next = this.chain.then(() => {
      if (onlyStates) this.queuedStates = undefined;
      return this.evaluateNow(at ?? Date.now(), onlyStates);
    });
    if (onlyStates) this.queuedStates = next;
    this.chain = next.catch(() => {});
    return next;
  }

  private queuedStates: Promise<{ raised: number; cleared: number }> | undefined;

  private async evaluateNow(now: number, onlyStates: boolean): Promise<{ raised: number; cleared: number }> {
    const db = this.ctx.db;
    const rules = await repo.listRules(db);
    const open = new Map((await repo.openAlerts(db)).map((a) => [`${a.ruleId}|${a.equipmentId}`, a.id]));
    const result = { raised: 0, cleared: 0 };
    const seen = new Set<string>();
    const touched: Array<{ id: string; value: number | null }> = [];
    // rules over the same machines and window share one read of the roll-ups
    const totals = new Map<string, Promise<Map<string, TimeTotals>>>();
    const read = (machines: MachineInfo[], from: number, to: number) => {
      const key = `${from}|${to}|${machines.map((m) => m.id).join(',')}`;
      if (!totals.has(key)) totals.set(key, this.perf.rollup.totals(machines, from, to, false));
      return totals.get(key)!;
    };
    if (!onlyStates) await this.perf.rollup.fold(); // late data first, so the values see every committed change
    for (const rule of rules) {
      if (onlyStates && rule.kind !== 'state_longer_than') {
        for (const key of open.keys()) if (key.startsWith(`${rule.id}|`)) seen.add(key);
        continue;
      }
      const machines = rule.enabled ? this.machinesOf(rule) : [];
      const values = machines.length ? await this.measure(rule, machines, now, read) : new Map<string, number | null>();
      for (const m of machines) {
        const key = `${rule.id}|${m.id}`;
        seen.add(key);
        const value = values.get(m.id) ?? null;
        const alertId = open.get(key);
        const d: Decision = decide(rule, value, alertId !== undefined);
        if (d === 'raise') {
          const id = randomUUID();
          const message = `${m.path}: ${describe(rule, value!)}`;
          if (
            await repo.raiseAlert(db, {
              id,
              ruleId: rule.id,
              equipmentId: m.id,
              severity: rule.severity,
              message,
              value: value!,
              threshold: rule.threshold,
              at: now,
            })
          ) {
            result.raised++;
            this.ctx.events.publish('performance.alert', {
              id,
              ruleId: rule.id,
              equipmentId: m.id,
              severity: rule.severity,
              state: 'raised',
              message,
              at: now,
            });
          }
        } else if (d === 'clear') {
          if (await this.clearRule(alertId!, rule, m.id, now, value)) result.cleared++;
        } else if (d === 'keep') touched.push({ id: alertId!, value });
      }
    }
    await repo.touchAlerts(this.ctx.database, touched);
    // episodes of rules that were disabled or deleted, or of machines no longer in a rule's scope, end now
    for (const [key, id] of open) {
      if (seen.has(key)) continue;
      const [ruleId, equipmentId] = key.split('|');
      if (
        await this.clearRule(
          id,
          rules.find((r) => r.id === ruleId),
          equipmentId,
          now,
          null,
        )
      )
        result.cleared++;
    }
    return result;
  }

  private async clearRule(id: string, rule: AlertRule | undefined, equipmentId: string, now: number, value: number | null): Promise<boolean> {
    if (!(await repo.clearAlert(this.ctx.db, id, now, value))) return false;
    const m = this.perf.view.machine(equipmentId);
    this.ctx.events.publish('performance.alert', {
      id,
      ruleId: rule?.id ?? '',
      equipmentId,
      severity: rule?.severity ?? 'info',
      state: 'cleared',
      message: `${m?.path ?? equipmentId}: ${rule?.name ?? 'rule'} no longer holds`,
      at: now,
    });
    return true;
  }

  private machinesOf(rule: AlertRule): MachineInfo[] {
    try {
      return this.perf.view.machinesUnder(this.perf.view.find(rule.equipmentId));
    } catch {
      return []; // the equipment was deleted: the rule watches nothing
    }
  }

  /** The rule's value per machine at `now` (null: nothing to judge, e.g. no planned time in the window). */
  private async measure(
    rule: AlertRule,
    machines: MachineInfo[],
    now: number,
    read: (machines: MachineInfo[], from: number, to: number) => Promise<Map<string, TimeTotals>>,
  ): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    const w = rule.windowS * 1000;
    if (rule.kind === 'state_longer_than') {
      // enough history to tell whether the run is longer than the threshold
      const raw = await loadRaw(
        this.perf.history,
        this.ctx.database,
        machines.map((m) => m.id),
        now - rule.threshold * 1000 - 60_000,
        now,
        0,
      );
      for (const m of machines) out.set(m.id, secondsInState(raw.get(m.id)!.states, now, rule.state!));
      return out;
    }
    const recent = await read(machines, now - w, now);
    if (rule.kind === 'scrap_rising') {
      const before = await read(machines, now - 2 * w, now - w);
      for (const m of machines) out.set(m.id, scrapRise(computeKpis(recent.get(m.id)!, DEFAULT_SETTINGS), computeKpis(before.get(m.id)!, DEFAULT_SETTINGS)));
      return out;
    }
    for (const m of machines) out.set(m.id, metricOf(computeKpis(recent.get(m.id)!, DEFAULT_SETTINGS), rule.metric!));
    return out;
  }

  // ------------------------------------------------------------------------------------------- other modules' alerts

  async raise(a: ExternalAlertInput): Promise<boolean> {
    const bad = [
      ...(SOURCE.test(a.source) ? [] : [{ path: 'source', message: "'<module>.<kind>:<id>', e.g. maintenance.monitor:<uuid>" }]),
      ...(a.label.trim() && a.label.length <= 200 ? [] : [{ path: 'label', message: '1–200 characters' }]),
      ...(a.message.trim() ? [] : [{ path: 'message', message: 'required' }]),
      ...(z.uuid().safeParse(a.equipmentId).success ? [] : [{ path: 'equipmentId', message: "the machine's id (a uuid)" }]),
      ...(SEVERITIES.includes(a.severity) ? [] : [{ path: 'severity', message: `one of ${SEVERITIES.join(', ')}` }]),
      ...(Number.isFinite(a.at) ? [] : [{ path: 'at', message: 'an instant (epoch ms)' }]),
    ];
    if (bad.length) throw validationFailed('an external alert needs its source, label, message, machine, severity and instant', bad);
    // a new episode of the source means its previous one on this machine is over
    for (const old of await repo.openOfSource(this.ctx.db, a.source, a.equipmentId))
      if (old !== a.id) await this.clear(old, { at: a.at, by: null, reason: 'a new episode began' });
    if (!(await repo.raiseExternal(this.ctx.db, a))) return false;
    this.ctx.events.publish('performance.alert', {
      id: a.id,
      ruleId: a.source,
      equipmentId: a.equipmentId,
      severity: a.severity,
      state: 'raised',
      message: a.message,
      at: a.at,
    });
    return true;
  }

  async clear(id: string, c: { at: number; by: string | null; reason: string }): Promise<boolean> {
    const a = await repo.getAlert(this.ctx.db, id);
    if (!a?.source || !(await repo.clearAcknowledged(this.ctx.db, id, c.at, c.by))) return false;
    const m = this.perf.view.machine(a.equipmentId);
    this.ctx.events.publish('performance.alert', {
      id,
      ruleId: a.source,
      equipmentId: a.equipmentId,
      severity: a.severity,
      state: 'cleared',
      message: `${m?.path ?? a.equipmentId}: ${a.ruleName} — ${c.reason}`,
      at: c.at,
    });
    return true;
  }

  // ------------------------------------------------------------------------------------------- rules

  private publicRule(r: AlertRule): PublicAlertRule {
    let equipment: { id: string; path: string; name: string; level: string } | null = null;
    try {
      const e = this.perf.view.find(r.equipmentId);
      equipment = { id: e.id, path: e.path, name: e.name, level: e.level };
    } catch {
      equipment = null;
    }
    return { ...r, equipment };
  }

  async rules() {
    return (await repo.listRules(this.ctx.db)).map((r) => this.publicRule(r));
  }

  private check(input: RuleInput): AlertRule {
    const eq = this.perf.view.find(input.equipment);
    const kpi = input.kind === 'kpi_below' || input.kind === 'kpi_above';
    if (kpi && !input.metric) throw validationFailed('a KPI rule names its metric', [{ path: 'metric', message: 'required for kpi_below / kpi_above' }]);
    if (input.kind === 'state_longer_than' && !input.state)
      throw validationFailed('a state rule names the state', [{ path: 'state', message: 'required for state_longer_than' }]);
    if (input.kind === 'state_longer_than' && input.threshold <= 0)
      throw validationFailed('the threshold is a duration in seconds', [{ path: 'threshold', message: 'must be > 0 s' }]);
    if (kpi && (input.threshold < 0 || input.threshold > 10))
      throw validationFailed('a KPI threshold is a ratio (0.85 = 85 %)', [{ path: 'threshold', message: 'must be between 0 and 10' }]);
    return {
      id: '',
      name: input.name,
      kind: input.kind,
      metric: kpi ? input.metric : null,
      state: input.kind === 'state_longer_than' ? input.state : null,
      equipmentId: eq.id,
      threshold: input.threshold,
      hysteresis: input.hysteresis,
      windowS: input.windowS,
      severity: input.severity,
      enabled: input.enabled,
    };
  }

  async createRule(actor: Actor, input: RuleInput) {
    const rule = { ...this.check(input), id: randomUUID() };
    await this.ctx.db.transaction(async (tx) => {
      await repo.insertRule(tx, rule, actor.name);
      await appendAudit(tx, actor, { action: 'create', entity: 'alert_rule', entityId: rule.id, after: rule });
    });
    return this.publicRule(rule);
  }

  async updateRule(actor: Actor, id: string, input: RuleInput) {
    const rule = { ...this.check(input), id };
    await this.ctx.db.transaction(async (tx) => {
      const before = await repo.getRule(tx, id, true);
      if (!before) throw notFound('alert rule', id);
      await repo.updateRule(tx, rule);
      await appendAudit(tx, actor, { action: 'update', entity: 'alert_rule', entityId: id, before, after: rule });
    });
    return this.publicRule(rule);
  }

  async deleteRule(actor: Actor, id: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const before = await repo.getRule(tx, id, true);
      if (!before) throw notFound('alert rule', id);
      await repo.deleteRule(tx, id);
      await appendAudit(tx, actor, { action: 'delete', entity: 'alert_rule', entityId: id, before });
    });
  }

  // ------------------------------------------------------------------------------------------- alerts

  private publicAlert(a: repo.AlertRow): PublicAlert {
    const m = this.perf.view.machine(a.equipmentId);
    return {
      ...a,
      path: m?.path ?? null,
      machine: m?.name ?? null,
      raisedAt: iso(a.raisedAt)!,
      clearedAt: iso(a.clearedAt),
      acknowledgedAt: iso(a.acknowledgedAt),
      open: a.clearedAt === null,
    };
  }

  async alerts(f: {
    status: 'open' | 'all';
    equipment?: string;
    ruleId?: string;
    source?: string;
    severity?: string;
    from?: number;
    to?: number;
    limit?: number;
  }) {
    const equipmentIds = f.equipment ? this.perf.view.machinesUnder(this.perf.view.find(f.equipment)).map((m) => m.id) : undefined;
    if (equipmentIds && !equipmentIds.length) return [];
    const rows = await repo.listAlerts(this.ctx.db, {
      open: f.status === 'open',
      equipmentIds,
      ruleId: f.ruleId,
      source: f.source,
      severity: f.severity,
      from: f.from,
      to: f.to,
      limit: f.limit ?? 500,
    });
    return rows.map((a) => this.publicAlert(a));
  }

  /** A person has seen the alert (it stays open until its condition ends); audited. */
  async acknowledge(actor: Actor, id: string) {
    await this.ctx.db.transaction(async (tx) => {
      const before = await repo.getAlert(tx, id);
      if (!before) throw notFound('alert', id);
      if (before.acknowledgedAt !== null) throw new AppError('conflict', `alert '${id}' was acknowledged by ${before.acknowledgedBy} already`);
      await repo.acknowledgeAlert(tx, id, actor.name);
      await appendAudit(tx, actor, {
        action: 'acknowledge',
        entity: 'alert',
        entityId: id,
        before: { acknowledgedBy: null },
        after: { acknowledgedBy: actor.name },
      });
    });
    const a = (await repo.getAlert(this.ctx.db, id))!;
    this.ctx.events.publish('performance.alert', {
      id,
      ruleId: a.ruleId,
      equipmentId: a.equipmentId,
      severity: a.severity,
      state: 'acknowledged',
      message: a.message,
      at: Date.now(),
    });
    return this.publicAlert(a);
  }
}
