// SQL for material lots, their consumptions and genealogy edges. Every value goes in as a bound parameter.
import type { SQL } from 'drizzle-orm';
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

export async function getLots(db: Db, ids: string[]): Promise<Lot[]> {
  if (!ids.length) return [];
  return (await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM material_lots WHERE id = ANY(${sql.param(ids)}::text[])`)).map(lotOf);
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

/** Execution's operation, read to name a missing one clearly (the foreign key is the guarantee). */
export async function operationExists(db: Db, orderId: string, seq: number): Promise<boolean> {
  const rows = await rowsOf(db, sql`SELECT 1 FROM order_operations WHERE order_id = ${orderId} AND seq = ${seq}`);
  return rows.length > 0;
}

/** Locks a lot for a booking and says in the same round trip whether the operation it is booked against exists. */
export async function lockForBooking(db: Db, lotId: string, orderId: string, seq: number): Promise<{ lot: Lot; operation: boolean } | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT l.*, EXISTS (SELECT 1 FROM order_operations o WHERE o.order_id = ${orderId} AND o.seq = ${seq}) AS operation_exists
        FROM material_lots l WHERE l.id = ${lotId} FOR UPDATE OF l`,
  );
  return rows[0] ? { lot: lotOf(rows[0]), operation: rows[0].operation_exists === true } : undefined;
}

/** Books a consumption: the lot's new quantity/status and the consumption row, in one statement. */
export async function book(
  db: Db,
  c: { lotId: string; left: number; status: LotStatus; orderId: string; seq: number; quantity: number; unit: string; method: 'scan' | 'backflush'; actor: string; equipment: string | null },
): Promise<string> {
  const [r] = await rowsOf<{ at: unknown }>(
    db,
    sql`WITH u AS (
          UPDATE material_lots SET quantity = ${c.left}, status = ${c.status}, updated_at = now(), row_version = row_version + 1
          WHERE id = ${c.lotId} RETURNING id
        )
        INSERT INTO lot_consumptions (lot_id, order_id, seq, quantity, unit, method, actor, equipment)
        SELECT u.id, ${c.orderId}, ${c.seq}, ${c.quantity}, ${c.unit}, ${c.method}, ${c.actor}, ${c.equipment} FROM u RETURNING at`,
  );
  return iso(r!.at);
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

/** One level of a walk: the edges touching `ids` on the side the trace goes (the reference walk in traverse.ts). */
export async function edgesOf(db: Db, ids: string[], direction: 'backward' | 'forward'): Promise<EdgeRow[]> {
  const rows = await rowsOf<{ parent_lot: string; child_lot: string; quantity: unknown }>(
    db,
    direction === 'backward'
      ? sql`SELECT parent_lot, child_lot, quantity FROM lot_genealogy WHERE child_lot = ANY(${sql.param(ids)}::text[])`
      : sql`SELECT parent_lot, child_lot, quantity FROM lot_genealogy WHERE parent_lot = ANY(${sql.param(ids)}::text[])`,
  );
  return rows.map((r) => ({ parent: r.parent_lot, child: r.child_lot, quantity: Number(r.quantity) }));
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
  /** (lot, depth) pairs the walk produced before the step cap */
  walked: number;
  /** distinct lots reached (may exceed the node cap) */
  reached: number;
  /** a lot at the depth cap has further parents (backward) / children (forward) */
  deeper: boolean;
}

/** The walk as one statement (exported so its plan can be inspected with EXPLAIN). */
export function walkSql(roots: string[], from: SQL, to: SQL, maxDepth: number, maxNodes: number, stepCap: number): SQL {
  // One row of parallel arrays (aligned: the aggregates of one query read the same rows in the same order), far
  // cheaper to build and to parse than thousands of JSON objects or rows.
  return sql`WITH RECURSIVE walk(id, depth) AS (
          SELECT r, 0 FROM unnest(${sql.param(roots)}::text[]) AS r
          UNION
          SELECT g.${to}, w.depth + 1 FROM walk w JOIN lot_genealogy g ON g.${from} = w.id WHERE w.depth < ${maxDepth}
        ),
        capped AS (SELECT id, depth FROM walk LIMIT ${stepCap}),
        reached AS (SELECT id, min(depth) AS depth FROM capped GROUP BY id),
        kept AS (SELECT id, depth FROM reached ORDER BY depth, id LIMIT ${maxNodes}),
        nodes AS (
          SELECT array_agg(l.id) AS id, array_agg(l.material_id) AS material,
            array_agg(l.quantity) AS quantity, array_agg(l.initial_quantity) AS initial,
            array_agg(l.unit) AS unit, array_agg(l.status) AS status,
            array_agg(l.hold_reason) AS hold, array_agg(l.location) AS location,
            array_agg(l.supplier) AS supplier, array_agg(l.supplier_lot) AS supplier_lot,
            array_agg(l.order_id) AS order_id, array_agg(l.seq) AS seq,
            array_agg(l.equipment) AS equipment, array_agg(l.operator) AS operator,
            array_agg(extract(epoch FROM l.created_at)::float8) AS made, array_agg(k.depth) AS depth
          FROM kept k JOIN material_lots l ON l.id = k.id
        ),
        edges AS (
          SELECT array_agg(g.parent_lot) AS parent, array_agg(g.child_lot) AS child, array_agg(g.quantity) AS quantity
          FROM lot_genealogy g JOIN kept a ON a.id = g.${from} AND a.depth < ${maxDepth} JOIN kept b ON b.id = g.${to}
        )
        SELECT (SELECT count(*) FROM capped) AS walked, (SELECT count(*) FROM reached) AS reached,
          EXISTS (SELECT 1 FROM kept k JOIN lot_genealogy g ON g.${from} = k.id WHERE k.depth >= ${maxDepth}) AS deeper,
          n.id, n.material, n.quantity, n.initial, n.unit, n.status, n.hold, n.location, n.supplier, n.supplier_lot, n.order_id, n.seq,
          n.equipment, n.operator, n.made, n.depth, e.parent AS e_parent, e.child AS e_child, e.quantity AS e_quantity
        FROM nodes n, edges e`;
}

/**
 * The whole trace in one round trip. The recursive CTE de-duplicates on (lot, depth) with UNION — never on the path —
 * so a lot shared by many paths is expanded once per distinct depth (once in a layered genealogy), not once per path
 * as `UNION ALL` would (fan-in^depth). `LIMIT stepCap` on the walk stops the recursion itself: the CTE is evaluated
 * level by level, so what is kept is the part nearest the start lots.
 */
export async function walk(db: Db, roots: string[], direction: 'backward' | 'forward', maxDepth: number, maxNodes: number, stepCap: number): Promise<Walk> {
  // column names are constants chosen here, never input
  const [from, to] = direction === 'backward' ? [sql.raw('child_lot'), sql.raw('parent_lot')] : [sql.raw('parent_lot'), sql.raw('child_lot')];
  const [r] = await rowsOf<Record<string, unknown>>(db, walkSql(roots, from, to, maxDepth, maxNodes, stepCap));
  const col = <T>(name: string) => ((r![name] as T[] | null) ?? []) as T[];
  const ids = col<string>('id');
  const [material, quantity, initial, unit, status, hold, location, supplier, supplierLot, orderId, seq, equipment, operator, made, depth] = [
    'material', 'quantity', 'initial', 'unit', 'status', 'hold', 'location', 'supplier', 'supplier_lot', 'order_id', 'seq', 'equipment', 'operator', 'made', 'depth',
  ].map((c) => col<unknown>(c));
  const nodes: WalkNode[] = ids.map((id, i) => ({
    lot: id,
    materialId: material![i] as string,
    quantity: Number(quantity![i]),
    initialQuantity: Number(initial![i]),
    unit: unit![i] as string,
    status: status![i] as LotStatus,
    holdReason: textOrNull(hold![i]),
    location: textOrNull(location![i]),
    supplier: textOrNull(supplier![i]),
    supplierLot: textOrNull(supplierLot![i]),
    orderId: textOrNull(orderId![i]),
    seq: seq![i] == null ? null : Number(seq![i]),
    equipment: textOrNull(equipment![i]),
    operator: textOrNull(operator![i]),
    madeAt: new Date(Number(made![i]) * 1000).toISOString(),
    depth: Number(depth![i]),
  }));
  nodes.sort((a, b) => a.depth - b.depth || (a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0));
  const parents = col<string>('e_parent');
  const children = col<string>('e_child');
  const amounts = col<unknown>('e_quantity');
  const edges = parents.map((parent, i) => ({ parent, child: children[i]!, quantity: Number(amounts[i]) }));
  return { nodes, edges, walked: Number(r!.walked), reached: Number(r!.reached), deeper: r!.deeper === true };
}

export interface AffectedOrder {
  orderId: string;
  productId: string | null;
  status: string | null;
  /** the traced lots this order consumed or produced */
  lots: string[];
}

/**
 * Orders that consumed or produced any of `ids` (a recall's list of orders to look at). Who produced a traced lot the
 * trace already knows (`produced`: order → lot); only the consumptions are looked up.
 */
export async function ordersTouching(db: Db, ids: string[], produced: Array<{ orderId: string; lotId: string }>): Promise<AffectedOrder[]> {
  if (!ids.length) return [];
  const rows = await rowsOf<{ order_id: string; product_id: string | null; status: string | null; lots: string[] }>(
    db,
    sql`WITH touched AS (
          SELECT order_id, lot_id FROM lot_consumptions WHERE lot_id = ANY(${sql.param(ids)}::text[])
          UNION SELECT o, l FROM unnest(${sql.param(produced.map((p) => p.orderId))}::text[], ${sql.param(produced.map((p) => p.lotId))}::text[]) AS u(o, l)
        )
        SELECT t.order_id, o.product_id, o.status, array_agg(DISTINCT t.lot_id ORDER BY t.lot_id) AS lots
        FROM touched t LEFT JOIN production_orders o ON o.id = t.order_id GROUP BY t.order_id, o.product_id, o.status ORDER BY t.order_id`,
  );
  return rows.map((r) => ({ orderId: r.order_id, productId: r.product_id, status: r.status, lots: r.lots }));
}

export async function lotsWithSupplierLot(db: Db, supplierLot: string): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(db, sql`SELECT id FROM material_lots WHERE supplier_lot = ${supplierLot} ORDER BY id`);
  return rows.map((r) => r.id);
}
