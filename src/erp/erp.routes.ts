// HTTP face of the ERP link: an order's performance document, webhooks (admin), the outbox and its retry.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { principalOf, ROLES } from '../platform/http/guard.ts';
import { PERFORMANCE_FORMATS } from './documents.ts';
import { MESSAGE_STATUSES, WEBHOOK_EVENTS } from './erp.repository.ts';
import type { ErpService } from './erp.service.ts';
import type { DeliveryOptions } from './outbox.ts';
import { messageRowSchema, outboxPageSchema, performanceDocumentSchema, publicWebhookSchema, sendResultSchema, webhookRowSchema } from './schemas.ts';

const OUTBOX_READERS = ['admin', 'supervisor', 'integration'] as const;
const RETRIERS = ['admin', 'supervisor'] as const;

const orderId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - only, 1–100 characters');
const idParams = z.object({ id: z.uuid('a webhook or message id (UUID)') });

const url = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'an http(s) URL without user:password (the signature authenticates Takt)');

const webhookFields = {
  name: z.string().trim().min(1).max(100),
  url,
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, 'at least one event')
    .transform((e) => [...new Set(e)]),
  format: z.enum(PERFORMANCE_FORMATS),
  active: z.boolean(),
  maxAttempts: z.number().int().min(1).max(100),
};
const createBody = z
  .object({
    ...webhookFields,
    events: webhookFields.events.default(['order.completed']),
    active: webhookFields.active.default(true),
    maxAttempts: webhookFields.maxAttempts.default(10),
  })
  .strict();
const patchBody = z
  .object(webhookFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export function erpRoutes(service: ErpService, delivery: DeliveryOptions) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/orders/:id/performance',
      {
        config: { roles: ROLES.anyone },
        schema: {
          tags: ['erp'],
          summary: 'What was actually done for the order: B2MML V0600 ProductionPerformance, V0701 OperationsPerformance or JSON',
          params: z.object({ id: orderId }),
          querystring: z.object({ format: z.enum(PERFORMANCE_FORMATS).default('json') }),
          response: {
            200: {
              description: 'The document in the asked format (sent as rendered: the same bytes a webhook receives)',
              content: {
                'application/json': { schema: performanceDocumentSchema },
                'application/xml': { schema: z.string().describe('B2MML V0600 ProductionPerformance or V0701 OperationsPerformance') },
              },
            },
          },
        },
      },
      async (req, reply) => {
        const doc = await service.performance(req.params.id, req.query.format);
        return reply.type(doc.contentType).send(doc.body);
      },
    );

    app.get(
      '/api/webhooks',
      { config: { roles: ROLES.admin }, schema: { tags: ['erp'], summary: 'Webhooks (secrets redacted)', response: { 200: z.array(publicWebhookSchema) } } },
      () => service.listWebhooks(),
    );

    app.get(
      '/api/webhooks/:id',
      {
        config: { roles: ROLES.admin },
        schema: { tags: ['erp'], summary: 'One webhook (secret redacted)', params: idParams, response: { 200: publicWebhookSchema } },
      },
      (req) => service.getWebhook(req.params.id),
    );

    app.post(
      '/api/webhooks',
      {
        config: { roles: ROLES.admin },
        schema: {
          tags: ['erp'],
          summary: 'Create a webhook; the answer shows its signing secret, once',
          body: createBody,
          response: { 201: webhookRowSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await service.createWebhook(actorOf(principalOf(req)), req.body)),
    );

    app.patch(
      '/api/webhooks/:id',
      {
        config: { roles: ROLES.admin },
        schema: {
          tags: ['erp'],
          summary: 'Change a webhook (active: false pauses its deliveries)',
          params: idParams,
          body: patchBody,
          response: { 200: publicWebhookSchema },
        },
      },
      (req) => service.updateWebhook(actorOf(principalOf(req)), req.params.id, req.body),
    );

    app.delete(
      '/api/webhooks/:id',
      {
        config: { roles: ROLES.admin },
        schema: { tags: ['erp'], summary: 'Delete a webhook and its messages', params: idParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await service.deleteWebhook(actorOf(principalOf(req)), req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/webhooks/:id/test',
      {
        config: { roles: ROLES.admin },
        schema: { tags: ['erp'], summary: 'Send a signed ping now and report the answer', params: idParams, response: { 200: sendResultSchema } },
      },
      (req) => service.ping(actorOf(principalOf(req)), req.params.id, delivery.timeoutMs, delivery.userAgent),
    );

    app.get(
      '/api/outbox',
      {
        config: { roles: OUTBOX_READERS },
        schema: {
          tags: ['erp'],
          summary: 'Outbox messages with their delivery status, newest first',
          querystring: z.object({
            status: z.enum(MESSAGE_STATUSES).optional(),
            order: orderId.optional(),
            webhook: z.uuid().optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          }),
          response: { 200: outboxPageSchema },
        },
      },
      (req) => service.outbox({ status: req.query.status, orderId: req.query.order, webhookId: req.query.webhook, limit: req.query.limit }),
    );

    app.get(
      '/api/outbox/:id',
      {
        config: { roles: OUTBOX_READERS },
        schema: { tags: ['erp'], summary: 'One message with its body', params: idParams, response: { 200: messageRowSchema } },
      },
      (req) => service.message(req.params.id),
    );

    app.post(
      '/api/outbox/:id/retry',
      {
        config: { roles: RETRIERS },
        schema: {
          tags: ['erp'],
          summary: 'Put a dead (failed) message back in the queue with fresh attempts',
          params: idParams,
          response: { 200: messageRowSchema },
        },
      },
      (req) => service.retry(actorOf(principalOf(req)), req.params.id),
    );
  };
}
