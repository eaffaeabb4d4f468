// SQL for people, sessions and API tokens.
import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { apiTokens, sessions, users } from './tables.ts';

export type UserRow = typeof users.$inferSelect;
export type TokenRow = typeof apiTokens.$inferSelect;

export const findUserByName = async (db: Db, username: string) =>
  (await db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).limit(1))[0];

export const findUserByBadge = async (db: Db, badge: string) => (await db.select().from(users).where(eq(users.badge, badge)).limit(1))[0];

export const findUserById = async (db: Db, id: string) => (await db.select().from(users).where(eq(users.id, id)).limit(1))[0];

export const listUsers = (db: Db) => db.select().from(users).orderBy(asc(users.username));

export const countUsers = async (db: Db) => (await db.select({ n: sql<number>`count(*)::int` }).from(users))[0].n;

export const insertUser = async (db: Db, row: typeof users.$inferInsert) => (await db.insert(users).values(row).returning())[0];

export const updateUser = async (db: Db, id: string, patch: Partial<typeof users.$inferInsert>) =>
  (
    await db
      .update(users)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning()
  )[0];

export const insertSession = (db: Db, row: typeof sessions.$inferInsert) => db.insert(sessions).values(row);

export async function findSession(db: Db, hash: string, now: Date) {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, now)))
    .limit(1);
  return rows[0];
}

export const touchSession = (db: Db, id: string, now: Date) => db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));

export const deleteSession = (db: Db, hash: string) => db.delete(sessions).where(eq(sessions.tokenHash, hash));

export const deleteUserSessions = (db: Db, userId: string) => db.delete(sessions).where(eq(sessions.userId, userId));

export const deleteExpiredSessions = (db: Db, now: Date) => db.delete(sessions).where(lt(sessions.expiresAt, now));

export const listTokens = (db: Db) => db.select().from(apiTokens).orderBy(asc(apiTokens.name));

export const insertToken = async (db: Db, row: typeof apiTokens.$inferInsert) => (await db.insert(apiTokens).values(row).returning())[0];

export const findActiveToken = async (db: Db, hash: string) =>
  (
    await db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)))
      .limit(1)
  )[0];

export const findToken = async (db: Db, id: string) => (await db.select().from(apiTokens).where(eq(apiTokens.id, id)).limit(1))[0];

export const revokeToken = async (db: Db, id: string, now: Date) =>
  (await db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).returning())[0];

export const touchToken = (db: Db, id: string, now: Date) => db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
