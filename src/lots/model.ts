// Material lots as the API shows them, the checks every quantity goes through, and the trace's CSV form.
import { z } from 'zod';
import type { Db } from '../platform/db/database.ts';
import { AppError, validationFailed } from '../platform/errors.ts';

export const LOT_STATUSES = ['available', 'on_hold', 'consumed', 'scrapped', 'returned'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

/** Lot numbers as printed on labels: letters, digits and a few separators, at most 100 characters. */
export const LOT_ID = /^[A-Za-z0-9_.:/#-]{1,100}$/;
export const lotIdSchema = z.string().regex(LOT_ID, 'a lot number is 1–100 letters, digits or _ . : / # -');

/** Largest quantity a lot may hold or a booking may move: beyond it the figure is a typo, not a lot. */
export const MAX_QUANTITY = 1e9;
/** Remainders below this are rounding dust of floating-point arithmetic: the lot is used up. */
export const EPSILON = 1e-9;

export const producedBySchema = z.object({
  orderId: z.string(),
  seq: z.number().nullable(),
  equipment: z.string().nullable(),
  operator: z.string().nullable(),
  parameters: z.record(z.string(), z.unknown()).nullable(),
});
export type ProducedBy = z.infer<typeof producedBySchema>;

/** A lot as the API shows it; instants are ISO 8601 strings. */
export const lotSchema = z.object({
  id: z.string(),
  materialId: z.string(),
  quantity: z.number(),
  initialQuantity: z.number(),
  unit: z.string(),
  status: z.enum(LOT_STATUSES),
  holdReason: z.string().nullable(),
  location: z.string().nullable(),
  supplier: z.string().nullable(),
  supplierLot: z.string().nullable(),
  producedBy: producedBySchema.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type Lot = z.infer<typeof lotSchema>;

/** Refuses NaN, zero, negative and absurd quantities with a message naming the field. */
export function checkQuantity(value: number, field = 'quantity'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw validationFailed(`${field} must be a number`, [{ path: field, message: 'not a number' }]);
  if (value <= 0) throw validationFailed(`${field} must be greater than 0 (got ${value})`, [{ path: field, message: 'must be greater than 0' }]);
  if (value > MAX_QUANTITY)
    throw validationFailed(`${field} ${value} is beyond ${MAX_QUANTITY}: not a plausible lot quantity`, [{ path: field, message: `at most ${MAX_QUANTITY}` }]);
  return value;
}

export function checkLotId(id: string, field = 'lotId'): string {
  if (typeof id !== 'string' || !LOT_ID.test(id))
    throw validationFailed(`${field} '${String(id).slice(0, 120)}' is not a lot number (1–100 letters, digits or _ . : / # -)`, [
      { path: field, message: 'not a lot number' },
    ]);
  return id;
}

/** "12 kg", "1.5 pcs": quantities in messages, without floating-point noise. */
export const amount = (q: number, unit: string) => `${Number(q.toPrecision(12))} ${unit}`;

/** Why a lot cannot be booked from, or undefined when it can. */
export function unusable(lot: Pick<Lot, 'id' | 'status' | 'holdReason'>, verb = 'consumed'): AppError | undefined {
  if (lot.status === 'on_hold') return new AppError('conflict', `lot ${lot.id} is on hold (reason: ${lot.holdReason ?? 'none given'}): it cannot be ${verb}`);
  if (lot.status === 'consumed') return new AppError('conflict', `lot ${lot.id} is used up (status consumed): it cannot be ${verb}`);
  if (lot.status === 'scrapped') return new AppError('conflict', `lot ${lot.id} was scrapped: it cannot be ${verb}`);
  if (lot.status === 'returned') return new AppError('conflict', `lot ${lot.id} was returned to its supplier: it cannot be ${verb}`);
  return undefined;
}

/** "PP-NATURAL", "PP-NATURAL or ABS-GREY", "A, B or C". */
export function oneOf(ids: string[]): string {
  if (ids.length <= 1) return ids[0] ?? '';
  return `${ids.slice(0, -1).join(', ')} or ${ids.at(-1)}`;
}

/**
 * What lots asks of the orders (execution's order book satisfies it; src/modules.ts plugs it in): lots never names
 * execution's tables. Both run on the caller's connection or transaction.
 */
export interface OrderLookup {
  operationExists(db: Db, orderId: string, seq: number): Promise<boolean>;
  /** The orders among `ids` that exist, with their product and status. */
  summaries(db: Db, ids: string[]): Promise<Array<{ id: string; productId: string; status: string }>>;
}

/**
 * What lots asks before a person releases a held lot at its own page (`POST /api/lots/:id/release`): whether the
 * signature policy lets the release go ahead for the lot as it is now. Throws (409 signature_required, 403 when the
 * signers lack the role) when it does not. Consumer-defined; src/modules.ts binds it to the signing service.
 */
export interface LotReleasePolicy {
  check(lot: Lot): Promise<unknown>;
}

/** The record type a lot is signed as (its signatures for `lot.release` authorise the release at the lot's page). */
export const LOT_RECORD_TYPE = 'lot';
