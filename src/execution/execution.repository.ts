// SQL for production orders and their operations. Every value goes in as a bound parameter (drizzle's sql template).
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import { z } from 'zod';
import {
  ORDER_SOURCES,
  ORDER_STATUSES,
  plannedOperationSchema,
  type MaterialLine,
  type OrderSource,
  type OrderStatus,
  type ParameterValue,
  type PlannedOperation,
} from './model.ts';

/** Instants are ISO 8601 strings on the wire and in these rows. */
export const orderRowSchema = z.object({
  id: z.string(),
  productId: z.string(),
  quantity: z.number(),
  unit: z.string(),
  startAfter: z.string().nullable(),
  dueAt: z.string().nullable(),
  priority: z.number(),
  status: z.enum(ORDER_STATUSES),
  source: z.enum(ORDER_SOURCES),
  scheduleId: z.string().nullable(),
  requestId: z.string().nullable(),
  description: z.string(),
  fingerprint: z.string(),
  version: z.number(),
  releasedAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrderRow = z.infer<typeof orderRowSchema>;

export const operationRowSchema = plannedOperationSchema.extend({
  orderId: z.string(),
  status: z.enum(ORDER_STATUSES),
  /** A rework operation a nonconformance's disposition added (rework.ts): the NCR's id; absent on the order's own operations. */
  reworkOf: z.string().optional(),
});
export type OperationRow = z.infer<typeof operationRowSchema>;

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());

function orderOf(r: Record<string, unknown>): OrderRow {
  return {
    id: r.id as string,
    productId: r.product_id as string,
    quantity: Number(r.quantity),
    unit: r.unit as string,
    startAfter: iso(r.start_after),
    dueAt: iso(r.due_at),
    priority: Number(r.priority),
    status: r.status as OrderStatus,
    source: r.source as OrderSource,
    scheduleId: (r.schedule_id as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    description: r.description as string,
    fingerprint: r.fingerprint as string,
    version: Number(r.version),
    releasedAt: iso(r.released_at),
    cancelReason: (r.cancel_reason as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function operationOf(r: Record<string, unknown>): OperationRow {
  return {
    orderId: r.order_id as string,
    seq: Number(r.seq),
    name: r.name as string,
    segmentId: (r.segment_id as string | null) ?? null,
    workCenter: (r.work_center as string | null) ?? null,
    equipmentClass: (r.equipment_class as string | null) ?? null,
    candidates: r.candidates as string[],
    quantity: Number(r.quantity),
    unit: r.unit as string,
    materials: r.materials as MaterialLine[],
    parameters: r.parameters as ParameterValue[],
    setupTimeS: Number(r.setup_time_s),
    runTimeS: Number(r.run_time_s),
    dueAt: iso(r.due_at),
    instructions: r.instructions as string,
    status: r.status as OrderStatus,
    ...(r.rework_ncr != null ? { reworkOf: r.rework_ncr as string } : {}),
  };
}

export async function getOrder(db: Db, id: string, forUpdate = false): Promise<OrderRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    forUpdate ? sql`SELECT * FROM production_orders WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM production_orders WHERE id = ${id}`,
  );
  return rows[0] ? orderOf(rows[0]) : undefined;
}

export interface OrderFilter {
  status?: OrderStatus;
  product?: string;
  source?: OrderSource;
  dueBefore?: string;
  dueAfter?: string;
  limit: number;
}

export async function listOrders(db: Db, f: OrderFilter): Promise<OrderRow[]> {
  const where = [sql`true`];
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.product) where.push(sql`product_id = ${f.product}`);
  if (f.source) where.push(sql`source = ${f.source}`);
  if (f.dueBefore) where.push(sql`due_at < ${f.dueBefore}::timestamptz`);
  if (f.dueAfter) where.push(sql`due_at >= ${f.dueAfter}::timestamptz`);
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM production_orders WHERE ${sql.join(where, sql` AND `)} ORDER BY priority, due_at NULLS LAST, id LIMIT ${f.limit}`,
  );
  return rows.map(orderOf);
}

export interface OrderWrite {
  id: string;
  productId: string;
  quantity: number;
  unit: string;
  startAfter: string | null;
  dueAt: string | null;
  priority: number;
  source: OrderSource;
  scheduleId: string | null;
  requestId: string | null;
  description: string;
  fingerprint: string;
}

export async function insertOrder(db: Db, o: OrderWrite): Promise<OrderRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO production_orders (id, product_id, quantity, unit, start_after, due_at, priority, source, schedule_id, request_id, description, fingerprint)
        VALUES (${o.id}, ${o.productId}, ${o.quantity}, ${o.unit}, ${o.startAfter}::timestamptz, ${o.dueAt}::timestamptz, ${o.priority}, ${o.source},
                ${o.scheduleId}, ${o.requestId}, ${o.description}, ${o.fingerprint})
        RETURNING *`,
  );
  return orderOf(rows[0]);
}

export async function updateOrder(db: Db, o: OrderWrite): Promise<OrderRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE production_orders SET product_id = ${o.productId}, quantity = ${o.quantity}, unit = ${o.unit}, start_after = ${o.startAfter}::timestamptz,
          due_at = ${o.dueAt}::timestamptz, priority = ${o.priority}, source = ${o.source}, schedule_id = ${o.scheduleId}, request_id = ${o.requestId},
          description = ${o.description}, fingerprint = ${o.fingerprint}, version = version + 1, updated_at = now()
        WHERE id = ${o.id} RETURNING *`,
  );
  return orderOf(rows[0]);
}

export async function setOrderStatus(
  db: Db,
  id: string,
  status: OrderStatus,
  extra: { cancelReason?: string | null; released?: boolean } = {},
): Promise<OrderRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE production_orders SET status = ${status}, version = version + 1, updated_at = now(),
          cancel_reason = COALESCE(${extra.cancelReason ?? null}, cancel_reason),
          released_at = CASE WHEN ${extra.released ?? false} THEN now() ELSE released_at END
        WHERE id = ${id} RETURNING *`,
  );
  await db.execute(sql`UPDATE order_operations SET status = ${status} WHERE order_id = ${id} AND status NOT IN ('completed', 'cancelled')`);
  return orderOf(rows[0]);
}

export async function listOperations(db: Db, orderId: string): Promise<OperationRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM order_operations WHERE order_id = ${orderId} ORDER BY seq`);
  return rows.map(operationOf);
}

export async function getOperation(db: Db, orderId: string, seq: number): Promise<OperationRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM order_operations WHERE order_id = ${orderId} AND seq = ${seq}`);
  return rows[0] ? operationOf(rows[0]) : undefined;
}

export async function replaceOperations(db: Db, orderId: string, ops: PlannedOperation[], status: OrderStatus): Promise<void> {
  await db.execute(sql`DELETE FROM order_operations WHERE order_id = ${orderId}`);
  for (const op of ops)
    await db.execute(sql`INSERT INTO order_operations (order_id, seq, name, segment_id, work_center, equipment_class, candidates, quantity, unit, materials,
                           parameters, setup_time_s, run_time_s, due_at, instructions, status)
      VALUES (${orderId}, ${op.seq}, ${op.name}, ${op.segmentId}, ${op.workCenter}, ${op.equipmentClass}, ${JSON.stringify(op.candidates)}::jsonb,
              ${op.quantity}, ${op.unit}, ${JSON.stringify(op.materials)}::jsonb, ${JSON.stringify(op.parameters)}::jsonb, ${op.setupTimeS},
              ${op.runTimeS}, ${op.dueAt}::timestamptz, ${op.instructions}, ${status})`);
}

/** A rework operation after the order's last one (rework.ts); the caller holds the order's row lock. */
export async function insertReworkOperation(db: Db, orderId: string, op: PlannedOperation, status: OrderStatus, ncrId: string): Promise<OperationRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO order_operations (order_id, seq, name, segment_id, work_center, equipment_class, candidates, quantity, unit, materials,
                           parameters, setup_time_s, run_time_s, due_at, instructions, status, rework_ncr)
      VALUES (${orderId}, ${op.seq}, ${op.name}, ${op.segmentId}, ${op.workCenter}, ${op.equipmentClass}, ${JSON.stringify(op.candidates)}::jsonb,
              ${op.quantity}, ${op.unit}, '[]'::jsonb, '[]'::jsonb, ${op.setupTimeS}, ${op.runTimeS}, ${op.dueAt}::timestamptz, ${op.instructions},
              ${status}, ${ncrId})
      RETURNING *`,
  );
  return operationOf(rows[0]!);
}

export async function setCandidates(db: Db, orderId: string, seq: number, candidates: string[]): Promise<void> {
  await db.execute(sql`UPDATE order_operations SET candidates = ${JSON.stringify(candidates)}::jsonb WHERE order_id = ${orderId} AND seq = ${seq}`);
}

export const dispatchRowSchema = operationRowSchema.extend({
  priority: z.number(),
  orderDueAt: z.string().nullable(),
  releasedAt: z.string().nullable(),
  productId: z.string(),
});
export type DispatchRow = z.infer<typeof dispatchRowSchema>;

/**
 * Released operations whose candidates include the path, lie below it, or contain it (a machine of a line that runs the
 * step). Order: the published schedule's planned start first (planning), then priority, due date, release time.
 */
export async function dispatchList(db: Db, path: string): Promise<DispatchRow[]> {
  const below = `${path}/`;
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT op.*, o.priority, o.due_at AS order_due_at, o.released_at, o.product_id
        FROM order_operations op JOIN production_orders o ON o.id = op.order_id
        WHERE op.status = 'released' AND o.status IN ('released', 'running')
          AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(op.candidates) c(p)
                      WHERE c.p = ${path} OR starts_with(c.p, ${below}) OR starts_with(${path}::text, c.p || '/'))
        ORDER BY op.planned_start NULLS LAST, o.priority, COALESCE(op.due_at, o.due_at) NULLS LAST, o.released_at, o.id, op.seq`,
  );
  return rows.map((r) => ({
    ...operationOf(r),
    priority: Number(r.priority),
    orderDueAt: iso(r.order_due_at),
    releasedAt: iso(r.released_at),
    productId: r.product_id as string,
  }));
}
