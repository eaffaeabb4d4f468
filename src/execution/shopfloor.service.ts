// An operation's life at a station: setup (with the recipe downloaded to the machine and confirmed by read-back),
// production, pauses, quantities and scrap, material consumption, completion with backflush and the produced lot.
// One transaction per action, the operation row locked for its duration: two terminals racing on one operation
// leave one winner and a clear 409 for the other.
import { z } from 'zod';
import { commandRecordSchema, type CommandRecord } from '../connectors/index.ts';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { AppContext } from '../platform/context.ts';
import type { EventMap } from '../platform/events.ts';
import * as andonRepo from './andon.repository.ts';
import { currentWork, requireNoBlockingCheck, type CurrentWork } from './checks-gate.ts';
import { requireNotUnderRepair, requireRunNotUnderRepair } from './repair-gate.ts';
import { consumedLotSchema, producedLotSchema, type CompletionHook, type LotLedger, type Qualifications } from './contracts.ts';
import { heldError, openHoldsOf } from './holds.ts';
import * as repo from './execution.repository.ts';
import { assemblePerformance, countFigures, countFiguresShape, liveTotals, operationViewSchema, type ShopFloorDeps } from './shopfloor.views.ts';
import { checkWhole } from './units.ts';
import * as run from './shopfloor.repository.ts';

/** A machine can run an operation when one of its candidates is the machine or a work centre above it. */
export const canRunOn = (candidates: string[], machine: string) => candidates.some((c) => c === machine || machine.startsWith(`${c}/`));

/** Recipe = the operation's parameters with a target, by parameter name. */
export function recipeOf(parameters: Array<{ name: string; target?: unknown }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters) if (p.target !== undefined && p.target !== null) out[p.name] = p.target;
  return out;
}

/**
 * The machine's names for the recipe's parameters: `setpoints` in the machine's attributes maps a parameter to the
 * machine's setpoint (e.g. meltTemperature → SetMeltTemperature), or to false when the machine has no setpoint for it
 * (it is then only watched against its limits); unmapped parameters are written as `<name>.sp`.
 */
export function setpointNames(recipe: Record<string, unknown>, attributes: Record<string, unknown>): Record<string, string> {
  const map = (attributes.setpoints ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const name of Object.keys(recipe)) {
    if (map[name] === false || map[name] === '') continue;
    out[name] = typeof map[name] === 'string' ? (map[name] as string) : `${name}.sp`;
  }
  return out;
}

const opLabel = (orderId: string, seq: number) => `operation ${seq} of order '${orderId}'`;

/** The answers of the terminal's actions (the routes' response schemas). */
export const operationFiguresSchema = z.object({
  orderId: z.string(),
  seq: z.number(),
  status: run.runRowSchema.shape.status,
  phase: run.runRowSchema.shape.phase,
  ...countFiguresShape,
});
export type OperationFigures = z.infer<typeof operationFiguresSchema>;
export const setupResultSchema = z.object({ operation: operationViewSchema, download: commandRecordSchema.nullable() });
export const consumeResultSchema = z.object({ consumed: consumedLotSchema, operation: operationFiguresSchema });
export const completeResultSchema = z.object({
  good: z.number(),
  scrap: z.number(),
  backflushed: z.array(consumedLotSchema),
  produced: producedLotSchema.nullable(),
  orderCompleted: z.boolean(),
  operation: operationViewSchema,
});
export type CompleteResult = z.infer<typeof completeResultSchema>;
export const signInResultSchema = z.object({ station: z.string(), username: z.string() });
export const signOutResultSchema = z.object({ ended: z.number() });

export class ShopFloor {
  private hooks: CompletionHook[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly deps: ShopFloorDeps,
    private readonly qualifications?: Qualifications,
  ) {}

  get ledger(): LotLedger | undefined {
    return this.deps.ledger?.();
  }

  /** A neighbour's writes in the completion's transaction (the ERP outbox). */
  onCompletion(hook: CompletionHook): void {
    this.hooks.push(hook);
  }

  performance = (orderId: string, db: Db = this.ctx.db) => assemblePerformance(db, this.deps, orderId);

  /** What runs at a station now, with its part count and last lot (quality's StationWork port). */
  currentWork = (station: string): Promise<CurrentWork> => currentWork(this.deps, this.ctx.db, station);

  /** One operation as the terminal shows it: its live counts, what is left, its standard and the machine's cycle time. */
  operationView = (orderId: string, seq: number) => this.deps.views.operation(orderId, seq);

  private reasons?: { at: number; codes: Promise<Array<{ kind: string; code: string }>> };
  /** The reason codes changed (a scrap reason added as a defect code): the next check reads them again. */
  reasonsChanged(): void {
    this.reasons = undefined;
  }
  /** Whether a reason code exists: read from the table at most every 30 s (a terminal books many counts). */
  private async isReason(kind: 'scrap' | 'pause', code: string | undefined): Promise<boolean> {
    if (!this.reasons || Date.now() - this.reasons.at > 30_000) this.reasons = { at: Date.now(), codes: andonRepo.reasonCodes(this.ctx.db) };
    const codes = await this.reasons.codes.catch((err) => {
      this.reasons = undefined;
      throw err;
    });
    return codes.some((c) => c.kind === kind && c.code === code);
  }

  /** Runs an action in one transaction on the locked operation; events go out after the commit. */
  private async act<T>(
    actor: Actor,
    orderId: string,
    seq: number,
    action: string,
    fn: (tx: Db, op: repo.OperationRow, r: run.RunRow, later: (f: () => void) => void) => Promise<T>,
  ): Promise<T> {
    const events: Array<() => void> = [];
    const result = await this.ctx.db.transaction(async (tx) => {
      const r = await run.getRun(tx, orderId, seq, true);
      if (!r) throw notFound('operation', `${orderId}/${seq}`);
      const op = (await repo.getOperation(tx, orderId, seq))!;
      const before = { ...r };
      const out = await fn(tx, op, r, (f) => events.push(f));
      const after = await run.getRun(tx, orderId, seq);
      await appendAudit(tx, actor, { action, entity: 'order_operation', entityId: `${orderId}/${seq}`, before, after });
      events.push(() => this.publish('execution.operation', { orderId, seq, status: after!.status, phase: after!.phase, equipment: after!.equipment, action }));
      return out;
    });
    for (const e of events) e();
    return result;
  }

  private publish<K extends keyof EventMap>(name: K, payload: EventMap[K]): void {
    this.ctx.events.publish(name, payload);
  }

  private requireRunning(r: run.RunRow, what: string, phases: Array<run.RunRow['phase']> = ['setup', 'running', 'paused']): void {
    if (r.status === 'completed')
      throw new AppError('conflict', `${opLabel(r.orderId, r.seq)} is completed already (${r.completedAt} by ${r.completedBy}): ${what} is not possible`);
    if (r.status !== 'running') throw new AppError('conflict', `${opLabel(r.orderId, r.seq)} is ${r.status}: set it up at a station first`);
    if (!phases.includes(r.phase)) throw new AppError('conflict', `${opLabel(r.orderId, r.seq)} is in ${r.phase}: ${what} needs it in ${phases.join(' or ')}`);
  }

  /** Claims the operation for a machine and starts setup; the recipe is then downloaded (see downloadRecipe). */
  async setup(actor: Actor, orderId: string, seq: number, machine: string) {
    const eq = this.deps.collect.equipment(machine);
    await requireNotUnderRepair(this.deps.repairs, eq.id, eq.path, 'setting up');
    await this.act(actor, orderId, seq, 'setup', async (tx, op, r, later) => {
      if (r.status === 'running')
        throw new AppError(
          'conflict',
          `${opLabel(orderId, seq)} is already ${r.phase === 'setup' ? 'being set up' : r.phase} on ${r.equipment} (by ${r.startedBy})`,
        );
      if (r.status !== 'released') throw new AppError('conflict', `${opLabel(orderId, seq)} is ${r.status}: only a released operation can be set up`);
      if (eq.level !== 'machine') throw new AppError('validation_failed', `'${eq.path}' is a ${eq.level}, not a machine: set the operation up on a machine`);
      if (!canRunOn(op.candidates, eq.path))
        throw new AppError('conflict', `${opLabel(orderId, seq)} cannot run on ${eq.path}: it runs on ${op.candidates.join(', ') || 'no machine'}`);
      const busy = (await run.runningOn(tx, [eq.path])).filter((x) => !(x.orderId === orderId && x.seq === seq));
      if (busy.length)
        throw new AppError(
          'conflict',
          `${eq.path} is busy with operation ${busy[0].seq} of order '${busy[0].orderId}' (${busy[0].phase}): complete or pause it first`,
        );
      const order = await repo.getOrder(tx, orderId, true);
      if (!order || !['released', 'running'].includes(order.status))
        throw new AppError('conflict', `order '${orderId}' is ${order?.status ?? 'missing'}: it cannot run`);
      await run.patchRun(tx, orderId, seq, {
        status: 'running',
        phase: 'setup',
        equipment: eq.path,
        setupStartedAt: true,
        startedBy: actor.name,
        recipe: recipeOf(op.parameters),
        recipeVerified: false,
      });
      if (order.status === 'released') {
        await run.setOrderRunStatus(tx, orderId, 'running');
        later(() => this.publish('execution.order', { orderId, status: 'running', action: 'start' }));
      }
      await run.closeLabour(tx, actor.name, eq.path);
      await run.openLabour(tx, { username: actor.name, station: eq.path, orderId, seq });
      await run.addEvent(tx, { orderId, seq, kind: 'setup', actor: actor.name, station: eq.path });
    });
    await this.deps.onRunChanged?.(eq.id);
    const recipe = (await run.getRun(this.ctx.db, orderId, seq))!.recipe ?? {};
    const download = Object.keys(recipe).length ? await this.downloadRecipe(actor, orderId, seq) : null;
    return { operation: await this.deps.views.operation(orderId, seq), download };
  }

  /** Writes the recipe to the machine through its connector and records whether the machine confirmed it. */
  async downloadRecipe(actor: Actor, orderId: string, seq: number): Promise<CommandRecord> {
    const r = await run.getRun(this.ctx.db, orderId, seq);
    if (!r) throw notFound('operation', `${orderId}/${seq}`);
    this.requireRunning(r, 'downloading the recipe', ['setup']);
    const recipe = r.recipe ?? {};
    if (!Object.keys(recipe).length) throw new AppError('conflict', `${opLabel(orderId, seq)} has no parameters to download`);
    const eq = await this.deps.plant.getEquipment(r.equipment!);
    const names = setpointNames(recipe, eq.attributes ?? {});
    const parameters = Object.fromEntries(
      Object.entries(recipe)
        .filter(([k]) => names[k])
        .map(([k, v]) => [names[k], v]),
    ) as Record<string, number | string | boolean>;
    if (!Object.keys(parameters).length)
      throw new AppError('conflict', `${eq.path} has no setpoints for the recipe of ${opLabel(orderId, seq)}: start with a supervisor's override`);
    const record = await this.deps.commands.send(
      actor,
      eq.path,
      { kind: 'writeParameters', parameters },
      `recipe of ${opLabel(orderId, seq)}`,
      this.deps.recipeTimeoutMs ?? 10_000,
    );
    await this.act(actor, orderId, seq, 'recipe', async (tx, _op, now) => {
      if (now.status !== 'running' || now.phase !== 'setup') return; // completed or started meanwhile: the record stays in the machine's commands
      await run.patchRun(tx, orderId, seq, { recipeCommandId: record.id, recipeVerified: record.status === 'confirmed' });
      await run.addEvent(tx, {
        orderId,
        seq,
        kind: 'recipe',
        actor: actor.name,
        station: eq.path,
        data: { status: record.status, detail: record.detail, parameters, readBack: record.readBack },
      });
    });
    return record;
  }

  /** Production starts. A recipe the machine has not confirmed blocks the start unless a supervisor overrides it with a reason. */
  async start(actor: Actor, roles: readonly string[], orderId: string, seq: number, override?: string) {
    await requireRunNotUnderRepair(this.deps, this.ctx.db, orderId, seq, 'starting production');
    await this.act(actor, orderId, seq, 'start', async (tx, _op, r) => {
      this.requireRunning(r, 'starting', ['setup']);
      const needsRecipe = Object.keys(r.recipe ?? {}).length > 0 && !r.recipeVerified;
      if (needsRecipe && !override)
        throw new AppError(
          'conflict',
          `the recipe of ${opLabel(orderId, seq)} was not confirmed by ${r.equipment}: download it again, or a supervisor starts with a reason`,
        );
      if (needsRecipe && !roles.some((x) => x === 'admin' || x === 'supervisor'))
        throw new AppError('forbidden', 'only a supervisor may start without a confirmed recipe');
      await run.patchRun(tx, orderId, seq, { phase: 'running', startedAt: true });
      await run.addEvent(tx, { orderId, seq, kind: 'start', actor: actor.name, station: r.equipment, data: override ? { override } : {} });
    });
    await this.deps.onRunChanged?.(this.deps.collect.equipment((await run.getRun(this.ctx.db, orderId, seq))!.equipment!).id);
    return this.deps.views.operation(orderId, seq);
  }

  async pause(actor: Actor, orderId: string, seq: number, reason: string) {
    if (!(await this.isReason('pause', reason)))
      throw new AppError('validation_failed', `'${reason}' is not a pause reason`, [{ path: 'reason', message: 'unknown pause reason' }]);
    await this.act(actor, orderId, seq, 'pause', async (tx, _op, r) => {
      this.requireRunning(r, 'pausing', ['running', 'setup']);
      await run.patchRun(tx, orderId, seq, { phase: 'paused', pauseReason: reason });
      await run.addEvent(tx, { orderId, seq, kind: 'pause', actor: actor.name, station: r.equipment, data: { reason, from: r.phase } });
    });
    return this.deps.views.operation(orderId, seq);
  }

  async resume(actor: Actor, orderId: string, seq: number) {
    await requireRunNotUnderRepair(this.deps, this.ctx.db, orderId, seq, 'resuming');
    await this.act(actor, orderId, seq, 'resume', async (tx, _op, r) => {
      this.requireRunning(r, 'resuming', ['paused']);
      // back to where it was: production once it had started, else setup
      await run.patchRun(tx, orderId, seq, { phase: r.startedAt ? 'running' : 'setup', pauseReason: null });
      await run.addEvent(tx, { orderId, seq, kind: 'resume', actor: actor.name, station: r.equipment });
    });
    return this.deps.views.operation(orderId, seq);
  }

  /**
   * Good parts counted by hand, or scrap with its reason: in addition to the good count, or taken out of it only when
   * asked (`fromGood: true`, the machine counted those parts as good). The default never conflicts with the counts.
   */
  async report(actor: Actor, orderId: string, seq: number, q: { kind: 'good' | 'scrap'; quantity: number; reason?: string; fromGood?: boolean }) {
    if (!Number.isFinite(q.quantity) || q.quantity <= 0 || q.quantity > 1e6)
      throw new AppError('validation_failed', `quantity ${q.quantity} must be above 0 and at most 1000000`, [{ path: 'quantity', message: 'out of range' }]);
    if (q.kind === 'scrap' && !(await this.isReason('scrap', q.reason)))
      throw new AppError('validation_failed', q.reason ? `'${q.reason}' is not a scrap reason` : 'scrap needs a reason code', [
        { path: 'reason', message: 'unknown scrap reason' },
      ]);
    await requireNoBlockingCheck(this.deps, this.deps.checks, this.ctx.db, orderId, seq);
    await this.requireQualified(actor, orderId, seq, 'reporting quantities on');
    await this.act(actor, orderId, seq, q.kind === 'scrap' ? 'scrap' : 'count', async (tx, op, r) => {
      // 2.5 housings are not a count: a quantity in a counted unit (pcs, EA, …) is a whole number (units.ts)
      checkWhole(q.quantity, op.unit);
      this.requireRunning(r, 'reporting quantities', ['running', 'paused']);
      const fromGood = q.kind === 'scrap' && q.fromGood === true;
      if (fromGood) {
        const t = await liveTotals(this.deps, tx, op, r);
        if (q.quantity > t.good)
          throw new AppError('conflict', `only ${t.good} good parts are counted on ${opLabel(orderId, seq)}: ${q.quantity} cannot be scrapped from them`);
      }
      await run.addQuantity(tx, {
        orderId,
        seq,
        kind: q.kind,
        quantity: q.quantity,
        reason: q.kind === 'scrap' ? q.reason! : null,
        fromGood,
        actor: actor.name,
      });
      await run.addEvent(tx, {
        orderId,
        seq,
        kind: q.kind === 'scrap' ? 'scrap' : 'count',
        actor: actor.name,
        station: r.equipment,
        data: { quantity: q.quantity, reason: q.reason ?? null, fromGood },
      });
    });
    return this.figures(orderId, seq);
  }

  /** The answer to a terminal's booking: the operation's counts now (the terminal reloads the full view itself). */
  private async figures(orderId: string, seq: number): Promise<OperationFigures> {
    const r = (await run.getRun(this.ctx.db, orderId, seq))!;
    const op = (await repo.getOperation(this.ctx.db, orderId, seq))!;
    const t = await liveTotals(this.deps, this.ctx.db, { orderId, seq }, r);
    return { orderId, seq, status: r.status, phase: r.phase, ...countFigures(op.quantity, t) };
  }

  /** A material lot scanned at the station: booked against the operation (wrong material or a lot on hold is refused). */
  async consume(actor: Actor, orderId: string, seq: number, lotId: string, quantity: number) {
    const ledger = this.ledger;
    if (!ledger) throw new AppError('unavailable', 'material lots are not available in this installation');
    const booked = await this.act(actor, orderId, seq, 'consume', async (tx, op, r) => {
      this.requireRunning(r, 'consuming material');
      const allowed = op.materials.filter((m) => m.use === 'consumed').map((m) => m.materialId);
      if (!allowed.length) throw new AppError('conflict', `${opLabel(orderId, seq)} consumes no material`);
      const c = await ledger.consume(tx, actor, { lotId, quantity, allowedMaterials: allowed, orderId, seq, equipment: r.equipment, method: 'scan' });
      await run.addEvent(tx, {
        orderId,
        seq,
        kind: 'consume',
        actor: actor.name,
        station: r.equipment,
        data: { lotId: c.lotId, materialId: c.materialId, quantity: c.quantity },
      });
      return c;
    });
    return { consumed: booked, operation: await this.figures(orderId, seq) };
  }

  /**
   * Completes the operation: final counts frozen, the bill of materials backflushed for what was not scanned, the
   * produced lot created (last operation of the order), labour closed, its open parameter alarms closed, the order
   * completed with its last operation, and the completion hooks called — all in one transaction.
   */
  async complete(actor: Actor, orderId: string, seq: number, opts: { lotId?: string; location?: string | null } = {}): Promise<CompleteResult> {
    const ledger = this.ledger;
    let equipmentId: string | undefined;
    await requireNoBlockingCheck(this.deps, this.deps.checks, this.ctx.db, orderId, seq);
    await this.requireQualified(actor, orderId, seq, 'completing');
    const result = await this.act(actor, orderId, seq, 'complete', async (tx, op, r, later) => {
      if (r.status === 'completed') throw new AppError('conflict', `${opLabel(orderId, seq)} was completed already (${r.completedAt} by ${r.completedBy})`);
      this.requireRunning(r, 'completing', ['running', 'paused']);
      const holds = await openHoldsOf(tx, orderId, seq);
      if (holds.length) throw heldError(orderId, seq, holds);
      equipmentId = this.deps.collect.equipment(r.equipment!).id;
      const t = await liveTotals(this.deps, tx, op, r);
      const backflushed = [];
      if (ledger) {
        const already = (await ledger.consumedBy(tx, orderId)).filter((c) => c.seq === seq);
        for (const m of op.materials.filter((x) => x.use === 'consumed')) {
          const needed = (m.quantity / op.quantity) * (t.good + t.scrap);
          const booked = already.filter((c) => c.materialId === m.materialId).reduce((s, c) => s + c.quantity, 0);
          const rest = Math.round((needed - booked) * 1e6) / 1e6;
          if (rest > 0)
            backflushed.push(
              ...(await ledger.backflush(tx, actor, {
                materialId: m.materialId,
                quantity: rest,
                orderId,
                seq,
                equipment: r.equipment,
                location: opts.location ?? null,
              })),
            );
        }
      }
      const ops = await repo.listOperations(tx, orderId);
      const last = ops.filter((o) => o.status !== 'cancelled').reduce((a, b) => (b.seq > a.seq ? b : a));
      const product = await this.deps.productOf(tx, orderId);
      let produced = null;
      if (ledger && last.seq === seq && product?.materialId && t.good > 0)
        produced = await ledger.produce(tx, actor, {
          lotId: opts.lotId,
          materialId: product.materialId,
          quantity: t.good,
          unit: op.unit,
          orderId,
          seq,
          equipment: r.equipment,
          operator: actor.name,
          parameters: r.recipe ?? {},
          location: opts.location ?? null,
        });
      await run.patchRun(tx, orderId, seq, {
        status: 'completed',
        phase: null,
        pauseReason: null,
        completedAt: true,
        goodQty: t.good,
        scrapQty: t.scrap,
        completedBy: actor.name,
      });
      const people = await run.closeLabourOf(tx, orderId, seq);
      for (const p of people) await run.openLabour(tx, { username: p.username, station: p.station, orderId: null, seq: null });
      await run.addEvent(tx, {
        orderId,
        seq,
        kind: 'complete',
        actor: actor.name,
        station: r.equipment,
        data: { good: t.good, scrap: t.scrap, backflushed, produced },
      });
      // The parameter lock watched this operation's production only: its alarms nobody acknowledged close with it.
      for (const { before, after } of await andonRepo.closeAlarmsOf(tx, orderId, seq, 'operation completed')) {
        await appendAudit(tx, actor, { action: 'close', entity: 'operation_alarm', entityId: after.id, before, after, reason: 'operation completed' });
        later(() =>
          this.publish('execution.alarm', {
            id: after.id,
            orderId,
            seq,
            equipment: after.equipment,
            parameter: after.parameter,
            kind: after.kind,
            state: 'closed',
          }),
        );
      }
      const orderDone = ops.every((o) => o.seq === seq || o.status === 'completed' || o.status === 'cancelled');
      if (orderDone) {
        await run.setOrderRunStatus(tx, orderId, 'completed');
        later(() => this.publish('execution.order', { orderId, status: 'completed', action: 'complete' }));
      }
      if (this.hooks.length) {
        const perf = await assemblePerformance(tx, this.deps, orderId);
        for (const h of this.hooks) {
          await h(tx, { kind: 'operation', orderId, seq }, perf);
          if (orderDone) await h(tx, { kind: 'order', orderId, seq: null }, perf);
        }
      }
      return { good: t.good, scrap: t.scrap, backflushed, produced, orderCompleted: orderDone };
    });
    if (equipmentId) await this.deps.onRunChanged?.(equipmentId);
    return { ...result, operation: await this.deps.views.operation(orderId, seq) };
  }

  /**
   * A person signs in at a station (labour starts) or out (it ends). Someone lacking a skill the machine (or a work
   * centre above it) or the operation running there requires is refused with 403 and the reason.
   */
  async signIn(actor: Actor, station: string) {
    const eq = this.deps.collect.equipment(station);
    if (this.qualifications) {
      const running = (await run.runningOn(this.ctx.db, [eq.path]))[0];
      const product = running ? ((await this.deps.productOf(this.ctx.db, running.orderId))?.id ?? null) : null;
      const why = await this.qualifications.missingForStation(actor.name, { equipment: eq.path, product, seq: running?.seq ?? null });
      if (why) throw new AppError('forbidden', `sign-in at ${eq.path} refused: ${why}`);
    }
    await this.ctx.db.transaction(async (tx) => {
      await run.closeLabour(tx, actor.name);
      const current = (await run.runningOn(tx, [eq.path]))[0];
      await run.openLabour(tx, { username: actor.name, station: eq.path, orderId: current?.orderId ?? null, seq: current?.seq ?? null });
      await appendAudit(tx, actor, { action: 'sign-in', entity: 'station', entityId: eq.path, after: { username: actor.name } });
    });
    return { station: eq.path, username: actor.name };
  }

  /**
   * A person reporting on or completing an operation must still hold the skills its machine and operation require: a
   * training that expired since they signed in at the station refuses it with 403 naming the skill. Tokens
   * (integrations, devices) and the system are not people and are not checked; an operation not running is left to
   * the action's own refusal.
   */
  private async requireQualified(actor: Actor, orderId: string, seq: number, doing: string): Promise<void> {
    if (!this.qualifications || actor.id === null || actor.name.startsWith('token:')) return;
    const r = await run.getRun(this.ctx.db, orderId, seq);
    if (!r?.equipment) return;
    const product = (await this.deps.productOf(this.ctx.db, orderId))?.id ?? null;
    const eq = this.deps.collect.equipment(r.equipment);
    const why = await this.qualifications.missingForStation(actor.name, { equipment: eq.path, product, seq });
    if (why) throw new AppError('forbidden', `${doing} ${opLabel(orderId, seq)} refused to ${actor.name}: ${why}`);
  }

  async signOut(actor: Actor, station?: string) {
    const ended = await this.ctx.db.transaction(async (tx) => {
      const n = await run.closeLabour(tx, actor.name, station);
      await appendAudit(tx, actor, { action: 'sign-out', entity: 'station', entityId: station ?? '*', after: { username: actor.name, sessions: n } });
      return n;
    });
    return { ended };
  }
}
