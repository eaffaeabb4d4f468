// Business rules for people, sign-in, sessions and API tokens. Every change is audited.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, notFound } from '../errors.ts';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit.service.ts';
import * as repo from './auth.repository.ts';
import { dummyPasswordHash, hashPassword, newToken, randomPassword, tokenHash, verifyPassword } from './passwords.ts';
import { demoCredentialsActive } from './demo-people.ts';
import { passwordSchema, pinSchema } from './policy.ts';
import { PERSON_ROLES, TOKEN_ROLES, SYSTEM_ACTOR, type Actor, type Principal, type Role } from './principal.ts';
import { LoginLimiter } from './rate-limit.ts';

export { passwordSchema };

export const usernameSchema = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ - only, 1–64 characters');

export const userCreateSchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().max(200).optional(),
    roles: z.array(z.enum(PERSON_ROLES)).min(1, 'at least one role'),
    password: passwordSchema,
    badge: z.string().min(1).max(64).optional(),
    pin: pinSchema.optional(),
  })
  .strict();

export const userPatchSchema = z
  .object({
    displayName: z.string().max(200).optional(),
    roles: z.array(z.enum(PERSON_ROLES)).min(1, 'at least one role').optional(),
    active: z.boolean().optional(),
    password: passwordSchema.optional(),
    badge: z.string().min(1).max(64).nullable().optional(),
    pin: pinSchema.nullable().optional(),
    reason: z.string().max(1000).optional(),
  })
  .strict();

export const tokenCreateSchema = z
  .object({
    name: z.string().min(1).max(100),
    role: z.enum(TOKEN_ROLES),
    equipmentPath: z.string().min(1).max(1000).optional(),
  })
  .strict();

/** A person as the API shows them: no password or PIN hashes, instants as ISO 8601. */
export const publicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  active: z.boolean(),
  badge: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PublicUser = z.infer<typeof publicUserSchema>;

export const publicUser = (u: repo.UserRow): PublicUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  roles: u.roles,
  active: u.active,
  badge: u.badge,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

export type SignInOutcome = { ok: true; token: string; expiresAt: Date; user: PublicUser } | { ok: false; reason: string; user?: PublicUser };

export type CredentialOutcome = { ok: true; user: PublicUser } | { ok: false; reason: string; user?: PublicUser };

export const publicToken = (t: repo.TokenRow) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  equipmentPath: t.equipmentPath,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly sessionHours: number,
  ) {}

  /**
   * The one count of failed credential checks for this instance: sign-in and e-signatures (which re-authenticate)
   * share it, so a signature form is no side door for guessing a password or PIN (sign-in.ts).
   */
  readonly limiter = new LoginLimiter();

  private demoCheck: Promise<boolean> | undefined;

  /** After a change to people (committed or not) the demo check runs again. */
  private peopleChanged<T>(change: Promise<T>): Promise<T> {
    return change.finally(() => (this.demoCheck = undefined));
  }

  /** Whether the published demo badge PINs still sign in; cached, re-checked after any change to people. */
  demoCredentials(): Promise<boolean> {
    return (this.demoCheck ??= demoCredentialsActive(this.db).catch(() => ((this.demoCheck = undefined), false)));
  }

  async createUser(actor: Actor, input: z.infer<typeof userCreateSchema>): Promise<PublicUser> {
    const passwordHash = await hashPassword(input.password);
    const pinHash = input.pin ? await hashPassword(input.pin) : null;
    return this.peopleChanged(
      this.db.transaction(async (tx) => {
        if (await repo.findUserByName(tx, input.username))
          throw new AppError('duplicate', `user '${input.username}' already exists`, [{ path: 'username', message: 'already taken' }]);
        if (input.badge && (await repo.findUserByBadge(tx, input.badge)))
          throw new AppError('duplicate', `badge '${input.badge}' is taken`, [{ path: 'badge', message: 'already taken' }]);
        const row = await repo.insertUser(tx, {
          id: randomUUID(),
          username: input.username,
          displayName: input.displayName ?? input.username,
          passwordHash,
          roles: input.roles,
          badge: input.badge ?? null,
          pinHash,
        });
        const after = publicUser(row);
        await appendAudit(tx, actor, { action: 'create', entity: 'user', entityId: row.id, after });
        return after;
      }),
    );
  }

  async updateUser(actor: Actor, id: string, input: z.infer<typeof userPatchSchema>): Promise<PublicUser> {
    const { password, reason, pin, ...fields } = input;
    const passwordHash = password ? await hashPassword(password) : undefined;
    const pinHash = pin === undefined ? undefined : pin === null ? null : await hashPassword(pin);
    return this.peopleChanged(
      this.db.transaction(async (tx) => {
        const existing = await repo.findUserById(tx, id);
        if (!existing) throw notFound('user', id);
        if (fields.badge) {
          const holder = await repo.findUserByBadge(tx, fields.badge);
          if (holder && holder.id !== id)
            throw new AppError('duplicate', `badge '${fields.badge}' belongs to '${holder.username}'`, [{ path: 'badge', message: 'already taken' }]);
        }
        const row = await repo.updateUser(tx, id, { ...fields, ...(passwordHash ? { passwordHash } : {}), ...(pinHash !== undefined ? { pinHash } : {}) });
        // A password change or deactivation ends every open session of that user.
        if (passwordHash || fields.active === false) await repo.deleteUserSessions(tx, id);
        const after = publicUser(row);
        await appendAudit(tx, actor, {
          action: 'update',
          entity: 'user',
          entityId: id,
          before: publicUser(existing),
          after: { ...after, ...(passwordHash ? { password: 'changed' } : {}), ...(pinHash !== undefined ? { pin: pinHash ? 'changed' : 'removed' } : {}) },
          reason,
        });
        return after;
      }),
    );
  }

  async setPassword(actor: Actor, username: string, password: string): Promise<void> {
    const u = await repo.findUserByName(this.db, username);
    if (!u) throw notFound('user', username);
    await this.updateUser(actor, u.id, { password });
  }

  listUsers = async () => (await repo.listUsers(this.db)).map(publicUser);

  /** On an empty database: the first admin, with the given password or a random one for the caller to print once. */
  async ensureFirstAdmin(password?: string): Promise<{ created: boolean; password?: string }> {
    if ((await repo.countUsers(this.db)) > 0) return { created: false };
    const pw = password ?? randomPassword();
    await this.createUser(SYSTEM_ACTOR, { username: 'admin', displayName: 'Administrator', roles: ['admin'], password: pw });
    return { created: true, password: pw };
  }

  /**
   * Checks a password (kind 'password', by username) or a badge PIN (kind 'badge') without opening a session. A failure
   * says why for the audit trail; callers go through SignInGate, which limits attempts and never shows the reason.
   */
  async checkCredentials(kind: 'password' | 'badge', identity: string, secret: string): Promise<CredentialOutcome> {
    const user = kind === 'password' ? await repo.findUserByName(this.db, identity) : await repo.findUserByBadge(this.db, identity);
    const stored = kind === 'password' ? user?.passwordHash : user?.pinHash;
    if (!user?.active || !stored) {
      // spend the same time as a real check, so timing does not reveal which usernames or badges exist
      await verifyPassword(secret, await dummyPasswordHash());
      const reason = !user ? (kind === 'password' ? 'unknown user' : 'unknown badge') : !user.active ? 'inactive user' : 'no PIN set';
      return { ok: false, reason, user: user && publicUser(user) };
    }
    if (!(await verifyPassword(secret, stored))) return { ok: false, reason: kind === 'password' ? 'wrong password' : 'wrong PIN', user: publicUser(user) };
    return { ok: true, user: publicUser(user) };
  }

  /** Checks the credentials (checkCredentials) and opens a session. */
  async signIn(kind: 'password' | 'badge', identity: string, secret: string): Promise<SignInOutcome> {
    const checked = await this.checkCredentials(kind, identity, secret);
    if (!checked.ok) return checked;
    const { token, hash } = newToken('takt_s');
    const expiresAt = new Date(Date.now() + this.sessionHours * 3600_000);
    await repo.insertSession(this.db, { id: randomUUID(), tokenHash: hash, userId: checked.user.id, expiresAt });
    return { ok: true, token, expiresAt, user: checked.user };
  }

  /** A person by id, with their badge (for a signature's printed name and for signing again in the same session). */
  async findUser(id: string): Promise<PublicUser | undefined> {
    const u = await repo.findUserById(this.db, id);
    return u && publicUser(u);
  }

  logout = (token: string) => repo.deleteSession(this.db, tokenHash(token));

  /** Resolves a bearer or cookie token to the caller. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = tokenHash(token);
    const now = new Date();
    if (token.startsWith('takt_s_')) {
      const found = await repo.findSession(this.db, hash, now);
      if (!found?.user.active) return undefined;
      // Writing last-seen on every request would cost a write per call; once a minute is enough.
      if (now.getTime() - found.session.lastSeenAt.getTime() > 60_000) await repo.touchSession(this.db, found.session.id, now);
      return { kind: 'user', id: found.user.id, name: found.user.username, roles: found.user.roles as Role[], sessionId: found.session.id };
    }
    if (token.startsWith('takt_t_')) {
      const t = await repo.findActiveToken(this.db, hash);
      if (!t) return undefined;
      if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > 60_000) await repo.touchToken(this.db, t.id, now);
      return { kind: 'token', id: t.id, name: t.name, roles: [t.role as Role], equipmentPath: t.equipmentPath };
    }
    return undefined;
  }

  listTokens = async () => (await repo.listTokens(this.db)).map(publicToken);

  async createToken(actor: Actor, input: z.infer<typeof tokenCreateSchema>) {
    const { token, hash } = newToken('takt_t');
    return this.db.transaction(async (tx) => {
      const row = await repo.insertToken(tx, {
        id: randomUUID(),
        name: input.name,
        role: input.role,
        equipmentPath: input.equipmentPath ?? null,
        tokenHash: hash,
        createdBy: actor.name,
      });
      const after = publicToken(row);
      await appendAudit(tx, actor, { action: 'create', entity: 'api_token', entityId: row.id, after });
      return { ...after, token };
    });
  }

  async revokeToken(actor: Actor, id: string, reason?: string) {
    return this.db.transaction(async (tx) => {
      const before = await repo.findToken(tx, id);
      if (!before) throw notFound('token', id);
      if (before.revokedAt) return publicToken(before);
      const row = await repo.revokeToken(tx, id, new Date());
      const after = publicToken(row);
      await appendAudit(tx, actor, { action: 'update', entity: 'api_token', entityId: id, before: publicToken(before), after, reason });
      return after;
    });
  }
}
