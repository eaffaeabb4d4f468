// The outbox's delivery worker: takes due messages, POSTs them signed to their webhook, and books the outcome.
// A setTimeout loop (no overlapping ticks) that sleeps until the next message is due, at most `pollMs` (which also
// picks up messages written by another Takt process), and wakes early when told something was written.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyBaseLogger } from 'fastify';
import { OutboundGuard, pinnedLookup, type PinnedAddress } from '../platform/net/outbound.ts';
import type { Db } from '../platform/db/database.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { claim, markDelivered, markFailed, nextDue, pruneDelivered, type ClaimedMessage } from './erp.repository.ts';
import type { SendResult } from './schemas.ts';
import { sign } from './signature.ts';

export interface DeliveryOptions {
  backoff: BackoffPolicy;
  /** fetch timeout per attempt, ms */
  timeoutMs: number;
  /** longest sleep between looks at the table, ms */
  pollMs: number;
  /** messages taken per look */
  batch: number;
  userAgent: string;
  /** delivered messages are kept this many days, then deleted (checked hourly) */
  keepDays: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { backoff: DEFAULT_BACKOFF, timeoutMs: 10_000, pollMs: 2_000, batch: 20, userAgent: 'Takt', keepDays: 90 };
const PRUNE_EVERY_MS = 3_600_000;

export type { SendResult };

export interface OutgoingRequest {
  url: string;
  secret: string;
  deliveryId: string;
  event: string;
  contentType: string;
  body: string;
  extraHeaders?: Record<string, string>;
}

/** Signed headers for a delivery (see docs/erp.md for the scheme). */
export function deliveryHeaders(r: OutgoingRequest, userAgent: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': r.contentType,
    'user-agent': userAgent,
    'x-takt-delivery': r.deliveryId,
    'x-takt-event': r.event,
    'x-takt-timestamp': String(timestamp),
    'x-takt-signature': sign(r.secret, timestamp, r.body),
    ...r.extraHeaders,
  };
}

/**
 * One POST to the checked, pinned address (src/platform/net/outbound.ts): the URL's host is resolved and every address
 * checked first, then the connection goes to that address (no second DNS answer), TLS still verifying the URL's name.
 * 2xx is delivered; anything else (3xx included: redirects are not followed), a refused address, a timeout or a
 * network error is a failure. The receiver's body is read and dropped, never reported: echoing it would turn the
 * webhook into a way to read other hosts' pages (issue #11 item 14).
 */
export async function send(r: OutgoingRequest, timeoutMs: number, userAgent: string, guard: OutboundGuard): Promise<SendResult> {
  const t0 = Date.now();
  let pinned: PinnedAddress;
  const url = new URL(r.url);
  try {
    pinned = await guard.check(url, url.protocol === 'https:' ? 443 : 80);
  } catch (err) {
    return { ok: false, statusCode: null, error: (err as Error).message, ms: Date.now() - t0 };
  }
  try {
    const status = await post(url, pinned, deliveryHeaders(r, userAgent), r.body, timeoutMs);
    const ok = status >= 200 && status < 300;
    return { ok, statusCode: status, error: ok ? null : `HTTP ${status}`, ms: Date.now() - t0 };
  } catch (err) {
    const e = err as Error & { code?: string };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.code ?? e.message);
    return { ok: false, statusCode: null, error: reason, ms: Date.now() - t0 };
  }
}

/** The POST itself over node:http(s) with a pinned lookup; resolves with the status once the answer has been read. */
function post(url: URL, pinned: PinnedAddress, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const payload = Buffer.from(body);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(payload.length) }, lookup: pinnedLookup(pinned), agent: false },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume(); // drain and drop the answer
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(payload);
  });
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private prunedAt = 0;
  private nextAt = 0;
  readonly options: DeliveryOptions;
  readonly stats = { delivered: 0, failed: 0, dead: 0 };

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    options: Partial<DeliveryOptions> = {},
    private readonly random: () => number = Math.random,
    /** Where deliveries may go (loopback and private addresses only if allowed). */
    readonly guard: OutboundGuard = new OutboundGuard(),
  ) {
    this.options = { ...DEFAULT_DELIVERY, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Waits for the delivery in flight (bounded by the fetch timeout); nothing new starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Something was written (or committed): look now rather than at the next poll. */
  wake(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(delayMs, true);
  }

  /** Sets the next look; a wake-up never postpones a look already due sooner (a stream of completions cannot starve it). */
  private schedule(ms: number, earlierOnly = false): void {
    const at = Date.now() + Math.max(0, ms);
    if (earlierOnly && this.timer && this.nextAt <= at) return;
    clearTimeout(this.timer);
    this.nextAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.tick();
      },
      Math.max(0, ms),
    );
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    let wait = this.options.pollMs;
    this.running = (async () => {
      try {
        this.again = false;
        if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
          this.prunedAt = Date.now();
          const n = await pruneDelivered(this.db, this.options.keepDays);
          if (n) this.log.info({ deleted: n, keepDays: this.options.keepDays }, 'outbox: old delivered messages deleted');
        }
        const leaseMs = this.options.timeoutMs + 30_000;
        const batch = await claim(this.db, this.options.batch, leaseMs);
        await Promise.all(batch.map((m) => this.deliver(m)));
        if (batch.length > 0 || this.again) wait = 0;
        else {
          const due = await nextDue(this.db);
          if (due !== null) wait = Math.min(this.options.pollMs, Math.max(10, due - Date.now()));
        }
      } catch (err) {
        // the database may be away for a moment: try again at the next poll
        this.log.warn({ err: (err as Error).message }, 'outbox: delivery round failed');
      }
    })();
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(wait);
  }

  private async deliver(m: ClaimedMessage): Promise<void> {
    const res = await send(
      {
        url: m.url,
        secret: m.secret,
        deliveryId: m.id,
        event: m.event,
        contentType: m.contentType,
        body: m.body,
        extraHeaders: { 'x-takt-order': m.orderId, 'x-takt-seq': String(m.seq) },
      },
      this.options.timeoutMs,
      this.options.userAgent,
      this.guard,
    );
    if (res.ok) {
      await markDelivered(this.db, m.id, res.statusCode!);
      this.stats.delivered++;
      return;
    }
    const dead = m.attempts >= m.maxAttempts;
    await markFailed(this.db, m.id, res.error ?? 'failed', res.statusCode, dead, dead ? 0 : backoffDelay(m.attempts, this.options.backoff, this.random));
    this.stats.failed++;
    if (dead) {
      this.stats.dead++;
      this.log.warn(
        { message: m.id, order: m.orderId, webhook: m.webhookName, attempts: m.attempts, error: res.error },
        'outbox: message dead after its last attempt',
      );
    }
  }
}
