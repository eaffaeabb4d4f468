// HTTP face of execution: orders in (JSON, CSV, B2MML), release, cancel, and the dispatch list of a work centre.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { AppError, validationFailed } from '../platform/errors.ts';
import { bodyLimitHook } from '../platform/limits.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import { OFFLOAD_ABOVE_CHARS, offload, yieldToLoop } from '../platform/offload.ts';
import type { MappedSchedule } from './b2mml.ts';
import { B2MML_JOB, checkSchedule } from './b2mml-job.ts';
import { xmlText } from './b2mml-text.ts';
import { b2mmlLimits, B2MML_SETTINGS } from './b2mml-limits.ts';
import { dispatchListSchema, orderWithOperationsSchema, publicOrderSchema, type ExecutionService, type RequestOutcome } from './execution.service.ts';
import { fromBody, orderBodySchema, orderIdSchema, withUnknownProducts, type CsvParse } from './intake.ts';
import { ORDER_SOURCES, ORDER_STATUSES } from './model.ts';
import { csvLimits, CSV_JOB, CSV_SETTINGS, parseOrdersCsvLimited } from './intake-limits.ts';
import { schemaFolder } from '../platform/b2mml/index.ts';

/** Who may send plans: planners and the ERP's integration token. */
const PLANNERS = ['admin', 'supervisor', 'integration'] as const;

const outcome = z.object({
  orderId: z.string(),
  requestId: z.string().nullable(),
  result: z.enum(['created', 'updated', 'unchanged', 'cancelled', 'rejected']),
  reason: z.string().optional(),
  version: z.number().optional(),
});

const b2mmlAnswer = z.object({ version: z.string(), verb: z.string().nullable(), schedules: z.array(z.string()), results: z.array(outcome) });

/** Orders written between two yields to the event loop: each is its own transaction, so other requests get in between. */
const WRITE_BATCH = 5;

/**
 * Several orders in one call are applied one by one, so some can be rejected while the others are taken. The answer
 * says so where an ERP that looks only at the status or the headers sees it: `Takt-Rejected: <n>` on every such answer,
 * and 207 Multi-Status instead of 200/201 when n > 0 (the body's `results` say which and why; docs/execution.md).
 */
function withRejections(reply: FastifyReply, results: RequestOutcome[], status: number): FastifyReply {
  const rejected = results.filter((r) => r.result === 'rejected').length;
  return reply.header('Takt-Rejected', String(rejected)).status(rejected > 0 ? 207 : status);
}

const isText = (body: unknown, type: string | undefined, want: RegExp, what: string): string => {
  if (typeof body !== 'string' || !want.test(type ?? '')) throw new AppError('unsupported_media_type', `send ${what}`);
  return body;
};

export const executionRoutes =
  (service: ExecutionService) =>
  (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };
    const orderParams = z.object({ id: orderIdSchema });
    // Read once at start: a bad value stops the start (platform/limits.ts) instead of surfacing on the first upload.
    const xmlLimits = b2mmlLimits();
    const csv = csvLimits();

    app.post(
      '/api/orders',
      {
        config: { roles: PLANNERS },
        schema: {
          tags: ['orders'],
          summary: 'Create or update production orders (one object or an array); idempotent by order id',
          body: z.union([orderBodySchema, z.array(orderBodySchema).min(1).max(1000)]),
          response: {
            200: z.object({ results: z.array(outcome) }),
            201: z.object({ results: z.array(outcome) }),
            207: z.object({ results: z.array(outcome) }),
          },
        },
      },
      async (req, reply) => {
        const actor = actorOf(principalOf(req));
        const results: RequestOutcome[] = Array.isArray(req.body)
          ? await service.receive(
              actor,
              req.body.map((b) => fromBody(b)),
              'each',
            )
          : [await service.receiveOne(actor, fromBody(req.body))];
        return withRejections(reply, results, results.some((r) => r.result === 'created') ? 201 : 200).send({ results });
      },
    );

    app.post(
      '/api/orders/import',
      {
        config: { roles: ROLES.plantEditors, accepts: ['text/csv'] },
        bodyLimit: csv.maxBytes,
        preParsing: bodyLimitHook(csv.maxBytes, CSV_SETTINGS.maxBytes),
        schema: {
          tags: ['orders'],
          summary: 'CSV upload (order,product,quantity,due,priority), all or nothing',
          response: { 200: z.object({ results: z.array(outcome) }) },
        },
      },
      async (req) => {
        const text = isText(req.body, req.headers['content-type'], /^text\/csv/i, 'the orders as Content-Type: text/csv');
        const parsed =
          text.length > OFFLOAD_ABOVE_CHARS ? await offload<CsvParse>(CSV_JOB, 'parseOrdersCsvLimited', [text, csv]) : parseOrdersCsvLimited(text, csv);
        if (parsed.issues.length) {
          // Every error of the file at once, including unknown products on lines that have other errors too.
          const issues = withUnknownProducts(parsed, await service.unknownProducts(parsed.products.map((p) => p.product)));
          throw validationFailed(`nothing was imported: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
        }
        return { results: await service.receive(actorOf(principalOf(req)), parsed.orders, 'atomic', parsed.labels) };
      },
    );

    app.get(
      '/api/orders',
      {
        config: read,
        schema: {
          tags: ['orders'],
          summary: 'Production orders, most urgent first',
          querystring: z.object({
            status: z.enum(ORDER_STATUSES).optional(),
            product: z.string().max(64).optional(),
            source: z.enum(ORDER_SOURCES).optional(),
            dueBefore: z.iso.datetime({ offset: true }).optional(),
            dueAfter: z.iso.datetime({ offset: true }).optional(),
            limit: z.coerce.number().int().min(1).max(10_000).default(500),
          }),
          response: { 200: z.array(publicOrderSchema) },
        },
      },
      (req) => service.list(req.query),
    );

    app.get(
      '/api/orders/:id',
      {
        config: read,
        schema: { tags: ['orders'], summary: 'One order with its operations', params: orderParams, response: { 200: orderWithOperationsSchema } },
      },
      (req) => service.get(req.params.id),
    );

    app.post(
      '/api/orders/:id/release',
      {
        config: { roles: ROLES.plantEditors },
        schema: {
          tags: ['orders'],
          summary: 'Release after checking product, routing, materials and machines',
          params: orderParams,
          response: { 200: orderWithOperationsSchema },
        },
      },
      (req) => service.release(actorOf(principalOf(req)), req.params.id),
    );

    app.post(
      '/api/orders/:id/cancel',
      {
        config: { roles: PLANNERS },
        schema: {
          tags: ['orders'],
          summary: 'Cancel an order that has not started',
          params: orderParams,
          body: z
            .object({ reason: z.string().max(1000).optional() })
            .strict()
            .optional(),
          response: { 200: publicOrderSchema },
        },
      },
      (req) => service.cancel(actorOf(principalOf(req)), req.params.id, req.body?.reason),
    );

    app.get(
      '/api/workcenters/:id/dispatch',
      {
        config: read,
        schema: {
          tags: ['orders'],
          summary: 'Released operations that can run at this work centre or machine (id or path), in priority order',
          params: z.object({ id: z.string().min(1).max(1000) }),
          response: { 200: dispatchListSchema },
        },
      },
      (req) => service.dispatch(decodeURIComponent(req.params.id)),
    );

    // B2MML arrives as bytes: its encoding is the document's (BOM, charset, declaration), not always UTF-8 (b2mml-text.ts).
    void fastify.register(async (scope) => {
      scope.removeContentTypeParser(['application/xml', 'text/xml']);
      scope.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/integration/b2mml',
        {
          config: { roles: PLANNERS, accepts: ['application/xml', 'text/xml'] },
          bodyLimit: xmlLimits.maxBytes,
          preParsing: bodyLimitHook(xmlLimits.maxBytes, B2MML_SETTINGS.maxBytes),
          schema: {
            tags: ['integration'],
            summary: 'B2MML V0600 ProductionSchedule / V0701 OperationsSchedule (bare or in a Process/Sync/Change/Cancel verb)',
            response: { 200: b2mmlAnswer, 207: b2mmlAnswer },
          },
        },
        async (req, reply) => {
          const type = req.headers['content-type'];
          if (!Buffer.isBuffer(req.body) || !/^(application|text)\/xml/i.test(type ?? ''))
            throw new AppError('unsupported_media_type', 'send B2MML as Content-Type: application/xml');
          const text = xmlText(req.body, type);
          const folder = schemaFolder();
          const mapped =
            text.length > OFFLOAD_ABOVE_CHARS
              ? await offload<MappedSchedule>(B2MML_JOB, 'checkSchedule', [text, xmlLimits, folder])
              : await checkSchedule(text, xmlLimits, folder);
          const actor = actorOf(principalOf(req));
          const results: RequestOutcome[] = [];
          // Bounded steps: a batch of orders (one transaction each), then other requests get the event loop and the database.
          for (let i = 0; i < mapped.requests.length; i += WRITE_BATCH) {
            if (i > 0) await yieldToLoop();
            for (const r of mapped.requests.slice(i, i + WRITE_BATCH)) {
              if (!r.order) results.push({ orderId: r.requestId, requestId: r.requestId, result: 'rejected', reason: r.problem });
              else results.push(...(await service.receive(actor, [r.order], 'each')));
            }
          }
          return withRejections(reply, results, 200).send({ version: mapped.version, verb: mapped.verb, schedules: mapped.scheduleIds, results });
        },
      );
    });
  };
