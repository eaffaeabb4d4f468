// Technician work on a work order: labour, notes, photos, checklist, failure codes, spare parts (through the lots
// ledger, ports.ts), the technician's queue and the MTTR split. Every change is one transaction with the order locked
// and an audit entry on it (entity 'maintenance.work_order'). docs/maintenance.md "Technician work".
import { createHash, randomUUID } from 'node:crypto';
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor, Role } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { checkPhoto } from '../../platform/photos.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import { OPEN_STATUSES, type WorkOrder, type WorkOrderStatus } from '../work-orders/model.ts';
import { getWorkOrder } from '../work-orders/work-orders.repository.ts';
import { WORK_ORDER_ENTITY, type WorkOrderService } from '../work-orders/work-orders.service.ts';
import {
  FAILURE_CODE_FIELDS,
  mttrSplit,
  type ChecklistItem,
  type FailureCatalogue,
  type FailureCodes,
  type LabourEntry,
  type LabourStopReason,
  type MttrFigures,
  type MttrSplit,
  type Note,
  type PhotoMeta,
  type SparePart,
} from './model.ts';
import type { SpareParts } from './ports.ts';
import * as repo from './technician.repository.ts';

export interface TechnicianWork {
  workOrderId: string;
  labour: LabourEntry[];
  notes: Note[];
  photos: PhotoMeta[];
  checklist: ChecklistItem[];
  failureCodes: FailureCodes;
  parts: SparePart[];
  mttr: MttrSplit;
}

export interface MachineMttr extends MttrFigures {
  equipment: string;
  from: string;
  to: string;
  /** corrective orders done in [from, to) */
  repairs: number;
  /** the figures above divided by `repairs` (null when there were none) */
  mean: MttrFigures | null;
}

/** Statuses in which notes and photos may still be added (anything not closed). */
const NOT_CLOSED: readonly WorkOrderStatus[] = [...OPEN_STATUSES, 'done'];

export class TechnicianService {
  constructor(
    private readonly ctx: AppContext,
    private readonly workOrders: WorkOrderService,
    private readonly parts: SpareParts,
    private readonly plant: EquipmentLookup,
  ) {
    workOrders.guardMoves((tx, before, to) => this.guardMove(tx, before, to));
  }

  private get db(): Db {
    return this.ctx.db;
  }

  catalogue(): Promise<FailureCatalogue> {
    return repo.catalogue(this.db);
  }

  /** The signed-in technician's open orders: assigned to them first, then unassigned; by priority, oldest first. */
  queue(technician: string, limit = 100): Promise<WorkOrder[]> {
    return repo.queueOf(this.db, technician, limit);
  }

  async work(id: string): Promise<TechnicianWork> {
    const w = await this.order(this.db, id);
    const labour = await repo.labourOfOrder(this.db, id);
    return {
      workOrderId: id,
      labour,
      notes: await repo.notesOf(this.db, id),
      photos: await repo.photosOf(this.db, id),
      checklist: await repo.checklistOf(this.db, id),
      failureCodes: await repo.failureCodesOf(this.db, id),
      parts: await this.parts.issuedTo(this.db, id),
      mttr: splitOf(w, labour, new Date()),
    };
  }

  /** The MTTR split of one order (see MttrSplit): to its done time, or to now while it is not done. */
  async mttr(id: string): Promise<MttrSplit> {
    const w = await this.order(this.db, id);
    return splitOf(w, await repo.labourOfOrder(this.db, id), new Date());
  }

  /** The summed and mean MTTR split of a machine's corrective orders done in [from, to). */
  async machineMttr(equipment: string, from: Date, to: Date): Promise<MachineMttr> {
    if (!(to > from)) throw validationFailed('the window ends after it starts', [{ path: 'to', message: 'must be after from' }]);
    const e = await this.plant.getEquipment(equipment);
    const { repairs, sum, mean } = await this.splitOf({ equipmentId: e.id }, from, to);
    return { equipment: e.path, from: from.toISOString(), to: to.toISOString(), repairs, ...sum, mean };
  }

  /** The MTTR split summed and averaged over the corrective orders done in [from, to) in a scope (the KPIs use it). */
  async splitOf(scope: repo.RepairScope, from: Date, to: Date): Promise<{ repairs: number; sum: MttrFigures; mean: MttrFigures | null }> {
    const repairs = await repo.repairsOf(this.db, scope, from, to);
    const labour = await repo.labourOfOrders(
      this.db,
      repairs.map((r) => r.id),
    );
    const sum: MttrFigures = { totalMinutes: 0, waitingForTechnicianMinutes: 0, repairMinutes: 0, waitingForPartsMinutes: 0, otherMinutes: 0 };
    for (const r of repairs) {
      const f = mttrSplit(stopOf(r) ?? new Date(r.createdAt), new Date(r.doneAt), labour.get(r.id) ?? []);
      for (const k of Object.keys(sum) as Array<keyof MttrFigures>) sum[k] += f[k];
    }
    const n = repairs.length;
    const mean = n ? (Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, v / n])) as unknown as MttrFigures) : null;
    return { repairs: n, sum, mean };
  }

  /** Starts the technician's labour; an order not yet in progress is moved to in progress first. */
  async startLabour(actor: Actor, roles: readonly Role[], id: string): Promise<LabourEntry> {
    const w = await this.order(this.db, id);
    if (!OPEN_STATUSES.includes(w.status)) throw closed(w, 'start labour on');
    if (w.status !== 'in_progress') await this.workOrders.move(actor, roles, id, 'in_progress', 'labour started');
    return this.change(actor, id, ['in_progress'], 'labour:start', 'start labour on', async (tx) => {
      const entry = await repo.startLabour(tx, id, actor.name);
      if (!entry) throw new AppError('conflict', `${actor.name} is already working on ${id}: stop that labour first`);
      return entry;
    });
  }

  async stopLabour(actor: Actor, id: string, reason: LabourStopReason): Promise<LabourEntry> {
    return this.change(actor, id, OPEN_STATUSES, 'labour:stop', 'stop labour on', async (tx) => {
      const [entry] = await repo.stopLabour(tx, id, actor.name, reason);
      if (!entry) throw new AppError('conflict', `${actor.name} has no labour running on ${id}`);
      return entry;
    });
  }

  addNote(actor: Actor, id: string, text: string): Promise<Note> {
    return this.change(actor, id, NOT_CLOSED, 'note', 'add a note to', (tx) => repo.insertNote(tx, id, text, actor.name));
  }

  addPhoto(actor: Actor, id: string, name: string, declared: string, body: unknown): Promise<PhotoMeta> {
    const type = checkPhoto(declared, body);
    const data = body as Buffer;
    return this.change(actor, id, NOT_CLOSED, 'photo', 'add a photo to', (tx) =>
      repo.insertPhoto(tx, {
        id: randomUUID(),
        workOrderId: id,
        name,
        contentType: type,
        sha256: createHash('sha256').update(data).digest('hex'),
        data,
        createdBy: actor.name,
      }),
    );
  }

  async photo(id: string, photoId: string) {
    const p = await repo.photoData(this.db, id, photoId);
    if (!p) throw notFound('photo', `${id}/${photoId}`);
    return p;
  }

  addItem(actor: Actor, id: string, text: string): Promise<ChecklistItem> {
    return this.change(actor, id, OPEN_STATUSES, 'checklist:add', 'add checklist items to', (tx) => repo.insertItem(tx, id, text, actor.name));
  }

  tick(actor: Actor, id: string, itemId: number, done: boolean): Promise<ChecklistItem> {
    return this.change(actor, id, OPEN_STATUSES, 'checklist:tick', 'tick checklist items of', async (tx) => {
      const item = await repo.tickItem(tx, id, itemId, done, actor.name);
      if (!item) throw notFound('checklist item', `${id}/${itemId}`);
      return item;
    });
  }

  /** Sets the failure codes; each must be an active code of its kind in the catalogue (400 naming the field). */
  async setFailureCodes(actor: Actor, id: string, codes: FailureCodes): Promise<FailureCodes> {
    const cat = await repo.catalogue(this.db);
    for (const f of FAILURE_CODE_FIELDS) {
      const code = codes[f];
      if (code !== null && !cat[f].some((c) => c.code === code))
        throw validationFailed(`'${code.slice(0, 40)}' is not a ${f} code (GET /api/maintenance/failure-codes)`, [{ path: f, message: 'unknown code' }]);
    }
    return this.change(actor, id, OPEN_STATUSES, 'failure_codes', 'set the failure codes of', async (tx) => {
      await repo.setFailureCodes(tx, id, codes);
      return codes;
    });
  }

  /** Issues a spare part from a lot to the order through the lots ledger (SpareParts), in the order's transaction. */
  issuePart(actor: Actor, id: string, lotId: string, quantity: number): Promise<SparePart> {
    return this.change(actor, id, OPEN_STATUSES, 'part', 'issue parts to', (tx, w) =>
      this.parts.issue(tx, actor, { lotId, quantity, workOrderId: id, equipment: w.equipment }),
    );
  }

  async partsOf(id: string): Promise<SparePart[]> {
    await this.order(this.db, id);
    return this.parts.issuedTo(this.db, id);
  }

  /** Done: a corrective order needs its four failure codes (409 naming the missing); running labour stops. */
  private async guardMove(tx: Db, before: WorkOrder, to: WorkOrderStatus): Promise<void> {
    if (to === 'done' && before.kind === 'corrective') {
      const codes = await repo.failureCodesOf(tx, before.id);
      const missing = FAILURE_CODE_FIELDS.filter((f) => !codes[f]);
      if (missing.length)
        throw new AppError(
          'conflict',
          `corrective work order ${before.id} is done only with its failure codes; missing: ${missing.join(', ')} (PUT /api/maintenance/work-orders/${before.id}/failure-codes)`,
        );
    }
    if (to === 'done' || to === 'cancelled') await repo.stopLabour(tx, before.id, null, to === 'done' ? 'done' : 'other');
  }

  private async order(db: Db, id: string, lock = false): Promise<WorkOrder> {
    const w = await getWorkOrder(db, id, lock);
    if (!w) throw notFound('work order', id);
    return w;
  }

  /** One change: the order locked, its status one of `allowed` (else 409), the change, its audit entry. */
  private change<T>(
    actor: Actor,
    id: string,
    allowed: readonly WorkOrderStatus[],
    action: string,
    what: string,
    fn: (tx: Db, w: WorkOrder) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const w = await this.order(tx, id, true);
      if (!allowed.includes(w.status)) throw closed(w, what);
      const after = await fn(tx, w);
      await appendAudit(tx, actor, { action, entity: WORK_ORDER_ENTITY, entityId: id, after });
      return after;
    });
  }
}

const closed = (w: WorkOrder, what: string) => new AppError('conflict', `work order ${w.id} is ${w.status}: cannot ${what} it now`);

/**
 * When the downtime the order answers began: its stop's start (a breakdown's order), or the stop a person named by
 * its ISO start (`stopId`); null when it names none.
 */
export function stopOf(w: Pick<WorkOrder, 'stopStart' | 'stopId'>): Date | null {
  if (w.stopStart) return new Date(w.stopStart);
  const named = w.stopId && /^\d{4}-\d{2}-\d{2}T/.test(w.stopId) ? new Date(w.stopId) : null;
  return named && !Number.isNaN(named.getTime()) ? named : null;
}

function splitOf(w: WorkOrder, labour: LabourEntry[], now: Date): MttrSplit {
  const done = (w.status === 'done' || w.status === 'verified') && w.doneAt !== null;
  const stop = stopOf(w);
  const from = stop ?? new Date(w.createdAt);
  const end = done ? new Date(w.doneAt!) : w.status === 'cancelled' ? new Date(w.updatedAt) : now;
  return { basis: stop ? 'stop' : 'request', from: from.toISOString(), end: end.toISOString(), done, ...mttrSplit(from, end, labour) };
}
