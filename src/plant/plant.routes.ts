// HTTP face of the plant model: equipment, classes, materials, products with routings, shift calendars, plant files.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import { bodyLimitHook } from '../platform/limits.ts';
import { OFFLOAD_ABOVE_CHARS, offload } from '../platform/offload.ts';
import { exportPlant, importPlant, plantFileSchema, plantFileToText, type PlantFile } from './plant-file.ts';
import { checkPlantShape, parsePlantFileLimited, PLANT_FILE_JOB, PLANT_FILE_SETTINGS, plantFileLimits } from './plant-file-limits.ts';
import type { CodeEntity } from './plant.repository.ts';
import { type PlantService, redacted } from './plant.service.ts';
import * as s from './schemas.ts';

const stamps = { createdAt: z.string(), updatedAt: z.string() };
const equipmentOut = z.object({
  id: z.string(),
  extId: z.string(),
  path: z.string(),
  level: z.enum(s.LEVELS),
  name: z.string(),
  description: z.string(),
  parentId: z.string().nullable(),
  equipmentClass: z.string().nullable(),
  calendarId: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  attributes: z.record(z.string(), z.unknown()),
  tags: z.array(z.record(z.string(), z.unknown())),
  connections: z.array(z.record(z.string(), z.unknown())),
  version: z.number(),
  ...stamps,
});
const reasonQuery = z.object({ reason: z.string().max(1000).optional() });
/**
 * The plant file as GET /api/plant/export documents its JSON form: the file's own schema, its equipment entries shown
 * as objects (they nest without limit, which the OpenAPI document cannot spell without a named component).
 */
const plantFileOut = plantFileSchema.omit({ equipment: true }).extend({ equipment: z.array(z.record(z.string(), z.unknown())) });
const countsOut = z.object({ created: z.record(z.string(), z.number()), updated: z.record(z.string(), z.number()), unchanged: z.number() });

interface CodeResource {
  entity: CodeEntity;
  base: string;
  tag: string;
  create: z.ZodType<{ id: string } & Record<string, unknown>>;
  patch: z.ZodType<Record<string, unknown>>;
  out: z.ZodType;
}

const CODE_RESOURCES: CodeResource[] = [
  {
    entity: 'equipmentClass',
    base: '/api/equipment-classes',
    tag: 'equipment classes',
    create: s.equipmentClassSchema,
    patch: s.equipmentClassPatchSchema,
    out: z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      properties: z.record(z.string(), z.unknown()),
      tags: z.array(z.record(z.string(), z.unknown())),
      ...stamps,
    }),
  },
  {
    entity: 'material',
    base: '/api/materials',
    tag: 'materials',
    create: s.materialSchema,
    patch: s.materialPatchSchema,
    out: z.object({
      id: z.string(),
      name: z.string(),
      unit: z.string(),
      materialClass: z.string().nullable(),
      description: z.string(),
      properties: z.record(z.string(), z.unknown()),
      ...stamps,
    }),
  },
  {
    entity: 'product',
    base: '/api/products',
    tag: 'products',
    create: s.productSchema,
    patch: s.productPatchSchema,
    out: z.object({
      id: z.string(),
      name: z.string(),
      unit: z.string(),
      family: z.string().nullable(),
      materialId: z.string().nullable(),
      description: z.string(),
      routing: z.array(z.record(z.string(), z.unknown())),
      ...stamps,
    }),
  },
  {
    entity: 'calendar',
    base: '/api/calendars',
    tag: 'shift calendars',
    create: s.calendarSchema,
    patch: s.calendarPatchSchema,
    out: z.object({
      id: z.string(),
      name: z.string(),
      timezone: z.string(),
      shifts: z.array(z.record(z.string(), z.unknown())),
      plannedDowntime: z.array(z.record(z.string(), z.unknown())),
      holidays: z.array(z.string()),
      ...stamps,
    }),
  },
];

export const plantRoutes =
  (ctx: AppContext, plant: PlantService) =>
  (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };
    const edit = { roles: ROLES.plantEditors };
    const idOrPath = z.object({ id: z.string().min(1).max(1000) });

    app.get(
      '/api/equipment',
      {
        config: read,
        schema: { tags: ['equipment'], summary: 'The ISA-95 equipment hierarchy, flat, ordered by path', response: { 200: z.array(equipmentOut) } },
      },
      async () => (await plant.listEquipment()).map(redacted),
    );
    app.get(
      '/api/equipment/:id',
      { config: read, schema: { tags: ['equipment'], summary: 'One piece of equipment by id or by path', params: idOrPath, response: { 200: equipmentOut } } },
      async (req) => redacted(await plant.getEquipment(decodeURIComponent(req.params.id))),
    );
    app.post(
      '/api/equipment',
      { config: edit, schema: { tags: ['equipment'], body: s.equipmentCreateSchema, response: { 201: equipmentOut } } },
      async (req, reply) => reply.status(201).send(redacted(await plant.createEquipment(actorOf(principalOf(req)), req.body))),
    );
    app.patch(
      '/api/equipment/:id',
      { config: edit, schema: { tags: ['equipment'], params: z.object({ id: z.uuid() }), body: s.equipmentPatchSchema, response: { 200: equipmentOut } } },
      async (req) => redacted(await plant.updateEquipment(actorOf(principalOf(req)), req.params.id, req.body)),
    );
    app.delete(
      '/api/equipment/:id',
      { config: edit, schema: { tags: ['equipment'], params: z.object({ id: z.uuid() }), querystring: reasonQuery, response: { 204: z.null() } } },
      async (req, reply) => {
        await plant.deleteEquipment(actorOf(principalOf(req)), req.params.id, req.query.reason);
        return reply.status(204).send(null);
      },
    );

    for (const r of CODE_RESOURCES) {
      const codeParams = z.object({ id: z.string().min(1).max(64) });
      app.get(r.base, { config: read, schema: { tags: [r.tag], response: { 200: z.array(r.out) } } }, () => plant.listCodes(r.entity));
      app.get(`${r.base}/:id`, { config: read, schema: { tags: [r.tag], params: codeParams, response: { 200: r.out } } }, (req) =>
        plant.getCode(r.entity, req.params.id),
      );
      app.post(r.base, { config: edit, schema: { tags: [r.tag], body: r.create, response: { 201: r.out } } }, async (req, reply) =>
        reply.status(201).send(await plant.createCode(actorOf(principalOf(req)), r.entity, req.body as { id: string })),
      );
      app.patch(`${r.base}/:id`, { config: edit, schema: { tags: [r.tag], params: codeParams, body: r.patch, response: { 200: r.out } } }, (req) =>
        plant.updateCode(actorOf(principalOf(req)), r.entity, req.params.id, req.body as Record<string, unknown>),
      );
      app.delete(
        `${r.base}/:id`,
        { config: edit, schema: { tags: [r.tag], params: codeParams, querystring: reasonQuery, response: { 204: z.null() } } },
        async (req, reply) => {
          await plant.deleteCode(actorOf(principalOf(req)), r.entity, req.params.id, req.query.reason);
          return reply.status(204).send(null);
        },
      );
    }

    // Read once at start: a bad value stops the start (platform/limits.ts) instead of surfacing on the first upload.
    const limits = plantFileLimits();
    app.post(
      '/api/plant/import',
      {
        config: { ...edit, accepts: ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml'] },
        bodyLimit: limits.maxBytes,
        preParsing: bodyLimitHook(limits.maxBytes, PLANT_FILE_SETTINGS.maxBytes),
        schema: {
          tags: ['plant file'],
          summary: 'Load a plant file (JSON body, or YAML text with Content-Type application/yaml) in one transaction',
          body: z.union([z.string(), z.record(z.string(), z.unknown())]),
          response: { 200: countsOut },
        },
      },
      async (req) => {
        // YAML parsing and the schema check of a large file run in a worker thread; a JSON body is parsed already.
        const large = Number(req.headers['content-length']) > OFFLOAD_ABOVE_CHARS;
        // A parsed JSON body is checked here first (an iterative, linear walk): copying a hostile nesting to a worker
        // would overflow the stack of the copy itself.
        if (typeof req.body !== 'string') checkPlantShape(req.body, limits);
        const file = large ? await offload<PlantFile>(PLANT_FILE_JOB, 'parsePlantFileLimited', [req.body, limits]) : parsePlantFileLimited(req.body, limits);
        // answers once the new model is in force in every module (master-data.ts)
        return importPlant(ctx.db, ctx.events, actorOf(principalOf(req)), file);
      },
    );
    app.get(
      '/api/plant/export',
      {
        config: read,
        schema: {
          tags: ['plant file'],
          summary: 'The whole plant as a plant file',
          querystring: z.object({ format: z.enum(['yaml', 'json']).default('yaml') }),
          response: {
            200: {
              description: 'The plant file as a download: YAML (the default), or JSON with format=json',
              content: {
                'application/yaml': { schema: z.string().describe('the plant file as YAML (docs/plant-file.md)') },
                'application/json': { schema: plantFileOut },
              },
            },
          },
        },
      },
      async (req, reply) => {
        const text = plantFileToText(await exportPlant(ctx.db), req.query.format);
        return reply
          .type(req.query.format === 'json' ? 'application/json' : 'application/yaml')
          .header('content-disposition', `attachment; filename="plant.${req.query.format}"`)
          .send(text);
      },
    );
  };
