// The shapes execution shares with its neighbours: the lot ledger it books materials in (implemented by src/lots),
// the record of what was actually made that goes back to the ERP (read by src/erp), and the completion hook through
// which a neighbour writes in the same transaction as the completion (the transactional outbox).
import { z } from 'zod';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';

/** A lot booked against an operation (consumed from it). */
export const consumedLotSchema = z.object({
  lotId: z.string(),
  materialId: z.string(),
  quantity: z.number(),
  unit: z.string(),
  supplierLot: z.string().nullable(),
  method: z.enum(['scan', 'backflush']),
  at: z.string(),
  seq: z.number(),
});
export type ConsumedLot = z.infer<typeof consumedLotSchema>;

/** A lot made by an operation. */
export const producedLotSchema = z.object({ lotId: z.string(), materialId: z.string(), quantity: z.number(), unit: z.string(), at: z.string(), seq: z.number() });
export type ProducedLot = z.infer<typeof producedLotSchema>;

/**
 * The material lot ledger as execution uses it, always inside execution's own transaction `tx` (one transaction per
 * action: nothing half-applied). Refusals are AppErrors with a message an operator can act on: unknown lot (404),
 * wrong material / lot on hold / consumed / scrapped (409 or 422), more than the lot holds (409).
 */
export interface LotLedger {
  consume(
    tx: Db,
    actor: Actor,
    c: { lotId: string; quantity: number; allowedMaterials: string[]; orderId: string; seq: number; equipment: string | null; method: 'scan' | 'backflush' },
  ): Promise<ConsumedLot>;
  /**
   * Books `quantity` of a material from available lots, oldest first (FIFO), preferring `location`; refuses when there
   * is not enough. A counted material (units.ts) is booked in whole pieces: `quantity` rounded up.
   */
  backflush(
    tx: Db,
    actor: Actor,
    b: { materialId: string; quantity: number; orderId: string; seq: number; equipment: string | null; location?: string | null },
  ): Promise<ConsumedLot[]>;
  /**
   * Creates the produced lot. Its parents (genealogy) are every lot consumed by the order so far, with the quantities,
   * and every lot the order consumes later (consume and backflush link to the order's produced lots): the genealogy
   * is complete whatever order the operations complete in. It records the machine, operation, operator and the
   * parameters it was made with.
   */
  produce(
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
  ): Promise<ProducedLot>;
  consumedBy(db: Db, orderId: string): Promise<ConsumedLot[]>;
  producedBy(db: Db, orderId: string): Promise<ProducedLot[]>;
}

/** What was actually done for one operation (ISA-95 segment response / B2MML SegmentResponse). */
export interface OperationPerformance {
  seq: number;
  name: string;
  /** ProcessSegmentID: the process segment the ERP named (SegmentRequirement/ProcessSegmentID), null for a routing step (its name is used) */
  segmentId: string | null;
  status: 'created' | 'released' | 'running' | 'completed' | 'cancelled';
  equipment: string | null;
  startedAt: string | null;
  completedAt: string | null;
  plannedQuantity: number;
  goodQuantity: number;
  scrapQuantity: number;
  unit: string;
  operators: string[];
  /** the recipe downloaded at setup (value as sent to the machine) */
  parameters: Array<{ name: string; value: unknown; unit?: string }>;
  consumed: ConsumedLot[];
  produced: ProducedLot[];
}

/** What was actually done for an order (ISA-95 production/operations performance). */
export interface OrderPerformance {
  orderId: string;
  productId: string;
  /** the material definition the product produces (B2MML MaterialDefinitionID), when the product names one */
  materialId: string | null;
  plannedQuantity: number;
  unit: string;
  status: 'created' | 'released' | 'running' | 'completed' | 'cancelled';
  scheduleId: string | null;
  requestId: string | null;
  source: string;
  startedAt: string | null;
  completedAt: string | null;
  goodQuantity: number;
  scrapQuantity: number;
  operations: OperationPerformance[];
}

/** Called inside the completion's transaction: `operation` after each operation, `order` once the last one completes. */
export type CompletionHook = (tx: Db, event: { kind: 'operation' | 'order'; orderId: string; seq: number | null }, perf: OrderPerformance) => Promise<void>;
