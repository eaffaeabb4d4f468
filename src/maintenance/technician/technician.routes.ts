// HTTP face of technician work under /api/maintenance: the failure code catalogue, the technician's queue, a work
// order's work (labour, notes, photos, checklist, failure codes, parts, MTTR split), and each change to it; the
// per-machine MTTR split. Routes validate, authorise and call the service. docs/maintenance.md "Technician work".
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { acceptPhotos, declaredType, PHOTO_MAX_BYTES, PHOTO_TYPES, sendPhoto } from '../../platform/photos.ts';
import { WORK_ORDER_DECIDERS } from '../work-orders/work-orders.routes.ts';
import { TECHNICIANS } from '../work-orders/work-orders.service.ts';
import {
  catalogueSchema,
  checklistBody,
  failureCodesBody,
  failureCodesSchema,
  itemSchema,
  labourSchema,
  labourStopBody,
  machineMttrSchema,
  mttrQuery,
  noteBody,
  noteSchema,
  params,
  partBody,
  partSchema,
  photoSchema,
  queueSchema,
  tickBody,
  workSchema,
} from './schemas.ts';
import type { TechnicianService } from './technician.service.ts';

const bytes = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

export function technicianRoutes(fastify: FastifyInstance, service: TechnicianService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['maintenance'];
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));
  const tech = { roles: TECHNICIANS };
  const base = '/api/maintenance/work-orders/:id';

  app.get(
    '/api/maintenance/failure-codes',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'The failure code catalogue: components, failure modes, causes, actions', response: { 200: catalogueSchema } },
    },
    () => service.catalogue(),
  );

  app.get(
    '/api/maintenance/technician/queue',
    {
      config: tech,
      schema: {
        tags,
        summary: "The signed-in technician's open work orders: assigned to them first, then unassigned; by priority, oldest first",
        response: { 200: queueSchema },
      },
    },
    (req) => service.queue(principalOf(req).name),
  );

  app.get(
    '/api/maintenance/mttr',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: "A machine's MTTR split over its corrective orders done in [from, to): waiting for a technician, repair, waiting for parts, other",
        querystring: mttrQuery,
        response: { 200: machineMttrSchema },
      },
    },
    (req) => service.machineMttr(req.query.equipment, req.query.from, req.query.to),
  );

  app.get(
    `${base}/work`,
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: "A work order's technician work: labour, notes, photos, checklist, failure codes, parts and its MTTR split",
        params,
        response: { 200: workSchema },
      },
    },
    (req) => service.work(req.params.id),
  );

  app.post(
    `${base}/labour/start`,
    {
      config: tech,
      schema: {
        tags,
        summary: 'Start your labour on a work order (an order not yet in progress moves to in_progress)',
        params,
        response: { 201: labourSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await service.startLabour(actor(req), principalOf(req).roles, req.params.id)),
  );

  app.post(
    `${base}/labour/stop`,
    {
      config: tech,
      schema: {
        tags,
        summary: 'Stop your running labour with a reason (done, break, parts — counted as waiting for parts — or other)',
        params,
        body: labourStopBody,
        response: { 200: labourSchema },
      },
    },
    (req) => service.stopLabour(actor(req), req.params.id, req.body.reason),
  );

  app.post(
    `${base}/notes`,
    { config: { roles: WORK_ORDER_DECIDERS }, schema: { tags, summary: 'Add a note to a work order', params, body: noteBody, response: { 201: noteSchema } } },
    async (req, reply) => reply.status(201).send(await service.addNote(actor(req), req.params.id, req.body.text)),
  );

  app.post(
    `${base}/checklist`,
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: { tags, summary: 'Add a checklist item to an open work order', params, body: checklistBody, response: { 201: itemSchema } },
    },
    async (req, reply) => reply.status(201).send(await service.addItem(actor(req), req.params.id, req.body.text)),
  );

  app.put(
    `${base}/checklist/:item`,
    {
      config: tech,
      schema: {
        tags,
        summary: 'Tick (or untick) a checklist item',
        params: params.extend({
          item: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 53),
        }),
        body: tickBody,
        response: { 200: itemSchema },
      },
    },
    (req) => service.tick(actor(req), req.params.id, req.params.item, req.body.done),
  );

  app.put(
    `${base}/failure-codes`,
    {
      config: tech,
      schema: {
        tags,
        summary: 'Set the failure codes (component, failureMode, cause, action; codes of GET /api/maintenance/failure-codes, null to clear)',
        params,
        body: failureCodesBody,
        response: { 200: failureCodesSchema },
      },
    },
    (req) => service.setFailureCodes(actor(req), req.params.id, req.body),
  );

  app.post(
    `${base}/parts`,
    {
      config: tech,
      schema: {
        tags,
        summary: 'Issue a spare part from a material lot to the work order (through the lots ledger: a held or empty lot is refused)',
        params,
        body: partBody,
        response: { 201: partSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await service.issuePart(actor(req), req.params.id, req.body.lotId, req.body.quantity)),
  );

  app.get(
    `${base}/parts`,
    { config: { roles: ROLES.anyone }, schema: { tags, summary: 'The spare parts issued to a work order', params, response: { 200: z.array(partSchema) } } },
    (req) => service.partsOf(req.params.id),
  );

  app.register(async (scope) => {
    acceptPhotos(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      `${base}/photos`,
      {
        config: { roles: WORK_ORDER_DECIDERS, accepts: PHOTO_TYPES },
        bodyLimit: PHOTO_MAX_BYTES,
        schema: {
          tags,
          summary: `Attach a photo to a work order (${PHOTO_TYPES.join(', ')}, at most ${PHOTO_MAX_BYTES / 1024 / 1024} MB): the image as the body with its Content-Type`,
          params,
          querystring: z.object({ name: z.string().trim().min(1).max(200).default('photo') }),
          response: { 201: photoSchema },
        },
      },
      async (req, reply) => {
        return reply.status(201).send(await service.addPhoto(actor(req), req.params.id, req.query.name, declaredType(req), req.body));
      },
    );
  });

  app.get(
    `${base}/photos/:photo`,
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: "A work order's photo",
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
