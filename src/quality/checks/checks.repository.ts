// SQL of the quality checks: sampling plans and the last check of a characteristic at a station (ADR 0006).
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { CheckMark, SamplingPlan } from './sampling.ts';

type Row = Record<string, unknown>;
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export interface StoredPlan {
  characteristic: string;
  plan: SamplingPlan;
  updatedBy: string;
  updatedAt: string;
}

const planOf = (r: Row): StoredPlan => ({
  characteristic: r.characteristic as string,
  plan: json<SamplingPlan>(r.plan),
  updatedBy: r.updated_by as string,
  updatedAt: new Date(r.updated_at as string).toISOString(),
});

export async function getPlan(db: Db, characteristic: string): Promise<StoredPlan | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_sampling_plans WHERE characteristic = ${characteristic}`);
  return rows[0] ? planOf(rows[0]) : undefined;
}

export async function putPlan(db: Db, characteristic: string, plan: SamplingPlan, by: string): Promise<StoredPlan> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_sampling_plans (characteristic, plan, updated_by) VALUES (${characteristic}, ${JSON.stringify(plan)}::jsonb, ${by})
        ON CONFLICT (characteristic) DO UPDATE SET plan = EXCLUDED.plan, updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING *`,
  );
  return planOf(row!);
}

export async function deletePlan(db: Db, characteristic: string): Promise<boolean> {
  const rows = await rowsOf<Row>(db, sql`DELETE FROM quality_sampling_plans WHERE characteristic = ${characteristic} RETURNING characteristic`);
  return rows.length > 0;
}

/** Whether any characteristic has a plan (none: no station has a check due, and nothing is asked of the shop floor). */
export async function anyPlan(db: Db): Promise<boolean> {
  return (await rowsOf(db, sql`SELECT 1 FROM quality_sampling_plans LIMIT 1`)).length > 0;
}

/** The characteristic a plan applies to at a routing step: its id, name and definition, with its plan. */
export interface PlannedCharacteristic {
  id: string;
  name: string;
  kind: 'variable' | 'attribute';
  chart: string;
  unit: string | null;
  nominal: number | null;
  lsl: number | null;
  usl: number | null;
  subgroupSize: number;
  plan: SamplingPlan;
}

const num = (v: unknown): number | null => (v == null ? null : Number(v));

/** The characteristics of a product measured at this operation (or on the product as a whole) that have a plan. */
export async function plannedFor(db: Db, product: string, seq: number): Promise<PlannedCharacteristic[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT c.id, c.name, c.kind, c.chart, c.unit, c.nominal, c.lsl, c.usl, c.subgroup_size, p.plan
        FROM quality_characteristics c JOIN quality_sampling_plans p ON p.characteristic = c.id
        WHERE c.product = ${product} AND (c.operation_seq = ${seq} OR c.operation_seq IS NULL) ORDER BY c.id`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as 'variable' | 'attribute',
    chart: r.chart as string,
    unit: (r.unit as string | null) ?? null,
    nominal: num(r.nominal),
    lsl: num(r.lsl),
    usl: num(r.usl),
    subgroupSize: Number(r.subgroup_size),
    plan: json<SamplingPlan>(r.plan),
  }));
}

/** The last check of each of these characteristics at a station. */
export async function marksAt(db: Db, equipmentId: string, characteristics: string[]): Promise<Map<string, CheckMark>> {
  if (!characteristics.length) return new Map();
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM quality_check_marks WHERE equipment_id = ${equipmentId}
        AND characteristic IN (${sql.join(
          characteristics.map((c) => sql`${c}`),
          sql`, `,
        )})`,
  );
  return new Map(
    rows.map((r) => [
      r.characteristic as string,
      {
        orderId: (r.order_id as string | null) ?? null,
        seq: num(r.seq),
        parts: Number(r.parts),
        lot: (r.lot as string | null) ?? null,
        at: new Date(r.at as string).getTime(),
      },
    ]),
  );
}

/** Records a check of a characteristic at a station (the newest replaces the one before). */
export async function putMark(db: Db, characteristic: string, equipmentId: string, m: Omit<CheckMark, 'at'> & { measurementId: number }): Promise<void> {
  await db.execute(
    sql`INSERT INTO quality_check_marks (characteristic, equipment_id, order_id, seq, parts, lot, measurement_id)
        VALUES (${characteristic}, ${equipmentId}, ${m.orderId}, ${m.seq}, ${m.parts}, ${m.lot}, ${m.measurementId})
        ON CONFLICT (characteristic, equipment_id) DO UPDATE SET order_id = EXCLUDED.order_id, seq = EXCLUDED.seq, parts = EXCLUDED.parts,
          lot = EXCLUDED.lot, measurement_id = EXCLUDED.measurement_id, at = now()`,
  );
}
