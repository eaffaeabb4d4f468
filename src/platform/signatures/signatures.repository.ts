// SQL for signatures and the signature policy (Drizzle `sql` templates, docs/adr/0006-data-access.md).
import { rowsOf, sql, textArray, type Db } from '../db/database.ts';

export interface SignatureRow {
  id: string;
  recordType: string;
  recordId: string;
  action: string | null;
  meaning: string;
  signerId: string;
  signerUsername: string;
  signerName: string;
  signerRoles: string[];
  method: string;
  sessionId: string | null;
  reason: string | null;
  recordHash: string;
  recordJson: string;
  signedAt: Date;
}

export interface PolicyRow {
  action: string;
  signatures: number;
  roles: string[];
  meaning: string | null;
  updatedAt: Date;
}

const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

const signatureOf = (r: Record<string, unknown>): SignatureRow => ({
  id: r.id as string,
  recordType: r.record_type as string,
  recordId: r.record_id as string,
  action: (r.action as string | null) ?? null,
  meaning: r.meaning as string,
  signerId: r.signer_id as string,
  signerUsername: r.signer_username as string,
  signerName: r.signer_name as string,
  signerRoles: r.signer_roles as string[],
  method: r.method as string,
  sessionId: (r.session_id as string | null) ?? null,
  reason: (r.reason as string | null) ?? null,
  recordHash: r.record_hash as string,
  recordJson: r.record_json as string,
  signedAt: date(r.signed_at),
});

const policyOf = (r: Record<string, unknown>): PolicyRow => ({
  action: r.action as string,
  signatures: Number(r.signatures),
  roles: r.roles as string[],
  meaning: (r.meaning as string | null) ?? null,
  updatedAt: date(r.updated_at),
});

export async function insertSignature(db: Db, r: SignatureRow): Promise<void> {
  await db.execute(sql`
    INSERT INTO signatures (id, record_type, record_id, action, meaning, signer_id, signer_username, signer_name, signer_roles,
                            method, session_id, reason, record_hash, record_json, signed_at)
    VALUES (${r.id}, ${r.recordType}, ${r.recordId}, ${r.action}, ${r.meaning}, ${r.signerId}, ${r.signerUsername}, ${r.signerName},
            ${textArray(r.signerRoles)}, ${r.method}, ${r.sessionId}, ${r.reason}, ${r.recordHash}, ${r.recordJson}, ${r.signedAt.toISOString()})`);
}

export async function signaturesOf(db: Db, recordType: string, recordId: string): Promise<SignatureRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM signatures WHERE record_type = ${recordType} AND record_id = ${recordId} ORDER BY signed_at, id`,
  );
  return rows.map(signatureOf);
}

/** Whether this person has signed with all components (ID and secret) in this session: 11.200(a)(1)(i). */
export async function signedFullyInSession(db: Db, sessionId: string, signerId: string): Promise<boolean> {
  const rows = await rowsOf(
    db,
    sql`SELECT 1 FROM signatures WHERE session_id = ${sessionId} AND signer_id = ${signerId} AND method IN ('password', 'badge') LIMIT 1`,
  );
  return rows.length > 0;
}

export async function policyRows(db: Db): Promise<PolicyRow[]> {
  return (await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM signature_policy ORDER BY action`)).map(policyOf);
}

export async function policyRowOf(db: Db, action: string): Promise<PolicyRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM signature_policy WHERE action = ${action} LIMIT 1`);
  return rows[0] ? policyOf(rows[0]) : undefined;
}

export async function replacePolicy(db: Db, rows: Array<Omit<PolicyRow, 'updatedAt'>>, now: Date): Promise<void> {
  await db.execute(sql`DELETE FROM signature_policy`);
  for (const r of rows)
    await db.execute(sql`
      INSERT INTO signature_policy (action, signatures, roles, meaning, updated_at)
      VALUES (${r.action}, ${r.signatures}, ${textArray(r.roles)}, ${r.meaning}, ${now.toISOString()})`);
}
