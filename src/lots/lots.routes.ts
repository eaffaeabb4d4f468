// HTTP face of material lots: receive, list, hold/release/scrap/adjust, and the backward/forward trace (JSON or CSV).
// Consuming and producing happen through the operator terminal (execution), which books through the ledger.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { sendCsv } from '../platform/csv.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import type { LotService } from './lots.service.ts';
import { LOT_STATUSES, lotIdSchema, lotSchema, MAX_QUANTITY } from './model.ts';
import { traceSchema, traceToCsv, type Trace } from './trace.ts';
import { DEFAULT_LIMITS } from './traverse.ts';

/** Who may receive lots: stores people (supervisors), quality, admins and the ERP/WMS integration token. */
const RECEIVERS = ['admin', 'supervisor', 'quality', 'integration'] as const;
/** Who may hold, release, scrap and count lots. */
const KEEPERS = ['admin', 'supervisor', 'quality'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const params = z.object({ id: lotIdSchema });
const reasonBody = z.object({ reason: text(1000) }).strict();
const traceQuery = {
  format: z.enum(['json', 'csv']).default('json'),
  maxDepth: z.coerce.number().int().min(1).max(1000).default(DEFAULT_LIMITS.maxDepth),
  maxNodes: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_LIMITS.maxNodes),
};

/** format=json: the trace; format=csv: one line per lot, as a text/csv download. */
const traceAnswer = {
  200: {
    description: 'The trace (format=json), or one line per lot as a text/csv attachment (format=csv)',
    content: { 'application/json': { schema: traceSchema }, 'text/csv': { schema: z.string() } },
  },
};
const oneLot = { 200: lotSchema };

function send(reply: FastifyReply, t: Trace, format: 'json' | 'csv', name: string) {
  if (format === 'json') return t;
  return sendCsv(reply, `trace-${t.direction}-${name}.csv`, traceToCsv(t));
}

export const lotsRoutes =
  (service: LotService) =>
  (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };
    const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

    app.post(
      '/api/lots',
      {
        config: { roles: RECEIVERS },
        schema: {
          tags: ['lots'],
          summary: 'Receive a supplier lot (number generated as L-000123 when none is given)',
          body: z
            .object({
              id: lotIdSchema.optional(),
              material: text(64),
              quantity: z.number().positive().max(MAX_QUANTITY),
              unit: text(32).optional(),
              location: text(200).nullish(),
              supplier: text(200).nullish(),
              supplierLot: text(200).nullish(),
            })
            .strict(),
          response: { 201: lotSchema },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const lot = await service.receive(actor(req), {
          id: b.id,
          materialId: b.material,
          quantity: b.quantity,
          unit: b.unit,
          location: b.location,
          supplier: b.supplier,
          supplierLot: b.supplierLot,
        });
        return reply.status(201).send(lot);
      },
    );

    app.get(
      '/api/lots',
      {
        config: read,
        schema: {
          tags: ['lots'],
          summary: 'Material lots, newest first',
          querystring: z.object({
            material: z.string().max(64).optional(),
            status: z.enum(LOT_STATUSES).optional(),
            location: z.string().max(200).optional(),
            supplierLot: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(10_000).default(500),
          }),
          response: { 200: z.array(lotSchema) },
        },
      },
      (req) => service.list(req.query),
    );

    // Declared before /api/lots/:id so "trace" is not read as a lot number.
    app.get(
      '/api/lots/trace',
      {
        config: read,
        schema: {
          tags: ['lots'],
          summary: 'Recall: forward trace from every lot received under a supplier lot number',
          querystring: z.object({ supplierLot: text(200), ...traceQuery }),
          response: traceAnswer,
        },
      },
      async (req, reply) => {
        const { supplierLot, format, maxDepth, maxNodes } = req.query;
        return send(reply, await service.recall(supplierLot, { maxDepth, maxNodes }), format, `supplier-${supplierLot}`);
      },
    );

    app.get('/api/lots/:id', { config: read, schema: { tags: ['lots'], summary: 'One lot', params, response: oneLot } }, (req) => service.get(req.params.id));

    app.get(
      '/api/lots/:id/trace',
      {
        config: read,
        schema: {
          tags: ['lots'],
          summary: 'Backward (made from, down to supplier lots) or forward (went into, with the orders affected) trace',
          params,
          querystring: z.object({ direction: z.enum(['backward', 'forward']).default('backward'), ...traceQuery }),
          response: traceAnswer,
        },
      },
      async (req, reply) => {
        const { direction, format, maxDepth, maxNodes } = req.query;
        return send(reply, await service.trace(req.params.id, direction, { maxDepth, maxNodes }), format, req.params.id);
      },
    );

    app.post(
      '/api/lots/:id/hold',
      {
        config: { roles: KEEPERS },
        schema: { tags: ['lots'], summary: 'Put an available lot on hold: it can no longer be consumed', params, body: reasonBody, response: oneLot },
      },
      (req) => service.hold(actor(req), req.params.id, req.body.reason),
    );

    app.post(
      '/api/lots/:id/release',
      {
        config: { roles: KEEPERS },
        schema: {
          tags: ['lots'],
          summary: 'Release a lot from hold',
          params,
          body: z
            .object({ reason: text(1000).optional() })
            .strict()
            .nullish(),
          response: oneLot,
        },
      },
      (req) => service.release(actor(req), req.params.id, req.body?.reason ?? null),
    );

    app.post(
      '/api/lots/:id/scrap',
      { config: { roles: KEEPERS }, schema: { tags: ['lots'], summary: 'Scrap a lot (what is left of it)', params, body: reasonBody, response: oneLot } },
      (req) => service.scrap(actor(req), req.params.id, req.body.reason),
    );

    app.post(
      '/api/lots/:id/adjust',
      {
        config: { roles: KEEPERS },
        schema: {
          tags: ['lots'],
          summary: 'Stock count: set what the lot holds now (0 marks it consumed)',
          params,
          body: z.object({ quantity: z.number().min(0).max(MAX_QUANTITY), reason: text(1000) }).strict(),
          response: oneLot,
        },
      },
      (req) => service.adjust(actor(req), req.params.id, req.body.quantity, req.body.reason),
    );
  };
