// SQL for corrective and preventive actions (ADR 0006): quality's CAPA tables and the NCRs they link.
import { rowsOf, sql, textArray, type Db } from '../../platform/db/database.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());
const day = (v: unknown): string | null => (v == null ? null : String(v).slice(0, 10));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export const CATEGORIES = ['man', 'machine', 'method', 'material', 'measurement', 'environment'] as const;
export type Category = (typeof CATEGORIES)[number];
export const ACTION_KINDS = ['corrective', 'preventive'] as const;

export interface CapaAction {
  id: number;
  kind: (typeof ACTION_KINDS)[number];
  description: string;
  owner: string;
  /** YYYY-MM-DD */
  dueDate: string;
  doneDate: string | null;
  /** not done and due before today (UTC) */
  overdue: boolean;
}

export interface CapaRow {
  id: string;
  title: string;
  problem: string;
  whys: string[];
  category: Category | null;
  rootCause: string;
  status: 'open' | 'closed';
  effectiveness: 'effective' | 'not_effective' | null;
  effectivenessNote: string | null;
  effectivenessBy: string | null;
  effectivenessAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Capa extends CapaRow {
  ncrs: string[];
  actions: CapaAction[];
}

export type CapaFields = Pick<CapaRow, 'title' | 'problem' | 'whys' | 'category' | 'rootCause'>;

function capaOf(r: Row): CapaRow {
  return {
    id: r.id as string,
    title: r.title as string,
    problem: r.problem as string,
    whys: json<string[]>(r.whys),
    category: (r.category as Category | null) ?? null,
    rootCause: r.root_cause as string,
    status: r.status as CapaRow['status'],
    effectiveness: (r.effectiveness as CapaRow['effectiveness']) ?? null,
    effectivenessNote: (r.effectiveness_note as string | null) ?? null,
    effectivenessBy: (r.effectiveness_by as string | null) ?? null,
    effectivenessAt: iso(r.effectiveness_at),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    version: Number(r.version),
  };
}

/** Dates as text: a driver would make a JavaScript Date of a date at the server's local midnight. */
const ACTION_COLUMNS = sql.raw(
  'id, capa_id, kind, description, owner, due_date::text AS due_date, done_date::text AS done_date, (done_date IS NULL AND due_date < CURRENT_DATE) AS overdue',
);

const actionOf = (r: Row): CapaAction => ({
  id: Number(r.id),
  kind: r.kind as CapaAction['kind'],
  description: r.description as string,
  owner: r.owner as string,
  dueDate: day(r.due_date)!,
  doneDate: day(r.done_date),
  overdue: Boolean(r.overdue),
});

export async function insertCapa(db: Db, f: CapaFields, by: string): Promise<CapaRow> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_capas (id, title, problem, whys, category, root_cause, created_by)
        VALUES ('CAPA-' || nextval('quality_capa_number'), ${f.title}, ${f.problem}, ${JSON.stringify(f.whys)}::jsonb, ${f.category}, ${f.rootCause}, ${by})
        RETURNING *`,
  );
  return capaOf(rows[0]!);
}

export async function getCapa(db: Db, id: string, forUpdate = false): Promise<CapaRow | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM quality_capas WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM quality_capas WHERE id = ${id}`,
  );
  return rows[0] ? capaOf(rows[0]) : undefined;
}

export async function listCapas(db: Db, f: { status?: string; overdue?: boolean; ncr?: string; limit: number }): Promise<CapaRow[]> {
  const where = [sql`TRUE`];
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.overdue)
    where.push(sql`EXISTS (SELECT 1 FROM quality_capa_actions a WHERE a.capa_id = quality_capas.id AND a.done_date IS NULL AND a.due_date < CURRENT_DATE)`);
  if (f.ncr) where.push(sql`EXISTS (SELECT 1 FROM quality_capa_ncrs n WHERE n.capa_id = quality_capas.id AND n.ncr_id = ${f.ncr})`);
  return (await rowsOf<Row>(db, sql`SELECT * FROM quality_capas WHERE ${sql.join(where, sql` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${f.limit}`)).map(
    capaOf,
  );
}

export async function updateCapa(db: Db, id: string, f: CapaFields): Promise<void> {
  await db.execute(
    sql`UPDATE quality_capas SET title = ${f.title}, problem = ${f.problem}, whys = ${JSON.stringify(f.whys)}::jsonb, category = ${f.category},
          root_cause = ${f.rootCause}, updated_at = now(), version = version + 1 WHERE id = ${id}`,
  );
}

export async function setEffectiveness(db: Db, id: string, result: 'effective' | 'not_effective', note: string | null, by: string): Promise<void> {
  await db.execute(
    sql`UPDATE quality_capas SET effectiveness = ${result}, effectiveness_note = ${note}, effectiveness_by = ${by}, effectiveness_at = now(),
          status = CASE WHEN ${result} = 'effective' THEN 'closed' ELSE 'open' END, updated_at = now(), version = version + 1
        WHERE id = ${id}`,
  );
}

/** Actions of these CAPAs, by CAPA id (only the overdue ones when asked). */
export async function actionsOf(db: Db, ids: string[], onlyOverdue = false): Promise<Map<string, CapaAction[]>> {
  const out = new Map<string, CapaAction[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await rowsOf<Row>(
    db,
    sql`SELECT ${ACTION_COLUMNS} FROM quality_capa_actions
        WHERE capa_id = ANY(${textArray(ids)}) ${onlyOverdue ? sql`AND done_date IS NULL AND due_date < CURRENT_DATE` : sql``} ORDER BY due_date, id`,
  );
  for (const r of rows) out.get(r.capa_id as string)!.push(actionOf(r));
  return out;
}

export async function getAction(db: Db, capaId: string, id: number): Promise<CapaAction | undefined> {
  const rows = await rowsOf<Row>(db, sql`SELECT ${ACTION_COLUMNS} FROM quality_capa_actions WHERE capa_id = ${capaId} AND id = ${id}`);
  return rows[0] ? actionOf(rows[0]) : undefined;
}

export async function insertAction(db: Db, capaId: string, a: Omit<CapaAction, 'id' | 'overdue' | 'doneDate'>): Promise<number> {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`INSERT INTO quality_capa_actions (capa_id, kind, description, owner, due_date) VALUES (${capaId}, ${a.kind}, ${a.description}, ${a.owner}, ${a.dueDate}::date) RETURNING id`,
  );
  return Number(rows[0]!.id);
}

export async function updateAction(db: Db, capaId: string, id: number, a: Pick<CapaAction, 'description' | 'owner' | 'dueDate' | 'doneDate'>): Promise<void> {
  await db.execute(
    sql`UPDATE quality_capa_actions SET description = ${a.description}, owner = ${a.owner}, due_date = ${a.dueDate}::date, done_date = ${a.doneDate}::date
        WHERE capa_id = ${capaId} AND id = ${id}`,
  );
}

export async function ncrsOf(db: Db, capaId: string): Promise<string[]> {
  return (await rowsOf<{ ncr_id: string }>(db, sql`SELECT ncr_id FROM quality_capa_ncrs WHERE capa_id = ${capaId} ORDER BY ncr_id`)).map((r) => r.ncr_id);
}

/** The NCRs among `ids` that exist. */
export async function existingNcrs(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return (await rowsOf<{ id: string }>(db, sql`SELECT id FROM quality_ncrs WHERE id = ANY(${textArray(ids)})`)).map((r) => r.id);
}

export async function setNcrs(db: Db, capaId: string, ncrs: string[]): Promise<void> {
  await db.execute(sql`DELETE FROM quality_capa_ncrs WHERE capa_id = ${capaId}`);
  for (const n of ncrs) await db.execute(sql`INSERT INTO quality_capa_ncrs (capa_id, ncr_id) VALUES (${capaId}, ${n})`);
}
