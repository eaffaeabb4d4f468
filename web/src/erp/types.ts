// Shapes of the ERP link API (src/erp) as the pages use them.
export type WebhookEvent = 'operation.completed' | 'order.completed';
export type PerformanceFormat = 'b2mml-v0600' | 'b2mml-v0701' | 'json';
export type MessageStatus = 'pending' | 'delivered' | 'failed';

export interface Webhook {
  id: string;
  name: string;
  url: string;
  /** '(redacted)' except in the answer to the creation */
  secret: string;
  events: WebhookEvent[];
  format: PerformanceFormat;
  active: boolean;
  maxAttempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface OutboxMessage {
  id: string;
  webhookId: string;
  webhookName: string;
  orderId: string;
  seq: number;
  event: WebhookEvent;
  operationSeq: number | null;
  contentType: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: string;
  deliveredAt: string | null;
  bytes: number;
}

export interface OutboxView {
  counts: Record<MessageStatus, number>;
  messages: OutboxMessage[];
}

export interface PingResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  ms: number;
}

export const FORMAT_LABELS: Record<PerformanceFormat, string> = {
  'b2mml-v0600': 'B2MML V0600 ProductionPerformance',
  'b2mml-v0701': 'B2MML V0701 OperationsPerformance',
  json: 'JSON',
};

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'operation.completed': 'Operation completed',
  'order.completed': 'Order completed',
};
