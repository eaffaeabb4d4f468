// Maintenance work orders: open (by a person, from a breakdown, a plan or a warning), list, read, change and move
// through the life cycle (model.ts). Every change is one transaction with its step and its audit entry (entity
// 'maintenance.work_order'); the bus hears of it after the commit. docs/maintenance.md "Work orders".
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor, Role } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import {
  canMove,
  OPEN_STATUSES,
  TRANSITIONS,
  type WorkOrder,
  type WorkOrderDetail,
  type WorkOrderKind,
  type WorkOrderOrigin,
  type WorkOrderPriority,
  type WorkOrderStatus,
} from './model.ts';
import * as repo from './work-orders.repository.ts';

export const WORK_ORDER_ENTITY = 'maintenance.work_order';

/** Who may carry out the work (start, finish): maintenance people and admins. */
export const TECHNICIANS: readonly Role[] = ['maintenance', 'admin'];

export interface WorkOrderInput {
  equipment: string;
  kind: WorkOrderKind;
  description: string;
  priority?: WorkOrderPriority;
  origin?: WorkOrderOrigin;
  stopId?: string | null;
  stopStart?: Date | null;
  alarmCode?: string | null;
  stopReason?: string | null;
  planId?: string | null;
  plannedStart?: Date | null;
  plannedEnd?: Date | null;
  estimateMinutes?: number | null;
  assignee?: string | null;
}

export type WorkOrderPatch = Omit<repo.WorkOrderChange, 'status'>;

/** What a stop named by `stopId` fills in (corrective/breakdowns.ts findStop: 400 not a time, 404 not a stop of the machine). */
export type StopPrefill = (equipmentId: string, stopId: string) => Promise<{ stopStart: Date; alarmCode: string | null; stopReason: string | null }>;
/**
 * A check another part of maintenance makes on every move, inside the move's transaction with the order locked
 * (technician work: a corrective order needs its failure codes to be done). It refuses by throwing.
 */
export type MoveGuard = (tx: Db, before: WorkOrder, to: WorkOrderStatus, actor: Actor) => Promise<void>;

export class WorkOrderService {
  private readonly guards: MoveGuard[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly plant: EquipmentLookup,
  ) {}

  private prefill: StopPrefill | undefined;

  /** Corrective maintenance tells the service how a `stopId` is checked and what it fills in (corrective/index.ts). */
  checkStopsWith(prefill: StopPrefill): void {
    this.prefill = prefill;
  }

  private get db(): Db {
    return this.ctx.db;
  }

  /** Adds a guard every move passes after the transition and role checks (MoveGuard). */
  guardMoves(guard: MoveGuard): void {
    this.guards.push(guard);
  }

  async get(id: string): Promise<WorkOrderDetail> {
    const row = await repo.getWorkOrder(this.db, id);
    if (!row) throw notFound('work order', id);
    return { ...row, steps: await repo.stepsOf(this.db, id) };
  }

  /** Newest first; `equipment` by id or path (unknown: 404), `status` one or several. */
  async list(f: { equipment?: string; status?: readonly WorkOrderStatus[]; kind?: WorkOrderKind; assignee?: string; limit: number }): Promise<WorkOrder[]> {
    const equipmentId = f.equipment ? (await this.plant.getEquipment(f.equipment)).id : undefined;
    return repo.listWorkOrders(this.db, { ...f, equipmentId });
  }

  /** The open work orders of a machine (requested … in progress). */
  openFor(equipmentId: string): Promise<WorkOrder[]> {
    return repo.listWorkOrders(this.db, { equipmentId, status: OPEN_STATUSES, limit: 1000 });
  }

  /**
   * Opens a work order. The equipment must exist (400 naming `equipment`). A breakdown's order is opened once per
   * stop: a second call for the same machine and stop start answers the existing one with `created: false`.
   */
  async open(actor: Actor, input: WorkOrderInput): Promise<{ workOrder: WorkOrderDetail; created: boolean }> {
    const equipment = await this.plant.getEquipment(input.equipment).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found')
        throw validationFailed(`equipment '${input.equipment}' does not exist`, [{ path: 'equipment', message: 'no such equipment in the plant model' }]);
      throw err;
    });
    checkWindow(input.plannedStart ?? null, input.plannedEnd ?? null);
    if (input.stopId && input.stopStart == null && this.prefill) {
      const stop = await this.prefill(equipment.id, input.stopId);
      input = { ...input, stopStart: stop.stopStart, alarmCode: input.alarmCode ?? stop.alarmCode, stopReason: input.stopReason ?? stop.stopReason };
    }
    const fields: repo.NewWorkOrder = {
      kind: input.kind,
      equipmentId: equipment.id,
      equipmentPath: equipment.path,
      description: input.description,
      priority: input.priority ?? (input.kind === 'corrective' ? 'high' : 'normal'),
      origin: input.origin ?? 'manual',
      stopId: input.stopId ?? null,
      stopStart: input.stopStart ?? null,
      alarmCode: input.alarmCode ?? null,
      stopReason: input.stopReason ?? null,
      planId: input.planId ?? null,
      plannedStart: input.plannedStart ?? null,
      plannedEnd: input.plannedEnd ?? null,
      estimateMinutes: input.estimateMinutes ?? null,
      assignee: input.assignee ?? null,
    };
    const made = await this.db.transaction(async (tx) => {
      const row = await repo.insertWorkOrder(tx, fields, actor.name);
      if (!row) return undefined;
      await repo.insertStep(tx, row.id, null, row.status, actor.name, null);
      await appendAudit(tx, actor, { action: 'create', entity: WORK_ORDER_ENTITY, entityId: row.id, after: row });
      return row;
    });
    if (!made) {
      // the breakdown already has its work order (unique per machine and stop start)
      const existing = fields.stopStart ? await repo.breakdownOrderOf(this.db, equipment.id, fields.stopStart) : undefined;
      if (!existing) throw new AppError('conflict', 'the work order could not be stored');
      if (fields.origin === 'manual')
        throw new AppError('conflict', `the stop of ${equipment.path} at ${existing.stopStart} has work order ${existing.id} (${existing.status}) already`, {
          workOrder: existing.id,
        });
      return { workOrder: await this.get(existing.id), created: false };
    }
    this.publish(made, null, actor.name);
    return { workOrder: await this.get(made.id), created: true };
  }

  /** Changes what the work order says (not its status). A finished or cancelled one does not change. */
  async update(actor: Actor, id: string, patch: WorkOrderPatch, reason: string | null): Promise<WorkOrderDetail> {
    const changed = await this.db.transaction(async (tx) => {
      const before = await this.lock(tx, id);
      if (before.status === 'verified' || before.status === 'cancelled')
        throw new AppError('conflict', `work order ${id} is ${before.status} and does not change any more`);
      checkWindow(
        patch.plannedStart === undefined ? dateOf(before.plannedStart) : patch.plannedStart,
        patch.plannedEnd === undefined ? dateOf(before.plannedEnd) : patch.plannedEnd,
      );
      await repo.updateWorkOrder(tx, before, patch);
      await appendAudit(tx, actor, { action: 'update', entity: WORK_ORDER_ENTITY, entityId: id, before, after: patch, reason });
      return before;
    });
    const after = await this.get(id);
    // a changed window or estimate matters to the plan and the time model: they hear of it like of a move
    this.publish(after, changed.status, actor.name);
    return after;
  }

  /**
   * Moves a work order to another status (TRANSITIONS). Scheduling needs a planned window; starting and finishing
   * need a technician (maintenance or admin); verifying needs someone other than who finished it, unless an admin.
   */
  async move(actor: Actor, roles: readonly Role[], id: string, to: WorkOrderStatus, reason: string | null, window?: WorkOrderPatch): Promise<WorkOrderDetail> {
    const moved = await this.db.transaction(async (tx) => {
      const before = await this.lock(tx, id);
      if (!canMove(before.status, to)) {
        const allowed = TRANSITIONS[before.status];
        throw new AppError(
          'conflict',
          `work order ${id} is ${before.status}: it can move to ${allowed.length ? allowed.join(', ') : 'nothing any more'}, not ${to}`,
        );
      }
      if ((to === 'in_progress' || to === 'done') && !roles.some((r) => TECHNICIANS.includes(r)))
        throw new AppError('forbidden', `only maintenance people start or finish work (work order ${id})`);
      if (to === 'cancelled' && !reason) throw validationFailed('a reason is needed to cancel a work order', [{ path: 'reason', message: 'required' }]);
      if (to === 'verified' && !roles.includes('admin')) {
        const finisher = (await repo.stepsOf(tx, id)).findLast((s) => s.to === 'done')?.by;
        if (finisher === actor.name) throw new AppError('forbidden', `work order ${id} is verified by someone other than ${actor.name}, who did it`);
      }
      for (const guard of this.guards) await guard(tx, before, to, actor);
      const start = window?.plannedStart === undefined ? dateOf(before.plannedStart) : window.plannedStart;
      const end = window?.plannedEnd === undefined ? dateOf(before.plannedEnd) : window.plannedEnd;
      checkWindow(start, end);
      if (to === 'scheduled' && (!start || !end))
        throw validationFailed('scheduling needs the planned window', [
          { path: 'plannedStart', message: 'plannedStart and plannedEnd are required to schedule' },
        ]);
      await repo.updateWorkOrder(tx, before, { ...window, status: to });
      await repo.insertStep(tx, id, before.status, to, actor.name, reason);
      await appendAudit(tx, actor, { action: `status:${to}`, entity: WORK_ORDER_ENTITY, entityId: id, before, after: { status: to, ...window }, reason });
      return before;
    });
    const after = await this.get(id);
    this.publish(after, moved.status, actor.name);
    return after;
  }

  private async lock(tx: Db, id: string): Promise<WorkOrder> {
    const row = await repo.getWorkOrder(tx, id, true);
    if (!row) throw notFound('work order', id);
    return row;
  }

  private publish(w: WorkOrder, from: WorkOrderStatus | null, by: string): void {
    this.ctx.events.publish('maintenance.workOrder', { id: w.id, equipmentId: w.equipmentId, kind: w.kind, status: w.status, from, by });
  }
}

const dateOf = (iso: string | null): Date | null => (iso ? new Date(iso) : null);

function checkWindow(start: Date | null, end: Date | null): void {
  if ((start === null) !== (end === null))
    throw validationFailed('a planned window has a start and an end', [{ path: start ? 'plannedEnd' : 'plannedStart', message: 'required with the other' }]);
  if (start && end && end <= start)
    throw validationFailed('the planned window ends after it starts', [{ path: 'plannedEnd', message: 'must be after plannedStart' }]);
}
