// HTTP face of nonconformances: open, list, read, change, disposition, close (with a signature), cancel, photos.
// Routes validate, authorise and call the service (ncr.service.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { DISPOSITION_KINDS, NCR_SOURCES, NCR_STATUSES } from './model.ts';
import type { NcrService } from './ncr.service.ts';
import { acceptPhotos, declaredType, PHOTO_MAX_BYTES, PHOTO_TYPES, sendPhoto } from '../../platform/photos.ts';

/** Who opens an NCR: people at the line and quality. */
export const NCR_OPENERS = ['quality', 'supervisor', 'operator', 'admin'] as const;
/** Who changes, dispositions, closes and cancels one. */
export const NCR_DECIDERS = ['quality', 'admin'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const ref = z.string().regex(/^[A-Za-z0-9_.:/#-]{1,100}$/, 'letters, digits and _ . : / # - only, 1–100 characters');
const quantity = z.number().positive().max(1e9);
const lotsSchema = z.array(z.object({ lot: ref, quantity: quantity.nullable().default(null) }).strict()).max(50);
const defectCodes = z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'a defect code is 1–40 letters, digits or _ . -')).max(20);

export const ncrCreateBody = z
  .object({
    title: text(200),
    description: z.string().max(5000).default(''),
    source: z.enum(['manual', 'hold', 'complaint']).default('manual'),
    sourceRef: text(200).nullable().default(null),
    characteristic: ref.nullable().default(null),
    orderId: ref.nullable().default(null),
    operationSeq: z.number().int().positive().max(1_000_000).nullable().default(null),
    equipment: text(200).nullable().default(null),
    lots: lotsSchema.default([]),
    defectCodes: defectCodes.default([]),
    quantity: quantity.nullable().default(null),
  })
  .strict();

const patchBody = z
  .object({
    title: text(200),
    description: z.string().max(5000),
    lots: lotsSchema,
    defectCodes,
    quantity: quantity.nullable(),
    equipment: text(200).nullable(),
    reason: text(1000),
  })
  .partial()
  .strict();

const dispositionBody = z.object({ kind: z.enum(DISPOSITION_KINDS), lot: ref.nullable().default(null), quantity, reason: text(1000) }).strict();

const dispositionSchema = z.object({
  id: z.number(),
  kind: z.enum(DISPOSITION_KINDS),
  lot: z.string().nullable(),
  quantity: z.number(),
  reason: z.string(),
  orderId: z.string().nullable(),
  operationSeq: z.number().nullable(),
  product: z.string().nullable(),
  equipment: z.string().nullable(),
  defect: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const photoSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const ncrRowSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.enum(NCR_SOURCES),
  sourceRef: z.string().nullable(),
  reactionId: z.string().nullable(),
  characteristic: z.string().nullable(),
  measurementId: z.number().nullable(),
  value: z.number().nullable(),
  orderId: z.string().nullable(),
  operationSeq: z.number().nullable(),
  equipment: z.string().nullable(),
  lots: z.array(z.object({ lot: z.string(), quantity: z.number().nullable() })),
  defectCodes: z.array(z.string()),
  quantity: z.number().nullable(),
  status: z.enum(NCR_STATUSES),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  statusReason: z.string().nullable(),
  signatures: z.array(z.string()),
  version: z.number(),
});
const ncrSchema = ncrRowSchema.extend({ dispositions: z.array(dispositionSchema), photos: z.array(photoSchema) });

const params = z.object({ id: z.string().regex(/^NCR-\d{1,12}$/, 'an NCR number, e.g. NCR-12') });
const bytes = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

export function ncrRoutes(fastify: FastifyInstance, service: NcrService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];
  const read = { roles: ROLES.anyone };
  const decide = { roles: NCR_DECIDERS };
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

  app.get(
    '/api/quality/ncrs',
    {
      config: read,
      schema: {
        tags,
        summary: 'Nonconformances, newest first; filter by status, source, order, machine, lot, defect code and when opened',
        querystring: z.object({
          status: z.enum(NCR_STATUSES).optional(),
          source: z.enum(NCR_SOURCES).optional(),
          orderId: z.string().max(100).optional(),
          equipment: z.string().max(200).optional(),
          lot: z.string().max(100).optional(),
          defect: z.string().max(40).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.array(ncrRowSchema) },
      },
    },
    (req) => service.list(req.query),
  );

  app.get(
    '/api/quality/ncrs/:id',
    { config: read, schema: { tags, summary: 'One nonconformance with its dispositions and photos', params, response: { 200: ncrSchema } } },
    (req) => service.get(req.params.id),
  );

  app.post(
    '/api/quality/ncrs',
    {
      config: { roles: NCR_OPENERS },
      schema: {
        tags,
        summary: 'Open a nonconformance by hand, from a hold or from a customer complaint against a lot',
        body: ncrCreateBody,
        response: { 201: ncrSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await service.open(actor(req), req.body)),
  );

  app.patch(
    '/api/quality/ncrs/:id',
    {
      config: decide,
      schema: {
        tags,
        summary: 'Change what an open or dispositioned NCR says (breaks the signatures given on it)',
        params,
        body: patchBody,
        response: { 200: ncrSchema },
      },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      return service.update(actor(req), req.params.id, patch, reason ?? null);
    },
  );

  app.post(
    '/api/quality/ncrs/:id/dispositions',
    {
      config: decide,
      schema: {
        tags,
        summary: 'Disposition (part of) the material: scrap, rework (an operation added to the order), use as is (releases a held lot), return to supplier',
        params,
        body: dispositionBody,
        response: { 201: ncrSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await service.disposition(actor(req), req.params.id, req.body)),
  );

  app.post(
    '/api/quality/ncrs/:id/close',
    {
      config: decide,
      schema: {
        tags,
        summary: 'Close a dispositioned NCR; needs the signatures the policy asks for ncr.close (409 signature_required)',
        params,
        body: z.object({ reason: text(1000).optional() }).strict(),
        response: { 200: ncrSchema },
      },
    },
    (req) => service.close(actor(req), req.params.id, req.body.reason ?? null),
  );

  app.post(
    '/api/quality/ncrs/:id/cancel',
    {
      config: decide,
      schema: { tags, summary: 'Cancel an open NCR (opened in error)', params, body: z.object({ reason: text(1000) }).strict(), response: { 200: ncrSchema } },
    },
    (req) => service.cancel(actor(req), req.params.id, req.body.reason),
  );

  app.register(async (scope) => {
    acceptPhotos(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/quality/ncrs/:id/photos',
      {
        config: { roles: NCR_OPENERS, accepts: PHOTO_TYPES },
        bodyLimit: PHOTO_MAX_BYTES,
        schema: {
          tags,
          summary: `Attach a photo (${PHOTO_TYPES.join(', ')}, at most ${PHOTO_MAX_BYTES / 1024 / 1024} MB): the image as the body with its Content-Type`,
          params,
          querystring: z.object({ name: text(200).default('photo') }),
          response: { 201: photoSchema },
        },
      },
      async (req, reply) => {
        return reply.status(201).send(await service.addPhoto(actor(req), req.params.id, req.query.name, declaredType(req), req.body));
      },
    );
  });

  app.get(
    '/api/quality/ncrs/:id/photos/:photo',
    {
      config: read,
      schema: {
        tags,
        summary: "An NCR's photo",
        params: params.extend({ photo: z.uuid() }),
        response: { 200: { description: 'The image', content: Object.fromEntries(PHOTO_TYPES.map((t) => [t, { schema: bytes }])) } },
      },
    },
    async (req, reply) => {
      const p = await service.photo(req.params.id, req.params.photo);
      return sendPhoto(reply, p);
    },
  );
}
