// Nonconformances: opened by hand, from a reaction plan's reaction (the bus), from a hold or from a customer complaint;
// dispositioned through the lot ledger and execution (ports, model.ts); closed only with the quality signature the
// policy asks for (ncr.close). Every change is one transaction with its audit entry (entity 'ncr').
import { randomUUID, createHash } from 'node:crypto';
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { canonicalJson, type SignatureService } from '../../platform/signatures/index.ts';
import type { QualityReaction } from '../events.ts';
import {
  canonicalNcr,
  nextStatus,
  type Disposition,
  type DispositionKind,
  type Ncr,
  type NcrLot,
  type NcrLots,
  type NcrLotView,
  type NcrOrders,
  type NcrRework,
  type NcrRow,
  type ReworkedRow,
} from './model.ts';
import * as repo from './ncr.repository.ts';
import { checkPhoto } from '../../platform/photos.ts';

export const NCR_ENTITY = 'ncr';
/** Who the bus's NCRs are opened by in the audit trail. */
const REACTION_ACTOR: Actor = { id: null, name: 'quality reaction plan' };
const EPS = 1e-9;

export interface NcrInput {
  title: string;
  description?: string;
  source: 'manual' | 'hold' | 'complaint';
  /** the hold or the complaint it comes from */
  sourceRef?: string | null;
  characteristic?: string | null;
  orderId?: string | null;
  operationSeq?: number | null;
  equipment?: string | null;
  lots?: NcrLot[];
  defectCodes?: string[];
  quantity?: number | null;
}

export type NcrPatch = Partial<Pick<NcrRow, 'title' | 'description' | 'lots' | 'defectCodes' | 'quantity' | 'equipment'>>;

export interface DispositionInput {
  kind: DispositionKind;
  lot?: string | null;
  quantity: number;
  reason: string;
}

export interface NcrPorts {
  lots?: NcrLots;
  rework?: NcrRework;
  orders?: NcrOrders;
}

export class NcrService {
  /**
   * Told when the dispositions of an NCR opened from a hold (source 'hold', sourceRef the hold's id) settle the quantity
   * it concerns: the quality module closes that hold (src/quality/index.ts binds it to the hold service).
   */
  onHoldSettled: (actor: Actor, holdId: string, reason: string) => Promise<unknown> = async () => {};

  constructor(
    private readonly db: Db,
    private readonly ports: NcrPorts,
    private readonly signatures: SignatureService,
  ) {}

  /** The NCR with its dispositions and photos, or undefined. */
  async find(id: string, db: Db = this.db): Promise<Ncr | undefined> {
    const row = await repo.getNcr(db, id);
    if (!row) return undefined;
    return { ...row, dispositions: await repo.dispositionsOf(db, id), photos: await repo.photosOf(db, id) };
  }

  async get(id: string): Promise<Ncr> {
    const n = await this.find(id);
    if (!n) throw notFound('NCR', id);
    return n;
  }

  list(filter: repo.NcrFilter): Promise<NcrRow[]> {
    return repo.listNcrs(this.db, filter);
  }

  /** What a signature of the NCR binds to (the signature service's loader for record type 'ncr'). */
  async signable(id: string): Promise<Record<string, unknown> | undefined> {
    const n = await this.find(id);
    return n && canonicalNcr(n);
  }

  async open(actor: Actor, input: NcrInput): Promise<Ncr> {
    const lots = input.lots ?? [];
    if (input.source === 'complaint' && !lots.length)
      throw validationFailed('a customer complaint is against a lot: name it in lots', [{ path: 'lots', message: 'at least one lot for a complaint' }]);
    if (input.source === 'hold' && !input.sourceRef)
      throw validationFailed('an NCR from a hold names the hold in sourceRef', [{ path: 'sourceRef', message: 'required for source hold' }]);
    if (input.operationSeq != null && !input.orderId)
      throw validationFailed('an operation belongs to an order: give orderId with operationSeq', [{ path: 'orderId', message: 'required with operationSeq' }]);
    checkLotList(lots);
    const id = await this.db.transaction(async (tx) => {
      if (input.orderId) await this.order(tx, input.orderId);
      for (const l of lots) await this.lot(tx, l.lot);
      const row = await repo.insertNcr(tx, {
        title: input.title,
        description: input.description ?? '',
        source: input.source,
        sourceRef: input.sourceRef ?? null,
        reactionId: null,
        characteristic: input.characteristic ?? null,
        measurementId: null,
        value: null,
        orderId: input.orderId ?? null,
        operationSeq: input.operationSeq ?? null,
        equipment: input.equipment ?? null,
        lots,
        defectCodes: dedupe(input.defectCodes ?? []),
        quantity: input.quantity ?? null,
        createdBy: actor.name,
      });
      await appendAudit(tx, actor, { action: 'create', entity: NCR_ENTITY, entityId: row!.id, after: row });
      return row!.id;
    });
    return this.get(id);
  }

  /** One NCR per reaction, pre-filled from it; a reaction delivered again returns the NCR it opened. */
  async fromReaction(r: QualityReaction): Promise<Ncr> {
    const id = await this.db.transaction(async (tx) => {
      const row = await repo.insertNcr(tx, {
        title: `${r.characteristicName}: ${r.trigger === 'spec' ? 'out of specification' : `SPC rule ${r.rule ?? '?'} violated`}`.slice(0, 200),
        description: r.summary,
        source: 'check',
        sourceRef: r.id,
        reactionId: r.id,
        characteristic: r.characteristic,
        measurementId: r.measurementId,
        value: r.value,
        orderId: r.orderId,
        operationSeq: r.operationSeq,
        equipment: r.equipment,
        lots: r.lot ? [{ lot: r.lot, quantity: null }] : [],
        defectCodes: [],
        quantity: null,
        createdBy: REACTION_ACTOR.name,
      });
      if (!row) return (await repo.ncrByReaction(tx, r.id))!.id;
      await appendAudit(tx, REACTION_ACTOR, { action: 'create', entity: NCR_ENTITY, entityId: row.id, after: { ...row, reaction: r } });
      return row.id;
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, patch: NcrPatch, reason: string | null): Promise<Ncr> {
    if (patch.lots) checkLotList(patch.lots);
    await this.db.transaction(async (tx) => {
      const before = await this.locked(tx, id);
      nextStatus(id, before.status, 'edit');
      for (const l of patch.lots ?? []) if (!before.lots.some((o) => o.lot === l.lot)) await this.lot(tx, l.lot);
      const after = {
        title: patch.title ?? before.title,
        description: patch.description ?? before.description,
        lots: patch.lots ?? before.lots,
        defectCodes: patch.defectCodes ? dedupe(patch.defectCodes) : before.defectCodes,
        quantity: patch.quantity === undefined ? before.quantity : patch.quantity,
        equipment: patch.equipment === undefined ? before.equipment : patch.equipment,
      };
      await repo.updateFields(tx, id, after);
      await appendAudit(tx, actor, { action: 'update', entity: NCR_ENTITY, entityId: id, before, after, reason });
    });
    return this.get(id);
  }

  /** Books one disposition through the ledger (or execution) and records who, when, how much and why. */
  async disposition(actor: Actor, id: string, d: DispositionInput): Promise<Ncr> {
    // use as is on a held lot releases it: no side door past the policy's lot.release signatures (given on the NCR)
    const releases = d.kind === 'use_as_is' && d.lot && (await this.ports.lots?.get(this.db, d.lot))?.status === 'on_hold';
    if (releases) await this.signatures.requireSignatures('lot.release', { recordType: 'ncr', recordId: id, record: canonicalNcr(await this.get(id)) });
    const settled = await this.db.transaction(async (tx) => {
      const n = await this.locked(tx, id);
      const status = nextStatus(id, n.status, 'disposition');
      const done = (await repo.dispositionsOf(tx, id)).reduce((s, x) => s + x.quantity, 0);
      if (n.quantity !== null && done + d.quantity > n.quantity + EPS)
        throw new AppError('conflict', `NCR ${id} concerns ${n.quantity}; ${done} is dispositioned already, ${d.quantity} more would exceed it`);
      if (d.lot && !n.lots.some((l) => l.lot === d.lot))
        throw validationFailed(`lot ${d.lot} is not among the lots of NCR ${id}: add it to the NCR first`, [{ path: 'lot', message: 'not a lot of this NCR' }]);
      const reason = `${id}: ${d.reason}`;
      let lot: NcrLotView | undefined;
      let ledger: unknown = null;
      let orderId: string | null = null;
      let operationSeq: number | null = null;
      let product: string | null = null;
      if (d.kind === 'scrap' || d.kind === 'return_to_supplier') {
        if (!d.lot) throw validationFailed(`a ${d.kind.replace(/_/g, ' ')} names the lot`, [{ path: 'lot', message: `required for ${d.kind}` }]);
        const lots = this.need('lots', this.ports.lots);
        lot = d.kind === 'scrap' ? await lots.scrap(tx, actor, d.lot, d.quantity, reason) : await lots.returnToSupplier(tx, actor, d.lot, d.quantity, reason);
        ledger = { lot: lot.id, status: lot.status, left: lot.quantity };
      } else if (d.kind === 'use_as_is') {
        if (d.lot) {
          const lots = this.need('lots', this.ports.lots);
          lot = await this.lot(tx, d.lot);
          if (lot.status === 'on_hold') {
            lot = await lots.release(tx, actor, d.lot, reason);
            ledger = { lot: lot.id, released: true };
          }
        }
      } else {
        if (!n.orderId) throw new AppError('unprocessable', `NCR ${id} names no order: a rework operation is added to an order`);
        const op = await this.need('rework', this.ports.rework).add(tx, actor, {
          orderId: n.orderId,
          ncrId: id,
          quantity: d.quantity,
          reason: d.reason,
          reworks: n.operationSeq,
        });
        ({ orderId, seq: operationSeq, productId: product } = op);
        ledger = { operation: op };
      }
      if (!product) product = n.orderId ? ((await this.ports.orders?.summaries(tx, [n.orderId]))?.[0]?.productId ?? null) : null;
      if (!product && d.lot) product = (lot ?? (await this.ports.lots?.get(tx, d.lot)))?.materialId ?? null;
      const row = await repo.insertDisposition(tx, id, {
        kind: d.kind,
        lot: d.lot ?? null,
        quantity: d.quantity,
        reason: d.reason,
        orderId,
        operationSeq,
        product,
        equipment: n.equipment,
        defect: n.defectCodes[0] ?? null,
        createdBy: actor.name,
      });
      if (status !== n.status) await repo.setStatus(tx, id, status, null);
      await appendAudit(tx, actor, {
        action: 'disposition',
        entity: NCR_ENTITY,
        entityId: id,
        before: { status: n.status },
        after: { status, disposition: row, ledger },
        reason: d.reason,
      });
      // an NCR from a hold whose dispositions now cover the quantity it concerns settles that hold
      const settles = n.source === 'hold' && n.sourceRef !== null && n.quantity !== null && done < n.quantity - EPS && done + d.quantity >= n.quantity - EPS;
      return settles ? n.sourceRef : null;
    });
    if (settled) await this.onHoldSettled(actor, settled, `${id}: dispositions settle the held quantity`);
    return this.get(id);
  }

  /** Closes a dispositioned NCR once the policy's signatures (ncr.close) are valid on it as it is now. */
  async close(actor: Actor, id: string, reason: string | null): Promise<Ncr> {
    const seen = await this.get(id);
    nextStatus(id, seen.status, 'close');
    const record = canonicalNcr(seen);
    const ok = await this.signatures.requireSignatures('ncr.close', { recordType: 'ncr', recordId: id, record });
    await this.db.transaction(async (tx) => {
      await this.locked(tx, id);
      const now = (await this.find(id, tx))!;
      nextStatus(id, now.status, 'close');
      if (canonicalJson(canonicalNcr(now)) !== canonicalJson(record))
        throw new AppError('conflict', `NCR ${id} changed while it was being closed: look at it again and sign what it says now`);
      await repo.setStatus(tx, id, 'closed', { by: actor.name, reason, signatures: ok.counted });
      await appendAudit(tx, actor, {
        action: 'close',
        entity: NCR_ENTITY,
        entityId: id,
        before: { status: now.status },
        after: { status: 'closed', signatures: ok.counted },
        reason,
      });
    });
    return this.get(id);
  }

  async cancel(actor: Actor, id: string, reason: string): Promise<Ncr> {
    await this.db.transaction(async (tx) => {
      const n = await this.locked(tx, id);
      const status = nextStatus(id, n.status, 'cancel');
      await repo.setStatus(tx, id, status, { by: actor.name, reason });
      await appendAudit(tx, actor, { action: 'cancel', entity: NCR_ENTITY, entityId: id, before: { status: n.status }, after: { status }, reason });
    });
    return this.get(id);
  }

  async addPhoto(actor: Actor, id: string, name: string, declared: string, body: unknown) {
    const type = checkPhoto(declared, body);
    const data = body as Buffer;
    return this.db.transaction(async (tx) => {
      const n = await this.locked(tx, id);
      nextStatus(id, n.status, 'photo');
      const photo = await repo.insertPhoto(tx, {
        id: randomUUID(),
        ncrId: id,
        name,
        contentType: type,
        sha256: createHash('sha256').update(data).digest('hex'),
        data,
        createdBy: actor.name,
      });
      await appendAudit(tx, actor, { action: 'photo', entity: NCR_ENTITY, entityId: id, after: photo });
      return photo;
    });
  }

  async photo(id: string, photoId: string) {
    const p = await repo.photoData(this.db, id, photoId);
    if (!p) throw notFound('photo', `${id}/${photoId}`);
    return p;
  }

  /** Quantities dispositioned as rework in the window, by product, machine and defect (the KPIs' rework source). */
  reworked(window: { from: Date; to: Date }, filter: { product?: string; machine?: string; order?: string } = {}): Promise<ReworkedRow[]> {
    return repo.reworked(this.db, window.from, window.to, filter);
  }

  private async locked(tx: Db, id: string): Promise<NcrRow> {
    const n = await repo.getNcr(tx, id, true);
    if (!n) throw notFound('NCR', id);
    return n;
  }

  private async order(tx: Db, orderId: string): Promise<void> {
    if (!this.ports.orders) return;
    const [o] = await this.ports.orders.summaries(tx, [orderId]);
    if (!o) throw notFound('order', orderId);
  }

  private async lot(tx: Db, id: string): Promise<NcrLotView> {
    const l = await this.need('lots', this.ports.lots).get(tx, id);
    if (!l) throw notFound('lot', id);
    return l;
  }

  private need<T>(what: string, port: T | undefined): T {
    if (!port) throw new AppError('unavailable', `this Takt runs without ${what}: the disposition cannot be booked`);
    return port;
  }
}

function checkLotList(lots: NcrLot[]): void {
  const seen = new Set<string>();
  for (const [i, l] of lots.entries()) {
    if (seen.has(l.lot)) throw validationFailed(`lot ${l.lot} is listed twice`, [{ path: `lots[${i}].lot`, message: 'listed twice' }]);
    seen.add(l.lot);
  }
}

const dedupe = (codes: string[]) => [...new Set(codes)];

export type { Disposition };
