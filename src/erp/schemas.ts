// The ERP link's records as its routes answer them, defined once: each zod schema is also the reply's serializer
// (server.ts) and its OpenAPI description, and the TypeScript types are derived from it.
import { z } from 'zod';
import { orderPerformanceSchema } from '../execution/index.ts';
import { PERFORMANCE_FORMATS } from './documents.ts';

export const WEBHOOK_EVENTS = ['operation.completed', 'order.completed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const MESSAGE_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A webhook as stored, signing secret included (the API shows it once, on creation). */
export const webhookRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  secret: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  format: z.enum(PERFORMANCE_FORMATS),
  active: z.boolean(),
  maxAttempts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookRow = z.infer<typeof webhookRowSchema>;

/** A webhook as the API shows it: the secret is never returned after creation. */
export const publicWebhookSchema = webhookRowSchema.extend({ secret: z.literal('(redacted)') });
export type PublicWebhook = z.infer<typeof publicWebhookSchema>;

/** An outbox message: one document for one webhook, with its delivery status. */
export const messageRowSchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  webhookName: z.string(),
  orderId: z.string(),
  seq: z.number(),
  event: z.enum(WEBHOOK_EVENTS),
  operationSeq: z.number().nullable(),
  contentType: z.string(),
  body: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type MessageRow = z.infer<typeof messageRowSchema>;

/** GET /api/outbox: the count per status, and the messages asked for without their bodies (their size instead). */
export const outboxPageSchema = z.object({
  counts: z.object({ pending: z.number(), delivered: z.number(), failed: z.number() }),
  messages: z.array(messageRowSchema.omit({ body: true }).extend({ bytes: z.number() })),
});
export type OutboxPage = z.infer<typeof outboxPageSchema>;

/** What one delivery attempt (or a test ping) got back. */
export const sendResultSchema = z.object({ ok: z.boolean(), statusCode: z.number().nullable(), error: z.string().nullable(), ms: z.number() });
export type SendResult = z.infer<typeof sendResultSchema>;

/** The JSON form of the performance document (toJsonPerformance): the order's performance with what it is about. */
export const performanceDocumentSchema = orderPerformanceSchema.extend({
  id: z.string(),
  event: z.enum(WEBHOOK_EVENTS).optional(),
  publishedAt: z.string(),
});
export type PerformanceDocument = z.infer<typeof performanceDocumentSchema>;
