// Backward trace (everything a lot was made from, down to supplier lots) and forward trace (every lot and order a lot
// went into: a recall), as JSON for the API and the graph view, and as CSV for a spreadsheet.
import { toCsv } from '../platform/csv.ts';
import type { Db } from '../platform/db/database.ts';
import * as repo from './lots.repository.ts';
import { z } from 'zod';
import { lotSchema, type OrderLookup } from './model.ts';
import { DEFAULT_LIMITS, DIRECTIONS, edgeSchema, traverseLimitsSchema, type Direction, type TraverseLimits } from './traverse.ts';

export const traceNodeSchema = lotSchema
  .pick({
    materialId: true,
    quantity: true,
    initialQuantity: true,
    unit: true,
    status: true,
    holdReason: true,
    location: true,
    supplier: true,
    supplierLot: true,
  })
  .extend({
    lot: z.string(),
    /** true for lots received from outside (no producing order) */
    received: z.boolean(),
    orderId: z.string().nullable(),
    seq: z.number().nullable(),
    equipment: z.string().nullable(),
    operator: z.string().nullable(),
    madeAt: z.string(),
    /** steps from the start lot(s) */
    depth: z.number(),
  });
export type TraceNode = z.infer<typeof traceNodeSchema>;

export const traceSchema = z.object({
  direction: z.enum(DIRECTIONS),
  roots: z.array(z.string()),
  nodes: z.array(traceNodeSchema),
  edges: z.array(edgeSchema),
  /** forward: the orders that consumed or produced a traced lot */
  orders: z.array(repo.affectedOrderSchema).optional(),
  truncated: z.boolean(),
  truncatedReason: z.string().nullable(),
  limits: traverseLimitsSchema,
});
export type Trace = z.infer<typeof traceSchema>;

/** `orders` names the orders a forward trace touched (their product and status); lots reads no order table itself. */
export async function traceLots(db: Db, orders: OrderLookup, roots: string[], direction: Direction, limits: TraverseLimits = DEFAULT_LIMITS): Promise<Trace> {
  // Walk steps allowed: a lot reached at several depths (a screw in the unit and in its sub-assembly) counts once per
  // depth; four per lot on average is generous for real bills of materials.
  const stepCap = limits.maxNodes * 4 + 1;
  const w = await repo.walk(db, roots, direction, limits.maxDepth, limits.maxNodes, stepCap, direction === 'forward');
  let truncatedReason: string | null = null;
  if (w.walked >= stepCap) truncatedReason = `stopped after ${stepCap - 1} steps: the genealogy goes on beyond`;
  else if (w.reached > limits.maxNodes) truncatedReason = `stopped at ${limits.maxNodes} lots: the genealogy goes on beyond (${w.reached} lots reached)`;
  else if (w.deeper)
    truncatedReason = `stopped at depth ${limits.maxDepth}: lots at that depth have further ${direction === 'backward' ? 'parents' : 'children'}`;
  const nodes: TraceNode[] = w.nodes.map((n) => ({ ...n, received: n.orderId === null }));
  const trace: Trace = { direction, roots, nodes, edges: w.edges, truncated: truncatedReason !== null, truncatedReason, limits };
  if (w.orders) {
    const known = new Map(
      (
        await orders.summaries(
          db,
          w.orders.map((o) => o.orderId),
        )
      ).map((o) => [o.id, o]),
    );
    trace.orders = w.orders.map((o) => ({
      orderId: o.orderId,
      productId: known.get(o.orderId)?.productId ?? null,
      status: known.get(o.orderId)?.status ?? null,
      lots: o.lots,
    }));
  }
  return trace;
}

const CSV_COLUMNS = [
  'depth',
  'lot',
  'material',
  'quantity',
  'initial_quantity',
  'unit',
  'status',
  'hold_reason',
  'location',
  'supplier',
  'supplier_lot',
  'order',
  'operation',
  'machine',
  'operator',
  'made_at',
  'linked_lots',
];

/**
 * One line per lot; `linked_lots` lists the traced lots it was made from (backward) or went into (forward), with the
 * quantity, e.g. "L-000012 (2.5 kg); L-000013 (0.1 kg)".
 */
export function traceToCsv(t: Trace): string {
  const byId = new Map(t.nodes.map((n) => [n.lot, n]));
  const linked = new Map<string, string[]>();
  for (const e of t.edges) {
    const [from, to] = t.direction === 'backward' ? [e.child, e.parent] : [e.parent, e.child];
    const unit = byId.get(e.parent)?.unit ?? '';
    const list = linked.get(from) ?? [];
    list.push(`${to} (${Number(e.quantity.toPrecision(12))} ${unit})`.replace(/ \)$/, ')'));
    linked.set(from, list);
  }
  return toCsv(
    CSV_COLUMNS,
    t.nodes.map((n) => [
      n.depth,
      n.lot,
      n.materialId,
      n.quantity,
      n.initialQuantity,
      n.unit,
      n.status,
      n.holdReason,
      n.location,
      n.supplier,
      n.supplierLot,
      n.orderId,
      n.seq,
      n.equipment,
      n.operator,
      n.madeAt,
      (linked.get(n.lot) ?? []).sort().join('; '),
    ]),
  );
}
