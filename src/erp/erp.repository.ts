// SQL of the ERP link: webhooks and the outbox. Every value goes in as a bound parameter (drizzle's sql template).
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import type { PerformanceFormat } from './documents.ts';
import type { MessageRow, MessageStatus, WebhookEvent, WebhookRow } from './schemas.ts';

export { MESSAGE_STATUSES, WEBHOOK_EVENTS, type MessageRow, type MessageStatus, type WebhookEvent, type WebhookRow } from './schemas.ts';

/** A message taken for delivery, with what is needed to send it. */
export interface ClaimedMessage extends MessageRow {
  url: string;
  secret: string;
  maxAttempts: number;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function webhookOf(r: Record<string, unknown>): WebhookRow {
  return {
    id: r.id as string,
    name: r.name as string,
    url: r.url as string,
    secret: r.secret as string,
    events: json<WebhookEvent[]>(r.events),
    format: r.format as PerformanceFormat,
    active: r.active as boolean,
    maxAttempts: Number(r.max_attempts),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function messageOf(r: Record<string, unknown>): MessageRow {
  return {
    id: r.id as string,
    webhookId: r.webhook_id as string,
    webhookName: (r.webhook_name as string) ?? '',
    orderId: r.order_id as string,
    seq: Number(r.seq),
    event: r.event as WebhookEvent,
    operationSeq: r.operation_seq === null ? null : Number(r.operation_seq),
    contentType: r.content_type as string,
    body: r.body as string,
    status: r.status as MessageStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: iso(r.next_attempt_at)!,
    lastError: (r.last_error as string | null) ?? null,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    createdAt: iso(r.created_at)!,
    deliveredAt: iso(r.delivered_at),
  };
}

export interface WebhookFields {
  name: string;
  url: string;
  events: WebhookEvent[];
  format: PerformanceFormat;
  active: boolean;
  maxAttempts: number;
}

export async function insertWebhook(db: Db, id: string, secret: string, f: WebhookFields): Promise<WebhookRow> {
  const [r] = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO erp_webhooks (id, name, url, secret, events, format, active, max_attempts)
        VALUES (${id}, ${f.name}, ${f.url}, ${secret}, ${JSON.stringify(f.events)}::jsonb, ${f.format}, ${f.active}, ${f.maxAttempts}) RETURNING *`,
  );
  return webhookOf(r!);
}

export async function updateWebhook(db: Db, id: string, f: WebhookFields): Promise<WebhookRow> {
  const [r] = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE erp_webhooks SET name = ${f.name}, url = ${f.url}, events = ${JSON.stringify(f.events)}::jsonb, format = ${f.format},
        active = ${f.active}, max_attempts = ${f.maxAttempts}, updated_at = now() WHERE id = ${id} RETURNING *`,
  );
  return webhookOf(r!);
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM erp_webhooks WHERE id = ${id}`);
}

export async function getWebhook(db: Db, id: string, forUpdate = false): Promise<WebhookRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    forUpdate ? sql`SELECT * FROM erp_webhooks WHERE id = ${id} FOR UPDATE` : sql`SELECT * FROM erp_webhooks WHERE id = ${id}`,
  );
  return rows[0] ? webhookOf(rows[0]) : undefined;
}

export async function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return (await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM erp_webhooks ORDER BY name`)).map(webhookOf);
}

/** Active webhooks that want this event. */
export async function subscribers(db: Db, event: WebhookEvent): Promise<WebhookRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM erp_webhooks WHERE active AND events @> ${JSON.stringify([event])}::jsonb ORDER BY name`,
  );
  return rows.map(webhookOf);
}

export interface NewMessage {
  id: string;
  webhookId: string;
  orderId: string;
  event: WebhookEvent;
  operationSeq: number | null;
  contentType: string;
  body: string;
}

/**
 * Appends a message at the end of its (webhook, order) queue. The advisory lock serialises two completions of the
 * same order (the UNIQUE key is the backstop); it is released when the caller's transaction ends.
 */
export async function enqueue(tx: Db, m: NewMessage): Promise<number> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(72530009, hashtext(${m.orderId}))`);
  const [r] = await rowsOf<{ seq: number }>(
    tx,
    sql`INSERT INTO erp_outbox (id, webhook_id, order_id, seq, event, operation_seq, content_type, body)
        VALUES (${m.id}, ${m.webhookId}, ${m.orderId},
                COALESCE((SELECT max(seq) FROM erp_outbox WHERE webhook_id = ${m.webhookId} AND order_id = ${m.orderId}), 0) + 1,
                ${m.event}, ${m.operationSeq}, ${m.contentType}, ${m.body})
        RETURNING seq`,
  );
  return Number(r!.seq);
}

// A message may go when it is pending, due, not held by a worker, its webhook is active, and every earlier message
// of the same order and webhook has been delivered (strict order; a dead one blocks its order until retried).
const READY = sql`m.status = 'pending' AND (m.locked_until IS NULL OR m.locked_until < now())
  AND EXISTS (SELECT 1 FROM erp_webhooks w WHERE w.id = m.webhook_id AND w.active)
  AND NOT EXISTS (SELECT 1 FROM erp_outbox e WHERE e.webhook_id = m.webhook_id AND e.order_id = m.order_id AND e.seq < m.seq AND e.status <> 'delivered')`;

/**
 * Takes up to `limit` due messages for delivery and counts the attempt. FOR UPDATE SKIP LOCKED lets two Takt processes
 * claim at the same time without taking the same message; the lease (`locked_until`) keeps it theirs while the POST
 * runs outside any transaction, and returns it to the pool if the process dies.
 */
export async function claim(db: Db, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
  return db.transaction(async (tx) => {
    const rows = await rowsOf<Record<string, unknown>>(
      tx as unknown as Db,
      sql`WITH due AS (
            SELECT m.id FROM erp_outbox m WHERE ${READY} AND m.next_attempt_at <= now()
            ORDER BY m.next_attempt_at, m.created_at LIMIT ${limit} FOR UPDATE OF m SKIP LOCKED)
          UPDATE erp_outbox o SET attempts = o.attempts + 1, locked_until = now() + make_interval(secs => ${leaseMs / 1000})
          FROM due, erp_webhooks w WHERE o.id = due.id AND w.id = o.webhook_id
          RETURNING o.*, w.name AS webhook_name, w.url, w.secret, w.max_attempts`,
    );
    return rows.map((r) => ({ ...messageOf(r), url: r.url as string, secret: r.secret as string, maxAttempts: Number(r.max_attempts) }));
  });
}

/** When the next message becomes ready (earliest head of a queue), or null when nothing waits. */
export async function nextDue(db: Db): Promise<number | null> {
  const [r] = await rowsOf<{ at: unknown }>(db, sql`SELECT min(m.next_attempt_at) AS at FROM erp_outbox m WHERE ${READY}`);
  return r?.at ? new Date(r.at as string).getTime() : null;
}

export async function markDelivered(db: Db, id: string, statusCode: number): Promise<void> {
  await db.execute(
    sql`UPDATE erp_outbox SET status = 'delivered', delivered_at = now(), last_status_code = ${statusCode}, last_error = NULL, locked_until = NULL
        WHERE id = ${id} AND status = 'pending'`,
  );
}

/** A failed attempt: back in the queue after `delayMs`, or dead (status failed) once it has had its attempts. */
export async function markFailed(db: Db, id: string, error: string, statusCode: number | null, dead: boolean, delayMs: number): Promise<void> {
  await db.execute(
    sql`UPDATE erp_outbox SET status = ${dead ? 'failed' : 'pending'}, last_error = ${error.slice(0, 1000)}, last_status_code = ${statusCode},
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), locked_until = NULL
        WHERE id = ${id} AND status = 'pending'`,
  );
}

export interface OutboxQuery {
  status?: MessageStatus;
  orderId?: string;
  webhookId?: string;
  limit: number;
}

export async function listMessages(db: Db, q: OutboxQuery): Promise<MessageRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT m.*, w.name AS webhook_name FROM erp_outbox m JOIN erp_webhooks w ON w.id = m.webhook_id
        WHERE (${q.status ?? null}::text IS NULL OR m.status = ${q.status ?? null})
          AND (${q.orderId ?? null}::text IS NULL OR m.order_id = ${q.orderId ?? null})
          AND (${q.webhookId ?? null}::uuid IS NULL OR m.webhook_id = ${q.webhookId ?? null})
        ORDER BY m.created_at DESC, m.order_id, m.seq DESC LIMIT ${q.limit}`,
  );
  return rows.map(messageOf);
}

export async function getMessage(db: Db, id: string, forUpdate = false): Promise<MessageRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    forUpdate
      ? sql`SELECT m.*, '' AS webhook_name FROM erp_outbox m WHERE m.id = ${id} FOR UPDATE`
      : sql`SELECT m.*, w.name AS webhook_name FROM erp_outbox m JOIN erp_webhooks w ON w.id = m.webhook_id WHERE m.id = ${id}`,
  );
  return rows[0] ? messageOf(rows[0]) : undefined;
}

/** A dead message back in the queue with a fresh set of attempts. */
export async function requeue(db: Db, id: string): Promise<void> {
  await db.execute(sql`UPDATE erp_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = NULL WHERE id = ${id}`);
}

/** Deletes delivered messages delivered more than `days` ago; returns how many. */
export async function pruneDelivered(db: Db, days: number): Promise<number> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`DELETE FROM erp_outbox WHERE status = 'delivered' AND delivered_at < now() - make_interval(days => ${days}) RETURNING id`,
  );
  return rows.length;
}

export async function countsByStatus(db: Db): Promise<Record<MessageStatus, number>> {
  const rows = await rowsOf<{ status: MessageStatus; n: unknown }>(db, sql`SELECT status, count(*) AS n FROM erp_outbox GROUP BY status`);
  const out: Record<MessageStatus, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
