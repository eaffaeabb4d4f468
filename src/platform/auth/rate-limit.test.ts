import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoginLimiter, type LoginLimiterOptions } from './rate-limit.ts';

const opts = (o: Partial<LoginLimiterOptions> = {}): LoginLimiterOptions => ({
  maxPerUser: 3,
  maxPerAddress: 100,
  windowMs: 1000,
  baseLockMs: 500,
  maxLockMs: 2000,
  ...o,
});

describe('LoginLimiter', () => {
  it('counts an attempt when it is admitted, so parallel attempts cannot overrun the limit', () => {
    const l = new LoginLimiter(opts());
    const admitted = Array.from({ length: 50 }, () => l.admit('Ann', '1.1.1.1', 100)).filter((a) => a.ok);
    expect(admitted).toHaveLength(3);
    expect(l.admit('ann', '2.2.2.2', 100)).toMatchObject({ ok: false, limit: 'account' });
    expect(l.admit('bob', '1.1.1.1', 100).ok).toBe(true);
  });

  it('locks an account for a growing but bounded time, and lets it in again after each lock', () => {
    const l = new LoginLimiter(opts());
    let now = 0;
    const locks: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) {
        const a = l.admit('ann', `10.0.0.${round}`, now);
        expect(a.ok, `round ${round} try ${i}`).toBe(true);
        const lock = a.ok ? l.fail(a.ticket, now) : [];
        if (i === 2) locks.push(lock.find((x) => x.limit === 'account')!.retryAfterMs);
      }
      const refused = l.admit('ann', '10.9.9.9', now);
      expect(refused).toMatchObject({ ok: false, limit: 'account', retryAfterMs: locks[round] });
      now += locks[round];
    }
    expect(locks).toEqual([500, 1000, 2000, 2000, 2000, 2000]);
  });

  it('a success forgets the account failures and strikes and does not charge the address', () => {
    const l = new LoginLimiter(opts({ maxPerAddress: 2 }));
    const first = l.admit('ann', 'x', 0);
    if (first.ok) l.fail(first.ticket, 0);
    for (let i = 0; i < 10; i++) {
      const a = l.admit(`user${i}`, 'x', 1);
      expect(a.ok).toBe(true);
      if (a.ok) l.succeed(a.ticket, 1);
    }
    const again = l.admit('ann', 'x', 2);
    expect(again.ok).toBe(true);
  });

  it('blocks an address that tries many accounts, until its window passes', () => {
    const l = new LoginLimiter(opts({ maxPerUser: 100, maxPerAddress: 2 }));
    for (const [name, t] of [
      ['a', 0],
      ['b', 10],
    ] as const) {
      const a = l.admit(name, '9.9.9.9', t);
      if (a.ok) expect(l.fail(a.ticket, t).map((x) => x.limit)).toEqual(name === 'b' ? ['address'] : []);
    }
    expect(l.admit('c', '9.9.9.9', 20)).toMatchObject({ ok: false, limit: 'address', retryAfterMs: 980 });
    expect(l.admit('c', '8.8.8.8', 20).ok).toBe(true);
    expect(l.admit('c', '9.9.9.9', 1001).ok).toBe(true);
  });

  it('never admits more than the limits within a window, whatever the sequence (property)', () => {
    type Step = { account: number; address: number; outcome: 'fail' | 'succeed' | 'pending'; dt: number };
    const step = fc.record({
      account: fc.integer({ min: 0, max: 3 }),
      address: fc.integer({ min: 0, max: 2 }),
      outcome: fc.constantFrom('fail', 'succeed', 'pending'),
      dt: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps: Step[]) => {
        const o = opts({ maxPerUser: 3, maxPerAddress: 5, windowMs: 1000 });
        const l = new LoginLimiter(o);
        let now = 0;
        const failedAt = new Map<string, number[]>();
        for (const s of steps) {
          now += s.dt;
          const a = l.admit(`acc${s.account}`, `ip${s.address}`, now);
          if (!a.ok) {
            expect(a.retryAfterMs).toBeGreaterThan(0);
            expect(a.retryAfterMs).toBeLessThanOrEqual(Math.max(o.maxLockMs, o.windowMs));
            continue;
          }
          if (s.outcome === 'succeed') l.succeed(a.ticket, now);
          else {
            if (s.outcome === 'fail') l.fail(a.ticket, now);
            const list = (failedAt.get(`ip${s.address}`) ?? []).filter((t) => now - t < o.windowMs);
            list.push(now);
            failedAt.set(`ip${s.address}`, list);
            // unsuccessful attempts admitted from one address within one window never exceed its limit
            expect(list.length).toBeLessThanOrEqual(o.maxPerAddress);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
