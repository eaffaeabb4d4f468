// The sign-in gate shared by password and badge sign-in and by e-signatures: limit, check, then audit and log the outcome.
// Order matters (issue #11 item 7): the attempt is admitted and counted *before* the slow credential check, so
// parallel requests cannot overrun the limit; the secret itself is never written anywhere.
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { AuthService, PublicUser } from './auth.service.ts';
import type { Actor } from './principal.ts';
import type { LoginLimiter, Lockout } from './rate-limit.ts';

export type SignInMethod = 'password' | 'badge';

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: PublicUser;
}

/** Who the audit row names for an attempt by someone not (yet) known to be that user. */
const ANONYMOUS: Actor = { id: null, name: 'anonymous' };

/** Audit entity of sign-in events; entityId is the username typed, or `badge:<badge>`. */
export const SIGN_IN_ENTITY = 'sign_in';

/** The limiter's account: the username typed, or `badge:<badge>` (so a badge and a username never share a count). */
const accountOf = (method: SignInMethod, identity: string) => (method === 'badge' ? `badge:${identity}` : identity);

/** What a credential check is for: a sign-in (opens a session) or an e-signature (re-authenticates, no session). */
export type CredentialPurpose = 'sign_in' | 'signature';

export class SignInGate {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly log: FastifyBaseLogger,
    // the auth service's limiter unless a test brings its own: every gate of an instance counts into the same one
    private readonly limiter: LoginLimiter = auth.limiter,
  ) {}

  /** Signs in or throws: 429 rate_limited while limited, 401 unauthenticated on wrong credentials. */
  async signIn(method: SignInMethod, identity: string, secret: string, address: string): Promise<SignedIn> {
    const account = accountOf(method, identity);
    const outcome = await this.attempt(method, account, address, 'sign_in', () => this.auth.signIn(method, identity, secret));
    if (!outcome.ok) throw new AppError('unauthenticated', method === 'badge' ? 'unknown badge or wrong PIN' : 'wrong username or password');
    const actor = { id: outcome.user.id, name: outcome.user.username };
    await this.record(actor, 'sign_in', account, { method, address, userId: outcome.user.id });
    this.log.info({ event: 'sign_in', method, account, username: outcome.user.username, address }, 'signed in');
    return { token: outcome.token, expiresAt: outcome.expiresAt, user: outcome.user };
  }

  /**
   * Re-authenticates a person for an e-signature (21 CFR 11.200): the same limits, failure audit and lockouts as
   * sign-in, so guesses through the signature form count against the account like guesses at the sign-in page. Opens
   * no session. Throws 429 rate_limited while limited, 401 signature_rejected on wrong credentials.
   */
  async reauthenticate(method: SignInMethod, identity: string, secret: string, address: string): Promise<PublicUser> {
    const account = accountOf(method, identity);
    const outcome = await this.attempt(method, account, address, 'signature', () => this.auth.checkCredentials(method, identity, secret));
    if (!outcome.ok)
      throw new AppError(
        'signature_rejected',
        method === 'badge' ? 'signature refused: unknown badge or wrong PIN' : 'signature refused: wrong username or password',
      );
    return outcome.user;
  }

  /** Admit (or refuse) the attempt before the slow check, run the check, count and audit a failure. */
  private async attempt<T extends { ok: true } | { ok: false; reason: string; user?: PublicUser }>(
    method: SignInMethod,
    account: string,
    address: string,
    purpose: CredentialPurpose,
    check: () => Promise<T>,
  ): Promise<T> {
    const admission = this.limiter.admit(account, address);
    if (!admission.ok) {
      const retryAfterS = Math.ceil(admission.retryAfterMs / 1000);
      // not audited: a flood of refusals would flood the trail; the lockout that caused them is audited once
      this.log.debug(
        { event: 'sign_in_refused', method, purpose, account, address, limit: admission.limit, retryAfterS },
        'credential check refused: rate limited',
      );
      throw new AppError('rate_limited', `too many failed sign-ins; try again in ${retryAfterS} s`, { retryAfterS });
    }
    let outcome: T;
    try {
      outcome = await check();
    } catch (err) {
      this.limiter.fail(admission.ticket);
      throw err;
    }
    if (outcome.ok) {
      this.limiter.succeed(admission.ticket);
      return outcome;
    }
    const failed = outcome as Extract<T, { ok: false }>;
    const lockouts = this.limiter.fail(admission.ticket);
    const why = { method, address, reason: failed.reason, ...(purpose === 'signature' ? { purpose } : {}), ...(failed.user ? { userId: failed.user.id } : {}) };
    await this.record(ANONYMOUS, 'sign_in_failed', account, why);
    this.log.warn(
      { event: 'sign_in_failed', method, purpose, account, address, reason: failed.reason },
      purpose === 'signature' ? 'signature credentials refused' : 'sign-in failed',
    );
    for (const l of lockouts) await this.lockedOut(l, method, account, address);
    return outcome;
  }

  private async lockedOut(l: Lockout, method: SignInMethod, account: string, address: string) {
    const retryAfterS = Math.ceil(l.retryAfterMs / 1000);
    const entityId = l.limit === 'account' ? account : `address:${address}`;
    await this.record(ANONYMOUS, 'lockout', entityId, { method, address, limit: l.limit, retryAfterS });
    this.log.warn({ event: 'lockout', method, account, address, limit: l.limit, retryAfterS }, `sign-in locked for ${retryAfterS} s (${l.limit})`);
  }

  /** The audit row; a failure to write it is logged but does not change the answer the client gets. */
  private async record(actor: Actor, action: string, entityId: string, after: Record<string, unknown>) {
    try {
      await this.db.transaction((tx) => appendAudit(tx, actor, { action, entity: SIGN_IN_ENTITY, entityId, after }));
    } catch (err) {
      this.log.error({ err, action, entityId }, 'sign-in audit row not written');
    }
  }
}
