// SQL for quality characteristics, their measurements and frozen limits (ADR 0006). Every value is a bound parameter.
import { rowsOf, sql, textArray, type Db } from '../platform/db/database.ts';
import type { ControlLimits } from './spc/charts.ts';
import type { Characteristic, CharacteristicInput, FrozenLimits, Kind, NewMeasurement, Source, StoredMeasurement } from './model.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
const num = (v: unknown): number | null => (v == null ? null : Number(v));
const str = (v: unknown): string | null => (v == null ? null : String(v));
// PGlite and node-postgres both parse jsonb, but a driver that hands back text is read the same way
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function characteristicOf(r: Row): Characteristic {
  return {
    id: r.id as string,
    name: r.name as string,
    product: r.product as string,
    operationSeq: num(r.operation_seq),
    kind: r.kind as Characteristic['kind'],
    unit: str(r.unit),
    nominal: num(r.nominal),
    lsl: num(r.lsl),
    usl: num(r.usl),
    chart: r.chart as Characteristic['chart'],
    subgroupSize: Number(r.subgroup_size),
    ruleSet: r.rule_set as Characteristic['ruleSet'],
    rules: json<number[]>(r.rules),
    gauge: str(r.gauge),
    method: str(r.method),
    sampling: str(r.sampling),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function measurementOf(r: Row): StoredMeasurement {
  return {
    id: Number(r.id),
    characteristic: r.characteristic as string,
    ts: iso(r.ts),
    value: num(r.value),
    defects: num(r.defects),
    defectives: num(r.defectives),
    n: num(r.n),
    subgroup: str(r.subgroup),
    defectCodes: r.defect_codes == null ? null : json<Record<string, number>>(r.defect_codes),
    source: r.source as Source,
    key: r.idem_key as string,
    orderId: str(r.order_id),
    operationSeq: num(r.operation_seq),
    lot: str(r.lot),
    equipment: str(r.equipment),
    shift: str(r.shift),
    recordedBy: r.recorded_by as string,
    flag: str(r.flag),
  };
}

function limitsOf(r: Row): FrozenLimits {
  return {
    characteristic: r.characteristic as string,
    version: Number(r.version),
    baselineFrom: iso(r.baseline_from),
    baselineTo: iso(r.baseline_to),
    limits: json<ControlLimits>(r.limits),
    reason: r.reason as string,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

export async function getCharacteristic(db: Db, id: string, forUpdate = false): Promise<Characteristic | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM quality_characteristics WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM quality_characteristics WHERE id = ${id}`,
  );
  return rows[0] ? characteristicOf(rows[0]) : undefined;
}

export async function getCharacteristics(db: Db, ids: string[]): Promise<Characteristic[]> {
  if (!ids.length) return [];
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM quality_characteristics WHERE id IN (${sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    )})`,
  );
  return rows.map(characteristicOf);
}

export async function listCharacteristics(db: Db, f: { product?: string; kind?: Kind; limit: number }): Promise<Characteristic[]> {
  const where = [sql`true`];
  if (f.product) where.push(sql`product = ${f.product}`);
  if (f.kind) where.push(sql`kind = ${f.kind}`);
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_characteristics WHERE ${sql.join(where, sql` AND `)} ORDER BY id LIMIT ${f.limit}`);
  return rows.map(characteristicOf);
}

export async function insertCharacteristic(db: Db, c: CharacteristicInput, by: string): Promise<Characteristic | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_characteristics (id, name, product, operation_seq, kind, unit, nominal, lsl, usl, chart, subgroup_size,
          rule_set, rules, gauge, method, sampling, created_by)
        VALUES (${c.id}, ${c.name}, ${c.product}, ${c.operationSeq}, ${c.kind}, ${c.unit}, ${c.nominal}, ${c.lsl}, ${c.usl}, ${c.chart},
          ${c.subgroupSize}, ${c.ruleSet}, ${JSON.stringify(c.rules)}::jsonb, ${c.gauge}, ${c.method}, ${c.sampling}, ${by})
        ON CONFLICT (id) DO NOTHING RETURNING *`,
  );
  return rows[0] ? characteristicOf(rows[0]) : undefined;
}

export async function updateCharacteristic(db: Db, c: CharacteristicInput): Promise<Characteristic> {
  const [row] = await rowsOf<Row>(
    db,
    sql`UPDATE quality_characteristics SET name = ${c.name}, product = ${c.product}, operation_seq = ${c.operationSeq}, kind = ${c.kind},
          unit = ${c.unit}, nominal = ${c.nominal}, lsl = ${c.lsl}, usl = ${c.usl}, chart = ${c.chart}, subgroup_size = ${c.subgroupSize},
          rule_set = ${c.ruleSet}, rules = ${JSON.stringify(c.rules)}::jsonb, gauge = ${c.gauge}, method = ${c.method},
          sampling = ${c.sampling}, updated_at = now()
        WHERE id = ${c.id} RETURNING *`,
  );
  return characteristicOf(row!);
}

export async function deleteCharacteristic(db: Db, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM quality_characteristics WHERE id = ${id}`);
}

export async function hasMeasurements(db: Db, id: string): Promise<boolean> {
  const rows = await rowsOf<Row>(db, sql`SELECT 1 FROM quality_measurements WHERE characteristic = ${id} LIMIT 1`);
  return rows.length > 0;
}

/** How many values each of these subgroups of a characteristic already holds. */
export async function subgroupCounts(db: Db, id: string, subgroups: string[]): Promise<Map<string, number>> {
  if (!subgroups.length) return new Map();
  const rows = await rowsOf<{ subgroup: string; n: number | string }>(
    db,
    sql`SELECT subgroup, count(*) AS n FROM quality_measurements WHERE characteristic = ${id}
        AND subgroup IN (${sql.join(
          subgroups.map((g) => sql`${g}`),
          sql`, `,
        )}) GROUP BY subgroup`,
  );
  return new Map(rows.map((r) => [r.subgroup, Number(r.n)]));
}

/** The stored measurements under these (source, key) pairs. */
export async function measurementsByKey(db: Db, keys: Array<{ source: Source; key: string }>): Promise<StoredMeasurement[]> {
  if (!keys.length) return [];
  const pairs = sql.join(
    keys.map((k) => sql`(${k.source}, ${k.key})`),
    sql`, `,
  );
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_measurements WHERE (source, idem_key) IN (${pairs})`);
  return rows.map(measurementOf);
}

/** Inserts the new ones; a (source, key) already stored, even by a concurrent batch, is left as it is (not returned). */
export async function insertMeasurements(db: Db, ms: NewMeasurement[]): Promise<StoredMeasurement[]> {
  if (!ms.length) return [];
  const values = sql.join(
    ms.map(
      (m) => sql`(${m.characteristic}, ${m.ts}::timestamptz, ${m.value}, ${m.defects}, ${m.defectives}, ${m.n}, ${m.subgroup}, ${m.source},
        ${m.key}, ${m.orderId}, ${m.operationSeq}, ${m.lot}, ${m.equipment}, ${m.shift ?? null}, ${m.recordedBy}, ${m.flag},
        ${m.defectCodes === null ? null : JSON.stringify(m.defectCodes)}::jsonb)`,
    ),
    sql`, `,
  );
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_measurements (characteristic, ts, value, defects, defectives, n, subgroup, source, idem_key, order_id,
          operation_seq, lot, equipment, shift, recorded_by, flag, defect_codes)
        VALUES ${values} ON CONFLICT (source, idem_key) DO NOTHING RETURNING *`,
  );
  return rows.map(measurementOf);
}

/** A characteristic's measurements with from ≤ ts ≤ to, in time order (ties in arrival order); at most `limit`. */
export async function window(db: Db, id: string, from: string, to: string, limit: number): Promise<StoredMeasurement[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM quality_measurements WHERE characteristic = ${id} AND ts >= ${from}::timestamptz AND ts <= ${to}::timestamptz
        ORDER BY ts, id LIMIT ${limit}`,
  );
  return rows.map(measurementOf);
}

/**
 * The measurements with from ≤ ts ≤ to of every characteristic among `ids`, in one statement: per characteristic in
 * time order (ties in arrival order), at most `limitEach` of each (the overview's batch of `window`).
 */
export async function windows(db: Db, ids: string[], from: string, to: string, limitEach: number): Promise<Map<string, StoredMeasurement[]>> {
  const out = new Map<string, StoredMeasurement[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM (
          SELECT m.*, row_number() OVER (PARTITION BY characteristic ORDER BY ts, id) AS rn FROM quality_measurements m
          WHERE characteristic = ANY(${textArray(ids)}) AND ts >= ${from}::timestamptz AND ts <= ${to}::timestamptz) w
        WHERE rn <= ${limitEach} ORDER BY characteristic, ts, id`,
  );
  for (const r of rows) out.get(r.characteristic as string)?.push(measurementOf(r));
  return out;
}

/** The newest frozen limits of each characteristic among `ids` that has any, in one statement. */
export async function latestLimitsOf(db: Db, ids: string[]): Promise<Map<string, FrozenLimits>> {
  if (!ids.length) return new Map();
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT DISTINCT ON (characteristic) * FROM quality_limits WHERE characteristic = ANY(${textArray(ids)}) ORDER BY characteristic, version DESC`,
  );
  return new Map(rows.map((r) => [r.characteristic as string, limitsOf(r)]));
}

/** The flagged measurements of a characteristic with from ≤ ts ≤ to, in time order. */
export async function flaggedIn(db: Db, id: string, from: string, to: string): Promise<Array<{ id: number; ts: string; flag: string }>> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT id, ts, flag FROM quality_measurements WHERE characteristic = ${id} AND ts >= ${from}::timestamptz AND ts <= ${to}::timestamptz
        AND flag IS NOT NULL ORDER BY ts, id LIMIT 100000`,
  );
  return rows.map((r) => ({ id: Number(r.id), ts: iso(r.ts), flag: String(r.flag) }));
}

export async function latestLimits(db: Db, id: string): Promise<FrozenLimits | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_limits WHERE characteristic = ${id} ORDER BY version DESC LIMIT 1`);
  return rows[0] ? limitsOf(rows[0]) : undefined;
}

export async function limitsHistory(db: Db, id: string): Promise<FrozenLimits[]> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_limits WHERE characteristic = ${id} ORDER BY version DESC`);
  return rows.map(limitsOf);
}

export async function insertLimits(db: Db, l: Omit<FrozenLimits, 'version' | 'createdAt'>): Promise<FrozenLimits> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_limits (characteristic, version, baseline_from, baseline_to, limits, reason, created_by)
        VALUES (${l.characteristic}, (SELECT coalesce(max(version), 0) + 1 FROM quality_limits WHERE characteristic = ${l.characteristic}),
          ${l.baselineFrom}::timestamptz, ${l.baselineTo}::timestamptz, ${JSON.stringify(l.limits)}::jsonb, ${l.reason}, ${l.createdBy})
        RETURNING *`,
  );
  return limitsOf(row!);
}
