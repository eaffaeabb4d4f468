// SQL for the gauge register and its calibrations (ADR 0006). Days are read back as text (YYYY-MM-DD) so both
// drivers answer the same.
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { Calibration, Gauge, GaugeInput } from './gauges.model.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v == null ? null : String(v));
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();

const GAUGE_COLUMNS = sql`id, name, type, location, interval_days, last_calibrated::text AS last_calibrated, due_on::text AS due_on, last_result,
  status, on_overdue, created_by, created_at, updated_at`;

function gaugeOf(r: Row): Gauge {
  return {
    id: r.id as string,
    name: r.name as string,
    type: str(r.type),
    location: str(r.location),
    intervalDays: Number(r.interval_days),
    lastCalibrated: str(r.last_calibrated),
    dueOn: str(r.due_on),
    lastResult: str(r.last_result) as Gauge['lastResult'],
    status: r.status as Gauge['status'],
    onOverdue: r.on_overdue as Gauge['onOverdue'],
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function calibrationOf(r: Row): Calibration {
  return {
    id: Number(r.id),
    gauge: r.gauge as string,
    calibratedOn: String(r.calibrated_on),
    result: r.result as Calibration['result'],
    calibratedBy: r.calibrated_by as string,
    certificate: str(r.certificate),
    recordedBy: r.recorded_by as string,
    recordedAt: iso(r.recorded_at),
  };
}

export async function getGauge(db: Db, id: string, forUpdate = false): Promise<Gauge | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate
      ? sql`SELECT ${GAUGE_COLUMNS} FROM quality_gauges WHERE id = ${id} FOR UPDATE`
      : sql`SELECT ${GAUGE_COLUMNS} FROM quality_gauges WHERE id = ${id}`,
  );
  return rows[0] ? gaugeOf(rows[0]) : undefined;
}

export async function getGauges(db: Db, ids: string[]): Promise<Gauge[]> {
  if (!ids.length) return [];
  const list = sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  );
  return (await rowsOf<Row>(db, sql`SELECT ${GAUGE_COLUMNS} FROM quality_gauges WHERE id IN (${list})`)).map(gaugeOf);
}

export async function listGauges(db: Db): Promise<Gauge[]> {
  return (await rowsOf<Row>(db, sql`SELECT ${GAUGE_COLUMNS} FROM quality_gauges ORDER BY due_on NULLS FIRST, id`)).map(gaugeOf);
}

export async function insertGauge(db: Db, g: GaugeInput & { dueOn: string | null; lastResult: string | null }, by: string): Promise<Gauge | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_gauges (id, name, type, location, interval_days, last_calibrated, due_on, last_result, status, on_overdue, created_by)
        VALUES (${g.id}, ${g.name}, ${g.type}, ${g.location}, ${g.intervalDays}, ${g.lastCalibrated}::date, ${g.dueOn}::date, ${g.lastResult},
          ${g.status}, ${g.onOverdue}, ${by})
        ON CONFLICT (id) DO NOTHING RETURNING ${GAUGE_COLUMNS}`,
  );
  return rows[0] ? gaugeOf(rows[0]) : undefined;
}

export async function updateGauge(db: Db, g: Omit<Gauge, 'createdBy' | 'createdAt' | 'updatedAt'>): Promise<Gauge> {
  const [row] = await rowsOf<Row>(
    db,
    sql`UPDATE quality_gauges SET name = ${g.name}, type = ${g.type}, location = ${g.location}, interval_days = ${g.intervalDays},
          last_calibrated = ${g.lastCalibrated}::date, due_on = ${g.dueOn}::date, last_result = ${g.lastResult}, status = ${g.status},
          on_overdue = ${g.onOverdue}, updated_at = now()
        WHERE id = ${g.id} RETURNING ${GAUGE_COLUMNS}`,
  );
  return gaugeOf(row!);
}

export async function deleteGauge(db: Db, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM quality_gauges WHERE id = ${id}`);
}

/** The characteristics that name this gauge (a named gauge is kept). */
export async function characteristicsUsing(db: Db, id: string): Promise<string[]> {
  return (await rowsOf<{ id: string }>(db, sql`SELECT id FROM quality_characteristics WHERE gauge = ${id} ORDER BY id LIMIT 20`)).map((r) => r.id);
}

export async function insertCalibration(db: Db, c: Omit<Calibration, 'id' | 'recordedAt'>): Promise<Calibration> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_calibrations (gauge, calibrated_on, result, calibrated_by, certificate, recorded_by)
        VALUES (${c.gauge}, ${c.calibratedOn}::date, ${c.result}, ${c.calibratedBy}, ${c.certificate}, ${c.recordedBy})
        RETURNING id, gauge, calibrated_on::text AS calibrated_on, result, calibrated_by, certificate, recorded_by, recorded_at`,
  );
  return calibrationOf(row!);
}

export async function calibrations(db: Db, gauge: string): Promise<Calibration[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT id, gauge, calibrated_on::text AS calibrated_on, result, calibrated_by, certificate, recorded_by, recorded_at
        FROM quality_calibrations WHERE gauge = ${gauge} ORDER BY calibrated_on DESC, id DESC`,
  );
  return rows.map(calibrationOf);
}
