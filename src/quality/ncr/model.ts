// Nonconformances (NCR) as the API shows them, their life cycle, and the ports through which their dispositions reach
// the lot ledger, execution and the order book (docs/quality.md "Nonconformances and CAPA").
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';

export const NCR_STATUSES = ['open', 'dispositioned', 'closed', 'cancelled'] as const;
export type NcrStatus = (typeof NCR_STATUSES)[number];
/** manual: by hand; check: a reaction plan's reaction to a failed check; hold: a hold; complaint: a customer's, against a lot. */
export const NCR_SOURCES = ['manual', 'check', 'hold', 'complaint'] as const;
export type NcrSource = (typeof NCR_SOURCES)[number];
export const DISPOSITION_KINDS = ['scrap', 'rework', 'use_as_is', 'return_to_supplier'] as const;
export type DispositionKind = (typeof DISPOSITION_KINDS)[number];

/** What a person does to an NCR; each moves it from one status to the next (or refuses). */
export type NcrAction = 'edit' | 'photo' | 'disposition' | 'close' | 'cancel';

/** The life cycle: open → dispositioned → closed; an open NCR may be cancelled. Closed and cancelled are final. */
export const TRANSITIONS: Record<NcrStatus, Partial<Record<NcrAction, NcrStatus>>> = {
  open: { edit: 'open', photo: 'open', disposition: 'dispositioned', cancel: 'cancelled' },
  // what the ledger booked stays booked: a dispositioned NCR is closed, not cancelled
  dispositioned: { edit: 'dispositioned', photo: 'dispositioned', disposition: 'dispositioned', close: 'closed' },
  closed: {},
  cancelled: {},
};

const WHY: Record<NcrAction, string> = {
  edit: 'be changed',
  photo: 'take photos',
  disposition: 'be dispositioned',
  close: 'be closed',
  cancel: 'be cancelled',
};

/** The status `action` leads to from `status`, or 409 saying why not. */
export function nextStatus(id: string, status: NcrStatus, action: NcrAction): NcrStatus {
  const next = TRANSITIONS[status][action];
  if (next) return next;
  const hint =
    action === 'close' && status === 'open'
      ? ': disposition it first'
      : action === 'cancel' && status === 'dispositioned'
        ? ': its dispositions are booked, close it instead'
        : '';
  throw new AppError('conflict', `NCR ${id} is ${status}: it cannot ${WHY[action]}${hint}`);
}

export interface NcrLot {
  lot: string;
  /** how much of the lot is affected; null: not stated */
  quantity: number | null;
}

export interface Disposition {
  id: number;
  kind: DispositionKind;
  lot: string | null;
  quantity: number;
  reason: string;
  /** rework: the operation added to the order */
  orderId: string | null;
  operationSeq: number | null;
  product: string | null;
  equipment: string | null;
  defect: string | null;
  createdBy: string;
  createdAt: string;
}

export interface PhotoMeta {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: string;
  createdAt: string;
}

export interface NcrRow {
  id: string;
  title: string;
  description: string;
  source: NcrSource;
  sourceRef: string | null;
  reactionId: string | null;
  characteristic: string | null;
  measurementId: number | null;
  value: number | null;
  orderId: string | null;
  operationSeq: number | null;
  equipment: string | null;
  lots: NcrLot[];
  defectCodes: string[];
  quantity: number | null;
  status: NcrStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  closedBy: string | null;
  closedAt: string | null;
  statusReason: string | null;
  /** the signatures that authorised the close */
  signatures: string[];
  version: number;
}

export interface Ncr extends NcrRow {
  dispositions: Disposition[];
  photos: PhotoMeta[];
}

export type NewNcr = Omit<NcrRow, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'closedBy' | 'closedAt' | 'statusReason' | 'signatures' | 'version'>;

/**
 * The version of an NCR a signature binds to: what was found, where, and what was decided about it, with the photos by
 * their hash. Not its status, timestamps or the close itself: closing the record a person signed must not break the
 * signature, changing any finding or disposition must.
 */
export function canonicalNcr(n: Ncr): Record<string, unknown> {
  return {
    id: n.id,
    title: n.title,
    description: n.description,
    source: n.source,
    sourceRef: n.sourceRef,
    characteristic: n.characteristic,
    measurementId: n.measurementId,
    value: n.value,
    orderId: n.orderId,
    operationSeq: n.operationSeq,
    equipment: n.equipment,
    lots: n.lots,
    defectCodes: n.defectCodes,
    quantity: n.quantity,
    createdBy: n.createdBy,
    createdAt: n.createdAt,
    dispositions: n.dispositions,
    photos: n.photos.map((p) => ({ id: p.id, name: p.name, sha256: p.sha256 })),
  };
}

// ---- ports (declared here, by the consumer; src/modules.ts plugs in the providers) ----

/** A lot as a disposition needs to see it. */
export interface NcrLotView {
  id: string;
  materialId: string;
  quantity: number;
  unit: string;
  status: string;
  holdReason: string | null;
}

/** The lot ledger's side of a disposition (lots' LotDispositions); each runs in the caller's transaction. */
export interface NcrLots {
  get(db: Db, id: string): Promise<NcrLotView | undefined>;
  /** `quantity` null: all that is left */
  scrap(tx: Db, actor: Actor, id: string, quantity: number | null, reason: string): Promise<NcrLotView>;
  returnToSupplier(tx: Db, actor: Actor, id: string, quantity: number | null, reason: string): Promise<NcrLotView>;
  release(tx: Db, actor: Actor, id: string, reason: string): Promise<NcrLotView>;
}

/** Execution's rework operations: adds one to an order (409 for a completed or cancelled order). */
export interface NcrRework {
  add(
    tx: Db,
    actor: Actor,
    r: { orderId: string; ncrId: string; quantity: number; reason: string; reworks?: number | null },
  ): Promise<{ orderId: string; seq: number; name: string; productId: string }>;
}

/** The order book: which orders exist, and their product. */
export interface NcrOrders {
  summaries(db: Db, ids: string[]): Promise<Array<{ id: string; productId: string; status: string }>>;
}

/** A bucket of reworked quantity (the KPI helper's rework source). */
export interface ReworkedRow {
  product: string;
  machine: string | null;
  defect: string | null;
  quantity: number;
}
