// SQL for predictive maintenance: monitors and warnings (migration 0032).
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import { type Monitor, type MonitorMethod, type MonitorParams, monitorParamsSchema, type WarningState } from './model.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());
const num = (v: unknown): number | null => (v == null ? null : Number(v));
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

export interface Warning {
  id: string;
  monitorId: string;
  equipmentId: string;
  episodeStart: string;
  episodeEnd: string | null;
  message: string;
  evidence: unknown;
  state: WarningState;
  workOrderId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  raisedAt: string;
}

function monitorOf(r: Row): Monitor {
  return {
    id: r.id as string,
    equipmentId: r.equipment_id as string,
    equipment: r.equipment_path as string,
    tag: r.tag as string,
    method: r.method as MonitorMethod,
    min: num(r.min_value),
    max: num(r.max_value),
    params: monitorParamsSchema.parse(json(r.params)),
    enabled: Boolean(r.enabled),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function warningOf(r: Row): Warning {
  return {
    id: r.id as string,
    monitorId: r.monitor_id as string,
    equipmentId: r.equipment_id as string,
    episodeStart: iso(r.episode_start)!,
    episodeEnd: iso(r.episode_end),
    message: r.message as string,
    evidence: json(r.evidence),
    state: r.state as WarningState,
    workOrderId: (r.work_order_id as string | null) ?? null,
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: iso(r.decided_at),
    reason: (r.reason as string | null) ?? null,
    raisedAt: iso(r.raised_at)!,
  };
}

export interface MonitorFields {
  equipmentId: string;
  equipmentPath: string;
  tag: string;
  method: MonitorMethod;
  min: number | null;
  max: number | null;
  params: MonitorParams;
  enabled: boolean;
}

export async function listMonitors(db: Db, equipmentId?: string): Promise<Monitor[]> {
  const rows = await rowsOf<Row>(
    db,
    equipmentId
      ? sql`SELECT * FROM maintenance_monitors WHERE equipment_id = ${equipmentId} ORDER BY equipment_path, tag, method`
      : sql`SELECT * FROM maintenance_monitors ORDER BY equipment_path, tag, method`,
  );
  return rows.map(monitorOf);
}

export async function getMonitor(db: Db, id: string): Promise<Monitor | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM maintenance_monitors WHERE id = ${id}`);
  return rows[0] ? monitorOf(rows[0]) : undefined;
}

/** Inserts; undefined when the machine already has a monitor of this method on this tag. */
export async function insertMonitor(db: Db, id: string, f: MonitorFields, by: string): Promise<Monitor | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_monitors (id, equipment_id, equipment_path, tag, method, min_value, max_value, params, enabled, created_by)
        VALUES (${id}, ${f.equipmentId}, ${f.equipmentPath}, ${f.tag}, ${f.method}, ${f.min}, ${f.max}, ${JSON.stringify(f.params)}::jsonb, ${f.enabled}, ${by})
        ON CONFLICT (equipment_id, tag, method) DO NOTHING RETURNING *`,
  );
  return rows[0] ? monitorOf(rows[0]) : undefined;
}

export async function updateMonitor(db: Db, id: string, f: Pick<MonitorFields, 'min' | 'max' | 'params' | 'enabled'>): Promise<void> {
  await db.execute(
    sql`UPDATE maintenance_monitors SET min_value = ${f.min}, max_value = ${f.max}, params = ${JSON.stringify(f.params)}::jsonb, enabled = ${f.enabled},
        updated_at = now() WHERE id = ${id}`,
  );
}

export async function deleteMonitor(db: Db, id: string): Promise<boolean> {
  const rows = await rowsOf<Row>(db, sql`DELETE FROM maintenance_monitors WHERE id = ${id} RETURNING id`);
  return rows.length === 1;
}

/** The monitor's warning whose episode is still going on, if any. */
export async function ongoingWarning(db: Db, monitorId: string): Promise<Warning | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM maintenance_warnings WHERE monitor_id = ${monitorId} AND episode_end IS NULL`);
  return rows[0] ? warningOf(rows[0]) : undefined;
}

/** Raises a warning for a new episode; undefined when the monitor already has an ongoing one (a racing evaluation). */
export async function insertWarning(
  db: Db,
  w: { id: string; monitorId: string; equipmentId: string; episodeStart: number; message: string; evidence: unknown; at: number },
): Promise<Warning | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_warnings (id, monitor_id, equipment_id, episode_start, message, evidence, raised_at)
        VALUES (${w.id}, ${w.monitorId}, ${w.equipmentId}, to_timestamp(${w.episodeStart / 1000}), ${w.message}, ${JSON.stringify(w.evidence)}::jsonb,
                to_timestamp(${w.at / 1000}))
        ON CONFLICT (monitor_id) WHERE episode_end IS NULL DO NOTHING RETURNING *`,
  );
  return rows[0] ? warningOf(rows[0]) : undefined;
}

/** The value is back to normal: the episode ends (a later excursion is a new episode). */
export async function endEpisode(db: Db, id: string, at: number): Promise<void> {
  await db.execute(sql`UPDATE maintenance_warnings SET episode_end = to_timestamp(${at / 1000}) WHERE id = ${id} AND episode_end IS NULL`);
}

export async function getWarning(db: Db, id: string, forUpdate = false): Promise<Warning | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM maintenance_warnings WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM maintenance_warnings WHERE id = ${id}`,
  );
  return rows[0] ? warningOf(rows[0]) : undefined;
}

export async function listWarnings(db: Db, f: { state?: WarningState; equipmentId?: string; limit: number }): Promise<Warning[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM maintenance_warnings
        WHERE (${f.state ?? null}::text IS NULL OR state = ${f.state ?? null}) AND (${f.equipmentId ?? null}::text IS NULL OR equipment_id = ${f.equipmentId ?? null})
        ORDER BY raised_at DESC LIMIT ${f.limit}`,
  );
  return rows.map(warningOf);
}

export async function decideWarning(
  db: Db,
  id: string,
  d: { state: 'accepted' | 'dismissed'; workOrderId: string | null; by: string; reason: string | null },
): Promise<void> {
  await db.execute(
    sql`UPDATE maintenance_warnings SET state = ${d.state}, work_order_id = ${d.workOrderId}, decided_by = ${d.by}, decided_at = now(), reason = ${d.reason}
        WHERE id = ${id}`,
  );
}
