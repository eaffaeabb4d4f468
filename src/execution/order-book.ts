// Execution's order book, the port through which other modules read and touch orders without naming execution's
// tables: planning reads the plannable orders and publishes its slots into the dispatch lists; lots names the
// operation a booking is made against and the orders a trace touched. Every function runs on the caller's
// connection or transaction, so a caller's transaction (a publish, a booking) stays one transaction.
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import type { OrderStatus } from './model.ts';

export interface PlannableOperation {
  seq: number;
  name: string;
  /** Equipment paths (or classes' members) that may run it. */
  candidates: string[];
  runTimeS: number;
  setupTimeS: number;
  status: string;
  phase: string | null;
  equipment: string | null;
  /** When the operation (or its setup) started on the shop floor, epoch ms. */
  startedAt: number | null;
}

export interface PlannableOrder {
  id: string;
  productId: string;
  priority: number;
  dueAt: number | null;
  startAfter: number | null;
  operations: PlannableOperation[];
}

/** A planned slot of one operation: where and when a published schedule puts it. */
export interface PlannedSlot {
  orderId: string;
  seq: number;
  machine: string;
  /** ISO 8601 instants */
  start: string;
  end: string;
}

export interface OrderSummary {
  id: string;
  productId: string;
  status: OrderStatus;
}

export interface OrderBook {
  /** Released (or running) orders with their operations and shop-floor state, most urgent first. */
  plannableOrders(db: Db): Promise<PlannableOrder[]>;
  /** Orders released after `since` (epoch ms) with priority at most `maxPriority`, oldest release first. */
  urgentReleasedSince(db: Db, since: number, maxPriority: number): Promise<Array<{ id: string; priority: number; releasedAt: number }>>;
  /**
   * Replaces every published slot by these (the caller's transaction): operations that are completed or cancelled keep
   * none. `schedule` names the schedule version the slots come from. Returns how many operations got a slot.
   */
  publishSlots(tx: Db, schedule: string, slots: PlannedSlot[]): Promise<number>;
  /** Whether the order has this operation. */
  operationExists(db: Db, orderId: string, seq: number): Promise<boolean>;
  /** The orders among `ids` that exist, with their product and status. */
  summaries(db: Db, ids: string[]): Promise<OrderSummary[]>;
}

const ms = (v: unknown): number | null => (v == null ? null : new Date(v as string | Date).getTime());
const json = <T>(v: unknown, fallback: T): T => (v == null ? fallback : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export const orderBook: OrderBook = {
  async plannableOrders(db) {
    const rows = await rowsOf<Record<string, unknown>>(
      db,
      sql`SELECT o.id, o.product_id, o.priority, o.due_at, o.start_after, op.seq, op.name, op.candidates, op.run_time_s, op.setup_time_s,
                 op.status AS op_status, op.phase, op.equipment, COALESCE(op.started_at, op.setup_started_at) AS started_at
          FROM production_orders o JOIN order_operations op ON op.order_id = o.id
          WHERE o.status IN ('released', 'running')
          ORDER BY o.priority, o.due_at NULLS LAST, o.id, op.seq`,
    );
    const orders = new Map<string, PlannableOrder>();
    for (const r of rows) {
      const id = r.id as string;
      let o = orders.get(id);
      if (!o) {
        o = { id, productId: r.product_id as string, priority: Number(r.priority), dueAt: ms(r.due_at), startAfter: ms(r.start_after), operations: [] };
        orders.set(id, o);
      }
      o.operations.push({
        seq: Number(r.seq),
        name: r.name as string,
        candidates: json<string[]>(r.candidates, []),
        runTimeS: Number(r.run_time_s),
        setupTimeS: Number(r.setup_time_s),
        status: r.op_status as string,
        phase: (r.phase as string | null) ?? null,
        equipment: (r.equipment as string | null) ?? null,
        startedAt: ms(r.started_at),
      });
    }
    return [...orders.values()];
  },

  async urgentReleasedSince(db, since, maxPriority) {
    const rows = await rowsOf<Record<string, unknown>>(
      db,
      sql`SELECT id, priority, released_at FROM production_orders
          WHERE status = 'released' AND priority <= ${maxPriority} AND released_at > ${new Date(since).toISOString()}::timestamptz ORDER BY released_at`,
    );
    return rows.map((r) => ({ id: r.id as string, priority: Number(r.priority), releasedAt: ms(r.released_at)! }));
  },

  async publishSlots(tx, schedule, slots) {
    await tx.execute(sql`UPDATE order_operations SET planned_equipment = NULL, planned_start = NULL, planned_end = NULL, planned_schedule = NULL
      WHERE planned_schedule IS NOT NULL`);
    const rows = slots.map((a) => ({ order_id: a.orderId, seq: a.seq, machine: a.machine, start_at: a.start, end_at: a.end }));
    const n = await rowsOf<{ n: number }>(
      tx,
      sql`WITH upd AS (
            UPDATE order_operations op SET planned_equipment = a.machine, planned_start = a.start_at::timestamptz, planned_end = a.end_at::timestamptz,
                   planned_schedule = ${schedule}
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS a(order_id text, seq integer, machine text, start_at text, end_at text)
            WHERE op.order_id = a.order_id AND op.seq = a.seq AND op.status NOT IN ('completed', 'cancelled')
            RETURNING 1)
          SELECT count(*)::int AS n FROM upd`,
    );
    return Number(n[0]?.n ?? 0);
  },

  async operationExists(db, orderId, seq) {
    const rows = await rowsOf(db, sql`SELECT 1 FROM order_operations WHERE order_id = ${orderId} AND seq = ${seq}`);
    return rows.length > 0;
  },

  async summaries(db, ids) {
    if (!ids.length) return [];
    const rows = await rowsOf<Record<string, unknown>>(
      db,
      sql`SELECT id, product_id, status FROM production_orders WHERE id = ANY(${sql.param(ids)}::text[]) ORDER BY id`,
    );
    return rows.map((r) => ({ id: r.id as string, productId: r.product_id as string, status: r.status as OrderStatus }));
  },
};
