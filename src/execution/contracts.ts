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
export const producedLotSchema = z.object({
  lotId: z.string(),
  materialId: z.string(),
  quantity: z.number(),
  unit: z.string(),
  at: z.string(),
  seq: z.number(),
});
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

const performanceStatus = z.enum(['created', 'released', 'running', 'completed', 'cancelled']);

/** What was actually done for one operation (ISA-95 segment response / B2MML SegmentResponse). */
export const operationPerformanceSchema = z.object({
  seq: z.number(),
  name: z.string(),
  /** ProcessSegmentID: the process segment the ERP named (SegmentRequirement/ProcessSegmentID), null for a routing step (its name is used) */
  segmentId: z.string().nullable(),
  status: performanceStatus,
  equipment: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  plannedQuantity: z.number(),
  goodQuantity: z.number(),
  scrapQuantity: z.number(),
  unit: z.string(),
  operators: z.array(z.string()),
  /** the recipe downloaded at setup (value as sent to the machine) */
  parameters: z.array(z.object({ name: z.string(), value: z.unknown(), unit: z.string().optional() })),
  consumed: z.array(consumedLotSchema),
  produced: z.array(producedLotSchema),
});
export type OperationPerformance = z.infer<typeof operationPerformanceSchema>;

/** What was actually done for an order (ISA-95 production/operations performance). */
export const orderPerformanceSchema = z.object({
  orderId: z.string(),
  productId: z.string(),
  /** the material definition the product produces (B2MML MaterialDefinitionID), when the product names one */
  materialId: z.string().nullable(),
  plannedQuantity: z.number(),
  unit: z.string(),
  status: performanceStatus,
  scheduleId: z.string().nullable(),
  requestId: z.string().nullable(),
  source: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  goodQuantity: z.number(),
  scrapQuantity: z.number(),
  operations: z.array(operationPerformanceSchema),
});
export type OrderPerformance = z.infer<typeof orderPerformanceSchema>;

/** Called inside the completion's transaction: `operation` after each operation, `order` once the last one completes. */
export type CompletionHook = (tx: Db, event: { kind: 'operation' | 'order'; orderId: string; seq: number | null }, perf: OrderPerformance) => Promise<void>;

/**
 * Whether a person may work at a station now (implemented by the quality module's operator qualification). Null: yes;
 * else the reason, naming the skill missing or expired and since when. The station is its machine's path and the
 * operation running there (product and routing step), if any.
 */
export interface Qualifications {
  missingForStation(username: string, station: { equipment: string; product: string | null; seq: number | null }): Promise<string | null>;
}
