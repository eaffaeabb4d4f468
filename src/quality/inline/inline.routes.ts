// HTTP face of in-line measurements: which machine tag a characteristic takes its values from (docs/quality.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import type { QualityService } from '../quality.service.ts';
import type { InlineService } from './inline.service.ts';

const EDITORS = ['quality', 'admin'] as const;
const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/) });
const mappingSchema = z.object({
  characteristic: z.string(),
  equipmentId: z.string(),
  equipment: z.string(),
  tag: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});

export function inlineRoutes(fastify: FastifyInstance, quality: QualityService, inline: InlineService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];
  const url = '/api/quality/characteristics/:id/machine-tag';

  app.get(
    '/api/quality/machine-tags',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'The machine tags characteristics are measured from in-line, or the one of a characteristic (empty: none)',
        querystring: z.object({ characteristic: params.shape.id.optional() }),
        response: { 200: z.array(mappingSchema) },
      },
    },
    (req) => inline.list(req.query.characteristic),
  );

  app.get(
    url,
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'The machine tag a characteristic is measured from (404: none)', params, response: { 200: mappingSchema } },
    },
    async (req) => inline.get(await quality.get(req.params.id)),
  );

  app.put(
    url,
    {
      config: { roles: EDITORS },
      schema: {
        tags,
        summary: 'Measure a characteristic in-line: every value the machine reports for the tag becomes a measurement',
        params,
        body: z.object({ equipment: z.string().trim().min(1).max(1000), tag: z.string().trim().min(1).max(200) }).strict(),
        response: { 200: mappingSchema },
      },
    },
    async (req) => inline.put(actorOf(principalOf(req)), await quality.get(req.params.id), req.body.equipment, req.body.tag),
  );

  app.delete(
    url,
    { config: { roles: EDITORS }, schema: { tags, summary: 'Stop measuring a characteristic in-line', params, response: { 204: z.null() } } },
    async (req, reply) => {
      await inline.remove(actorOf(principalOf(req)), await quality.get(req.params.id));
      return reply.status(204).send(null);
    },
  );
}
