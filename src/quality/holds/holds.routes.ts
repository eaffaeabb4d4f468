// HTTP face of quality's holds (docs/quality.md, "Holds"): the list, and the release by a person with the quality role.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import { HOLD_KINDS } from './holds.repository.ts';
import type { HoldService } from './holds.service.ts';

/** Who releases holds. */
export const HOLD_RELEASERS = ['quality', 'admin'] as const;

export const holdSchema = z.object({
  id: z.string(),
  kind: z.enum(HOLD_KINDS),
  target: z.string(),
  reason: z.string(),
  reaction: z.string().nullable(),
  ref: z.string().nullable(),
  placedAt: z.string(),
  placedBy: z.string(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
});

export function holdsRoutes(fastify: FastifyInstance, holds: HoldService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];

  app.get(
    '/api/quality/holds',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Holds placed by reaction plans (lot, operation, machine), newest first',
        querystring: z.object({
          status: z.enum(['open', 'released']).optional(),
          kind: z.enum(HOLD_KINDS).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.array(holdSchema) },
      },
    },
    (req) => holds.list(req.query),
  );

  app.get(
    '/api/quality/holds/:id',
    { config: { roles: ROLES.anyone }, schema: { tags, summary: 'One hold', params: z.object({ id: z.string().max(64) }), response: { 200: holdSchema } } },
    (req) => holds.get(req.params.id),
  );

  app.post(
    '/api/quality/holds/:id/release',
    {
      config: { roles: HOLD_RELEASERS },
      schema: {
        tags,
        summary: "Release a hold with a reason (a lot's needs the signature the policy asks for 'lot.release')",
        params: z.object({ id: z.string().max(64) }),
        body: z.object({ reason: z.string().trim().min(1).max(1000) }).strict(),
        response: { 200: holdSchema },
      },
    },
    (req) => holds.release(actorOf(principalOf(req)), req.params.id, req.body.reason),
  );
}
