// The lot ledger execution books material in: consume (scan), backflush (FIFO from the bill of materials) and
// produce (a new lot whose parents are everything the order consumed). The genealogy does not depend on the order of
// bookings: a lot consumed after the order produced a lot becomes a parent of that lot too, so a recall from any lot
// the order consumed reaches every lot it produced, even when operations complete out of sequence. The bookings of
// one order are serialised (an advisory lock) so a scan racing a completion cannot miss the produced lot. Always inside the caller's transaction, so a
// refusal leaves nothing half-applied; the lot row is locked (SELECT … FOR UPDATE) so two terminals racing for the
// same lot serialise: the second sees what the first left.
import { checkWhole, isCountable, type ConsumedLot, type LotLedger, type ProducedLot } from '../execution/index.ts';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import * as repo from './lots.repository.ts';
import { amount, checkLotId, checkQuantity, EPSILON, oneOf, unusable, type Lot, type OrderLookup } from './model.ts';

type Method = 'scan' | 'backflush';

/** Lots one backflush may draw from: beyond this a BOM line is booked against a pile of crumbs and wants a look. */
const BACKFLUSH_MAX_LOTS = 500;

export class MaterialLedger implements LotLedger {
  constructor(
    /** the plant module's equipment lookup: materials */
    private readonly plant: EquipmentLookup,
    /** execution's orders, asked whether an operation exists (lots names no order table) */
    private readonly orders: OrderLookup,
  ) {}

  /** The material as the plant model knows it (404 when it does not). */
  async material(tx: Db, id: string): Promise<{ id: string; unit: string }> {
    const m = await this.plant.on(tx).getCode('material', id);
    return { id: m.id, unit: m.unit };
  }

  private async checkOperation(tx: Db, orderId: string, seq: number): Promise<void> {
    if (!(await this.orders.operationExists(tx, orderId, seq))) throw notFound('operation', `${orderId}/${seq}`);
  }

  /** Takes `quantity` from a lot already locked by this transaction. */
  private async take(
    tx: Db,
    actor: Actor,
    lot: Lot,
    quantity: number,
    c: { orderId: string; seq: number; equipment: string | null; method: Method },
  ): Promise<ConsumedLot> {
    const left = lot.quantity - quantity;
    const usedUp = left <= EPSILON * Math.max(1, lot.initialQuantity);
    const after = { quantity: usedUp ? 0 : left, status: usedUp ? ('consumed' as const) : lot.status };
    const { at, linkedTo } = await repo.book(tx, {
      lotId: lot.id,
      left: after.quantity,
      status: after.status,
      orderId: c.orderId,
      seq: c.seq,
      quantity,
      unit: lot.unit,
      method: c.method,
      actor: actor.name,
      equipment: c.equipment,
    });
    await appendAudit(tx, actor, {
      action: 'consume',
      entity: 'material_lot',
      entityId: lot.id,
      before: { quantity: lot.quantity, status: lot.status },
      // linkedTo: lots the order had produced already, now children of this lot (the genealogy stays complete)
      after: { ...after, consumed: quantity, orderId: c.orderId, seq: c.seq, method: c.method, equipment: c.equipment, linkedTo },
    });
    return { lotId: lot.id, materialId: lot.materialId, quantity, unit: lot.unit, supplierLot: lot.supplierLot, method: c.method, at, seq: c.seq };
  }

  async consume(
    tx: Db,
    actor: Actor,
    c: { lotId: string; quantity: number; allowedMaterials: string[]; orderId: string; seq: number; equipment: string | null; method: Method },
  ): Promise<ConsumedLot> {
    checkLotId(c.lotId);
    checkQuantity(c.quantity);
    await repo.lockOrderBookings(tx, c.orderId);
    // the operation first: a scan against an unknown operation says so whether or not the lot exists
    await this.checkOperation(tx, c.orderId, c.seq);
    const lot = await repo.lockForBooking(tx, c.lotId);
    if (!lot) throw notFound('lot', c.lotId);
    const refusal = unusable(lot);
    if (refusal) throw refusal;
    // a lot of pieces gives whole pieces (execution/units.ts)
    checkWhole(c.quantity, lot.unit);
    // An empty list means the operation names no material (no BOM line): any lot may be booked against it.
    if (c.allowedMaterials.length && !c.allowedMaterials.includes(lot.materialId))
      throw new AppError('unprocessable', `lot ${lot.id} is ${lot.materialId}, this operation needs ${oneOf(c.allowedMaterials)}`);
    if (c.quantity > lot.quantity + EPSILON * Math.max(1, lot.initialQuantity))
      throw new AppError('conflict', `lot ${lot.id} holds ${amount(lot.quantity, lot.unit)}, ${amount(c.quantity, lot.unit)} cannot be consumed`);
    return this.take(tx, actor, lot, Math.min(c.quantity, lot.quantity), c);
  }

  async backflush(
    tx: Db,
    actor: Actor,
    b: { materialId: string; quantity: number; orderId: string; seq: number; equipment: string | null; location?: string | null },
  ): Promise<ConsumedLot[]> {
    checkQuantity(b.quantity);
    await repo.lockOrderBookings(tx, b.orderId);
    const material = await this.material(tx, b.materialId);
    // A counted material is drawn in whole pieces (execution/units.ts): the bill of materials' share of a carton
    // (0.5 per unit × 3 units = 1.5) books the cartons started (2). The tolerance absorbs floating-point dust.
    const quantity = isCountable(material.unit) ? Math.ceil(b.quantity - 1e-6) : b.quantity;
    if (quantity <= 0) return [];
    await this.checkOperation(tx, b.orderId, b.seq);
    const lots = await repo.lockFifo(tx, b.materialId, b.location ?? null, BACKFLUSH_MAX_LOTS);
    const available = lots.reduce((s, l) => s + l.quantity, 0);
    if (available + EPSILON * Math.max(1, quantity) < quantity) {
      const where =
        lots.length === BACKFLUSH_MAX_LOTS ? ` in the oldest ${BACKFLUSH_MAX_LOTS} lots` : ` in ${lots.length} available lot${lots.length === 1 ? '' : 's'}`;
      throw new AppError(
        'conflict',
        `only ${amount(available, material.unit)} of ${b.materialId} is available${where}, ${amount(quantity, material.unit)} cannot be backflushed`,
      );
    }
    const out: ConsumedLot[] = [];
    let need = quantity;
    for (const lot of lots) {
      if (need <= EPSILON * Math.max(1, quantity)) break;
      const q = Math.min(need, lot.quantity);
      out.push(await this.take(tx, actor, lot, q, { ...b, method: 'backflush' }));
      need -= q;
    }
    return out;
  }

  async produce(
    tx: Db,
    actor: Actor,
    p: {
      lotId?: string;
      materialId: string;
      quantity: number;
      unit: string;
      orderId: string;
      seq: number;
      equipment: string | null;
      operator: string;
      parameters: Record<string, unknown>;
      location?: string | null;
    },
  ): Promise<ProducedLot> {
    if (p.lotId !== undefined) checkLotId(p.lotId);
    checkQuantity(p.quantity);
    const material = await this.material(tx, p.materialId);
    if (p.unit !== material.unit)
      throw new AppError('unprocessable', `${p.materialId} is counted in ${material.unit}, a lot of it cannot be made in ${p.unit}`);
    await this.checkOperation(tx, p.orderId, p.seq);
    await repo.lockOrderBookings(tx, p.orderId);
    const id = p.lotId ?? (await this.freeNumber(tx));
    const parents = await repo.consumedTotals(tx, p.orderId);
    const lot = await repo.insertLot(tx, {
      id,
      materialId: p.materialId,
      quantity: p.quantity,
      unit: p.unit,
      location: p.location ?? null,
      supplier: null,
      supplierLot: null,
      createdBy: actor.name,
      producedBy: { orderId: p.orderId, seq: p.seq, equipment: p.equipment, operator: p.operator, parameters: p.parameters },
    });
    if (!lot) throw new AppError('duplicate', `lot ${id} already exists: a produced lot needs a new number`);
    await repo.insertEdges(tx, id, parents);
    await appendAudit(tx, actor, { action: 'produce', entity: 'material_lot', entityId: id, after: { ...lot, parents } });
    return { lotId: id, materialId: lot.materialId, quantity: lot.initialQuantity, unit: lot.unit, at: lot.createdAt, seq: p.seq };
  }

  /** A generated number no lot has (a supplier may have printed L-000042 on a label already). */
  async freeNumber(tx: Db): Promise<string> {
    for (;;) {
      const id = await repo.nextLotNumber(tx);
      if (!(await repo.getLot(tx, id))) return id;
    }
  }

  consumedBy(db: Db, orderId: string): Promise<ConsumedLot[]> {
    return repo.consumedBy(db, orderId);
  }

  producedBy(db: Db, orderId: string): Promise<ProducedLot[]> {
    return repo.producedBy(db, orderId);
  }
}
