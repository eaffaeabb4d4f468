// SQL for technician work (ADR 0006): the tables of migration 0029 — labour, notes, photos, checklist items, the
// failure code catalogue and the work order's failure_* columns. Spare parts live in the lots ledger (ports.ts).
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { WorkOrder } from '../work-orders/model.ts';
import { inEquipmentTree, workOrderOf } from '../work-orders/work-orders.repository.ts';
import {
  FAILURE_CODE_FIELDS,
  FAILURE_CODE_KIND,
  type ChecklistItem,
  type FailureCatalogue,
  type FailureCodes,
  type LabourEntry,
  type LabourStopReason,
  type Note,
  type PhotoMeta,
} from './model.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));

const labourOf = (r: Row): LabourEntry => ({
  id: Number(r.id),
  technician: r.technician as string,
  startedAt: iso(r.started_at),
  stoppedAt: isoOrNull(r.stopped_at),
  stopReason: (r.stop_reason as LabourStopReason | null) ?? null,
});

export async function labourOfOrder(db: Db, workOrderId: string): Promise<LabourEntry[]> {
  return (await rowsOf<Row>(db, sql`SELECT * FROM maintenance_labour WHERE work_order_id = ${workOrderId} ORDER BY started_at, id`)).map(labourOf);
}

/** Labour of many orders at once (the per-machine MTTR split), by order. */
export async function labourOfOrders(db: Db, ids: string[]): Promise<Map<string, LabourEntry[]>> {
  const out = new Map<string, LabourEntry[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM maintenance_labour WHERE work_order_id = ANY(${sql.param(ids)}::text[]) ORDER BY started_at, id`);
  for (const r of rows) out.get(r.work_order_id as string)?.push(labourOf(r));
  return out;
}

/** Starts a technician's labour; undefined when they already have a running stretch on this order. */
export async function startLabour(db: Db, workOrderId: string, technician: string): Promise<LabourEntry | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_labour (work_order_id, technician) VALUES (${workOrderId}, ${technician}) ON CONFLICT DO NOTHING RETURNING *`,
  );
  return rows[0] ? labourOf(rows[0]) : undefined;
}

/** Stops a technician's running labour (all technicians' when `technician` is null); the stopped stretches. */
export async function stopLabour(db: Db, workOrderId: string, technician: string | null, reason: LabourStopReason): Promise<LabourEntry[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`UPDATE maintenance_labour SET stopped_at = greatest(now(), started_at), stop_reason = ${reason}
        WHERE work_order_id = ${workOrderId} AND stopped_at IS NULL AND (${technician}::text IS NULL OR technician = ${technician})
        RETURNING *`,
  );
  return rows.map(labourOf);
}

export async function insertNote(db: Db, workOrderId: string, text: string, by: string): Promise<Note> {
  const [r] = await rowsOf<Row>(db, sql`INSERT INTO maintenance_notes (work_order_id, body, by_user) VALUES (${workOrderId}, ${text}, ${by}) RETURNING *`);
  return noteOf(r!);
}
const noteOf = (r: Row): Note => ({ id: Number(r.id), text: r.body as string, by: r.by_user as string, at: iso(r.at) });

export async function notesOf(db: Db, workOrderId: string): Promise<Note[]> {
  return (await rowsOf<Row>(db, sql`SELECT * FROM maintenance_notes WHERE work_order_id = ${workOrderId} ORDER BY id`)).map(noteOf);
}

const photoOf = (r: Row): PhotoMeta => ({
  id: r.id as string,
  name: r.name as string,
  contentType: r.content_type as string,
  size: Number(r.size),
  sha256: r.sha256 as string,
  createdBy: r.created_by as string,
  createdAt: iso(r.created_at),
});

export async function insertPhoto(
  db: Db,
  p: { id: string; workOrderId: string; name: string; contentType: string; sha256: string; data: Buffer; createdBy: string },
): Promise<PhotoMeta> {
  const [r] = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_photos (id, work_order_id, name, content_type, size, sha256, data, created_by)
        VALUES (${p.id}::uuid, ${p.workOrderId}, ${p.name}, ${p.contentType}, ${p.data.length}, ${p.sha256}, ${p.data}, ${p.createdBy})
        RETURNING id, name, content_type, size, sha256, created_by, created_at`,
  );
  return photoOf(r!);
}

export async function photosOf(db: Db, workOrderId: string): Promise<PhotoMeta[]> {
  return (
    await rowsOf<Row>(
      db,
      sql`SELECT id, name, content_type, size, sha256, created_by, created_at FROM maintenance_photos WHERE work_order_id = ${workOrderId} ORDER BY created_at, id`,
    )
  ).map(photoOf);
}

export async function photoData(db: Db, workOrderId: string, id: string): Promise<{ name: string; contentType: string; data: Buffer } | undefined> {
  const [r] = await rowsOf<Row>(db, sql`SELECT name, content_type, data FROM maintenance_photos WHERE work_order_id = ${workOrderId} AND id = ${id}::uuid`);
  return r ? { name: r.name as string, contentType: r.content_type as string, data: Buffer.from(r.data as Uint8Array) } : undefined;
}

const itemOf = (r: Row): ChecklistItem => ({
  id: Number(r.id),
  text: r.body as string,
  done: Boolean(r.done),
  doneBy: (r.done_by as string | null) ?? null,
  doneAt: isoOrNull(r.done_at),
});

export async function insertItem(db: Db, workOrderId: string, text: string, by: string): Promise<ChecklistItem> {
  const [r] = await rowsOf<Row>(
    db,
    sql`INSERT INTO maintenance_checklist_items (work_order_id, body, created_by) VALUES (${workOrderId}, ${text}, ${by}) RETURNING *`,
  );
  return itemOf(r!);
}

/** Ticks or unticks an item of this order; undefined when the order has no such item. */
export async function tickItem(db: Db, workOrderId: string, id: number, done: boolean, by: string): Promise<ChecklistItem | undefined> {
  const [r] = await rowsOf<Row>(
    db,
    sql`UPDATE maintenance_checklist_items SET done = ${done}, done_by = CASE WHEN ${done} THEN ${by} ELSE NULL END,
          done_at = CASE WHEN ${done} THEN now() ELSE NULL END
        WHERE work_order_id = ${workOrderId} AND id = ${id} RETURNING *`,
  );
  return r ? itemOf(r) : undefined;
}

export async function checklistOf(db: Db, workOrderId: string): Promise<ChecklistItem[]> {
  return (await rowsOf<Row>(db, sql`SELECT * FROM maintenance_checklist_items WHERE work_order_id = ${workOrderId} ORDER BY id`)).map(itemOf);
}

export async function catalogue(db: Db): Promise<FailureCatalogue> {
  const rows = await rowsOf<Row>(db, sql`SELECT kind, code, label FROM maintenance_failure_codes WHERE active ORDER BY kind, code`);
  const out = Object.fromEntries(FAILURE_CODE_FIELDS.map((f) => [f, [] as Array<{ code: string; label: string }>])) as FailureCatalogue;
  for (const f of FAILURE_CODE_FIELDS)
    out[f] = rows.filter((r) => r.kind === FAILURE_CODE_KIND[f]).map((r) => ({ code: r.code as string, label: r.label as string }));
  return out;
}

export async function failureCodesOf(db: Db, workOrderId: string): Promise<FailureCodes> {
  const [r] = await rowsOf<Row>(
    db,
    sql`SELECT failure_component, failure_mode, failure_cause, failure_action FROM maintenance_work_orders WHERE id = ${workOrderId}`,
  );
  const s = (v: unknown) => (v == null ? null : String(v));
  return { component: s(r?.failure_component), failureMode: s(r?.failure_mode), cause: s(r?.failure_cause), action: s(r?.failure_action) };
}

export async function setFailureCodes(db: Db, workOrderId: string, c: FailureCodes): Promise<void> {
  await db.execute(
    sql`UPDATE maintenance_work_orders SET failure_component = ${c.component}, failure_mode = ${c.failureMode}, failure_cause = ${c.cause},
          failure_action = ${c.action}, updated_at = now(), version = version + 1
        WHERE id = ${workOrderId}`,
  );
}

/** The technician's queue: open orders assigned to them or to nobody; theirs first, then by priority, then oldest. */
export async function queueOf(db: Db, technician: string, limit: number): Promise<WorkOrder[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT * FROM maintenance_work_orders
        WHERE status IN ('requested', 'approved', 'scheduled', 'in_progress') AND (assignee IS NULL OR assignee = ${technician})
        ORDER BY (assignee IS NULL), CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, created_at, id
        LIMIT ${limit}`,
  );
  return rows.map(workOrderOf);
}

/** Done corrective orders of a machine finished in [from, to): what the per-machine MTTR split sums. */
/** Which work orders: one machine's, a piece of equipment's and everything below it (by path), or the whole plant's. */
export type RepairScope = { equipmentId: string } | { equipmentId: string; path: string; below: true } | null;

export async function repairsOf(
  db: Db,
  scope: RepairScope,
  from: Date,
  to: Date,
): Promise<Array<{ id: string; stopStart: string | null; stopId: string | null; createdAt: string; doneAt: string }>> {
  const where =
    scope === null ? sql`TRUE` : 'below' in scope ? inEquipmentTree({ id: scope.equipmentId, path: scope.path }) : sql`equipment_id = ${scope.equipmentId}`;
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT id, stop_start, stop_id, created_at, done_at FROM maintenance_work_orders
        WHERE ${where} AND kind = 'corrective' AND status IN ('done', 'verified')
          AND done_at >= ${from.toISOString()} AND done_at < ${to.toISOString()}
        ORDER BY done_at, id LIMIT 5000`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    stopStart: isoOrNull(r.stop_start),
    stopId: (r.stop_id as string | null) ?? null,
    createdAt: iso(r.created_at),
    doneAt: iso(r.done_at),
  }));
}
