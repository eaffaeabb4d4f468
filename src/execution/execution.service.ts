// Business rules of production orders: idempotent intake by the ERP's order id, decomposition into operations,
// release with completeness checks, cancellation, and the dispatch list of a work centre.
import { z } from 'zod';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, fromDatabaseError, notFound, validationFailed, type FieldIssue } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { yieldToLoop } from '../platform/offload.ts';
import type { EquipmentLookup, RoutingOperation } from '../plant/index.ts';
import * as repo from './execution.repository.ts';
import { candidatesFor, decompose, fingerprintOf, quantityProblem, type OrderInput, type PlantView, type ProductView } from './model.ts';
import { wholeProblem } from './units.ts';

export type IntakeResult = 'created' | 'updated' | 'unchanged' | 'cancelled' | 'rejected';

export interface RequestOutcome {
  orderId: string;
  requestId: string | null;
  result: IntakeResult;
  reason?: string;
  version?: number;
  /** The body field a rejection is about (internal: a single REST order's 400 names it). */
  field?: string;
}

/** What the API shows of an order and its operations (the fingerprint and the repeated order id stay inside). */
export const publicOrderSchema = repo.orderRowSchema.omit({ fingerprint: true });
export type PublicOrder = z.infer<typeof publicOrderSchema>;
export const publicOperationSchema = repo.operationRowSchema.omit({ orderId: true });
export type PublicOperation = z.infer<typeof publicOperationSchema>;
export const orderWithOperationsSchema = publicOrderSchema.extend({ operations: z.array(publicOperationSchema) });
export const dispatchListSchema = z.object({ equipment: z.string(), operations: z.array(repo.dispatchRowSchema) });

const publicOrder = ({ fingerprint: _f, ...o }: repo.OrderRow): PublicOrder => o;
const publicOperation = ({ orderId: _o, ...op }: repo.OperationRow): PublicOperation => op;
const STARTED = new Set(['running', 'completed']);
const withoutField = ({ field: _f, ...r }: RequestOutcome): RequestOutcome => r;

/** A business refusal of one request (becomes `rejected` with this reason, or a 4xx for single calls naming `field`). */
class Refusal extends Error {
  constructor(
    message: string,
    readonly field = 'id',
  ) {
    super(message);
  }
}

interface Master {
  plant: PlantView;
  products: ProductView[];
  /** material id → its unit */
  materials: Map<string, string>;
}

export class ExecutionService {
  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
    private readonly plant: EquipmentLookup,
  ) {}

  private async master(tx: Db): Promise<Master> {
    const plant = this.plant.on(tx);
    const equipment = await plant.listEquipment();
    const products = await plant.listCodes('product');
    const materials = await plant.listCodes('material');
    return {
      plant: { equipment: equipment.map((e) => ({ id: e.id, path: e.path, extId: e.extId, level: e.level, equipmentClass: e.equipmentClass })) },
      products: products.map((p) => ({ id: p.id, unit: p.unit, materialId: p.materialId, routing: normaliseRouting(p.routing as unknown[]) })),
      materials: new Map(materials.map((m) => [m.id, m.unit])),
    };
  }

  /**
   * Applies orders as the ERP sent them. `each`: every order in its own transaction, refusals reported per order.
   * `atomic`: all in one transaction; any refusal rolls everything back and is thrown with `labels[i]` as its path.
   */
  async receive(actor: Actor, inputs: OrderInput[], mode: 'each' | 'atomic', labels?: string[]): Promise<RequestOutcome[]> {
    if (mode === 'atomic') {
      return this.db.transaction(async (tx) => {
        const m = await this.master(tx);
        const out: RequestOutcome[] = [];
        const issues: FieldIssue[] = [];
        for (const [i, input] of inputs.entries()) {
          // A long import holds the transaction, but not the event loop: other requests are parsed and answered meanwhile.
          if (i > 0 && i % 50 === 0) await yieldToLoop();
          const r = await this.applyOne(tx, actor, input, m);
          const at = labels?.[i] ?? `[${i}]`;
          if (r.result === 'rejected') issues.push({ path: r.field && r.field !== 'id' ? `${at}.${r.field}` : at, message: r.reason ?? 'rejected' });
          out.push(withoutField(r));
        }
        if (issues.length) throw validationFailed(`nothing was imported: ${issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`, issues);
        return out;
      });
    }
    return (await this.receiveEach(actor, inputs)).map(withoutField);
  }

  private async receiveEach(actor: Actor, inputs: OrderInput[]): Promise<RequestOutcome[]> {
    const out: RequestOutcome[] = [];
    for (const input of inputs) {
      const once = () => this.db.transaction(async (tx) => this.applyOne(tx, actor, input, await this.master(tx)));
      // Two senders racing on a new order id: the loser's insert hits the primary key; once more, it sees the winner's row.
      out.push(await once().catch((err) => (fromDatabaseError(err)?.code === 'duplicate' ? once() : Promise.reject(err))));
    }
    return out;
  }

  private async applyOne(tx: Db, actor: Actor, input: OrderInput, m: Master): Promise<RequestOutcome> {
    const base = { orderId: input.id, requestId: input.requestId };
    try {
      // A savepoint per order: a refusal inside leaves the surrounding transaction usable.
      return await tx.transaction(async (sp) => ({ ...base, ...(await this.applyInTx(sp, actor, input, m)) }));
    } catch (err) {
      if (err instanceof Refusal) return { ...base, result: 'rejected', reason: err.message, field: err.field };
      throw err;
    }
  }

  private async applyInTx(tx: Db, actor: Actor, input: OrderInput, m: Master): Promise<Omit<RequestOutcome, 'orderId' | 'requestId'>> {
    const existing = await repo.getOrder(tx, input.id, true);
    if (input.cancel) {
      if (!existing) throw new Refusal(`order '${input.id}' does not exist: nothing to cancel`);
      if (existing.status === 'cancelled') return { result: 'unchanged', version: existing.version };
      if (STARTED.has(existing.status)) throw new Refusal(`order '${input.id}' is ${existing.status} already: it can no longer be cancelled`);
      const after = await repo.setOrderStatus(tx, input.id, 'cancelled', { cancelReason: `cancelled by the ERP (${input.source})` });
      await appendAudit(tx, actor, {
        action: 'cancel',
        entity: 'production_order',
        entityId: input.id,
        before: publicOrder(existing),
        after: publicOrder(after),
      });
      return { result: 'cancelled', version: after.version };
    }
    const problem = quantityProblem(input.quantity);
    if (problem) throw new Refusal(problem, 'quantity');
    if (input.priority !== null && (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > 1_000_000))
      throw new Refusal(`priority ${input.priority} must be a whole number from 0 to 1000000`, 'priority');
    for (const [field, d] of [
      ['due', input.due],
      ['startAfter', input.startAfter],
    ] as const)
      if (d !== null && Number.isNaN(Date.parse(d))) throw new Refusal(`'${d}' is not a date-time`, field);
    const product = m.products.find((p) => p.id === input.product) ?? m.products.find((p) => p.materialId === input.product);
    if (!product) throw new Refusal(`unknown product or material definition '${input.product}'`, 'product');
    if (input.unit && input.unit !== product.unit)
      throw new Refusal(`unit '${input.unit}' does not match product '${product.id}' (counted in '${product.unit}')`, 'unit');
    // A product counted in pieces is ordered in whole pieces (units.ts), whatever the channel: REST, CSV or B2MML.
    const fraction = wholeProblem(input.quantity, product.unit);
    if (fraction) throw new Refusal(fraction, 'quantity');
    const unknownMaterials = [...new Set(input.segments.flatMap((s) => s.materials.map((x) => x.materialId)).filter((id) => !m.materials.has(id)))];
    if (unknownMaterials.length) throw new Refusal(`unknown material definition(s): ${unknownMaterials.join(', ')}`);
    for (const s of input.segments)
      for (const x of s.materials) {
        const bad = quantityProblem(x.quantity) ?? wholeProblem(x.quantity, x.unit ?? m.materials.get(x.materialId));
        if (bad) throw new Refusal(`segment '${s.id}', material '${x.materialId}': ${bad}`);
      }

    const fingerprint = fingerprintOf(input);
    if (existing && existing.fingerprint === fingerprint) return { result: 'unchanged', version: existing.version };
    if (existing && STARTED.has(existing.status)) throw new Refusal(`order '${input.id}' is ${existing.status} already: changes are refused`);
    if (existing?.status === 'cancelled') throw new Refusal(`order '${input.id}' was cancelled: send a new order id`);

    const dueAt = input.due ? new Date(input.due).toISOString() : null;
    const write: repo.OrderWrite = {
      id: input.id,
      productId: product.id,
      quantity: input.quantity,
      unit: product.unit,
      startAfter: input.startAfter ? new Date(input.startAfter).toISOString() : null,
      dueAt,
      priority: input.priority ?? 100,
      source: input.source,
      scheduleId: input.scheduleId,
      requestId: input.requestId,
      description: input.description,
      fingerprint,
    };
    const ops = decompose({ quantity: input.quantity, segments: input.segments, due: dueAt }, product, m.plant);
    if (!existing) {
      const after = await repo.insertOrder(tx, write);
      await repo.replaceOperations(tx, input.id, ops, 'created');
      await appendAudit(tx, actor, { action: 'create', entity: 'production_order', entityId: input.id, after: { ...publicOrder(after), operations: ops } });
      return { result: 'created', version: after.version };
    }
    const current = await repo.listOperations(tx, input.id);
    // a nonconformance's rework operation (rework.ts) is not the ERP's to replace
    const rework = current.filter((o) => o.reworkOf).map((o) => `${o.seq} (${o.reworkOf})`);
    if (rework.length) throw new Refusal(`order '${input.id}' has rework operation${rework.length === 1 ? '' : 's'} ${rework.join(', ')}: changes are refused`);
    const before = { ...publicOrder(existing), operations: current.map(publicOperation) };
    const after = await repo.updateOrder(tx, write);
    await repo.replaceOperations(tx, input.id, ops, existing.status);
    await appendAudit(tx, actor, {
      action: 'update',
      entity: 'production_order',
      entityId: input.id,
      before,
      after: { ...publicOrder(after), operations: ops },
    });
    return { result: 'updated', version: after.version };
  }

  /** One order from the REST API: a refusal is a 4xx rather than a `rejected` outcome. */
  async receiveOne(actor: Actor, input: OrderInput): Promise<RequestOutcome> {
    const [r] = await this.receiveEach(actor, [input]);
    if (r.result === 'rejected') {
      const { field = 'id', reason = 'rejected' } = r;
      // The order's own state (started, cancelled) is a conflict; anything wrong with a field of the body is a 400 naming it.
      throw new AppError(field === 'id' ? 'conflict' : 'validation_failed', reason, [{ path: field, message: reason }]);
    }
    return withoutField(r);
  }

  /** Which of these ids name neither a product nor the material a product makes (as intake looks them up). */
  async unknownProducts(ids: string[]): Promise<Set<string>> {
    const { products } = await this.master(this.db);
    return new Set(ids.filter((id) => !products.some((p) => p.id === id || p.materialId === id)));
  }

  list = async (f: repo.OrderFilter) => (await repo.listOrders(this.db, f)).map(publicOrder);

  async get(id: string, db: Db = this.db): Promise<PublicOrder & { operations: PublicOperation[] }> {
    const o = await repo.getOrder(db, id);
    if (!o) throw notFound('production order', id);
    return { ...publicOrder(o), operations: (await repo.listOperations(db, id)).map(publicOperation) };
  }

  /** Release checks (ISA-95 "Released"): product, routing, materials complete; every operation has a machine. */
  async release(actor: Actor, id: string): Promise<PublicOrder & { operations: PublicOperation[] }> {
    const released = await this.releaseInTx(actor, id);
    this.events.publish('execution.order', { orderId: id, status: 'released', action: 'release' });
    return released;
  }

  private async releaseInTx(actor: Actor, id: string): Promise<PublicOrder & { operations: PublicOperation[] }> {
    return this.db.transaction(async (tx) => {
      const before = await repo.getOrder(tx, id, true);
      if (!before) throw notFound('production order', id);
      if (before.status !== 'created') throw new AppError('conflict', `order '${id}' is ${before.status}: only a created order can be released`);
      const m = await this.master(tx);
      const ops = await repo.listOperations(tx, id);
      const issues: FieldIssue[] = [];
      const product = m.products.find((p) => p.id === before.productId);
      if (!product) issues.push({ path: 'product', message: `product '${before.productId}' does not exist` });
      else if (product.routing.length === 0 && ops.every((o) => !o.segmentId))
        issues.push({ path: 'routing', message: `product '${product.id}' has no routing (no operations)` });
      if (product?.materialId && !m.materials.has(product.materialId))
        issues.push({ path: 'product.materialId', message: `material '${product.materialId}' produced by '${product.id}' does not exist` });
      if (ops.length === 0) issues.push({ path: 'operations', message: 'the order has no operations' });
      if (ops.length && ops.every((o) => o.materials.length === 0))
        issues.push({ path: 'materials', message: `no operation consumes any material: the bill of materials of '${before.productId}' is empty` });
      for (const op of ops) {
        for (const x of op.materials)
          if (!m.materials.has(x.materialId)) issues.push({ path: `operations[${op.seq}].materials`, message: `material '${x.materialId}' does not exist` });
        // Machines may have been added or removed since the order arrived: resolve the candidates again.
        const candidates =
          op.workCenter || op.equipmentClass ? candidatesFor(op, m.plant) : op.candidates.filter((p) => m.plant.equipment.some((e) => e.path === p));
        if (candidates.length === 0) {
          const what = op.workCenter
            ? `work centre '${op.workCenter}' does not exist`
            : op.equipmentClass
              ? `equipment class '${op.equipmentClass}' has no machines`
              : 'no equipment was named';
          issues.push({ path: `operations[${op.seq}].candidates`, message: `operation ${op.seq} '${op.name}' has no machine that can run it (${what})` });
        } else if (JSON.stringify(candidates) !== JSON.stringify(op.candidates)) await repo.setCandidates(tx, id, op.seq, candidates);
      }
      if (issues.length) throw new AppError('unprocessable', `order '${id}' cannot be released: ${issues.map((i) => i.message).join('; ')}`, issues);
      const after = await repo.setOrderStatus(tx, id, 'released', { released: true });
      await appendAudit(tx, actor, { action: 'release', entity: 'production_order', entityId: id, before: publicOrder(before), after: publicOrder(after) });
      return this.get(id, tx);
    });
  }

  async cancel(actor: Actor, id: string, reason?: string): Promise<PublicOrder> {
    const cancelled = await this.cancelInTx(actor, id, reason);
    this.events.publish('execution.order', { orderId: id, status: 'cancelled', action: 'cancel' });
    return cancelled;
  }

  private async cancelInTx(actor: Actor, id: string, reason?: string): Promise<PublicOrder> {
    return this.db.transaction(async (tx) => {
      const before = await repo.getOrder(tx, id, true);
      if (!before) throw notFound('production order', id);
      if (before.status === 'cancelled') throw new AppError('conflict', `order '${id}' is cancelled already`);
      if (STARTED.has(before.status))
        throw new AppError('conflict', `order '${id}' is ${before.status}: production has started, so it can no longer be cancelled`);
      const after = await repo.setOrderStatus(tx, id, 'cancelled', { cancelReason: reason ?? 'cancelled' });
      await appendAudit(tx, actor, {
        action: 'cancel',
        entity: 'production_order',
        entityId: id,
        before: publicOrder(before),
        after: publicOrder(after),
        reason,
      });
      return publicOrder(after);
    });
  }

  /** The released operations a work centre or machine can run, most urgent first. */
  async dispatch(idOrPath: string) {
    const eq = await this.plant.getEquipment(idOrPath);
    const rows = await repo.dispatchList(this.db, eq.path);
    return { equipment: eq.path, operations: rows.map(({ orderId, ...r }) => ({ orderId, ...r })) };
  }
}

/** Routings are stored as validated JSON; fill the defaults the schema would have filled, for older rows. */
function normaliseRouting(routing: unknown[]): RoutingOperation[] {
  return (routing ?? []).map((r) => {
    const op = r as RoutingOperation;
    return { ...op, setupTimeS: op.setupTimeS ?? 0, parameters: op.parameters ?? [], bom: op.bom ?? [] };
  });
}
