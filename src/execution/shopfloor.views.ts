// What the terminal and the supervisor see: an operation with its live counts (machine + hand), cycle time,
// interruption and downtime, journal, alarms and materials; a station with its queue, people and calls; and the
// record of an order as actually made (for the ERP).
import { z } from 'zod';
import type { CollectHistory, MachineView } from '../collect/index.ts';
import type { MachineCommands } from '../connectors/index.ts';
import { sql, rowsOf, type Db } from '../platform/db/database.ts';
import { notFound } from '../platform/errors.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import * as andonRepo from './andon.repository.ts';
import type { ChecksGate } from './checks-gate.ts';
import type { RepairGate } from './repair-gate.ts';
import { consumedLotSchema, type LotLedger, type OperationPerformance, type OrderPerformance } from './contracts.ts';
import * as repo from './execution.repository.ts';
import { downtime as machineDowntime, downtimeSchema, machineCounts, machineCountsSchema, type RunHistoryDeps } from './run-history.ts';
import { materialLineSchema, ORDER_STATUSES, parameterValueSchema } from './model.ts';
import * as run from './shopfloor.repository.ts';
import { isCountable } from './units.ts';

/** What the views read: collect's machines and history, the plant, the lot ledger (the ports execution receives). */
export interface ViewDeps {
  collect: MachineView;
  /** collect's history port: the machine's counts and downtime of an operation */
  history: CollectHistory;
  commands: MachineCommands;
  plant: EquipmentLookup;
  /** The lot ledger, once the lots module is there. */
  ledger?: () => LotLedger | undefined;
  productOf(db: Db, orderId: string): Promise<{ id: string; name: string; materialId: string | null } | undefined>;
  /** An operation started, stopped or moved on a machine: the order context of its data changes. */
  onRunChanged?(equipmentId: string): Promise<void> | void;
  recipeTimeoutMs?: number;
}

/** The shop floor acts and then answers with the views: built after them, so neither needs the other patched in. */
export interface ShopFloorDeps extends ViewDeps {
  views: ShopFloorViews;
  /** quality's checks: an overdue one blocks the machine's production actions (checks-gate.ts) */
  checks?: ChecksGate;
  /** maintenance's repairs: a machine under repair refuses setup, start and resume (repair-gate.ts) */
  repairs?: RepairGate;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Good and scrap of an operation: the machine's counts of the operation (from its setup start, the one definition in
 * collect/history.ts) plus what was entered by hand.
 */
export async function liveTotals(d: RunHistoryDeps, db: Db, op: { seq: number; orderId: string }, r: run.RunRow) {
  if (r.status === 'completed') return { good: r.goodQty, scrap: r.scrapQty, machine: null, hand: await run.handTotals(db, op.orderId, op.seq) };
  const machine = await machineCounts(d, db, r);
  const hand = await run.handTotals(db, op.orderId, op.seq);
  return { good: round(Math.max(0, machine.good + hand.good - hand.scrapFromGood)), scrap: round(machine.scrap + hand.scrap), machine, hand };
}

/** Good, scrap and what is left of a planned quantity, with where the counts came from (machine, hand, scrap reasons). */
export function countFigures(quantity: number, t: Awaited<ReturnType<typeof liveTotals>>) {
  return {
    good: t.good,
    scrap: t.scrap,
    remaining: round(Math.max(0, quantity - t.good)),
    counts: { machine: t.machine, hand: { good: t.hand.good, scrap: t.hand.scrap, scrapFromGood: t.hand.scrapFromGood }, scrapByReason: t.hand.scrapByReason },
  };
}

/** Good, scrap, what is left, and where the counts came from (countFigures). */
export const countFiguresShape = {
  good: z.number(),
  scrap: z.number(),
  remaining: z.number(),
  counts: z.object({
    machine: machineCountsSchema.nullable(),
    hand: run.handTotalsSchema.pick({ good: true, scrap: true, scrapFromGood: true }),
    scrapByReason: run.handTotalsSchema.shape.scrapByReason,
  }),
};

/** A work-instruction file attached to a routing step. */
export const attachmentSchema = z.object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number(), url: z.string() });

/** What the terminal shows of one operation (ShopFloorViews.operation); instants are ISO 8601 strings. */
export const operationViewSchema = z.object({
  orderId: z.string(),
  seq: z.number(),
  name: z.string(),
  productId: z.string(),
  productName: z.string(),
  orderQuantity: z.number(),
  quantity: z.number(),
  unit: z.string(),
  countable: z.boolean(),
  priority: z.number(),
  dueAt: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
  phase: run.runRowSchema.shape.phase,
  pauseReason: z.string().nullable(),
  equipment: z.string().nullable(),
  candidates: z.array(z.string()),
  setupStartedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  startedBy: z.string().nullable(),
  completedBy: z.string().nullable(),
  standard: z.object({ setupTimeS: z.number(), runTimeS: z.number(), idealCycleTimeS: z.number().nullable() }),
  instructions: z.string(),
  attachments: z.array(attachmentSchema),
  parameters: z.array(parameterValueSchema),
  recipe: run.runRowSchema.shape.recipe,
  recipeVerified: z.boolean(),
  recipeCommandId: z.string().nullable(),
  ...countFiguresShape,
  machine: z.object({ state: z.string(), bucket: z.string(), since: z.string().nullable(), cycleTimeS: z.number().nullable() }).nullable(),
  interrupted: z.boolean(),
  downtime: downtimeSchema.nullable(),
  materials: z.array(materialLineSchema.extend({ perUnit: z.number(), consumed: z.number() })),
  consumed: z.array(consumedLotSchema),
  alarms: z.array(andonRepo.alarmRowSchema),
  events: z.array(run.operationEventSchema),
});
export type OperationView = z.infer<typeof operationViewSchema>;

/** What a station's terminal shows (ShopFloorViews.station). */
export const stationViewSchema = z.object({
  station: z.object({
    id: z.string(),
    path: z.string(),
    name: z.string(),
    level: z.string(),
    state: z.string(),
    bucket: z.string(),
    since: z.string().nullable(),
    hasCounter: z.boolean(),
  }),
  current: operationViewSchema.nullable(),
  queue: z.array(
    z.object({
      orderId: z.string(),
      seq: z.number(),
      name: z.string(),
      productId: z.string(),
      quantity: z.number(),
      unit: z.string(),
      priority: z.number(),
      dueAt: z.string().nullable(),
      setupTimeS: z.number(),
      runTimeS: z.number(),
      candidates: z.array(z.string()),
    }),
  ),
  operators: z.array(run.openLabourSchema),
  andon: z.array(andonRepo.andonRowSchema),
  alarms: z.array(andonRepo.alarmRowSchema),
});
export type StationView = z.infer<typeof stationViewSchema>;

export class ShopFloorViews {
  constructor(
    private readonly db: Db,
    private readonly deps: ViewDeps,
  ) {}

  async operation(orderId: string, seq: number, db: Db = this.db): Promise<OperationView> {
    const order = await repo.getOrder(db, orderId);
    const op = order && (await repo.getOperation(db, orderId, seq));
    if (!order || !op) throw notFound('operation', `${orderId}/${seq}`);
    const r = (await run.getRun(db, orderId, seq))!;
    const d = this.deps;
    const t = await liveTotals(d, db, { orderId, seq }, r);
    const product = await d.productOf(db, orderId);
    let machine: { state: string; bucket: string; since: string | null; cycleTimeS: number | null } | null = null;
    let downtime: Awaited<ReturnType<typeof machineDowntime>> | null = null;
    if (r.equipment) {
      const m = d.collect.machineStates().find((x) => x.eq.path === r.equipment);
      const cycle = r.status === 'running' ? (await d.collect.tags(r.equipment).catch(() => [])).find((x) => x.tag === 'cycle_time')?.latest : undefined;
      machine = m
        ? {
            state: m.state,
            bucket: m.bucket,
            since: m.since ? new Date(m.since).toISOString() : null,
            cycleTimeS: typeof cycle?.value === 'number' ? cycle.value : null,
          }
        : null;
      if (r.startedAt) downtime = await machineDowntime(d, db, r.equipment, r.startedAt, r.completedAt);
    }
    const interrupted = r.status === 'running' && r.phase === 'running' && machine !== null && (machine.bucket === 'adet' || machine.bucket === 'unknown');
    const ledger = d.ledger?.();
    const consumed = ledger ? (await ledger.consumedBy(db, orderId)).filter((c) => c.seq === seq) : [];
    const materials = op.materials.map((m) => ({
      ...m,
      perUnit: round(m.quantity / op.quantity),
      consumed: round(consumed.filter((c) => c.materialId === m.materialId).reduce((s, c) => s + c.quantity, 0)),
    }));
    const files = await rowsOf<{ id: string; name: string; content_type: string; size: number }>(
      db,
      sql`SELECT id, name, content_type, size FROM instruction_files WHERE product_id = ${order.productId} AND seq = ${seq} ORDER BY created_at`,
    );
    return {
      orderId,
      seq,
      name: op.name,
      productId: order.productId,
      productName: product?.name ?? order.productId,
      orderQuantity: order.quantity,
      quantity: op.quantity,
      unit: op.unit,
      // whole numbers only (pcs, EA, …): the terminal's keypads offer a decimal point only where this is false
      countable: isCountable(op.unit),
      priority: order.priority,
      dueAt: op.dueAt ?? order.dueAt,
      status: r.status,
      phase: r.phase,
      pauseReason: r.pauseReason,
      equipment: r.equipment,
      candidates: op.candidates,
      setupStartedAt: r.setupStartedAt,
      startedAt: r.startedAt,
      completedAt: r.completedAt,
      startedBy: r.startedBy,
      completedBy: r.completedBy,
      standard: { setupTimeS: op.setupTimeS, runTimeS: op.runTimeS, idealCycleTimeS: op.quantity > 0 ? round(op.runTimeS / op.quantity) : null },
      instructions: op.instructions,
      attachments: files.map((f) => ({ id: f.id, name: f.name, contentType: f.content_type, size: Number(f.size), url: `/api/instructions/${f.id}` })),
      parameters: op.parameters,
      recipe: r.recipe,
      recipeVerified: r.recipeVerified,
      recipeCommandId: r.recipeCommandId,
      ...countFigures(op.quantity, t),
      machine,
      interrupted,
      downtime,
      materials,
      consumed,
      alarms: await andonRepo.listAlarms(db, { orderId, seq, limit: 50 }),
      events: await run.listEvents(db, orderId, seq, 50),
    };
  }

  /** A station's terminal: the machine, what runs on it, its queue, who is signed in, open calls and alarms. */
  async station(path: string): Promise<StationView> {
    const d = this.deps;
    const eq = d.collect.equipment(path);
    const m = d.collect.machineStates().find((x) => x.eq.path === eq.path);
    const current = (await run.runningOn(this.db, [eq.path]))[0];
    const queue = await repo.dispatchList(this.db, eq.path);
    return {
      station: {
        id: eq.id,
        path: eq.path,
        name: eq.name,
        level: eq.level,
        state: m?.state ?? 'Unknown',
        bucket: m?.bucket ?? 'unknown',
        since: m?.since ? new Date(m.since).toISOString() : null,
        hasCounter: [...eq.tags.values()].some((t) => t.role === 'good'),
      },
      current: current ? await this.operation(current.orderId, current.seq) : null,
      queue: queue.map((q) => ({
        orderId: q.orderId,
        seq: q.seq,
        name: q.name,
        productId: q.productId,
        quantity: q.quantity,
        unit: q.unit,
        priority: q.priority,
        dueAt: q.dueAt ?? q.orderDueAt,
        setupTimeS: q.setupTimeS,
        runTimeS: q.runTimeS,
        candidates: q.candidates,
      })),
      operators: await run.openLabourAt(this.db, eq.path),
      andon: await andonRepo.listAndon(this.db, { open: true, station: eq.path, limit: 20 }),
      alarms: await andonRepo.listAlarms(this.db, { open: true, equipment: eq.path, limit: 20 }),
    };
  }
}

/** The order as actually made: per operation the machine, times, quantities, people, recipe and lots. */
export async function assemblePerformance(db: Db, d: ShopFloorDeps, orderId: string): Promise<OrderPerformance> {
  const order = await repo.getOrder(db, orderId);
  if (!order) throw notFound('production order', orderId);
  const product = await d.productOf(db, orderId);
  const ops = await repo.listOperations(db, orderId);
  const people = await run.operatorsOf(db, orderId);
  const ledger = d.ledger?.();
  const consumed = ledger ? await ledger.consumedBy(db, orderId) : [];
  const produced = ledger ? await ledger.producedBy(db, orderId) : [];
  const operations: OperationPerformance[] = [];
  for (const op of ops) {
    const r = (await run.getRun(db, orderId, op.seq))!;
    const t = await liveTotals(d, db, { orderId, seq: op.seq }, r);
    const units = new Map(op.parameters.map((p) => [p.name, p.unit]));
    operations.push({
      seq: op.seq,
      name: op.name,
      segmentId: op.segmentId,
      status: r.status as OperationPerformance['status'],
      equipment: r.equipment,
      startedAt: r.setupStartedAt,
      completedAt: r.completedAt,
      plannedQuantity: op.quantity,
      goodQuantity: t.good,
      scrapQuantity: t.scrap,
      unit: op.unit,
      operators: people.get(op.seq) ?? (r.startedBy ? [r.startedBy] : []),
      parameters: Object.entries(r.recipe ?? {}).map(([name, value]) => ({ name, value, ...(units.get(name) ? { unit: units.get(name) } : {}) })),
      consumed: consumed.filter((c) => c.seq === op.seq),
      produced: produced.filter((p) => p.seq === op.seq),
    });
  }
  const live = operations.filter((o) => o.status !== 'cancelled');
  const lastOp = live[live.length - 1];
  const starts = live
    .map((o) => o.startedAt)
    .filter((x): x is string => !!x)
    .sort();
  return {
    orderId,
    productId: order.productId,
    materialId: product?.materialId ?? null,
    plannedQuantity: order.quantity,
    unit: order.unit,
    status: order.status,
    scheduleId: order.scheduleId,
    requestId: order.requestId,
    source: order.source,
    startedAt: starts[0] ?? null,
    completedAt:
      order.status === 'completed'
        ? (live
            .map((o) => o.completedAt)
            .filter((x): x is string => !!x)
            .sort()
            .pop() ?? null)
        : null,
    goodQuantity: lastOp?.goodQuantity ?? 0,
    scrapQuantity: round(live.reduce((s, o) => s + o.scrapQuantity, 0)),
    operations,
  };
}
