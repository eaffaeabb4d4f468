// SQL for signatures and the signature policy.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { signaturePolicy, signatures } from './tables.ts';

export type SignatureRow = typeof signatures.$inferSelect;
export type PolicyRow = typeof signaturePolicy.$inferSelect;

export const insertSignature = async (db: Db, row: typeof signatures.$inferInsert) => (await db.insert(signatures).values(row).returning())[0];

export const signaturesOf = (db: Db, recordType: string, recordId: string) =>
  db
    .select()
    .from(signatures)
    .where(and(eq(signatures.recordType, recordType), eq(signatures.recordId, recordId)))
    .orderBy(asc(signatures.signedAt), asc(signatures.id));

/** Whether this person has signed with all components (ID and secret) in this session: 11.200(a)(1)(i). */
export async function signedFullyInSession(db: Db, sessionId: string, signerId: string): Promise<boolean> {
  const rows = await db
    .select({ id: signatures.id })
    .from(signatures)
    .where(and(eq(signatures.sessionId, sessionId), eq(signatures.signerId, signerId), inArray(signatures.method, ['password', 'badge'])))
    .limit(1);
  return rows.length > 0;
}

export const policyRows = (db: Db) => db.select().from(signaturePolicy).orderBy(asc(signaturePolicy.action));

export const policyRowOf = async (db: Db, action: string) => (await db.select().from(signaturePolicy).where(eq(signaturePolicy.action, action)).limit(1))[0];

export async function replacePolicy(db: Db, rows: Array<Omit<typeof signaturePolicy.$inferInsert, 'updatedAt'>>, now: Date): Promise<void> {
  await db.delete(signaturePolicy);
  if (rows.length) await db.insert(signaturePolicy).values(rows.map((r) => ({ ...r, updatedAt: now })));
}
