// Webhook signatures: the receiver proves a delivery came from this Takt and was not altered or replayed late.
// Scheme (documented in docs/erp.md): HMAC-SHA256 with the webhook's secret over `<timestamp>.<body>`, where timestamp
// is the X-Takt-Timestamp header (Unix seconds); sent as `X-Takt-Signature: sha256=<lower-case hex>`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-takt-signature';
export const TIMESTAMP_HEADER = 'x-takt-timestamp';

/** A new webhook secret: 32 random bytes, base64url (shown once at creation). */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: recompute and compare in constant time, and refuse a timestamp further than `toleranceS`
 * from its own clock (a captured delivery replayed later fails).
 */
export function verify(
  secret: string,
  header: string | undefined,
  timestamp: string | undefined,
  body: string,
  nowS = Date.now() / 1000,
  toleranceS = 300,
): boolean {
  if (!header || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  if (Math.abs(nowS - ts) > toleranceS) return false;
  const want = Buffer.from(sign(secret, ts, body));
  const got = Buffer.from(header);
  return got.length === want.length && timingSafeEqual(got, want);
}
