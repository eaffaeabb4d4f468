// HTTP face of the shop floor: the station terminal (queue, setup with recipe download, start, pause, counts, scrap,
// lots, completion), andon calls, parameter-lock alarms, labour, work-instruction files and a live stream.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../platform/audit/audit.service.ts';
import { actorOf } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import { rowsOf, sql } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import { eventStreamResponse, openEventStream, type EventStream } from '../platform/http/sse.ts';
import * as andonRepo from './andon.repository.ts';
import type { AndonService } from './andon.service.ts';
import { orderIdSchema } from './intake.ts';
import {
  completeResultSchema,
  consumeResultSchema,
  operationFiguresSchema,
  setupResultSchema,
  signInResultSchema,
  signOutResultSchema,
  type ShopFloor,
} from './shopfloor.service.ts';
import * as run from './shopfloor.repository.ts';
import { attachmentSchema, operationViewSchema, stationViewSchema, type ShopFloorViews } from './shopfloor.views.ts';
import { commandRecordSchema } from '../connectors/index.ts';

/** People who work at stations; supervisors and admins may do everything an operator does. */
const FLOOR = ['admin', 'supervisor', 'operator'] as const;
const SUPERVISORS = ['admin', 'supervisor'] as const;
/** The body types a work-instruction upload takes (parsed as bytes in that route's scope). */
const INSTRUCTION_MEDIA = ['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;
const INSTRUCTION_TYPES = /^(image\/(png|jpeg|gif|webp|svg\+xml)|application\/pdf|text\/plain)$/;

const operationView = { 200: operationViewSchema };
/** A file's bytes; OpenAPI calls them a binary string. */
const fileBytes = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

export interface ShopFloorParts {
  floor: ShopFloor;
  views: ShopFloorViews;
  andon: AndonService;
  streams: Set<EventStream>;
  plant: EquipmentLookup;
}

export const terminalRoutes =
  (ctx: AppContext, parts: ShopFloorParts) =>
  (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const { floor, views, andon } = parts;
    const read = { roles: ROLES.anyone };
    const opParams = z.object({ orderId: orderIdSchema, seq: z.coerce.number().int().min(1).max(1_000_000) });
    const who = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));
    const station = z.string().min(1).max(1000);

    app.get(
      '/api/stations/:id',
      {
        config: read,
        schema: {
          tags: ['shop floor'],
          summary: 'A station terminal: machine, current operation with live counts, queue, people, calls, alarms',
          params: z.object({ id: station }),
          response: { 200: stationViewSchema },
        },
      },
      (req) => views.station(decodeURIComponent(req.params.id)),
    );

    app.post(
      '/api/stations/:id/sign-in',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Sign in at a station (labour starts)',
          params: z.object({ id: station }),
          response: { 200: signInResultSchema },
        },
      },
      (req) => floor.signIn(who(req), decodeURIComponent(req.params.id)),
    );

    app.post(
      '/api/stations/:id/sign-out',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Sign out of a station (labour ends)',
          params: z.object({ id: station }),
          response: { 200: signOutResultSchema },
        },
      },
      (req) => floor.signOut(who(req), decodeURIComponent(req.params.id)),
    );

    app.get(
      '/api/reason-codes',
      {
        config: read,
        schema: {
          tags: ['shop floor'],
          summary: 'Scrap, pause and andon reasons',
          querystring: z.object({ kind: z.enum(['scrap', 'pause', 'andon']).optional() }),
          response: { 200: z.array(andonRepo.reasonCodeSchema) },
        },
      },
      (req) => andonRepo.reasonCodes(ctx.db, req.query.kind),
    );

    app.get(
      '/api/operations/:orderId/:seq',
      {
        config: read,
        schema: {
          tags: ['shop floor'],
          summary: 'One operation with live counts, times, recipe, materials, journal and alarms',
          params: opParams,
          response: operationView,
        },
      },
      (req) => views.operation(req.params.orderId, req.params.seq),
    );

    app.post(
      '/api/operations/:orderId/:seq/setup',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Claim the operation for a machine and download its recipe',
          params: opParams,
          body: z.object({ equipment: station }).strict(),
          response: { 200: setupResultSchema },
        },
      },
      (req) => floor.setup(who(req), req.params.orderId, req.params.seq, req.body.equipment),
    );

    app.post(
      '/api/operations/:orderId/:seq/recipe',
      {
        config: { roles: FLOOR },
        schema: { tags: ['shop floor'], summary: 'Download the recipe again (during setup)', params: opParams, response: { 200: commandRecordSchema } },
      },
      (req) => floor.downloadRecipe(who(req), req.params.orderId, req.params.seq),
    );

    app.post(
      '/api/operations/:orderId/:seq/start',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Start production (a supervisor may override an unconfirmed recipe with a reason)',
          params: opParams,
          body: z
            .object({ override: z.string().min(3).max(1000).optional() })
            .strict()
            .optional(),
          response: operationView,
        },
      },
      (req) => floor.start(who(req), principalOf(req).roles, req.params.orderId, req.params.seq, req.body?.override),
    );

    app.post(
      '/api/operations/:orderId/:seq/pause',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Pause with a reason',
          params: opParams,
          body: z.object({ reason: z.string().min(1).max(64) }).strict(),
          response: operationView,
        },
      },
      (req) => floor.pause(who(req), req.params.orderId, req.params.seq, req.body.reason),
    );

    app.post(
      '/api/operations/:orderId/:seq/resume',
      { config: { roles: FLOOR }, schema: { tags: ['shop floor'], summary: 'Resume after a pause', params: opParams, response: operationView } },
      (req) => floor.resume(who(req), req.params.orderId, req.params.seq),
    );

    app.post(
      '/api/operations/:orderId/:seq/quantities',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Good parts counted by hand, or scrap with its reason (taken from the good count only with fromGood: true)',
          params: opParams,
          body: z
            .object({ kind: z.enum(['good', 'scrap']), quantity: z.number(), reason: z.string().max(64).optional(), fromGood: z.boolean().optional() })
            .strict(),
          response: { 200: operationFiguresSchema },
        },
      },
      (req) => floor.report(who(req), req.params.orderId, req.params.seq, req.body),
    );

    app.post(
      '/api/operations/:orderId/:seq/consume',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Book a scanned material lot against the operation',
          params: opParams,
          body: z.object({ lotId: z.string().min(1).max(100), quantity: z.number() }).strict(),
          response: { 200: consumeResultSchema },
        },
      },
      (req) => floor.consume(who(req), req.params.orderId, req.params.seq, req.body.lotId, req.body.quantity),
    );

    app.post(
      '/api/operations/:orderId/:seq/complete',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['shop floor'],
          summary: 'Complete: counts frozen, BOM backflushed, produced lot created, order completed with its last operation',
          params: opParams,
          body: z
            .object({
              lotId: z
                .string()
                .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
                .optional(),
              location: z.string().max(200).optional(),
            })
            .strict()
            .optional(),
          response: { 200: completeResultSchema },
        },
      },
      (req) => floor.complete(who(req), req.params.orderId, req.params.seq, req.body ?? {}),
    );

    app.get(
      '/api/orders/:orderId/events',
      {
        config: read,
        schema: {
          tags: ['shop floor'],
          summary: "The order's shop-floor journal",
          params: z.object({ orderId: orderIdSchema }),
          response: { 200: z.array(run.operationEventSchema) },
        },
      },
      (req) => run.listEvents(ctx.db, req.params.orderId),
    );

    // ---- andon and alarms ----
    app.get(
      '/api/andon',
      {
        config: read,
        schema: {
          tags: ['andon'],
          summary: 'Andon calls (open ones first)',
          querystring: z.object({
            open: z.stringbool().optional(),
            station: z.string().max(1000).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.array(andonRepo.andonRowSchema) },
        },
      },
      (req) => andonRepo.listAndon(ctx.db, req.query),
    );
    app.post(
      '/api/andon',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['andon'],
          summary: 'Call for help from a station',
          body: z.object({ station, reason: z.string().min(1).max(64), message: z.string().max(1000).default('') }).strict(),
          response: { 201: andonRepo.andonRowSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await andon.raise(who(req), req.body.station, req.body.reason, req.body.message)),
    );
    for (const step of ['acknowledge', 'resolve'] as const)
      app.post(
        `/api/andon/:id/${step}`,
        {
          config: { roles: step === 'acknowledge' ? ROLES.anyPerson : FLOOR },
          schema: { tags: ['andon'], summary: `${step} an andon call`, params: z.object({ id: z.uuid() }), response: { 200: andonRepo.andonRowSchema } },
        },
        (req) => andon.step(who(req), (req.params as { id: string }).id, step),
      );
    app.get(
      '/api/alarms',
      {
        config: read,
        schema: {
          tags: ['andon'],
          summary: 'Parameter-lock alarms',
          querystring: z.object({
            open: z.stringbool().optional(),
            equipment: z.string().max(1000).optional(),
            orderId: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.array(andonRepo.alarmRowSchema) },
        },
      },
      (req) => andonRepo.listAlarms(ctx.db, req.query),
    );
    app.post(
      '/api/alarms/:id/acknowledge',
      {
        config: { roles: FLOOR },
        schema: {
          tags: ['andon'],
          summary: 'Acknowledge a parameter-lock alarm',
          params: z.object({ id: z.uuid() }),
          response: { 200: andonRepo.alarmRowSchema },
        },
      },
      (req) => andon.acknowledgeAlarm(who(req), req.params.id),
    );

    // ---- labour ----
    app.get(
      '/api/labour',
      {
        config: { roles: [...SUPERVISORS, 'quality'] },
        schema: {
          tags: ['labour'],
          summary: 'Who was signed in where, on which operation, for how long',
          querystring: z.object({
            from: z.iso.datetime({ offset: true }),
            to: z.iso.datetime({ offset: true }),
            station: z.string().max(1000).optional(),
            username: z.string().max(64).optional(),
            orderId: z.string().max(100).optional(),
          }),
          response: { 200: z.object({ sessions: z.array(run.labourSessionSchema), totals: z.array(z.object({ username: z.string(), seconds: z.number() })) }) },
        },
      },
      async (req) => {
        if (Date.parse(req.query.to) <= Date.parse(req.query.from))
          throw new AppError('validation_failed', "'to' must be after 'from'", [{ path: 'to', message: 'before from' }]);
        const sessions = await run.labour(ctx.db, req.query);
        const totals = new Map<string, number>();
        for (const s of sessions) totals.set(s.username, (totals.get(s.username) ?? 0) + s.seconds);
        return { sessions, totals: [...totals].map(([username, seconds]) => ({ username, seconds })) };
      },
    );

    // ---- work instruction files ----
    app.register(async (scope) => {
      scope.addContentTypeParser([...INSTRUCTION_MEDIA], { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/products/:id/operations/:seq/instructions',
        {
          config: { roles: SUPERVISORS, accepts: INSTRUCTION_MEDIA },
          bodyLimit: 20 * 1024 * 1024,
          schema: {
            tags: ['shop floor'],
            summary: 'Attach a work-instruction file (image, PDF) to a routing step; send the file as the body with its Content-Type',
            params: z.object({ id: z.string().min(1).max(64), seq: z.coerce.number().int().min(1) }),
            querystring: z.object({ name: z.string().min(1).max(200) }),
            response: { 201: attachmentSchema },
          },
        },
        async (req, reply) => {
          const type = String(req.headers['content-type'] ?? '')
            .split(';')[0]
            .trim();
          if (!INSTRUCTION_TYPES.test(type) || !Buffer.isBuffer(req.body))
            throw new AppError('unsupported_media_type', 'send an image (png, jpeg, gif, webp, svg) or a PDF as the body with its Content-Type');
          const body = req.body as Buffer;
          if (type === 'application/pdf' && body.subarray(0, 5).toString('latin1') !== '%PDF-')
            throw new AppError('validation_failed', 'the body is not a PDF file (it does not start with %PDF-)');
          const id = randomUUID();
          await ctx.db.transaction(async (tx) => {
            // 404 when the plant model has no such product (asked through its face, on this transaction)
            await parts.plant.on(tx).getCode('product', req.params.id);
            await tx.execute(
              sql`INSERT INTO instruction_files (id, product_id, seq, name, content_type, size, data, created_by)
                VALUES (${id}::uuid, ${req.params.id}, ${req.params.seq}, ${req.query.name}, ${type}, ${body.length}, ${body}, ${who(req).name})`,
            );
            await appendAudit(tx, who(req), {
              action: 'create',
              entity: 'instruction_file',
              entityId: id,
              after: { product: req.params.id, seq: req.params.seq, name: req.query.name, contentType: type, size: body.length },
            });
          });
          return reply.status(201).send({ id, name: req.query.name, contentType: type, size: body.length, url: `/api/instructions/${id}` });
        },
      );
    });
    app.get(
      '/api/instructions/:id',
      {
        config: read,
        schema: {
          tags: ['shop floor'],
          summary: 'A work-instruction file',
          params: z.object({ id: z.uuid() }),
          // The file's bytes with the Content-Type it was uploaded with (a buffer: Fastify sends it as is, never serialised).
          response: {
            200: {
              description: 'The file, with the content type it was uploaded with',
              content: Object.fromEntries([...INSTRUCTION_MEDIA, 'text/plain'].map((t) => [t, { schema: fileBytes }])),
            },
          },
        },
      },
      async (req, reply) => {
        const rows = await rowsOf<{ name: string; content_type: string; data: Buffer | Uint8Array }>(
          ctx.db,
          sql`SELECT name, content_type, data FROM instruction_files WHERE id = ${req.params.id}::uuid`,
        );
        if (!rows[0]) throw notFound('instruction file', req.params.id);
        return reply
          .header('content-type', rows[0].content_type)
          .header('content-disposition', `inline; filename="${rows[0].name.replace(/[^A-Za-z0-9_. -]/g, '_')}"`)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(Buffer.from(rows[0].data));
      },
    );

    // ---- live ----
    app.get(
      '/api/shopfloor/stream',
      {
        config: { roles: ROLES.anyPerson },
        schema: {
          tags: ['shop floor'],
          summary: 'Server-sent events: operation, order, andon, alarm',
          response: eventStreamResponse('operation, order, andon, alarm'),
        },
      },
      (req, reply) => {
        const stream = openEventStream(req, reply);
        parts.streams.add(stream);
        stream.onClose(() => parts.streams.delete(stream));
        for (const name of ['execution.operation', 'execution.order', 'execution.andon', 'execution.alarm'] as const)
          stream.onClose(ctx.events.subscribe(name, (data) => stream.send(name.slice('execution.'.length), data)));
      },
    );
  };
