// Business rules of the ERP link: what a completion puts in the outbox, webhooks (audited, secrets never shown again),
// the outbox's view and retry, a signed test ping, and the performance document of an order on request.
import { randomUUID } from 'node:crypto';
import type { CompletionHook, OrderPerformance } from '../execution/index.ts';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, fromDatabaseError, notFound } from '../platform/errors.ts';
import { renderPerformance, type PerformanceFormat } from './documents.ts';
import * as repo from './erp.repository.ts';
import type { OutboxQuery, WebhookFields } from './erp.repository.ts';
import type { MessageRow, OutboxPage, PublicWebhook, WebhookEvent, WebhookRow } from './schemas.ts';
import { send, type DeliveryWorker, type SendResult } from './outbox.ts';
import { newSecret } from './signature.ts';

/** Where the ERP link learns what was done: execution's service (ExecutionService.performance / onCompletion). */
export interface PerformanceSource {
  performance(orderId: string): Promise<OrderPerformance>;
  onCompletion(hook: CompletionHook): void;
}

export type { PublicWebhook };

/** The answer to a creation: the one time the secret is shown. */
export type CreatedWebhook = Omit<PublicWebhook, 'secret'> & { secret: string };

/** An outbox message as the list shows it: its size instead of its body. */
export type OutboxMessage = OutboxPage['messages'][number];

const redact = (w: WebhookRow): PublicWebhook => ({ ...w, secret: '(redacted)' });

export class ErpService {
  private source: PerformanceSource | undefined;

  constructor(
    private readonly db: Db,
    private readonly worker: DeliveryWorker,
  ) {}

  /**
   * A webhook's URL must not lead to loopback, link-local, private or other special addresses unless the allow-list
   * opens them (issue #11 item 14); checked on create and change, and again, pinned, at every delivery and ping.
   */
  private async checkTarget(url: string): Promise<void> {
    await this.worker.guard.check(url, new URL(url).protocol === 'https:' ? 443 : 80);
  }

  /** Connects the source: its completions fill the outbox and its performance answers GET …/performance. */
  attach(source: PerformanceSource): void {
    this.source = source;
    source.onCompletion(this.completionHook);
  }

  get attached(): boolean {
    return this.source !== undefined;
  }

  /**
   * Runs inside the completion's transaction (the transactional outbox): one message per active webhook that wants
   * the event, rendered now so the ERP receives what was true at the completion. Rolls back with the completion.
   */
  readonly completionHook: CompletionHook = async (tx, event, perf) => {
    const name: WebhookEvent = event.kind === 'operation' ? 'operation.completed' : 'order.completed';
    const hooks = await repo.subscribers(tx, name);
    if (hooks.length === 0) return;
    const onlySeq = event.kind === 'operation' ? event.seq : null;
    const rendered = new Map<PerformanceFormat, { contentType: string; body: string }>();
    const publishedAt = new Date().toISOString();
    for (const w of hooks) {
      let doc = rendered.get(w.format);
      if (!doc) {
        // The ID follows from the order and the operation (documentId): the same scheme as GET …/performance.
        doc = renderPerformance(perf, w.format, { onlySeq, publishedAt, event: name });
        rendered.set(w.format, doc);
      }
      await repo.enqueue(tx, {
        id: randomUUID(),
        webhookId: w.id,
        orderId: perf.orderId,
        event: name,
        operationSeq: onlySeq,
        contentType: doc.contentType,
        body: doc.body,
      });
    }
    // The commit has not happened yet: look shortly after it (execution's events wake the worker at once).
    this.worker.wake(50);
  };

  async performance(orderId: string, format: PerformanceFormat): Promise<{ contentType: string; body: string }> {
    if (!this.source) throw new AppError('unavailable', 'performance is not available: the shop-floor runtime does not report it in this installation');
    return renderPerformance(await this.source.performance(orderId), format);
  }

  async listWebhooks(): Promise<PublicWebhook[]> {
    return (await repo.listWebhooks(this.db)).map(redact);
  }

  async getWebhook(id: string): Promise<PublicWebhook> {
    const w = await repo.getWebhook(this.db, id);
    if (!w) throw notFound('webhook', id);
    return redact(w);
  }

  /** Creates a webhook; the answer is the only time its secret is shown. */
  async createWebhook(actor: Actor, f: WebhookFields): Promise<CreatedWebhook> {
    await this.checkTarget(f.url);
    const secret = newSecret();
    const w = await this.write(() =>
      this.db.transaction(async (tx) => {
        const row = await repo.insertWebhook(tx as unknown as Db, randomUUID(), secret, f);
        await appendAudit(tx as unknown as Db, actor, { action: 'create', entity: 'webhook', entityId: row.id, after: redact(row) });
        return row;
      }),
    );
    return { ...redact(w), secret };
  }

  async updateWebhook(actor: Actor, id: string, patch: Partial<WebhookFields>): Promise<PublicWebhook> {
    if (patch.url !== undefined) await this.checkTarget(patch.url);
    const w = await this.write(() =>
      this.db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const before = await repo.getWebhook(t, id, true);
        if (!before) throw notFound('webhook', id);
        const row = await repo.updateWebhook(t, id, { ...before, ...patch });
        await appendAudit(t, actor, { action: 'update', entity: 'webhook', entityId: id, before: redact(before), after: redact(row) });
        return row;
      }),
    );
    if (w.active) this.worker.wake();
    return redact(w);
  }

  async deleteWebhook(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const before = await repo.getWebhook(t, id, true);
      if (!before) throw notFound('webhook', id);
      await repo.deleteWebhook(t, id);
      await appendAudit(t, actor, { action: 'delete', entity: 'webhook', entityId: id, before: redact(before) });
    });
  }

  /** Sends a signed `ping` now (not through the outbox) and reports the receiver's status code and the time taken. */
  async ping(actor: Actor, id: string, timeoutMs: number, userAgent: string): Promise<SendResult> {
    const w = await repo.getWebhook(this.db, id);
    if (!w) throw notFound('webhook', id);
    await this.checkTarget(w.url);
    const body = JSON.stringify({ event: 'ping', webhook: w.name, sentBy: actor.name, at: new Date().toISOString() });
    return send(
      { url: w.url, secret: w.secret, deliveryId: randomUUID(), event: 'ping', contentType: 'application/json; charset=utf-8', body },
      timeoutMs,
      userAgent,
      this.worker.guard,
    );
  }

  async outbox(q: OutboxQuery): Promise<OutboxPage> {
    const [counts, rows] = await Promise.all([repo.countsByStatus(this.db), repo.listMessages(this.db, q)]);
    return { counts, messages: rows.map(({ body, ...m }) => ({ ...m, bytes: Buffer.byteLength(body) })) };
  }

  async message(id: string): Promise<MessageRow> {
    const m = await repo.getMessage(this.db, id);
    if (!m) throw notFound('outbox message', id);
    return m;
  }

  /** A dead (failed) message back to pending with a fresh set of attempts; the later ones of its order follow it. */
  async retry(actor: Actor, id: string): Promise<MessageRow> {
    await this.db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const m = await repo.getMessage(t, id, true);
      if (!m) throw notFound('outbox message', id);
      if (m.status !== 'failed') throw new AppError('conflict', `message '${id}' is ${m.status}: only a dead (failed) message can be retried`);
      await repo.requeue(t, id);
      await appendAudit(t, actor, {
        action: 'retry',
        entity: 'outbox_message',
        entityId: id,
        before: { status: m.status, attempts: m.attempts, lastError: m.lastError },
        after: { status: 'pending', attempts: 0 },
      });
    });
    this.worker.wake();
    return this.message(id);
  }

  private async write<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const mapped = fromDatabaseError(err);
      if (mapped?.code === 'duplicate') throw new AppError('duplicate', 'a webhook with this name already exists');
      throw mapped ?? err;
    }
  }
}
