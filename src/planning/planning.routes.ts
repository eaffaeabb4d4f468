// HTTP face of planning: start a schedule (a background solve), read versions with their KPIs and the difference to the
// published plan, publish, move an operation (a repaired new version), and ask for a repair proposal.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import { OBJECTIVES, VERSION_STATUSES, versionRowSchema } from './planning.repository.ts';
import { assignmentDiffSchema } from './result.ts';
import type { PlanningService } from './planning.service.ts';

const PLANNERS = ['admin', 'supervisor'] as const;
const idParams = z.object({ id: z.coerce.number().int().positive() });

const createBody = z
  .object({
    objective: z.enum(OBJECTIVES).optional(),
    /** Seconds the solver may search (default 10, at most 120). */
    timeLimitS: z.number().min(0.2).max(120).optional(),
  })
  .strict();

const moveBody = z
  .object({
    orderId: z.string().min(1).max(100),
    seq: z.number().int().positive(),
    machine: z.string().min(1).max(1000),
    start: z.iso.datetime({ offset: true }),
  })
  .strict();

const repairBody = z
  .object({
    reason: z.enum(['machine-down', 'rush-order', 'repair']).default('repair'),
    /** machine-down: the machine (path) to plan around, whatever collect says. */
    machine: z.string().min(1).max(1000).optional(),
  })
  .strict();

/** A solve started in the background: poll `href` for its progress and result. */
const accepted = { 202: z.object({ id: z.number(), status: z.enum(VERSION_STATUSES), href: z.string() }) };

export function planningRoutes(service: PlanningService) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };

    app.post(
      '/api/schedules',
      {
        config: { roles: PLANNERS },
        schema: {
          tags: ['planning'],
          summary: 'Plan the released orders (background solve); answers 202 with the version id',
          body: createBody.optional(),
          response: accepted,
        },
      },
      async (req, reply) => {
        const v = await service.create(actorOf(principalOf(req)), req.body ?? {});
        return reply.status(202).send({ id: v.id, status: v.status, href: `/api/schedules/${v.id}` });
      },
    );

    app.get(
      '/api/schedules',
      {
        config: read,
        schema: {
          tags: ['planning'],
          summary: 'Schedule versions, newest first (without assignments)',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: z.array(versionRowSchema) },
        },
      },
      (req) => service.list(req.query.limit),
    );

    app.get(
      '/api/schedules/:id',
      {
        config: read,
        schema: {
          tags: ['planning'],
          summary: 'One version: progress, assignments, KPIs and the operations moved against the published plan',
          params: idParams,
          response: { 200: versionRowSchema.extend({ diff: assignmentDiffSchema.nullable(), publishedId: z.number().nullable() }) },
        },
      },
      (req) => service.get(req.params.id),
    );

    app.post(
      '/api/schedules/:id/publish',
      {
        config: { roles: PLANNERS },
        schema: {
          tags: ['planning'],
          summary: 'Publish a ready version: planned slots for the dispatch lists',
          params: idParams,
          response: { 200: versionRowSchema.extend({ planned: z.number() }) },
        },
      },
      (req) => service.publish(actorOf(principalOf(req)), req.params.id),
    );

    app.post(
      '/api/schedules/:id/move',
      {
        config: { roles: PLANNERS },
        schema: {
          tags: ['planning'],
          summary: 'Pin an operation at a machine and start; answers 202 with a new version repaired around it',
          params: idParams,
          body: moveBody,
          response: accepted,
        },
      },
      async (req, reply) => {
        const v = await service.move(actorOf(principalOf(req)), req.params.id, req.body);
        return reply.status(202).send({ id: v.id, status: v.status, href: `/api/schedules/${v.id}` });
      },
    );

    app.post(
      '/api/schedules/repair',
      {
        config: { roles: PLANNERS },
        schema: {
          tags: ['planning'],
          summary: 'A repair proposal from the published plan (machine down, rush order); answers 202',
          body: repairBody.optional(),
          response: accepted,
        },
      },
      async (req, reply) => {
        const body = req.body ?? { reason: 'repair' as const };
        const v = await service.repair(actorOf(principalOf(req)), { reason: body.reason, machine: body.machine });
        return reply.status(202).send({ id: v.id, status: v.status, href: `/api/schedules/${v.id}` });
      },
    );
  };
}
