import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { newSecret, sign, verify } from './signature.ts';

describe('signature', () => {
  const body = '<ProductionPerformance>Ä & é</ProductionPerformance>';
  it('is HMAC-SHA256 of "<timestamp>.<body>" in hex, as a receiver recomputes it', () => {
    const expected = createHmac('sha256', 'k').update(`1700000000.${body}`).digest('hex');
    expect(sign('k', 1700000000, body)).toBe(`sha256=${expected}`);
  });
  it('verifies the genuine delivery and refuses a changed body, timestamp, secret or a stale one', () => {
    const secret = newSecret();
    const sig = sign(secret, 1700000000, body);
    expect(verify(secret, sig, '1700000000', body, 1700000010)).toBe(true);
    expect(verify(secret, sig, '1700000000', `${body} `, 1700000010)).toBe(false);
    expect(verify(secret, sig, '1700000001', body, 1700000010)).toBe(false);
    expect(verify('other', sig, '1700000000', body, 1700000010)).toBe(false);
    expect(verify(secret, sig, '1700000000', body, 1700000000 + 301)).toBe(false);
    expect(verify(secret, undefined, '1700000000', body, 1700000000)).toBe(false);
    expect(verify(secret, sig, 'abc', body, 1700000000)).toBe(false);
  });
  it('new secrets differ and are long', () => {
    const a = newSecret();
    expect(a).not.toBe(newSecret());
    expect(a.length).toBeGreaterThan(40);
  });
});

describe('backoff schedule', () => {
  it('doubles from the base up to the cap without jitter', () => {
    const p = { baseMs: 1000, capMs: 10_000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, p))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
  it('jitter keeps each delay between half and all of its step', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(20_000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(10_000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, DEFAULT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(20_000);
      expect(d).toBeLessThanOrEqual(40_000);
    }
    expect(backoffDelay(40, DEFAULT_BACKOFF, () => 0)).toBe(DEFAULT_BACKOFF.capMs);
  });
});
