// HTTP face of CAPA: list (overdue actions marked, or only them), read, create, change, actions, effectiveness check.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { ACTION_KINDS, CATEGORIES } from './capa.repository.ts';
import type { CapaService } from './capa.service.ts';

/** Who writes CAPAs. */
export const CAPA_EDITORS = ['quality', 'admin'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const date = z.iso.date();
const ncrId = z.string().regex(/^NCR-\d{1,12}$/, 'an NCR number, e.g. NCR-12');
const fields = {
  title: text(200),
  problem: z.string().max(5000),
  whys: z.array(text(1000)).max(5),
  category: z.enum(CATEGORIES).nullable(),
  rootCause: z.string().max(5000),
};
const actionBody = z.object({ kind: z.enum(ACTION_KINDS), description: text(2000), owner: text(200), dueDate: date }).strict();
const createBody = z
  .object({
    ...fields,
    problem: fields.problem.default(''),
    whys: fields.whys.default([]),
    category: fields.category.default(null),
    rootCause: fields.rootCause.default(''),
    ncrs: z.array(ncrId).max(100).default([]),
    actions: z.array(actionBody).max(50).default([]),
  })
  .strict();
const patchBody = z
  .object({ ...fields, ncrs: z.array(ncrId).max(100), reason: text(1000) })
  .partial()
  .strict();

const actionSchema = z.object({
  id: z.number(),
  kind: z.enum(ACTION_KINDS),
  description: z.string(),
  owner: z.string(),
  dueDate: z.string(),
  doneDate: z.string().nullable(),
  overdue: z.boolean(),
});
const capaRow = z.object({
  id: z.string(),
  title: z.string(),
  problem: z.string(),
  whys: z.array(z.string()),
  category: z.enum(CATEGORIES).nullable(),
  rootCause: z.string(),
  status: z.enum(['open', 'closed']),
  effectiveness: z.enum(['effective', 'not_effective']).nullable(),
  effectivenessNote: z.string().nullable(),
  effectivenessBy: z.string().nullable(),
  effectivenessAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  actions: z.array(actionSchema),
});
const capaSchema = capaRow.extend({ ncrs: z.array(z.string()) });
const params = z.object({ id: z.string().regex(/^CAPA-\d{1,12}$/, 'a CAPA number, e.g. CAPA-3') });

export function capaRoutes(fastify: FastifyInstance, service: CapaService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];
  const read = { roles: ROLES.anyone };
  const edit = { roles: CAPA_EDITORS };
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

  app.get(
    '/api/quality/capas',
    {
      config: read,
      schema: {
        tags,
        summary: 'CAPAs, newest first, with their actions (overdue ones marked); overdue=true: only the overdue actions and their CAPAs',
        querystring: z.object({
          status: z.enum(['open', 'closed']).optional(),
          overdue: z.enum(['true', 'false']).optional(),
          ncr: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.array(capaRow) },
      },
    },
    (req) => service.list({ ...req.query, overdue: req.query.overdue === 'true' }),
  );

  app.get(
    '/api/quality/capas/:id',
    { config: read, schema: { tags, summary: 'One CAPA with its actions and NCRs', params, response: { 200: capaSchema } } },
    (req) => service.get(req.params.id),
  );

  app.post(
    '/api/quality/capas',
    { config: edit, schema: { tags, summary: 'Open a CAPA: problem, root cause, actions, linked NCRs', body: createBody, response: { 201: capaSchema } } },
    async (req, reply) => reply.status(201).send(await service.create(actor(req), req.body)),
  );

  app.patch(
    '/api/quality/capas/:id',
    {
      config: edit,
      schema: { tags, summary: 'Change an open CAPA (root cause, 5 Why, category, linked NCRs)', params, body: patchBody, response: { 200: capaSchema } },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      return service.update(actor(req), req.params.id, patch, reason ?? null);
    },
  );

  app.post(
    '/api/quality/capas/:id/actions',
    { config: edit, schema: { tags, summary: 'Add a corrective or preventive action', params, body: actionBody, response: { 201: capaSchema } } },
    async (req, reply) => reply.status(201).send(await service.addAction(actor(req), req.params.id, req.body)),
  );

  app.patch(
    '/api/quality/capas/:id/actions/:action',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Change an action: its owner, due date, or the date it was done',
        params: params.extend({ action: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        body: z
          .object({ description: text(2000), owner: text(200), dueDate: date, doneDate: date.nullable(), reason: text(1000) })
          .partial()
          .strict(),
        response: { 200: capaSchema },
      },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      return service.updateAction(actor(req), req.params.id, req.params.action, patch, reason ?? null);
    },
  );

  app.post(
    '/api/quality/capas/:id/effectiveness',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Record the effectiveness check (who and when); effective closes the CAPA once every action is done',
        params,
        body: z.object({ result: z.enum(['effective', 'not_effective']), note: text(2000).optional() }).strict(),
        response: { 200: capaSchema },
      },
    },
    (req) => service.checkEffectiveness(actor(req), req.params.id, req.body.result, req.body.note ?? null),
  );
}
