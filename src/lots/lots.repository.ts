// SQL for material lots, their consumptions and genealogy edges. Every value goes in as a bound parameter.
import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import type { ConsumedLot, ProducedLot } from '../execution/index.ts';
import type { Lot, LotStatus } from './model.ts';

const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
const textOrNull = (v: unknown) => (v == null ? null : (v as string));

export function lotOf(r: Record<string, unknown>): Lot {
  return {
    id: r.id as string,
    materialId: r.material_id as string,
    quantity: Number(r.quantity),
    initialQuantity: Number(r.initial_quantity),
    unit: r.unit as string,
    status: r.status as LotStatus,
    holdReason: textOrNull(r.hold_reason),
    location: textOrNull(r.location),
    supplier: textOrNull(r.supplier),
    supplierLot: textOrNull(r.supplier_lot),
    producedBy:
      r.order_id == null
        ? null
        : {
            orderId: r.order_id as string,
            seq: r.seq == null ? null : Number(r.seq),
            equipment: textOrNull(r.equipment),
            operator: textOrNull(r.operator),
            parameters: (r.parameters as Record<string, unknown> | null) ?? null,
          },
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    version: Number(r.row_version),
  };
}

export async function getLot(db: Db, id: string, forUpdate = false): Promise<Lot | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    forUpdate ? sql`SELECT * FROM material_lots WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM material_lots WHERE id = ${id}`,
  );
  return rows[0] ? lotOf(rows[0]) : undefined;
}

export interface LotFilter {
  material?: string;
  status?: LotStatus;
  location?: string;
  supplierLot?: string;
  limit: number;
}

export async function listLots(db: Db, f: LotFilter): Promise<Lot[]> {
  const where = [sql`true`];
  if (f.material) where.push(sql`material_id = ${f.material}`);
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.location) where.push(sql`location = ${f.location}`);
  if (f.supplierLot) where.push(sql`supplier_lot = ${f.supplierLot}`);
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM material_lots WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${f.limit}`,
  );
  return rows.map(lotOf);
}

export async function nextLotNumber(db: Db): Promise<string> {
  const [r] = await rowsOf<{ n: string }>(db, sql`SELECT nextval('material_lot_number_seq')::text AS n`);
  return `L-${r!.n.padStart(6, '0')}`;
}

export interface NewLot {
  id: string;
  materialId: string;
  quantity: number;
  unit: string;
  location: string | null;
  supplier: string | null;
  supplierLot: string | null;
  createdBy: string;
  producedBy?: { orderId: string; seq: number; equipment: string | null; operator: string; parameters: Record<string, unknown> };
}

/** Inserts a lot unless its number is taken; undefined when it is. */
export async function insertLot(db: Db, l: NewLot): Promise<Lot | undefined> {
  const p = l.producedBy;
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO material_lots (id, material_id, quantity, initial_quantity, unit, location, supplier, supplier_lot,
          order_id, seq, equipment, operator, parameters, created_by)
        VALUES (${l.id}, ${l.materialId}, ${l.quantity}, ${l.quantity}, ${l.unit}, ${l.location}, ${l.supplier}, ${l.supplierLot},
          ${p?.orderId ?? null}, ${p?.seq ?? null}, ${p?.equipment ?? null}, ${p?.operator ?? null},
          ${p ? JSON.stringify(p.parameters) : null}::jsonb, ${l.createdBy})
        ON CONFLICT (id) DO NOTHING RETURNING *`,
  );
  return rows[0] ? lotOf(rows[0]) : undefined;
}

export async function updateLot(db: Db, id: string, s: { quantity: number; status: LotStatus; holdReason: string | null }): Promise<Lot> {
  const [row] = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE material_lots SET quantity = ${s.quantity}, status = ${s.status}, hold_reason = ${s.holdReason},
          updated_at = now(), row_version = row_version + 1
        WHERE id = ${id} RETURNING *`,
  );
  return lotOf(row!);
}

/** Available lots of a material, oldest first, those at `location` before the rest; locked for the caller's transaction. */
export async function lockFifo(db: Db, materialId: string, location: string | null, limit: number): Promise<Lot[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM material_lots WHERE material_id = ${materialId} AND status = 'available' AND quantity > 0
        ORDER BY (location IS NOT DISTINCT FROM ${location}) DESC, created_at, id LIMIT ${limit} FOR UPDATE`,
  );
  return rows.map(lotOf);
}

/**
 * Serialises the bookings of one order (consume, backflush, produce) until the transaction ends. Without it a lot
 * consumed while a completion produces the order's lot could miss that lot: each transaction would not yet see the
 * other's row, and the genealogy would lack the edge. Taken before any lot row lock, always in this order.
 */
export async function lockOrderBookings(db: Db, orderId: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(72530012, hashtext(${orderId}))`);
}

/** Locks a lot for a booking. */
export async function lockForBooking(db: Db, lotId: string): Promise<Lot | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM material_lots WHERE id = ${lotId} FOR UPDATE`);
  return rows[0] ? lotOf(rows[0]) : undefined;
}

/**
 * Books a consumption: the lot's new quantity/status, the consumption row, and the genealogy edges from the lot to
 * every lot its order has produced already, in one statement. Those edges are what keeps a recall complete when
 * operations finish out of order (packing before fitting): a lot consumed after the order's finished lot was made is
 * still a parent of it. An edge that exists (the lot was consumed before the finished lot was made, and again after)
 * grows by the quantity, so an edge always carries everything the order took from the parent, whatever the order of
 * bookings. Returns when it was booked and the produced lots it was linked to.
 */
export async function book(
  db: Db,
  c: {
    lotId: string;
    left: number;
    status: LotStatus;
    orderId: string;
    seq: number;
    quantity: number;
    unit: string;
    method: 'scan' | 'backflush';
    actor: string;
    equipment: string | null;
  },
): Promise<{ at: string; linkedTo: string[] }> {
  const [r] = await rowsOf<{ at: unknown; linked: string[] | null }>(
    db,
    sql`WITH u AS (
          UPDATE material_lots SET quantity = ${c.left}, status = ${c.status}, updated_at = now(), row_version = row_version + 1
          WHERE id = ${c.lotId} RETURNING id
        ),
        booked AS (
          INSERT INTO lot_consumptions (lot_id, order_id, seq, quantity, unit, method, actor, equipment)
          SELECT u.id, ${c.orderId}, ${c.seq}, ${c.quantity}, ${c.unit}, ${c.method}, ${c.actor}, ${c.equipment} FROM u RETURNING at
        ),
        linked AS (
          INSERT INTO lot_genealogy (child_lot, parent_lot, quantity)
          SELECT p.id, u.id, ${c.quantity}::float8 FROM u JOIN material_lots p ON p.order_id = ${c.orderId} AND p.id <> u.id
          ON CONFLICT (child_lot, parent_lot) DO UPDATE SET quantity = lot_genealogy.quantity + EXCLUDED.quantity
          RETURNING child_lot
        )
        SELECT (SELECT at FROM booked) AS at, (SELECT array_agg(child_lot ORDER BY child_lot) FROM linked) AS linked`,
  );
  return { at: iso(r!.at), linkedTo: r!.linked ?? [] };
}

export async function consumedBy(db: Db, orderId: string): Promise<ConsumedLot[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT c.lot_id, l.material_id, c.quantity, c.unit, l.supplier_lot, c.method, c.at, c.seq
        FROM lot_consumptions c JOIN material_lots l ON l.id = c.lot_id WHERE c.order_id = ${orderId} ORDER BY c.id`,
  );
  return rows.map((r) => ({
    lotId: r.lot_id as string,
    materialId: r.material_id as string,
    quantity: Number(r.quantity),
    unit: r.unit as string,
    supplierLot: textOrNull(r.supplier_lot),
    method: r.method as 'scan' | 'backflush',
    at: iso(r.at),
    seq: Number(r.seq),
  }));
}

export async function producedBy(db: Db, orderId: string): Promise<ProducedLot[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT id, material_id, initial_quantity, unit, created_at, seq FROM material_lots WHERE order_id = ${orderId} ORDER BY created_at, id`,
  );
  return rows.map((r) => ({
    lotId: r.id as string,
    materialId: r.material_id as string,
    quantity: Number(r.initial_quantity),
    unit: r.unit as string,
    at: iso(r.created_at),
    seq: Number(r.seq),
  }));
}

/** What the order has consumed so far, per lot: the parents of a lot it produces. */
export async function consumedTotals(db: Db, orderId: string): Promise<Array<{ lotId: string; quantity: number }>> {
  const rows = await rowsOf<{ lot_id: string; q: unknown }>(
    db,
    sql`SELECT lot_id, sum(quantity) AS q FROM lot_consumptions WHERE order_id = ${orderId} GROUP BY lot_id ORDER BY lot_id`,
  );
  return rows.map((r) => ({ lotId: r.lot_id, quantity: Number(r.q) }));
}

export async function insertEdges(db: Db, child: string, parents: Array<{ lotId: string; quantity: number }>): Promise<void> {
  if (!parents.length) return;
  await db.execute(
    sql`INSERT INTO lot_genealogy (child_lot, parent_lot, quantity)
        SELECT ${child}, p, q FROM unnest(${sql.param(parents.map((p) => p.lotId))}::text[], ${sql.param(parents.map((p) => p.quantity))}::float8[]) AS u(p, q)`,
  );
}

export interface EdgeRow {
  parent: string;
  child: string;
  quantity: number;
}

export interface WalkNode {
  lot: string;
  materialId: string;
  quantity: number;
  initialQuantity: number;
  unit: string;
  status: LotStatus;
  holdReason: string | null;
  location: string | null;
  supplier: string | null;
  supplierLot: string | null;
  orderId: string | null;
  seq: number | null;
  equipment: string | null;
  operator: string | null;
  madeAt: string;
  depth: number;
}

export interface Walk {
  nodes: WalkNode[];
  edges: EdgeRow[];
  /** when asked for: the orders that consumed or produced a traced lot */
  orders?: Array<Pick<AffectedOrder, 'orderId' | 'lots'>>;
  /** (lot, depth) pairs the walk produced before the step cap */
  walked: number;
  /** distinct lots reached (may exceed the node cap) */
  reached: number;
  /** a lot at the depth cap has further parents (backward) / children (forward) */
  deeper: boolean;
}

/** The orders that consumed or produced a traced lot (a recall's list), as JSON [order, lots]; their product and status come from the orders' owner. */
const ORDERS = sql`(
  SELECT json_agg(json_build_array(t.order_id, t.lots) ORDER BY t.order_id)::text
  FROM (
    SELECT order_id, array_agg(DISTINCT lot_id ORDER BY lot_id) AS lots FROM (
      SELECT c.order_id, c.lot_id FROM lots l JOIN lot_consumptions c ON c.lot_id = l.id WHERE c.order_id IS NOT NULL
      UNION SELECT l.order_id, l.id FROM lots l WHERE l.order_id IS NOT NULL
    ) touched GROUP BY order_id
  ) t)`;
/** The walk as one statement (exported so its plan can be inspected with EXPLAIN). */
export function walkSql(roots: string[], from: SQL, to: SQL, maxDepth: number, maxNodes: number, stepCap: number, withOrders: boolean): SQL {
  // One row, lots and edges as JSON arrays of positional arrays: cheap to build, and parsed natively (JSON.parse) —
  // thousands of rows or of keyed JSON objects cost several times more on both sides.
  return sql`WITH RECURSIVE walk(id, depth) AS (
          SELECT r, 0 FROM unnest(${sql.param(roots)}::text[]) AS r
          UNION
          SELECT g.${to}, w.depth + 1 FROM walk w JOIN lot_genealogy g ON g.${from} = w.id WHERE w.depth < ${maxDepth}
        ),
        capped AS (SELECT id, depth FROM walk LIMIT ${stepCap}),
        reached AS (SELECT id, min(depth) AS depth FROM capped GROUP BY id),
        kept AS (SELECT id, depth FROM reached ORDER BY depth, id LIMIT ${maxNodes}),
        lots AS MATERIALIZED (SELECT l.*, k.depth FROM kept k JOIN material_lots l ON l.id = k.id),
        nodes AS (
          SELECT json_agg(json_build_array(l.id, l.material_id, l.quantity, l.initial_quantity, l.unit, l.status, l.hold_reason, l.location,
            l.supplier, l.supplier_lot, l.order_id, l.seq, l.equipment, l.operator, extract(epoch FROM l.created_at)::float8, l.depth)) AS list
          FROM lots l
        ),
        edges AS (
          SELECT json_agg(json_build_array(g.parent_lot, g.child_lot, g.quantity)) AS list
          FROM lot_genealogy g JOIN kept a ON a.id = g.${from} AND a.depth < ${maxDepth} JOIN kept b ON b.id = g.${to}
        )
        SELECT (SELECT count(*) FROM capped) AS walked, (SELECT count(*) FROM reached) AS reached,
          EXISTS (SELECT 1 FROM kept k JOIN lot_genealogy g ON g.${from} = k.id WHERE k.depth >= ${maxDepth}) AS deeper,
          n.list::text AS nodes, e.list::text AS edges, ${withOrders ? ORDERS : sql`NULL`} AS orders
        FROM nodes n, edges e`;
}

/**
 * The whole trace in one round trip. The recursive CTE de-duplicates on (lot, depth) with UNION — never on the path —
 * so a lot shared by many paths is expanded once per distinct depth (once in a layered genealogy), not once per path
 * as `UNION ALL` would (fan-in^depth). `LIMIT stepCap` on the walk stops the recursion itself: the CTE is evaluated
 * level by level, so what is kept is the part nearest the start lots.
 */
export async function walk(
  db: Db,
  roots: string[],
  direction: 'backward' | 'forward',
  maxDepth: number,
  maxNodes: number,
  stepCap: number,
  withOrders = false,
): Promise<Walk> {
  // column names are constants chosen here, never input
  const [from, to] = direction === 'backward' ? [sql.raw('child_lot'), sql.raw('parent_lot')] : [sql.raw('parent_lot'), sql.raw('child_lot')];
  const [r] = await rowsOf<Record<string, unknown>>(db, walkSql(roots, from, to, maxDepth, maxNodes, stepCap, withOrders));
  type NodeTuple = [
    string,
    string,
    number,
    number,
    string,
    LotStatus,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    number | null,
    string | null,
    string | null,
    number,
    number,
  ];
  const nodes: WalkNode[] = (JSON.parse((r!.nodes as string | null) ?? '[]') as NodeTuple[]).map((n) => ({
    lot: n[0],
    materialId: n[1],
    quantity: Number(n[2]),
    initialQuantity: Number(n[3]),
    unit: n[4],
    status: n[5],
    holdReason: n[6],
    location: n[7],
    supplier: n[8],
    supplierLot: n[9],
    orderId: n[10],
    seq: n[11],
    equipment: n[12],
    operator: n[13],
    madeAt: new Date(n[14] * 1000).toISOString(),
    depth: n[15],
  }));
  nodes.sort((a, b) => a.depth - b.depth || (a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0));
  const edges = (JSON.parse((r!.edges as string | null) ?? '[]') as Array<[string, string, number]>).map(([parent, child, quantity]) => ({
    parent,
    child,
    quantity: Number(quantity),
  }));
  const orders = r!.orders == null ? undefined : (JSON.parse(r!.orders as string) as Array<[string, string[]]>).map(([orderId, lots]) => ({ orderId, lots }));
  return { nodes, edges, orders: withOrders ? (orders ?? []) : undefined, walked: Number(r!.walked), reached: Number(r!.reached), deeper: r!.deeper === true };
}

export const affectedOrderSchema = z.object({
  orderId: z.string(),
  productId: z.string().nullable(),
  status: z.string().nullable(),
  /** the traced lots this order consumed or produced */
  lots: z.array(z.string()),
});
export type AffectedOrder = z.infer<typeof affectedOrderSchema>;

export async function lotsWithSupplierLot(db: Db, supplierLot: string): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(db, sql`SELECT id FROM material_lots WHERE supplier_lot = ${supplierLot} ORDER BY id`);
  return rows.map((r) => r.id);
}
