// Every write that matters is audited (house rule 7): appended in the same transaction as the change itself.
import { and, asc, desc, eq, gt, gte, inArray, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, sql, type Db } from '../db/database.ts';
import type { Actor } from '../auth/principal.ts';
import { GENESIS_HASH, rowHash, toJsonValue, type ChainedFields } from './chain.ts';
import { currentAuditAnchor, type AuditAnchor, type Checkpoint } from './anchor.ts';
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
  /** Keyed HMAC from the audit anchor (null: written without one, e.g. before migration 0013). */
  hmac?: string | null;
}

/** Appends one entry. Call inside the transaction that makes the change, so both land or neither does. */
export async function appendAudit(tx: Db, actor: Actor, input: AuditInput): Promise<AuditRecord> {
  // One writer at a time extends the chain; the lock is released when the surrounding transaction ends.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(72530002)`);
  const [last] = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
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
  // the HMAC's key is held by this process, not the database: a rewritten row cannot get a matching one (anchor.ts)
  const hmac = currentAuditAnchor()?.rowMac(fields.seq, hash) ?? null;
  await tx.insert(auditLog).values({ ...fields, prevHash, hash, hmac });
  return { ...fields, prevHash, hash, hmac };
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

/** The entries of these records of one entity, oldest first (a record's own history, e.g. each signature's row). */
export async function auditEntriesOf(db: Db, entity: string, entityIds: readonly string[]): Promise<AuditRecord[]> {
  if (!entityIds.length) return [];
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, entity), inArray(auditLog.entityId, [...entityIds])))
    .orderBy(asc(auditLog.seq));
  return rows.map(normalise);
}

/**
 * Whether one entry is as it was written: its content matches its hash and, with the audit key at hand, its HMAC. A
 * quick check of a single row (the chain around it is `verifyAudit`'s work): a row changed in place, or one added by
 * SQL without the key, fails it.
 */
export function auditEntryIntact(r: AuditRecord): boolean {
  if (rowHash(r.prevHash, r) !== r.hash) return false;
  const anchor = currentAuditAnchor();
  if (!anchor) return true;
  return r.hmac != null && anchor.rowMacMatches(r.seq, r.hash, r.hmac);
}

function normalise(r: typeof auditLog.$inferSelect): AuditRecord {
  return { ...r, at: new Date(r.at).toISOString(), before: r.before ?? null, after: r.after ?? null };
}

/** What `audit verify` and GET /api/audit/verify report. */
export const verifyResultSchema = z.object({
  ok: z.boolean(),
  checked: z.number(),
  firstBroken: z.object({ seq: z.number(), reason: z.string() }).optional(),
  /** With an anchor: how many signed checkpoints were compared, and the latest. */
  anchor: z.object({ keyId: z.string(), checkpoints: z.number(), lastCheckpoint: z.object({ seq: z.number(), at: z.string() }).nullable() }).optional(),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

/**
 * Walks the whole chain in order and reports the first row whose link or content does not hold. With the anchor it
 * also checks each row's HMAC and every signed checkpoint: a checkpoint's row must carry the recorded hash, and no
 * checkpoint may name a row beyond the end of the trail (a deleted tail).
 */
export async function verifyAudit(db: Db, onProgress?: (checked: number) => void, anchor?: AuditAnchor): Promise<VerifyResult> {
  const cps = anchor?.read() ?? { valid: [], problems: [] };
  const last = cps.valid.reduce<Checkpoint | null>((a, c) => (a === null || c.seq >= a.seq ? c : a), null);
  const summary = anchor && { keyId: anchor.keyId, checkpoints: cps.valid.length, lastCheckpoint: last && { seq: last.seq, at: last.at } };
  const broken = (seq: number, reason: string, checked: number): VerifyResult => ({
    ok: false,
    checked,
    firstBroken: { seq, reason },
    ...(summary ? { anchor: summary } : {}),
  });
  if (cps.problems.length) {
    const p = cps.problems[0]!;
    return broken(0, `checkpoint file line ${p.line}: ${p.reason}`, 0);
  }
  // Rows up to the first checkpoint may predate the anchor (no HMAC); that checkpoint's signed head hash vouches for them.
  const legacyUntil = cps.valid.length ? Math.min(...cps.valid.map((c) => c.seq)) : 0;
  const bySeq = new Map<number, Checkpoint[]>();
  for (const c of cps.valid) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);
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
      if (r.seq !== expectedSeq) return broken(expectedSeq, `row ${expectedSeq} is missing (next row is ${r.seq})`, checked);
      if (r.prevHash !== prevHash) return broken(r.seq, 'prev_hash does not match the hash of the row before', checked);
      if (rowHash(prevHash, r) !== r.hash) return broken(r.seq, 'content does not match its hash (row altered)', checked);
      if (anchor) {
        if (r.hmac == null) {
          if (r.seq > legacyUntil) return broken(r.seq, 'row has no HMAC (written or rewritten without the audit key)', checked);
        } else if (!anchor.rowMacMatches(r.seq, r.hash, r.hmac))
          return broken(r.seq, 'HMAC does not match (row rewritten and its hashes recomputed without the audit key)', checked);
        const cp = bySeq.get(r.seq)?.find((c) => c.hash !== r.hash);
        if (cp) return broken(r.seq, `hash differs from the signed checkpoint of ${cp.at} (the trail was rewritten up to this row)`, checked);
      }
      prevHash = r.hash;
      expectedSeq++;
      checked++;
    }
    onProgress?.(checked);
    if (page.length < PAGE) break;
  }
  if (last && last.seq > checked)
    return broken(
      checked + 1,
      `rows ${checked + 1}–${last.seq} are missing: the signed checkpoint of ${last.at} recorded ${last.seq} rows, the trail ends at ${checked}`,
      checked,
    );
  return { ok: true, checked, ...(summary ? { anchor: summary } : {}) };
}

/** The trail's head: the last row's sequence number and hash (0 and the genesis hash when empty). */
export async function auditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const [last] = await db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Signs the current head into the checkpoint file. */
export async function writeCheckpoint(db: Db, anchor: AuditAnchor, reason: string): Promise<Checkpoint> {
  const head = await auditHead(db);
  return anchor.append(head.seq, head.hash, reason);
}

export async function auditCount(db: Db): Promise<number> {
  const [r] = await rowsOf<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM audit_log`);
  return Number(r?.n ?? 0);
}
