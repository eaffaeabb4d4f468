// Preventive plans: kept (create, change, delete — audited as 'maintenance.plan'), their next due point per machine
// from the usage port, the plans due within their lead, the generation of their preventive work orders (one per due
// point, idempotent) and "last done" kept when such a work order is done. docs/maintenance.md "Preventive plans".
import { appendAudit } from '../../platform/audit/audit.service.ts';
import { SYSTEM_ACTOR, type Actor } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import type { WorkOrderService } from '../work-orders/work-orders.service.ts';
import {
  contractBasis,
  dueKey,
  doneRecord,
  isUsageBasis,
  machineDue,
  usageFrom,
  type ContractBasis,
  type DoneRecord,
  type MachineDue,
  type Plan,
  type Reading,
} from './model.ts';
import type { PlanUsage } from './ports.ts';
import * as repo from './plans.repository.ts';
import { planFields, type PlanInput } from './validate.ts';

export const PLAN_ENTITY = 'maintenance.plan';

export interface PlanWithDue extends Plan {
  machines: MachineDue[];
}

export interface NextDue {
  due: string | null;
  dueAtUsage: number | null;
  basis: ContractBasis;
}

export interface GenerateResult {
  created: Array<{ planId: string; equipmentId: string; workOrderId: string; duePoint: string }>;
  /** due points whose work order was generated before */
  existing: number;
  /** due points whose work order could not be opened (e.g. the plan's machine left the plant model), with why */
  failed: Array<{ planId: string; equipmentId: string; reason: string }>;
}

type Machine = { id: string; path: string };

export class PlanService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly plant: EquipmentLookup,
    private readonly usage: PlanUsage,
    private readonly workOrders: WorkOrderService,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }

  async get(id: string): Promise<PlanWithDue> {
    const plan = await repo.getPlan(this.db, id);
    if (!plan) throw notFound('maintenance plan', id);
    return { ...plan, machines: await this.dueOf(plan, Date.now()) };
  }

  async list(): Promise<PlanWithDue[]> {
    const now = Date.now();
    const plans = await repo.listPlans(this.db);
    return Promise.all(plans.map(async (p) => ({ ...p, machines: await this.dueOf(p, now) })));
  }

  history(id: string) {
    return Promise.all([repo.doneHistory(this.db, id), repo.occurrences(this.db, id)]).then(([done, occurrences]) => ({ done, occurrences }));
  }

  async create(actor: Actor, input: PlanInput): Promise<PlanWithDue> {
    const fields = await planFields(this.plant, input);
    const made = await this.db.transaction(async (tx) => {
      const row = await repo.insertPlan(tx, fields, actor.name);
      await appendAudit(tx, actor, { action: 'create', entity: PLAN_ENTITY, entityId: row.id, after: row });
      return row;
    });
    return this.get(made.id);
  }

  /** Replaces what the plan says (the whole definition, as the form sends it); its done history stays. */
  async update(actor: Actor, id: string, input: PlanInput, reason: string | null): Promise<PlanWithDue> {
    const before = await repo.getPlan(this.db, id);
    if (!before) throw notFound('maintenance plan', id);
    const fields = await planFields(this.plant, input, new Date(before.startAt));
    await this.db.transaction(async (tx) => {
      const locked = await repo.getPlan(tx, id, true);
      if (!locked) throw notFound('maintenance plan', id);
      await repo.updatePlan(tx, id, fields);
      await appendAudit(tx, actor, { action: 'update', entity: PLAN_ENTITY, entityId: id, before: locked, after: fields, reason });
    });
    return this.get(id);
  }

  async remove(actor: Actor, id: string, reason: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.getPlan(tx, id, true);
      if (!before) throw notFound('maintenance plan', id);
      await repo.deletePlan(tx, id);
      await appendAudit(tx, actor, { action: 'delete', entity: PLAN_ENTITY, entityId: id, before, reason });
    });
  }

  /**
   * The external contract: the plan's next due point. A plan on an equipment class answers for `equipment` (id or
   * path of one of its machines) or, without it, for the machine that is nearest its due point.
   */
  async nextDue(id: string, equipment?: string): Promise<NextDue> {
    const plan = await repo.getPlan(this.db, id);
    if (!plan) throw notFound('maintenance plan', id);
    let machines = await this.dueOf(plan, Date.now());
    if (equipment) {
      const e = await this.plant.getEquipment(equipment);
      machines = machines.filter((m) => m.equipmentId === e.id);
      if (!machines.length) throw new AppError('not_found', `maintenance plan ${id} is not for equipment '${equipment}'`);
    }
    const pick = nearest(machines);
    return { due: pick?.due ?? null, dueAtUsage: pick?.dueAtUsage ?? null, basis: contractBasis(plan.basis) };
  }

  /** Active plans' machines within their lead time or later (soon, due, overdue), nearest first. */
  async due(): Promise<Array<{ plan: Plan; machine: MachineDue }>> {
    const now = Date.now();
    const out: Array<{ plan: Plan; machine: MachineDue }> = [];
    for (const plan of await repo.listPlans(this.db, { active: true }))
      for (const m of await this.dueOf(plan, now)) if (m.status !== 'ok') out.push({ plan, machine: m });
    return out.sort((a, b) => rank(b.machine) - rank(a.machine));
  }

  /**
   * Opens a preventive work order for every due point within its plan's lead time that has none yet. A due point
   * is claimed before its work order is opened (unique per plan, machine and due point), so two generators at once
   * or a second call never make a second one.
   */
  generate(actor: Actor = SYSTEM_ACTOR): Promise<GenerateResult> {
    const run = this.queue.then(() => this.generateNow(actor));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async generateNow(actor: Actor): Promise<GenerateResult> {
    const result: GenerateResult = { created: [], existing: 0, failed: [] };
    for (const { plan, machine } of await this.due()) {
      const key = dueKey(plan, machine);
      if (!key) continue;
      const occurrence = { planId: plan.id, equipmentId: machine.equipmentId, duePoint: key, dueAt: machine.due, dueUsage: machine.dueAtUsage };
      if (!(await repo.claimOccurrence(this.db, occurrence))) {
        result.existing++;
        continue;
      }
      try {
        const { workOrder } = await this.workOrders.open(actor, {
          equipment: machine.equipmentId,
          kind: 'preventive',
          origin: 'plan',
          planId: plan.id,
          description: describe(plan, machine),
          estimateMinutes: plan.estimateMinutes,
        });
        await repo.setOccurrenceOrder(this.db, occurrence, workOrder.id);
        result.created.push({ planId: plan.id, equipmentId: machine.equipmentId, workOrderId: workOrder.id, duePoint: key });
      } catch (err) {
        // the due point is free again for the next run; the other plans are generated all the same
        await repo.releaseOccurrence(this.db, occurrence);
        if (!(err instanceof AppError)) throw err;
        result.failed.push({ planId: plan.id, equipmentId: machine.equipmentId, reason: err.message });
      }
    }
    return result;
  }

  /** Records a done work order in the background (the bus's handler); `settled()` waits for it. */
  recordDone(workOrderId: string): Promise<boolean> {
    const p = this.workOrderDone(workOrderId);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  /** Resolves once the generation under way and every done work order heard of are recorded. */
  async settled(): Promise<void> {
    await Promise.allSettled([this.queue, ...this.pending]);
  }

  /** A preventive work order from a plan was done: the plan's "last done" on its machine (once per work order). */
  async workOrderDone(workOrderId: string): Promise<boolean> {
    const wo = await this.workOrders.get(workOrderId);
    if (!wo.planId || wo.kind !== 'preventive' || !wo.doneAt) return false;
    const plan = await repo.getPlan(this.db, wo.planId);
    if (!plan) return false;
    const last = (await repo.lastDone(this.db, plan.id)).get(wo.equipmentId) ?? null;
    const at = Date.parse(wo.doneAt);
    const reading = (await this.readings(plan, [{ id: wo.equipmentId, path: wo.equipment }], new Map(last ? [[wo.equipmentId, last]] : []), at, false)).get(
      wo.equipmentId,
    );
    const by = wo.steps.findLast((s) => s.to === 'done')?.by ?? 'system';
    const record = doneRecord(plan, last, { equipmentId: wo.equipmentId, workOrderId: wo.id, at, usageSinceFrom: reading?.usage ?? 0, by });
    return repo.insertDone(this.db, plan.id, record);
  }

  /** The machines a plan is for: its machine, or every piece of equipment of its class. */
  private async machinesOf(plan: Plan): Promise<Machine[]> {
    if (plan.equipmentId) return [{ id: plan.equipmentId, path: plan.equipment ?? plan.equipmentId }];
    const all = await this.plant.listEquipment();
    return all.filter((e) => e.equipmentClass === plan.equipmentClass).map((e) => ({ id: e.id, path: e.path }));
  }

  private async dueOf(plan: Plan, now: number): Promise<MachineDue[]> {
    const machines = await this.machinesOf(plan);
    const last = await repo.lastDone(this.db, plan.id);
    const readings = await this.readings(plan, machines, last, now, true);
    return machines.map((m) => machineDue(plan, m, last.get(m.id) ?? null, readings.get(m.id), now));
  }

  /** One usage query for all the plan's machines, each counted from its last done (or the plan's start) until `to`. */
  private async readings(plan: Plan, machines: Machine[], last: Map<string, DoneRecord>, to: number, withTarget: boolean): Promise<Map<string, Reading>> {
    const q = this.ctx.database;
    if (plan.basis === 'calendar' || !machines.length) return new Map();
    const windows = machines.map((m) => {
      const l = last.get(m.id) ?? null;
      const from = usageFrom(plan, l);
      const target = withTarget && isUsageBasis(plan.basis) ? from.anchorUsage + (plan.interval ?? 0) - from.usage : null;
      return { equipmentId: m.id, from: from.at, target: target === null ? null : target * unitFactor(plan) };
    });
    if (plan.basis === 'condition') {
      const got = await this.usage.conditionSince(q, plan.counterTag!, plan.conditionOp!, plan.conditionLimit!, windows, to);
      return new Map([...got].map(([id, c]) => [id, { usage: 0, reachedAt: null, since: c.since, last: c.last }]));
    }
    const got =
      plan.basis === 'hours'
        ? await this.usage.runningHours(q, windows, to)
        : await this.usage.counterUsage(q, plan.counterTag ?? 'good', windows, to, plan.rollover);
    const factor = unitFactor(plan);
    return new Map([...got].map(([id, u]) => [id, { usage: u.usage / factor, reachedAt: u.reachedAt }]));
  }
}

/** Counter units per plan unit: a tonnes plan on a counter in kg counts 1000 per tonne. */
const unitFactor = (plan: Plan): number => (plan.basis === 'tonnes' && plan.counterUnit === 'kg' ? 1000 : 1);

/** How near its due point a machine is: the share of the interval used, a met condition first. */
const rank = (m: MachineDue): number => (m.status === 'ok' && m.progress === null ? -1 : m.progress === null ? Number.POSITIVE_INFINITY : m.progress);

function nearest(machines: MachineDue[]): MachineDue | undefined {
  return [...machines].sort((a, b) => rank(b) - rank(a) || (a.due ?? '').localeCompare(b.due ?? ''))[0];
}

function describe(plan: Plan, m: MachineDue): string {
  const when =
    plan.basis === 'calendar'
      ? `due ${m.due}`
      : plan.basis === 'condition'
        ? `condition met ${m.due}`
        : `due at ${round(m.dueAtUsage!)} ${unitName(plan)} (now ${round(m.usage!)})`;
  const text = `${plan.name} (${plan.id}, ${when})${plan.tasks ? `\n${plan.tasks}` : ''}`;
  return text.slice(0, 2000);
}

const round = (n: number) => Math.round(n * 100) / 100;
const unitName = (plan: Plan) => ({ cycles: 'cycles', hours: 'running hours', tonnes: 'tonnes' })[plan.basis as 'cycles'];
