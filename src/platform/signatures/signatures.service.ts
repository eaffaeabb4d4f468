// Electronic signatures (21 CFR Part 11 subpart C, EU GMP Annex 11 §14) for every module: a person re-authenticates,
// says what the signature means, and the signature is bound to the SHA-256 of the exact record version signed. The
// platform knows no module: a module registers a loader for its record type (`register('ncr', id => …)`), so the
// platform can hash the current version on signing and on verifying, and calls requireSignatures before an action
// the policy guards. docs/signatures.md explains it for a quality engineer.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.ts';
import { AppError, notFound, validationFailed } from '../errors.ts';
import { appendAudit, auditEntriesOf, auditEntryIntact, type AuditRecord } from '../audit/audit.service.ts';
import type { AuthService, PublicUser } from '../auth/auth.service.ts';
import type { Actor, Principal } from '../auth/principal.ts';
import { SignInGate } from '../auth/sign-in.ts';
import { CanonicalJsonError, canonicalJson, changedPaths, sha256 } from './canonical.ts';
import { evaluate, recordTypeSchema, shortfall, type Evaluation, type Meaning, type PolicyRule } from './policy.ts';
import * as repo from './signatures.repository.ts';

/** The current version of a record, or undefined when there is no such record. */
export type RecordLoader = (recordId: string) => Promise<unknown>;

/** Audit entity of signatures (entityId: the signature's id) and of the policy (entityId: 'policy'). */
export const SIGNATURE_ENTITY = 'signature';
export const POLICY_ENTITY = 'signature_policy';

export type SignatureMethod = 'password' | 'badge' | 'session_password' | 'session_pin';

export interface SignInput {
  recordType: string;
  recordId: string;
  meaning: Meaning;
  /** The policy action the signature is for (lot.release …); left out: a signature of the record alone. */
  action?: string;
  reason?: string;
  /** The hash of the version the signer was shown: signing fails with 409 if the record has changed since. */
  expectedHash?: string;
  username?: string;
  password?: string;
  badge?: string;
  pin?: string;
}

/** Who asks to sign, and from where (the address counts towards the sign-in limits). */
export interface Signing {
  principal: Principal;
  address: string;
}

export type SignatureStatus = 'valid' | 'broken' | 'unverified';

/** A signature as the API shows it: the stored row without the signed JSON and the session, and its status now. */
export type SignatureView = Omit<repo.SignatureRow, 'sessionId' | 'recordJson' | 'method' | 'signedAt'> & {
  method: SignatureMethod;
  signedAt: string;
  /** valid: bound to the record as it is now; broken: the record (or the signature) has changed; unverified: no current record to compare. */
  status: SignatureStatus;
  /** Why it is broken. */
  problems: string[];
  /** Where the record differs from the signed version ($.status, $.lines[1].qty …). */
  changed: string[];
};

export interface RecordSignatures {
  recordType: string;
  recordId: string;
  /** found: compared with the current version; missing: its module has no such record; unknown_type: no module loads this type. */
  current: 'found' | 'missing' | 'unknown_type';
  currentHash: string | null;
  signatures: SignatureView[];
}

/** The record an action is about to change, in the version the module holds. */
export interface SignedTarget {
  recordType: string;
  recordId: string;
  record: unknown;
}

type Credentials =
  | { method: 'password'; identity: string; secret: string }
  | { method: 'badge'; identity: string; secret: string }
  | { method: 'session_password'; secret: string }
  | { method: 'session_pin'; secret: string };

export class SignatureService {
  private readonly loaders = new Map<string, RecordLoader>();
  private readonly gate: SignInGate;

  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    log: FastifyBaseLogger,
  ) {
    // the auth service's limiter: a wrong password here counts as a failed sign-in, and a locked account stays locked
    this.gate = new SignInGate(db, auth, log);
  }

  /** A module makes its record type signable and verifiable; returns the way to take it back (a stopping module). */
  register(recordType: string, loader: RecordLoader): () => void {
    const ok = recordTypeSchema.safeParse(recordType);
    if (!ok.success) throw new Error(`record type '${recordType}': ${ok.error.issues[0]?.message}`);
    if (this.loaders.has(recordType)) throw new Error(`record type '${recordType}' is registered twice`);
    this.loaders.set(recordType, loader);
    return () => {
      if (this.loaders.get(recordType) === loader) this.loaders.delete(recordType);
    };
  }

  recordTypes(): string[] {
    return [...this.loaders.keys()].sort();
  }

  /**
   * Signs the current version of a record: loaded through its module's loader, or the version a module passes (inside
   * its own flow). Throws 401 signature_rejected on wrong credentials (counted like a failed sign-in), 429 while the
   * account is locked, 409 when the record changed since the signer saw it (expectedHash).
   */
  async sign(who: Signing, input: SignInput, record?: { version: unknown }): Promise<SignatureView> {
    const creds = credentialsOf(input);
    const current = record ? record.version : await this.load(input.recordType, input.recordId, true);
    const json = canonicalOf(current, `${input.recordType} '${input.recordId}'`);
    const hash = sha256(json);
    if (input.expectedHash && input.expectedHash !== hash)
      throw new AppError(
        'conflict',
        `${input.recordType} '${input.recordId}' has changed since it was shown to you; look at it again and sign the version that is there now`,
        { expectedHash: input.expectedHash, currentHash: hash },
      );
    const { signer, sessionId } = await this.reauthenticate(who, creds);
    const id = randomUUID();
    const row: repo.SignatureRow = {
      id,
      recordType: input.recordType,
      recordId: input.recordId,
      action: input.action ?? null,
      meaning: input.meaning,
      signerId: signer.id,
      signerUsername: signer.username,
      signerName: signer.displayName || signer.username,
      signerRoles: signer.roles,
      method: creds.method,
      sessionId,
      reason: input.reason ?? null,
      recordHash: hash,
      recordJson: json,
      signedAt: new Date(),
    };
    await this.db.transaction(async (tx) => {
      await repo.insertSignature(tx, row);
      const actor: Actor = { id: signer.id, name: signer.username };
      const atSessionOf = who.principal.id === signer.id ? {} : { atSessionOf: who.principal.name };
      await appendAudit(tx, actor, {
        action: 'sign',
        entity: SIGNATURE_ENTITY,
        entityId: id,
        after: { ...manifestOf(row), ...atSessionOf },
        reason: row.reason,
      });
    });
    return { ...viewOf(row), status: 'valid' };
  }

  /** The signatures of a record, each checked against the record's current version (when its module can load it). */
  async forRecord(recordType: string, recordId: string): Promise<RecordSignatures> {
    const known = this.loaders.has(recordType);
    const current = known ? await this.load(recordType, recordId, false) : undefined;
    const found = current !== undefined;
    const signatures = await this.check(recordType, recordId, found ? { version: current } : undefined);
    return {
      recordType,
      recordId,
      current: found ? 'found' : known ? 'missing' : 'unknown_type',
      currentHash: found ? sha256(canonicalOf(current, `${recordType} '${recordId}'`)) : null,
      signatures,
    };
  }

  /** Each signature of the record, valid or broken against this version of it (a changed record breaks them). */
  verify(recordType: string, recordId: string, currentRecord: unknown): Promise<SignatureView[]> {
    return this.check(recordType, recordId, { version: currentRecord });
  }

  /**
   * What a module calls before an action the policy may guard (`lot.release`, `ncr.close` …), with the record as it is
   * about to be acted on. Counts the record's valid signatures given for this action (only those with these ids, when
   * given), one per person, and throws 409 signature_required (or 403 when the signers lack the role) when they fall
   * short. Returns which signatures authorise the action, for the module's own audit row.
   */
  async requireSignatures(action: string, target: SignedTarget, onlyIds?: readonly string[]): Promise<Evaluation> {
    const rule = await this.rule(action);
    const views = rule ? await this.verify(target.recordType, target.recordId, target.record) : [];
    const considered = onlyIds ? views.filter((v) => onlyIds.includes(v.id)) : views;
    const e = evaluate(
      action,
      rule,
      considered.map((v) => ({ ...v, valid: v.status === 'valid' })),
    );
    const err = shortfall(e, rule, `${target.recordType} '${target.recordId}'`);
    if (err) throw err;
    return e;
  }

  /**
   * Whether the record's signatures (already checked against its current version, e.g. from `verify`) satisfy the
   * policy for an action, without throwing: for a page that shows "approved, 1 of 1" (a certificate and coa.sign).
   */
  async evaluate(action: string, signatures: readonly SignatureView[]): Promise<Evaluation & { rule: PolicyRule | null; complete: boolean }> {
    const rule = await this.rule(action);
    const e = evaluate(
      action,
      rule,
      signatures.map((v) => ({ ...v, valid: v.status === 'valid' })),
    );
    return { ...e, rule: rule ?? null, complete: e.counted.length >= e.needed };
  }

  async policy(): Promise<PolicyRule[]> {
    return (await repo.policyRows(this.db)).map(ruleOf);
  }

  async rule(action: string): Promise<PolicyRule | undefined> {
    const row = await repo.policyRowOf(this.db, action);
    return row && ruleOf(row);
  }

  /** Replaces the whole policy (an action left out needs no signature), audited with before and after. */
  async setPolicy(actor: Actor, rules: PolicyRule[], reason?: string): Promise<PolicyRule[]> {
    const sorted = [...rules].sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
    await this.db.transaction(async (tx) => {
      const before = (await repo.policyRows(tx)).map(ruleOf);
      await repo.replacePolicy(
        tx,
        sorted.map((r) => ({ action: r.action, signatures: r.signatures, roles: [...r.roles], meaning: r.meaning })),
        new Date(),
      );
      await appendAudit(tx, actor, {
        action: 'update',
        entity: POLICY_ENTITY,
        entityId: 'policy',
        before: { rules: before },
        after: { rules: sorted },
        reason,
      });
    });
    return sorted;
  }

  private async load(recordType: string, recordId: string, required: boolean): Promise<unknown> {
    const loader = this.loaders.get(recordType);
    if (!loader) {
      const types = this.recordTypes();
      throw new AppError(
        'bad_request',
        `record type '${recordType}' cannot be signed: no module supplies it (signable: ${types.length ? types.join(', ') : 'none'})`,
        [{ path: 'recordType', message: 'not a signable record type' }],
      );
    }
    const record = await loader(recordId);
    if (record === undefined && required) throw notFound(recordType, recordId);
    return record;
  }

  /** 11.200(a)(1): the first signing in a session with ID and secret, later ones in that session with the secret alone. */
  private async reauthenticate(who: Signing, creds: Credentials): Promise<{ signer: PublicUser; sessionId: string | null }> {
    const p = who.principal;
    if (creds.method === 'password' || creds.method === 'badge') {
      const signer = await this.gate.reauthenticate(creds.method, creds.identity, creds.secret, who.address);
      // only the session's own person establishes a continuous signing session; someone signing at another's desk does not
      return { signer, sessionId: p.kind === 'user' && p.sessionId && signer.id === p.id ? p.sessionId : null };
    }
    const field = creds.method === 'session_pin' ? 'pin' : 'password';
    if (p.kind !== 'user' || !p.sessionId || !(await repo.signedFullyInSession(this.db, p.sessionId, p.id)))
      throw validationFailed(
        `the first signature in a session needs your ${creds.method === 'session_pin' ? 'badge and PIN' : 'username and password'}; later ones in the same session the ${field} alone`,
        [{ path: creds.method === 'session_pin' ? 'badge' : 'username', message: 'required for the first signature in this session' }],
      );
    const me = await this.auth.findUser(p.id);
    if (!me) throw new AppError('unauthenticated', 'your account no longer exists');
    if (creds.method === 'session_pin' && !me.badge)
      throw validationFailed('you have no badge: sign with your password', [{ path: 'pin', message: 'no badge for this person' }]);
    const signer =
      creds.method === 'session_pin'
        ? await this.gate.reauthenticate('badge', me.badge!, creds.secret, who.address)
        : await this.gate.reauthenticate('password', me.username, creds.secret, who.address);
    return { signer, sessionId: p.sessionId };
  }

  /** Every signature of the record: its row against its hash and its audit entry, then against the current version. */
  private async check(recordType: string, recordId: string, current: { version: unknown } | undefined): Promise<SignatureView[]> {
    const rows = await repo.signaturesOf(this.db, recordType, recordId);
    if (!rows.length) return [];
    const audit = new Map<string, AuditRecord>();
    for (const e of await auditEntriesOf(
      this.db,
      SIGNATURE_ENTITY,
      rows.map((r) => r.id),
    ))
      if (e.action === 'sign' && !audit.has(e.entityId)) audit.set(e.entityId, e);
    const currentJson = current && canonicalOf(current.version, `${recordType} '${recordId}'`);
    const currentHash = currentJson && sha256(currentJson);
    return rows.map((row) => {
      const problems: string[] = [];
      let changed: string[] = [];
      if (sha256(row.recordJson) !== row.recordHash)
        problems.push('the stored copy of the signed record does not match its hash: the signature row was altered');
      const entry = audit.get(row.id);
      if (!entry) problems.push('the audit trail has no entry for this signature: it was not given through Takt');
      else if (!auditEntryIntact(entry)) problems.push("the signature's audit trail entry was altered");
      else if (!sameManifest(entry.after, manifestOf(row))) problems.push('the signature differs from its audit trail entry: the signature row was altered');
      if (currentHash !== undefined && currentHash !== row.recordHash) {
        problems.push('the record has changed since it was signed');
        changed = changedPaths(parseOr(row.recordJson), JSON.parse(currentJson!));
      }
      const status: SignatureStatus = problems.length ? 'broken' : current ? 'valid' : 'unverified';
      return { ...viewOf(row), status, problems, changed };
    });
  }
}

/** Which of the four ways to re-authenticate the body asks for; anything else is a 400 naming the fields. */
function credentialsOf(i: SignInput): Credentials {
  const given = (['username', 'password', 'badge', 'pin'] as const).filter((k) => i[k] !== undefined);
  const is = (...keys: string[]) => given.length === keys.length && keys.every((k) => given.includes(k as never));
  if (is('username', 'password')) return { method: 'password', identity: i.username!, secret: i.password! };
  if (is('badge', 'pin')) return { method: 'badge', identity: i.badge!, secret: i.pin! };
  if (is('password')) return { method: 'session_password', secret: i.password! };
  if (is('pin')) return { method: 'session_pin', secret: i.pin! };
  throw validationFailed('sign with username and password, or badge and PIN (later in the same session: the password or PIN alone)', [
    { path: given.length ? given.join('+') : 'credentials', message: given.length ? 'not a combination that signs' : 'missing' },
  ]);
}

function canonicalOf(record: unknown, what: string): string {
  try {
    return canonicalJson(record);
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw new AppError('unprocessable', `${what} cannot be signed: ${err.message}`);
    throw err;
  }
}

/** What the signature states, as the audit trail keeps it: every field but the session and the signed copy. */
function manifestOf(r: repo.SignatureRow) {
  return {
    recordType: r.recordType,
    recordId: r.recordId,
    action: r.action,
    meaning: r.meaning,
    signerId: r.signerId,
    signerUsername: r.signerUsername,
    signerName: r.signerName,
    signerRoles: r.signerRoles,
    method: r.method,
    reason: r.reason,
    signedAt: r.signedAt.toISOString(),
    recordHash: r.recordHash,
  };
}

function sameManifest(after: unknown, manifest: ReturnType<typeof manifestOf>): boolean {
  if (!after || typeof after !== 'object') return false;
  const a = after as Record<string, unknown>;
  return canonicalJson(Object.fromEntries(Object.keys(manifest).map((k) => [k, a[k] ?? null]))) === canonicalJson(manifest);
}

function viewOf(r: repo.SignatureRow): Omit<SignatureView, 'status'> {
  return { ...manifestOf(r), id: r.id, method: r.method as SignatureMethod, problems: [], changed: [] };
}

const ruleOf = (r: repo.PolicyRow): PolicyRule => ({
  action: r.action,
  signatures: r.signatures === 2 ? 2 : 1,
  roles: r.roles as PolicyRule['roles'],
  meaning: (r.meaning as Meaning | null) ?? null,
});

function parseOr(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
