// Business rules of material lots outside the shop-floor bookings: receiving supplier lots, holding, releasing,
// scrapping and counting them, and the trace. Each action is one transaction with its audit entry.
import { appendAudit } from '../platform/audit/audit.service.ts';
import { changeLot, holdRule, leaveRule, releaseRule, type LotChange } from './changes.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { checkWhole } from '../execution/index.ts';
import { AppError, notFound, validationFailed } from '../platform/errors.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { MaterialLedger } from './ledger.ts';
import * as repo from './lots.repository.ts';
import { amount, checkLotId, checkQuantity, EPSILON, type Lot, type LotReleasePolicy, type OrderLookup } from './model.ts';
import { traceLots, type Trace } from './trace.ts';
import type { Direction, TraverseLimits } from './traverse.ts';

export interface ReceiveInput {
  id?: string;
  materialId: string;
  quantity: number;
  unit?: string;
  location?: string | null;
  supplier?: string | null;
  supplierLot?: string | null;
}

export class LotService {
  readonly ledger: MaterialLedger;
  /** The signature policy a release at the lot's page must satisfy (none bound: no signature is asked). */
  releasePolicy: LotReleasePolicy | undefined;

  constructor(
    private readonly db: Db,
    /** execution's orders (the order book): operations booked against, orders a trace touched */
    private readonly orders: OrderLookup,
    /** the plant module's equipment lookup: the materials lots are of */
    plant: EquipmentLookup,
  ) {
    this.ledger = new MaterialLedger(plant, orders);
  }

  async receive(actor: Actor, input: ReceiveInput): Promise<Lot> {
    if (input.id !== undefined) checkLotId(input.id, 'id');
    checkQuantity(input.quantity);
    return this.db.transaction(async (tx) => {
      const material = await this.ledger.material(tx, input.materialId);
      const unit = input.unit ?? material.unit;
      if (unit !== material.unit)
        throw validationFailed(`${material.id} is counted in ${material.unit}: receive the lot in ${material.unit}, not ${unit}`, [
          { path: 'unit', message: `must be ${material.unit}` },
        ]);
      checkWhole(input.quantity, unit);
      const id = input.id ?? (await this.ledger.freeNumber(tx));
      const lot = await repo.insertLot(tx, {
        id,
        materialId: material.id,
        quantity: input.quantity,
        unit,
        location: input.location ?? null,
        supplier: input.supplier ?? null,
        supplierLot: input.supplierLot ?? null,
        createdBy: actor.name,
      });
      if (!lot) throw new AppError('duplicate', `lot ${id} already exists: receive it under another number`);
      await appendAudit(tx, actor, { action: 'receive', entity: 'material_lot', entityId: id, after: lot });
      return lot;
    });
  }

  list(filter: repo.LotFilter): Promise<Lot[]> {
    return repo.listLots(this.db, filter);
  }

  async get(id: string): Promise<Lot> {
    const lot = await repo.getLot(this.db, id);
    if (!lot) throw notFound('lot', id);
    return lot;
  }

  /** The lot, or undefined when there is none (a port for other modules: quality's certificates). */
  find(id: string): Promise<Lot | undefined> {
    return repo.getLot(this.db, id);
  }

  /** One lot change in its own transaction (changes.ts). */
  private change(actor: Actor, id: string, action: string, reason: string | null, change: (lot: Lot) => LotChange): Promise<Lot> {
    return this.db.transaction((tx) => changeLot(tx, actor, id, action, reason, change));
  }

  hold(actor: Actor, id: string, reason: string): Promise<Lot> {
    return this.change(actor, id, 'hold', reason, (lot) => holdRule(lot, reason));
  }

  /**
   * Releases a held lot at its own page: the signature policy for lot.release is checked on the lot as it is now, and
   * the release refused if the lot changed between the check and the release. Quality's hold release does not come
   * here: it has required the lot.release signatures on its own hold record and releases the lot in its transaction
   * (`lotHolds` in index.ts).
   */
  async release(actor: Actor, id: string, reason: string | null): Promise<Lot> {
    const policy = this.releasePolicy;
    if (!policy) return this.change(actor, id, 'release', reason, releaseRule);
    const checked = await this.get(id);
    // a lot that is not on hold gets the conflict that says so, not a request for a signature
    if (checked.status === 'on_hold') await policy.check(checked);
    return this.change(actor, id, 'release', reason, (lot) => {
      if (checked.status === 'on_hold' && JSON.stringify(lot) !== JSON.stringify(checked))
        throw new AppError('conflict', `lot ${id} changed while its release was being checked; try again`);
      return releaseRule(lot);
    });
  }

  scrap(actor: Actor, id: string, reason: string): Promise<Lot> {
    return this.change(actor, id, 'scrap', reason, (lot) => leaveRule(lot, 'scrapped', null));
  }

  /** A stock count: the lot holds `quantity` now (not more than it was received with). */
  adjust(actor: Actor, id: string, quantity: number, reason: string): Promise<Lot> {
    if (!Number.isFinite(quantity) || quantity < 0)
      throw validationFailed(`quantity must be 0 or more (got ${quantity})`, [{ path: 'quantity', message: 'must be 0 or more' }]);
    return this.change(actor, id, 'adjust', reason, (lot) => {
      checkWhole(quantity, lot.unit);
      if (lot.status === 'scrapped' || lot.status === 'consumed' || lot.status === 'returned')
        throw new AppError('conflict', `lot ${id} is ${lot.status}: its quantity can no longer be adjusted`);
      if (quantity > lot.initialQuantity + EPSILON)
        throw new AppError('conflict', `lot ${id} was received with ${amount(lot.initialQuantity, lot.unit)}: it cannot hold ${amount(quantity, lot.unit)}`);
      const empty = quantity <= EPSILON;
      return { quantity: empty ? 0 : quantity, status: empty ? 'consumed' : lot.status, holdReason: empty ? null : lot.holdReason };
    });
  }

  async trace(id: string, direction: Direction, limits: TraverseLimits): Promise<Trace> {
    await this.get(id);
    return traceLots(this.db, this.orders, [id], direction, limits);
  }

  /** A recall: forward from every lot received under this supplier lot number. */
  async recall(supplierLot: string, limits: TraverseLimits): Promise<Trace> {
    const roots = await repo.lotsWithSupplierLot(this.db, supplierLot);
    if (!roots.length) throw new AppError('not_found', `no lot was received with supplier lot '${supplierLot}'`);
    return traceLots(this.db, this.orders, roots, 'forward', limits);
  }
}
