import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './rate-limit.ts';

describe('LoginLimiter', () => {
  it('blocks a username after too many failures and lets it in again after the window', () => {
    const l = new LoginLimiter({ maxPerUser: 3, maxPerAddress: 100, windowMs: 1000 });
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterMs('Ann', '1.1.1.1', 100 + i)).toBe(0);
      l.fail('ann', '1.1.1.1', 100 + i);
    }
    expect(l.retryAfterMs('ann', '2.2.2.2', 200)).toBe(900);
    expect(l.retryAfterMs('bob', '1.1.1.1', 200)).toBe(0);
    expect(l.retryAfterMs('ann', '1.1.1.1', 1100)).toBe(0);
  });

  it('blocks an address that tries many usernames', () => {
    const l = new LoginLimiter({ maxPerUser: 100, maxPerAddress: 2, windowMs: 1000 });
    l.fail('a', '9.9.9.9', 0);
    l.fail('b', '9.9.9.9', 10);
    expect(l.retryAfterMs('c', '9.9.9.9', 20)).toBeGreaterThan(0);
    expect(l.retryAfterMs('c', '8.8.8.8', 20)).toBe(0);
  });

  it('a success clears the user count', () => {
    const l = new LoginLimiter({ maxPerUser: 2, maxPerAddress: 100, windowMs: 1000 });
    l.fail('ann', 'x', 0);
    l.succeed('ann');
    l.fail('ann', 'x', 1);
    expect(l.retryAfterMs('ann', 'x', 2)).toBe(0);
  });
});
