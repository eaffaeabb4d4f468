// Schedule versions: a solve of the released orders in the engine's worker thread (one at a time, with progress in the
// version row), publishing (planned slots for the dispatch lists), and repairs that keep the published plan where
// they can: a move pinned by the supervisor, a machine down, a rush order.
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { checkSchedule, fitCalendar, ModelError, solveInWorker, unavailableIntervals, type Objective, type Problem } from '../scheduling/index.ts';
import type { OrderBook } from '../execution/index.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { buildModel, expandCandidates, type BuiltModel } from './model-map.ts';
import * as repo from './planning.repository.ts';
import type { ObjectiveChoice, Reason, VersionRow } from './planning.repository.ts';
import { RepairRefused, stableRepair, type Placement } from './repair.ts';
import { describeSchedule, diffAssignments, type Assignment } from './result.ts';
import { loadSnapshot, type MachineStateSource, type Snapshot, type SnapshotSources } from './snapshot.ts';

export interface PlanningOptions {
  /** A machine down this long (collect state) triggers a repair proposal. */
  downDebounceMs: number;
  /** Repair time of a down machine when neither an open corrective work order's estimate nor its MTTR says more. */
  downRepairS: number;
  /** Orders with a priority number at most this are rush orders (lower = more urgent). */
  rushPriority: number;
  /** How often released rush orders are looked for (besides the execution.order event). */
  pollMs: number;
  /** Time limit of automatic repairs and of moves, seconds. */
  repairTimeLimitS: number;
}

export const DEFAULT_PLANNING_OPTIONS: PlanningOptions = { downDebounceMs: 60_000, downRepairS: 7200, rushPriority: 10, pollMs: 15_000, repairTimeLimitS: 3 };

const DAY_MS = 86_400_000;
const OBJECTIVES: Record<ObjectiveChoice, Objective> = { makespan: 'makespan', tardiness: 'tardiness', lexicographic: ['tardiness', 'makespan'] };

export interface StoredModel {
  problem: Problem;
  horizonStart: number;
  orders: string[];
  seqs: number[][];
  machines: string[];
  schedule: { makespan: number; totalWeightedTardiness: number; operations: Array<{ job: number; op: number; machine: number; start: number; end: number }> };
}

interface Prepared {
  built: BuiltModel;
  problem: Problem;
  pinned?: Placement;
  stats: Record<string, unknown>;
}

export interface CreateRequest {
  objective?: ObjectiveChoice;
  timeLimitS?: number;
}

export interface MoveRequest {
  orderId: string;
  seq: number;
  machine: string;
  start: string;
}

/** One version with its difference to the published plan (null for the published one, a running or a failed one). */
export type VersionDetail = VersionRow & { diff: ReturnType<typeof diffAssignments> | null; publishedId: number | null };

export class PlanningService {
  private queue: Promise<void> = Promise.resolve();
  private readonly aborts = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    /** the plant module's equipment lookup */
    private readonly plant: EquipmentLookup,
    readonly states: MachineStateSource | undefined,
    /** execution's order book: the orders to plan, and where published slots go */
    readonly orders: OrderBook,
    readonly options: PlanningOptions = { ...DEFAULT_PLANNING_OPTIONS },
    /** maintenance's windows and repair estimates, the machines' repair times (ports.ts) */
    readonly sources: SnapshotSources = {},
  ) {}

  async start(): Promise<void> {
    await repo.failInterrupted(this.ctx.db);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
    await this.queue;
  }

  /** Runs jobs one after the other (the machine has few cores; a second solve would only slow the first). */
  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch((err) => this.ctx.log.error({ err }, 'planning job failed'));
  }

  /** Resolves when every queued solve has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  list(limit = 50): Promise<VersionRow[]> {
    return repo.listVersions(this.ctx.db, limit);
  }

  async get(id: number): Promise<VersionDetail> {
    const v = await repo.getVersion(this.ctx.db, id);
    if (!v) throw notFound('schedule version', String(id));
    const published = await repo.publishedVersion(this.ctx.db);
    const diff =
      published && published.id !== v.id && v.status !== 'running' && v.status !== 'failed' ? diffAssignments(v.assignments, published.assignments) : null;
    return { ...v, diff, publishedId: published?.id ?? null };
  }

  async model(id: number): Promise<StoredModel | null> {
    const m = await repo.getModel(this.ctx.db, id);
    if (m === undefined) throw notFound('schedule version', String(id));
    return m as StoredModel | null;
  }

  private async snapshot(now: number, extraDown: string[] = []): Promise<Snapshot> {
    return loadSnapshot(this.ctx.db, this.plant, this.states, this.orders, now, { downRepairS: this.options.downRepairS, extraDown }, this.sources);
  }

  /** Calendar horizon: two weeks, or longer when the work would not fit (all work on one machine, a third of the time). */
  private horizonFor(snap: Snapshot): number {
    const work = snap.orders.reduce((s, o) => s + o.operations.reduce((t, op) => t + op.runTimeS + op.setupTimeS, 0), 0);
    return Math.min(365 * DAY_MS, Math.max(14 * DAY_MS, Math.ceil(work * 3) * 1000));
  }

  /** A fresh plan of every released order. */
  async create(actor: Actor, req: CreateRequest): Promise<VersionRow> {
    const now = Math.floor(Date.now() / 1000) * 1000;
    const snap = await this.snapshot(now);
    const objective = req.objective ?? 'lexicographic';
    return this.launch(actor, { objective, timeLimitS: req.timeLimitS ?? 10, basedOn: null, reason: 'manual', detail: '' }, now, snap, (h) => {
      const built = buildModel({ now, horizonMs: h, machines: snap.machines, orders: snap.orders, objective: OBJECTIVES[objective] });
      return { built, problem: built.problem, stats: {} };
    });
  }

  private async launch(
    actor: Actor,
    v: { objective: ObjectiveChoice; timeLimitS: number; basedOn: number | null; reason: Reason; detail: string },
    now: number,
    snap: Snapshot,
    prepare: (horizonMs: number) => Prepared,
  ): Promise<VersionRow> {
    let horizon = this.horizonFor(snap);
    const first = prepare(horizon); // refusals (bad move) surface here, before a version exists
    const row = await this.ctx.db.transaction(async (tx) => {
      const r = await repo.insertVersion(tx, {
        createdBy: actor.name,
        objective: v.objective,
        timeLimitS: v.timeLimitS,
        horizonStart: now,
        horizonEnd: now + horizon,
        basedOn: v.basedOn,
        reason: v.reason,
        reasonDetail: v.detail,
      });
      await appendAudit(tx, actor, {
        action: 'create',
        entity: 'schedule_version',
        entityId: String(r.id),
        after: { reason: v.reason, detail: v.detail, objective: v.objective, timeLimitS: v.timeLimitS, basedOn: v.basedOn },
      });
      return r;
    });
    const machines = snap.machines.map((m) => ({ path: m.path, name: m.name, down: m.downUntil !== undefined }));
    const orderInfo = new Map(snap.orders.map((o) => [o.id, o]));
    this.enqueue(async () => {
      if (this.stopped) return repo.failVersion(this.ctx.db, row.id, 'the server stopped before it was computed');
      let prepared = first;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.solveInto(
            row.id,
            v.timeLimitS,
            prepared,
            {
              machines,
              down: snap.down,
              downBasis: snap.downBasis,
              running: snap.running,
              maintenance: snap.maintenance,
              horizonDays: Math.round(horizon / DAY_MS),
            },
            orderInfo,
          );
          return;
        } catch (err) {
          // an operation that does not fit in the calendar horizon: try once more with a horizon four times as long
          if (err instanceof ModelError && /cannot be placed/.test(err.message) && attempt === 0 && !this.stopped) {
            horizon *= 4;
            prepared = prepare(horizon);
            continue;
          }
          await repo.failVersion(this.ctx.db, row.id, (err as Error).message);
          return;
        }
      }
    });
    return row;
  }

  private async solveInto(
    id: number,
    timeLimitS: number,
    p: Prepared,
    extra: Record<string, unknown>,
    orderInfo: Map<string, { productId: string; priority: number; dueAt: number | null }>,
  ): Promise<void> {
    const { problem, built } = p;
    const started = Date.now();
    const limitMs = timeLimitS * 1000;
    let last = { phase: 'construction', objective: null as number | null, makespan: null as number | null };
    let written = 0;
    const write = (force = false) => {
      const now = Date.now();
      if (!force && now - written < 400) return;
      written = now;
      const elapsedMs = now - started;
      void repo.setProgress(this.ctx.db, id, { ...last, elapsedMs, fraction: Math.min(0.99, elapsedMs / limitMs) }).catch(() => {});
    };
    const ticker = setInterval(() => write(true), 1000);
    const abort = new AbortController();
    this.aborts.add(abort);
    try {
      await repo.setProgress(this.ctx.db, id, { phase: 'construction', elapsedMs: 0, fraction: 0 });
      const jobs = problem.jobs.length;
      const result = jobs
        ? await solveInWorker(problem, {
            timeLimitMs: limitMs,
            seed: id,
            signal: abort.signal,
            onImprove: (info) => {
              last = { phase: info.phase, objective: info.objective, makespan: info.makespan };
              write();
            },
          })
        : { schedule: { makespan: 0, totalWeightedTardiness: 0, operations: [] }, stats: { engine: 'none' } };
      const check = checkSchedule(problem, result.schedule);
      if (!check.ok)
        throw new Error(
          `the solver's schedule failed the check: ${check.violations
            .slice(0, 3)
            .map((x) => x.message)
            .join('; ')}`,
        );
      const { assignments, kpis } = describeSchedule(problem, built.index, result.schedule, p.pinned);
      for (const a of assignments) {
        const o = orderInfo.get(a.orderId);
        if (o) Object.assign(a, { productId: o.productId, priority: o.priority, dueAt: o.dueAt === null ? null : new Date(o.dueAt).toISOString() });
      }
      const model: StoredModel = {
        problem,
        horizonStart: built.index.horizonStart,
        orders: built.index.orders,
        seqs: built.index.seqs,
        machines: built.index.machines,
        schedule: result.schedule,
      };
      await repo.finishVersion(this.ctx.db, id, {
        assignments,
        kpis,
        stats: { ...extra, ...p.stats, solver: result.stats, skipped: built.skipped, orders: jobs, solveMs: Date.now() - started },
        model,
        progress: { ...last, phase: 'done', elapsedMs: Date.now() - started, fraction: 1 },
      });
    } finally {
      clearInterval(ticker);
      this.aborts.delete(abort);
    }
  }

  /** Publishes a ready version: the previous one is superseded and the operations get their planned slots. */
  async publish(actor: Actor, id: number): Promise<VersionRow & { planned: number }> {
    return this.ctx.db.transaction(async (tx) => {
      const v = await repo.getVersion(tx, id, true);
      if (!v) throw notFound('schedule version', String(id));
      if (v.status !== 'ready') throw new AppError('conflict', `schedule version ${id} is ${v.status}; only a ready version can be published`);
      const before = await repo.publishedVersion(tx);
      await repo.publish(tx, id, actor.name);
      const planned = await this.orders.publishSlots(tx, String(id), v.assignments);
      await appendAudit(tx, actor, {
        action: 'publish',
        entity: 'schedule_version',
        entityId: String(id),
        before: before ? { published: before.id } : null,
        after: { published: id, operations: planned, kpis: { makespanS: v.kpis.makespanS, totalWeightedTardiness: v.kpis.totalWeightedTardiness } },
      });
      const after = (await repo.getVersion(tx, id))!;
      return { ...after, planned };
    });
  }

  /** Base placements of a version mapped into a new model (same orders and machines by name). */
  private basePlacements(base: VersionRow, built: BuiltModel): Placement[] {
    const { index } = built;
    const out: Placement[] = [];
    for (const a of base.assignments) {
      const j = index.orders.indexOf(a.orderId);
      const k = j < 0 ? -1 : index.seqs[j].indexOf(a.seq);
      const m = index.machines.indexOf(a.machine);
      if (k < 0 || m < 0) continue;
      out.push({ job: j, op: k, machine: m, start: Math.round((Date.parse(a.start) - index.horizonStart) / 1000) });
    }
    return out;
  }

  /** A new version with one operation pinned at a machine and start; the rest of the version repaired around it. */
  async move(actor: Actor, id: number, req: MoveRequest): Promise<VersionRow> {
    const base = await repo.getVersion(this.ctx.db, id);
    if (!base) throw notFound('schedule version', String(id));
    if (base.status === 'running' || base.status === 'failed')
      throw new AppError('conflict', `schedule version ${id} is ${base.status}: it has no plan to move in`);
    if (!base.assignments.some((a) => a.orderId === req.orderId && a.seq === req.seq))
      throw notFound(`operation in schedule version ${id}`, `${req.orderId}/${req.seq}`);
    const startMs = Date.parse(req.start);
    const now = Math.floor(Date.now() / 1000) * 1000;
    if (!Number.isFinite(startMs)) throw new AppError('validation_failed', `start '${req.start}' is not a date and time`);
    if (startMs < now - 60_000) throw new AppError('unprocessable', `start ${req.start} is in the past`);
    const snap = await this.snapshot(now);
    const order = snap.orders.find((o) => o.id === req.orderId);
    const op = order?.operations.find((o) => o.seq === req.seq);
    if (!order || !op) throw new AppError('conflict', `operation ${req.orderId}/${req.seq} is no longer planned (order not released or operation done)`);
    const eligible = expandCandidates(
      op.candidates,
      snap.machines.map((m) => m.path),
    );
    if (!eligible.includes(req.machine))
      throw new AppError(
        'unprocessable',
        `machine '${req.machine}' cannot run operation ${req.orderId}/${req.seq}; eligible: ${eligible.join(', ') || 'none'}`,
      );
    const detail = `${req.orderId}/${req.seq} to ${req.machine} at ${new Date(startMs).toISOString()}`;
    const prepare = (h: number): Prepared => {
      const built = buildModel({ now, horizonMs: h, machines: snap.machines, orders: snap.orders, objective: OBJECTIVES[base.objective] });
      const j = built.index.orders.indexOf(req.orderId);
      if (j < 0)
        throw new AppError(
          'unprocessable',
          `order ${req.orderId} cannot be planned: ${built.skipped.find((s) => s.orderId === req.orderId)?.reason ?? 'unknown reason'}`,
        );
      const pinned = {
        job: j,
        op: built.index.seqs[j].indexOf(req.seq),
        machine: built.index.machines.indexOf(req.machine),
        start: Math.max(0, Math.round((startMs - now) / 1000)),
      };
      // a start in a break or between shifts snaps to the machine's next working moment (as a drop on a Gantt would)
      const alt = built.problem.jobs[j].operations[pinned.op].alternatives.find((a) => a.machine === pinned.machine)!;
      const [snapped] = fitCalendar(unavailableIntervals(built.problem.calendars?.[pinned.machine]), pinned.start, alt.duration, true);
      if (snapped === Infinity)
        throw new AppError('unprocessable', `cannot move ${req.orderId}/${req.seq}: ${req.machine} has no working time left after ${req.start}`);
      pinned.start = snapped;
      const pinnedStart = new Date(now + snapped * 1000).toISOString();
      try {
        const r = stableRepair({ problem: built.problem, base: this.basePlacements(base, built), pinned });
        return { built, problem: r.problem, pinned, stats: { kept: r.kept, replanned: r.replanned, pinned: detail, pinnedStart } };
      } catch (err) {
        if (err instanceof RepairRefused) throw new AppError('unprocessable', `cannot move ${req.orderId}/${req.seq}: ${err.message}`);
        throw err;
      }
    };
    return this.launch(
      actor,
      { objective: base.objective, timeLimitS: this.options.repairTimeLimitS, basedOn: id, reason: 'move', detail },
      now,
      snap,
      prepare,
    );
  }

  /**
   * A proposal repaired from the published plan: every operation still feasible keeps its place; operations on a down
   * machine during its repair, new orders, work that did not start in time and (for rush orders) less urgent work on
   * the rush order's machines are planned again.
   */
  async repair(actor: Actor, req: { reason: Reason; machine?: string; detail?: string }): Promise<VersionRow> {
    const base = await repo.publishedVersion(this.ctx.db);
    if (!base) throw new AppError('conflict', 'no schedule is published yet: create and publish one first');
    const now = Math.floor(Date.now() / 1000) * 1000;
    const snap = await this.snapshot(now, req.machine ? [req.machine] : []);
    if (req.machine && !snap.machines.some((m) => m.path === req.machine)) throw notFound('machine', req.machine);
    const inBase = new Set(base.assignments.map((a) => a.orderId));
    const rush = snap.orders.filter((o) => !inBase.has(o.id) && o.priority <= this.options.rushPriority);
    const prepare = (h: number): Prepared => {
      const built = buildModel({ now, horizonMs: h, machines: snap.machines, orders: snap.orders, objective: OBJECTIVES[base.objective] });
      const placements = this.basePlacements(base, built);
      const release = new Set<string>();
      for (const r of rush) {
        const machines = new Set(r.operations.flatMap((op) => expandCandidates(op.candidates, built.index.machines)));
        for (const p of placements) {
          const other = snap.orders.find((o) => o.id === built.index.orders[p.job]);
          if (other && other.priority > r.priority && machines.has(built.index.machines[p.machine])) release.add(`${p.job}:${p.op}`);
        }
      }
      const r = stableRepair({ problem: built.problem, base: placements, release });
      return { built, problem: r.problem, stats: { kept: r.kept, replanned: r.replanned, rushOrders: rush.map((o) => o.id) } };
    };
    const detail = req.detail ?? (req.machine ? `${req.machine} down` : rush.length ? `rush: ${rush.map((o) => o.id).join(', ')}` : '');
    return this.launch(
      actor,
      { objective: base.objective, timeLimitS: this.options.repairTimeLimitS, basedOn: base.id, reason: req.reason, detail },
      now,
      snap,
      prepare,
    );
  }

  /** Is an automatic proposal for this reason and detail already waiting (newer than the published plan)? */
  async hasOpenProposal(reason: Reason, detail: string): Promise<boolean> {
    const published = await repo.publishedVersion(this.ctx.db);
    if (!published) return true; // nothing to repair
    return (await repo.openProposals(this.ctx.db, reason, published.id)).some((v) => v.reasonDetail === detail);
  }

  publishedAssignments = async (): Promise<Assignment[] | undefined> => (await repo.publishedVersion(this.ctx.db))?.assignments;
}
