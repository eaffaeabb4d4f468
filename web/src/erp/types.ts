// The ERP link's shapes are the server's own (src/erp/index.ts); the labels are how the pages name them.
import type { CreatedWebhook, PerformanceFormat, PublicWebhook, WebhookEvent } from '../../../src/erp/index.ts';

export type { MessageRow, MessageStatus, OutboxMessage, OutboxPage, PerformanceFormat, WebhookEvent } from '../../../src/erp/index.ts';
export type { SendResult as PingResult } from '../../../src/erp/index.ts';

/** A webhook as the list, a change and the creation answer it; only the creation shows the secret, else '(redacted)'. */
export type Webhook = PublicWebhook | CreatedWebhook;

export const FORMAT_LABELS: Record<PerformanceFormat, string> = {
  'b2mml-v0600': 'B2MML V0600 ProductionPerformance',
  'b2mml-v0701': 'B2MML V0701 OperationsPerformance',
  json: 'JSON',
};

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'operation.completed': 'Operation completed',
  'order.completed': 'Order completed',
};
