// Every write that matters is audited (house rule 7): appended in the same transaction as the change itself.
import { and, asc, desc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import { rowsOf, sql, type Db } from '../db/database.ts';
import type { Actor } from '../auth/principal.ts';
import { GENESIS_HASH, rowHash, toJsonValue, type ChainedFields } from './chain.ts';
import { auditLog } from './tables.ts';

export interface AuditInput {
  action: 'create' | 'update' | 'delete' | (string & {});
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditRecord extends ChainedFields {
  prevHash: string;
  hash: string;
}

/** Appends one entry. Call inside the transaction that makes the change, so both land or neither does. */
export async function appendAudit(tx: Db, actor: Actor, input: AuditInput): Promise<AuditRecord> {
  // One writer at a time extends the chain; the lock is released when the surrounding transaction ends.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(72530002)`);
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const fields: ChainedFields = {
    seq: (last?.seq ?? 0) + 1,
    at: new Date().toISOString(),
    actor: actor.name,
    actorId: actor.id,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId,
    before: toJsonValue(input.before),
    after: toJsonValue(input.after),
    reason: input.reason ?? null,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = rowHash(prevHash, fields);
  await tx.insert(auditLog).values({ ...fields, prevHash, hash });
  return { ...fields, prevHash, hash };
}

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actor?: string;
  from?: string;
  to?: string;
  limit?: number;
  beforeSeq?: number;
}

export async function queryAudit(db: Db, q: AuditQuery): Promise<AuditRecord[]> {
  const where: SQL[] = [];
  if (q.entity) where.push(eq(auditLog.entity, q.entity));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  if (q.beforeSeq) where.push(sql`${auditLog.seq} < ${q.beforeSeq}`);
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(Math.min(q.limit ?? 200, 5000));
  return rows.map(normalise);
}

function normalise(r: typeof auditLog.$inferSelect): AuditRecord {
  return { ...r, at: new Date(r.at).toISOString(), before: r.before ?? null, after: r.after ?? null };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

/** Walks the whole chain in order and reports the first row whose link or content does not hold. */
export async function verifyAudit(db: Db, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const PAGE = 2000;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, expectedSeq - 1))
      .orderBy(asc(auditLog.seq))
      .limit(PAGE);
    for (const raw of page) {
      const r = normalise(raw);
      if (r.seq !== expectedSeq)
        return { ok: false, checked, firstBroken: { seq: expectedSeq, reason: `row ${expectedSeq} is missing (next row is ${r.seq})` } };
      if (r.prevHash !== prevHash)
        return { ok: false, checked, firstBroken: { seq: r.seq, reason: 'prev_hash does not match the hash of the row before' } };
      if (rowHash(prevHash, r) !== r.hash)
        return { ok: false, checked, firstBroken: { seq: r.seq, reason: 'content does not match its hash (row altered)' } };
      prevHash = r.hash;
      expectedSeq++;
      checked++;
    }
    onProgress?.(checked);
    if (page.length < PAGE) break;
  }
  return { ok: true, checked };
}

export async function auditCount(db: Db): Promise<number> {
  const [r] = await rowsOf<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM audit_log`);
  return Number(r?.n ?? 0);
}
