// Failed sign-ins are limited per username and per client address (sliding window, in memory).
export interface LoginLimiterOptions {
  maxPerUser: number;
  maxPerAddress: number;
  windowMs: number;
}

export class LoginLimiter {
  private failures = new Map<string, number[]>();

  constructor(private readonly opts: LoginLimiterOptions = { maxPerUser: 5, maxPerAddress: 20, windowMs: 15 * 60_000 }) {}

  /** Milliseconds until another attempt is allowed, or 0 if allowed now. */
  retryAfterMs(username: string, address: string, now = Date.now()): number {
    const u = this.recent(`u:${username.toLowerCase()}`, now);
    const a = this.recent(`a:${address}`, now);
    const waitFor = (list: number[], max: number) => (list.length >= max ? list[list.length - max] + this.opts.windowMs - now : 0);
    return Math.max(waitFor(u, this.opts.maxPerUser), waitFor(a, this.opts.maxPerAddress), 0);
  }

  fail(username: string, address: string, now = Date.now()): void {
    for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 50_000) this.prune(now);
  }

  succeed(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
  }

  private prune(now: number): void {
    for (const [k, list] of this.failures) {
      const kept = list.filter((t) => now - t < this.opts.windowMs);
      if (kept.length) this.failures.set(k, kept);
      else this.failures.delete(k);
    }
  }
}
