// Execution's yield figures, the read port through which quality computes its KPIs without naming execution's tables:
// the frozen good and scrap counts of the operations completed in a window (good_qty/scrap_qty, set at completion
// from machine counts and hand entries), grouped by product, routing step and machine, with the scrap entered by hand
// split by its reason code (the terminal's scrap reasons are the plant's defect codes). Two statements per call,
// whatever the number of operations.
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
// the shapes are quality's, the consumer's: its YieldSource port is this function on a connection
import type { KpiFilter as YieldFilter, YieldGroup } from '../quality/index.ts';

export interface YieldFigures {
  /** Operations completed with from ≤ completed_at ≤ to (ISO 8601), grouped by product, step and machine. */
  completed(db: Db, window: { from: string; to: string }, filter: YieldFilter): Promise<YieldGroup[]>;
}

type Row = Record<string, unknown>;
const key = (product: string, seq: number, machine: string | null) => `${product}\u0000${seq}\u0000${machine ?? ''}`;

export const yieldFigures: YieldFigures = {
  async completed(db, w, f) {
    const where = sql`op.status = 'completed' AND op.completed_at >= ${w.from}::timestamptz AND op.completed_at <= ${w.to}::timestamptz
      AND (${f.product ?? null}::text IS NULL OR o.product_id = ${f.product ?? null}::text)
      AND (${f.machine ?? null}::text IS NULL OR op.equipment = ${f.machine ?? null}::text)
      AND (${f.order ?? null}::text IS NULL OR o.id = ${f.order ?? null}::text)`;
    const groups = await rowsOf<Row>(
      db,
      sql`SELECT o.product_id, op.seq, op.equipment, count(*)::int AS operations, sum(op.good_qty)::float8 AS good, sum(op.scrap_qty)::float8 AS scrap
          FROM order_operations op JOIN production_orders o ON o.id = op.order_id
          WHERE ${where}
          GROUP BY o.product_id, op.seq, op.equipment ORDER BY o.product_id, op.seq, op.equipment`,
    );
    const reasons = await rowsOf<Row>(
      db,
      sql`SELECT o.product_id, op.seq, op.equipment, coalesce(q.reason, 'other') AS reason, rc.label, sum(q.quantity)::float8 AS quantity
          FROM order_operations op JOIN production_orders o ON o.id = op.order_id
          JOIN operation_quantities q ON q.order_id = op.order_id AND q.seq = op.seq AND q.kind = 'scrap'
          LEFT JOIN reason_codes rc ON rc.kind = 'scrap' AND rc.code = coalesce(q.reason, 'other')
          WHERE ${where}
          GROUP BY o.product_id, op.seq, op.equipment, coalesce(q.reason, 'other'), rc.label`,
    );
    const out = new Map<string, YieldGroup>();
    for (const r of groups) {
      const g: YieldGroup = {
        product: r.product_id as string,
        seq: Number(r.seq),
        machine: (r.equipment as string | null) ?? null,
        operations: Number(r.operations),
        good: Number(r.good),
        scrap: Number(r.scrap),
        scrapByReason: [],
      };
      out.set(key(g.product, g.seq, g.machine), g);
    }
    for (const r of reasons) {
      const g = out.get(key(r.product_id as string, Number(r.seq), (r.equipment as string | null) ?? null));
      g?.scrapByReason.push({ reason: r.reason as string, label: (r.label as string | null) ?? null, quantity: Number(r.quantity) });
    }
    for (const g of out.values()) g.scrapByReason.sort((a, b) => b.quantity - a.quantity || a.reason.localeCompare(b.reason));
    return [...out.values()];
  },
};
