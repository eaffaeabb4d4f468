// Sign-in attempts are limited per account (username or badge) and per client address, in memory.
//
// Why it is shaped like this (issue #11 item 7):
// - An attempt is counted when it is *admitted*, synchronously, before the expensive check (scrypt) runs. Parallel
//   requests therefore cannot all pass the check-then-count gap: of 100 simultaneous guesses at most `maxPerUser` are
//   checked, the rest are refused with 429.
// - An account that reaches the limit is locked for a delay that doubles with each lockout (`baseLockMs`, 2×, 4×, …)
//   but never exceeds `maxLockMs`: a guesser slows to a few tries per window, while the owner can always get in again
//   once the bounded window is over. The strikes are forgotten after a successful sign-in or a quiet day.
// - Successful sign-ins do not count against the address: a shop-floor terminal is one address for a whole shift.
export interface LoginLimiterOptions {
  maxPerUser: number;
  maxPerAddress: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const LOGIN_LIMITS: LoginLimiterOptions = { maxPerUser: 5, maxPerAddress: 20, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 };

/** Strikes (lockouts) are forgotten after this long without a new one. */
const STRIKE_MEMORY_MS = 24 * 3600_000;

interface KeyState {
  /** Admitted attempts that have not succeeded, within the window (pending ones included). */
  attempts: number[];
  lockedUntil: number;
  strikes: number;
  lastLockAt: number;
}

export interface Ticket {
  account: string;
  address: string;
  at: number;
}

export type Admission = { ok: true; ticket: Ticket } | { ok: false; retryAfterMs: number; limit: 'account' | 'address' };

export interface Lockout {
  limit: 'account' | 'address';
  retryAfterMs: number;
}

export class LoginLimiter {
  private keys = new Map<string, KeyState>();

  constructor(private readonly opts: LoginLimiterOptions = LOGIN_LIMITS) {}

  /** Admits and counts one attempt now, or says how long to wait. Synchronous: nothing can slip in between. */
  admit(account: string, address: string, now = Date.now()): Admission {
    const a = this.state(accountKey(account), now);
    const ip = this.state(addressKey(address), now);
    const accountWait = this.wait(a, this.opts.maxPerUser, now);
    if (accountWait > 0) return { ok: false, retryAfterMs: accountWait, limit: 'account' };
    const addressWait = this.wait(ip, this.opts.maxPerAddress, now);
    if (addressWait > 0) return { ok: false, retryAfterMs: addressWait, limit: 'address' };
    a.attempts.push(now);
    ip.attempts.push(now);
    if (this.keys.size > 50_000) this.prune(now);
    return { ok: true, ticket: { account: accountKey(account), address: addressKey(address), at: now } };
  }

  /** The attempt failed: it stays counted. Returns the lockouts this failure started, if any. */
  fail(ticket: Ticket, now = Date.now()): Lockout[] {
    const out: Lockout[] = [];
    const a = this.state(ticket.account, now);
    if (a.attempts.length >= this.opts.maxPerUser && a.lockedUntil <= now) {
      if (now - a.lastLockAt > STRIKE_MEMORY_MS) a.strikes = 0;
      const lockMs = Math.min(this.opts.baseLockMs * 2 ** a.strikes, this.opts.maxLockMs);
      a.strikes++;
      a.lastLockAt = now;
      a.lockedUntil = now + lockMs;
      // the lock now does the limiting: after it, the account gets a fresh set of attempts (and a longer lock)
      a.attempts = [];
      out.push({ limit: 'account', retryAfterMs: lockMs });
    }
    const ip = this.state(ticket.address, now);
    if (ip.attempts.length === this.opts.maxPerAddress) out.push({ limit: 'address', retryAfterMs: this.wait(ip, this.opts.maxPerAddress, now) });
    return out;
  }

  /** The attempt succeeded: the account's failures and strikes are forgotten, and the address is not charged. */
  succeed(ticket: Ticket, now = Date.now()): void {
    this.keys.delete(ticket.account);
    const ip = this.state(ticket.address, now);
    const i = ip.attempts.indexOf(ticket.at);
    if (i >= 0) ip.attempts.splice(i, 1);
  }

  private wait(s: KeyState, max: number, now: number): number {
    if (s.lockedUntil > now) return s.lockedUntil - now;
    return s.attempts.length >= max ? Math.max(s.attempts[s.attempts.length - max] + this.opts.windowMs - now, 1) : 0;
  }

  private state(key: string, now: number): KeyState {
    let s = this.keys.get(key);
    if (!s) this.keys.set(key, (s = { attempts: [], lockedUntil: 0, strikes: 0, lastLockAt: 0 }));
    s.attempts = s.attempts.filter((t) => now - t < this.opts.windowMs);
    return s;
  }

  private prune(now: number): void {
    for (const [k, s] of this.keys) {
      s.attempts = s.attempts.filter((t) => now - t < this.opts.windowMs);
      if (!s.attempts.length && s.lockedUntil <= now && now - s.lastLockAt > STRIKE_MEMORY_MS) this.keys.delete(k);
    }
  }
}

const accountKey = (account: string) => `u:${account.toLowerCase()}`;
const addressKey = (address: string) => `a:${address}`;
