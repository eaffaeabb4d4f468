// SQL for nonconformances, their dispositions and photos (ADR 0006): quality's tables only, every value a parameter.
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { Disposition, DispositionKind, NcrLot, NcrRow, NcrSource, NcrStatus, NewNcr, PhotoMeta, ReworkedRow } from './model.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));
const num = (v: unknown): number | null => (v == null ? null : Number(v));
const str = (v: unknown): string | null => (v == null ? null : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function ncrOf(r: Row): NcrRow {
  return {
    id: r.id as string,
    title: r.title as string,
    description: r.description as string,
    source: r.source as NcrSource,
    sourceRef: str(r.source_ref),
    reactionId: str(r.reaction_id),
    characteristic: str(r.characteristic),
    measurementId: num(r.measurement_id),
    value: num(r.value),
    orderId: str(r.order_id),
    operationSeq: num(r.operation_seq),
    equipment: str(r.equipment),
    lots: json<NcrLot[]>(r.lots),
    defectCodes: json<string[]>(r.defect_codes),
    quantity: num(r.quantity),
    status: r.status as NcrStatus,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    closedBy: str(r.closed_by),
    closedAt: isoOrNull(r.closed_at),
    statusReason: str(r.status_reason),
    signatures: json<string[]>(r.signatures),
    version: Number(r.version),
  };
}

function dispositionOf(r: Row): Disposition {
  return {
    id: Number(r.id),
    kind: r.kind as DispositionKind,
    lot: str(r.lot),
    quantity: Number(r.quantity),
    reason: r.reason as string,
    orderId: str(r.order_id),
    operationSeq: num(r.operation_seq),
    product: str(r.product),
    equipment: str(r.equipment),
    defect: str(r.defect),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

function photoOf(r: Row): PhotoMeta {
  return {
    id: r.id as string,
    name: r.name as string,
    contentType: r.content_type as string,
    size: Number(r.size),
    sha256: r.sha256 as string,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

/** Inserts an NCR under the next number; undefined when its reaction already opened one. */
export async function insertNcr(db: Db, n: NewNcr): Promise<NcrRow | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_ncrs (id, title, description, source, source_ref, reaction_id, characteristic, measurement_id, value, order_id,
          operation_seq, equipment, lots, defect_codes, quantity, created_by)
        VALUES ('NCR-' || nextval('quality_ncr_number'), ${n.title}, ${n.description}, ${n.source}, ${n.sourceRef}, ${n.reactionId}, ${n.characteristic},
          ${n.measurementId}, ${n.value}, ${n.orderId}, ${n.operationSeq}, ${n.equipment}, ${JSON.stringify(n.lots)}::jsonb,
          ${JSON.stringify(n.defectCodes)}::jsonb, ${n.quantity}, ${n.createdBy})
        ON CONFLICT (reaction_id) DO NOTHING RETURNING *`,
  );
  return rows[0] ? ncrOf(rows[0]) : undefined;
}

export async function ncrByReaction(db: Db, reactionId: string): Promise<NcrRow | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_ncrs WHERE reaction_id = ${reactionId}`);
  return rows[0] ? ncrOf(rows[0]) : undefined;
}

export async function getNcr(db: Db, id: string, forUpdate = false): Promise<NcrRow | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM quality_ncrs WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM quality_ncrs WHERE id = ${id}`,
  );
  return rows[0] ? ncrOf(rows[0]) : undefined;
}

export interface NcrFilter {
  status?: NcrStatus;
  source?: NcrSource;
  orderId?: string;
  equipment?: string;
  lot?: string;
  defect?: string;
  from?: string;
  to?: string;
  limit: number;
}

export async function listNcrs(db: Db, f: NcrFilter): Promise<NcrRow[]> {
  const where = [sql`TRUE`];
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.source) where.push(sql`source = ${f.source}`);
  if (f.orderId) where.push(sql`order_id = ${f.orderId}`);
  if (f.equipment) where.push(sql`equipment = ${f.equipment}`);
  if (f.lot) where.push(sql`lots @> ${JSON.stringify([{ lot: f.lot }])}::jsonb`);
  if (f.defect) where.push(sql`defect_codes @> ${JSON.stringify([f.defect])}::jsonb`);
  if (f.from) where.push(sql`created_at >= ${f.from}::timestamptz`);
  if (f.to) where.push(sql`created_at <= ${f.to}::timestamptz`);
  const rows = await rowsOf<Row>(db, sql`SELECT * FROM quality_ncrs WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${f.limit}`);
  return rows.map(ncrOf);
}

export type NcrFields = Pick<NcrRow, 'title' | 'description' | 'lots' | 'defectCodes' | 'quantity' | 'equipment'>;

export async function updateFields(db: Db, id: string, p: NcrFields): Promise<void> {
  await db.execute(
    sql`UPDATE quality_ncrs SET title = ${p.title}, description = ${p.description}, lots = ${JSON.stringify(p.lots)}::jsonb,
          defect_codes = ${JSON.stringify(p.defectCodes)}::jsonb, quantity = ${p.quantity}, equipment = ${p.equipment},
          updated_at = now(), version = version + 1
        WHERE id = ${id}`,
  );
}

export async function setStatus(
  db: Db,
  id: string,
  status: NcrStatus,
  close: { by: string; reason: string | null; signatures?: readonly string[] } | null,
): Promise<void> {
  await db.execute(
    sql`UPDATE quality_ncrs SET status = ${status}, updated_at = now(), version = version + 1,
          closed_by = COALESCE(${close?.by ?? null}, closed_by),
          closed_at = CASE WHEN ${close !== null} THEN now() ELSE closed_at END,
          status_reason = COALESCE(${close?.reason ?? null}, status_reason),
          signatures = COALESCE(${close?.signatures ? JSON.stringify(close.signatures) : null}::jsonb, signatures)
        WHERE id = ${id}`,
  );
}

export async function insertDisposition(db: Db, ncrId: string, d: Omit<Disposition, 'id' | 'createdAt'>): Promise<Disposition> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_ncr_dispositions (ncr_id, kind, lot, quantity, reason, order_id, operation_seq, product, equipment, defect, created_by)
        VALUES (${ncrId}, ${d.kind}, ${d.lot}, ${d.quantity}, ${d.reason}, ${d.orderId}, ${d.operationSeq}, ${d.product}, ${d.equipment}, ${d.defect}, ${d.createdBy})
        RETURNING *`,
  );
  return dispositionOf(rows[0]!);
}

export async function dispositionsOf(db: Db, ncrId: string): Promise<Disposition[]> {
  return (await rowsOf<Row>(db, sql`SELECT * FROM quality_ncr_dispositions WHERE ncr_id = ${ncrId} ORDER BY id`)).map(dispositionOf);
}

export async function insertPhoto(
  db: Db,
  p: { id: string; ncrId: string; name: string; contentType: string; sha256: string; data: Buffer; createdBy: string },
): Promise<PhotoMeta> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_ncr_photos (id, ncr_id, name, content_type, size, sha256, data, created_by)
        VALUES (${p.id}::uuid, ${p.ncrId}, ${p.name}, ${p.contentType}, ${p.data.length}, ${p.sha256}, ${p.data}, ${p.createdBy})
        RETURNING id, name, content_type, size, sha256, created_by, created_at`,
  );
  return photoOf(rows[0]!);
}

export async function photosOf(db: Db, ncrId: string): Promise<PhotoMeta[]> {
  return (
    await rowsOf<Row>(
      db,
      sql`SELECT id, name, content_type, size, sha256, created_by, created_at FROM quality_ncr_photos WHERE ncr_id = ${ncrId} ORDER BY created_at, id`,
    )
  ).map(photoOf);
}

export async function photoData(db: Db, ncrId: string, id: string): Promise<{ name: string; contentType: string; data: Buffer } | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT name, content_type, data FROM quality_ncr_photos WHERE ncr_id = ${ncrId} AND id = ${id}::uuid`);
  const r = rows[0];
  return r && { name: r.name as string, contentType: r.content_type as string, data: Buffer.from(r.data as Uint8Array) };
}

/** Quantities dispositioned as rework in [from, to), by product, machine and defect. */
export async function reworked(db: Db, from: Date, to: Date, f: { product?: string; machine?: string; order?: string }): Promise<ReworkedRow[]> {
  const where = [sql`kind = 'rework'`, sql`created_at >= ${from.toISOString()}::timestamptz`, sql`created_at < ${to.toISOString()}::timestamptz`];
  if (f.product) where.push(sql`product = ${f.product}`);
  if (f.machine) where.push(sql`equipment = ${f.machine}`);
  if (f.order) where.push(sql`order_id = ${f.order}`);
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT product, equipment, defect, SUM(quantity) AS quantity FROM quality_ncr_dispositions
        WHERE ${sql.join(where, sql` AND `)} GROUP BY product, equipment, defect ORDER BY product, equipment NULLS FIRST, defect NULLS FIRST`,
  );
  return rows.map((r) => ({ product: (r.product as string | null) ?? '', machine: str(r.equipment), defect: str(r.defect), quantity: Number(r.quantity) }));
}
