// SQL for the plant model.
import { asc, eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../platform/db/database.ts';
import { calendars, equipment, equipmentClasses, materials, products } from './tables.ts';

export type EquipmentRow = typeof equipment.$inferSelect;

/** The master-data tables keyed by a user-chosen code in column `id`. */
export const CODE_TABLES = { equipmentClass: equipmentClasses, material: materials, product: products, calendar: calendars } as const;
export type CodeEntity = keyof typeof CODE_TABLES;
export type CodeRow<E extends CodeEntity> = (typeof CODE_TABLES)[E]['$inferSelect'];

// Drizzle's builders are typed per table; these four share the same `id`/`updatedAt` columns, so one generic body serves all.
type AnyCodeTable = PgTable & { id: typeof materials.id; updatedAt: typeof materials.updatedAt };
const t = (e: CodeEntity) => CODE_TABLES[e] as unknown as AnyCodeTable;

export async function listCodes<E extends CodeEntity>(db: Db, e: E): Promise<CodeRow<E>[]> {
  return (await db
    .select()
    .from(t(e))
    .orderBy(asc(t(e).id))) as CodeRow<E>[];
}

export async function getCode<E extends CodeEntity>(db: Db, e: E, id: string): Promise<CodeRow<E> | undefined> {
  return (
    (await db
      .select()
      .from(t(e))
      .where(eq(t(e).id, id))
      .limit(1)) as CodeRow<E>[]
  )[0];
}

export async function insertCode<E extends CodeEntity>(db: Db, e: E, row: Record<string, unknown>): Promise<CodeRow<E>> {
  return (
    (await db
      .insert(t(e))
      .values(row as never)
      .returning()) as CodeRow<E>[]
  )[0];
}

export async function updateCode<E extends CodeEntity>(db: Db, e: E, id: string, patch: Record<string, unknown>): Promise<CodeRow<E>> {
  return (
    (await db
      .update(t(e))
      .set({ ...patch, updatedAt: new Date() } as never)
      .where(eq(t(e).id, id))
      .returning()) as CodeRow<E>[]
  )[0];
}

export async function deleteCode(db: Db, e: CodeEntity, id: string): Promise<void> {
  await db.delete(t(e)).where(eq(t(e).id, id));
}

export const listEquipment = (db: Db) => db.select().from(equipment).orderBy(asc(equipment.path));

export const getEquipment = async (db: Db, id: string) => (await db.select().from(equipment).where(eq(equipment.id, id)).limit(1))[0];

export const getEquipmentByPath = async (db: Db, path: string) => (await db.select().from(equipment).where(eq(equipment.path, path)).limit(1))[0];

export const insertEquipment = async (db: Db, row: typeof equipment.$inferInsert) => (await db.insert(equipment).values(row).returning())[0];

export const updateEquipment = async (db: Db, id: string, patch: Partial<typeof equipment.$inferInsert>) =>
  (
    await db
      .update(equipment)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(equipment.id, id))
      .returning()
  )[0];

export const deleteEquipment = (db: Db, id: string) => db.delete(equipment).where(eq(equipment.id, id));

export const countChildren = async (db: Db, id: string) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(equipment).where(eq(equipment.parentId, id)))[0].n;

/** Rewrites the path prefix of every descendant after a rename or a move. */
export async function repathDescendants(db: Db, oldPath: string, newPath: string): Promise<void> {
  await db.execute(sql`
    UPDATE equipment SET path = ${newPath} || substr(path, ${oldPath.length + 1}), updated_at = now()
    WHERE starts_with(path, ${oldPath + '/'})`);
}

/** Ids of equipment that reference a code (so deleting that code would orphan them). */
export async function codeUsage(db: Db, e: CodeEntity, id: string): Promise<string[]> {
  if (e === 'equipmentClass') return (await db.select({ p: equipment.path }).from(equipment).where(eq(equipment.equipmentClass, id))).map((r) => r.p);
  if (e === 'calendar') return (await db.select({ p: equipment.path }).from(equipment).where(eq(equipment.calendarId, id))).map((r) => r.p);
  if (e === 'material') {
    const rows = await db
      .select({ id: products.id })
      .from(products)
      .where(
        sql`${products.materialId} = ${id} OR jsonb_path_exists(${products.routing}, '$[*].bom[*] ? (@.materialId == $m)', jsonb_build_object('m', ${id}::text))`,
      );
    return rows.map((r) => `product ${r.id}`);
  }
  return [];
}
