// SQL of the quality KPIs (ADR 0006): the cost table, and the attribute measurements' defects of a window. Bound
// parameters only; quality's own tables only (execution's figures come through its face).
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { AttributeDefects, KpiFilter, QualityCost } from './model.ts';

type Row = Record<string, unknown>;

const costOf = (r: Row): QualityCost => ({
  product: r.product as string,
  unitCost: Number(r.unit_cost),
  reworkCost: r.rework_cost == null ? null : Number(r.rework_cost),
  currency: r.currency as string,
  updatedBy: r.updated_by as string,
  updatedAt: new Date(r.updated_at as string | Date).toISOString(),
});

export async function listCosts(db: Db): Promise<QualityCost[]> {
  return (await rowsOf<Row>(db, sql`SELECT * FROM quality_costs ORDER BY product`)).map(costOf);
}

export async function getCost(db: Db, product: string, forUpdate = false): Promise<QualityCost | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM quality_costs WHERE product = ${product} FOR UPDATE` : sql`SELECT * FROM quality_costs WHERE product = ${product}`,
  );
  return rows[0] ? costOf(rows[0]) : undefined;
}

export async function upsertCost(db: Db, c: Omit<QualityCost, 'updatedAt'>): Promise<QualityCost> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_costs (product, unit_cost, rework_cost, currency, updated_by)
        VALUES (${c.product}, ${c.unitCost}, ${c.reworkCost}, ${c.currency}, ${c.updatedBy})
        ON CONFLICT (product) DO UPDATE SET unit_cost = EXCLUDED.unit_cost, rework_cost = EXCLUDED.rework_cost,
          currency = EXCLUDED.currency, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING *`,
  );
  return costOf(row!);
}

export async function deleteCost(db: Db, product: string): Promise<void> {
  await db.execute(sql`DELETE FROM quality_costs WHERE product = ${product}`);
}

/**
 * Defects (c, u charts) or defectives (p, np) summed per attribute characteristic over the window's measurements, with
 * the units inspected where the chart has a sample size. Filtered by product, and by the machine and order the
 * measurements were taken at.
 */
export async function attributeDefects(db: Db, w: { from: string; to: string }, f: KpiFilter): Promise<AttributeDefects[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT c.id, c.name, c.product, c.chart, sum(coalesce(m.defects, m.defectives))::float8 AS defects, sum(m.n)::float8 AS inspected
        FROM quality_measurements m JOIN quality_characteristics c ON c.id = m.characteristic
        WHERE c.kind = 'attribute' AND m.ts >= ${w.from}::timestamptz AND m.ts <= ${w.to}::timestamptz
          AND (${f.product ?? null}::text IS NULL OR c.product = ${f.product ?? null}::text)
          AND (${f.machine ?? null}::text IS NULL OR m.equipment = ${f.machine ?? null}::text)
          AND (${f.order ?? null}::text IS NULL OR m.order_id = ${f.order ?? null}::text)
        GROUP BY c.id, c.name, c.product, c.chart ORDER BY c.id`,
  );
  return rows.map((r) => ({
    characteristic: r.id as string,
    name: r.name as string,
    product: r.product as string,
    chart: r.chart as string,
    defects: Number(r.defects ?? 0),
    inspected: r.inspected == null ? null : Number(r.inspected),
  }));
}
