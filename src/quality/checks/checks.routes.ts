// HTTP face of the quality checks: a characteristic's sampling plan, and the checks due at a station (the terminal's
// "Check due" prompt polls it). docs/quality.md "Sampling and checks due".
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import type { ChecksService } from './checks.service.ts';
import { DUE_REASONS, samplingPlanSchema } from './sampling.ts';

const EDITORS = ['quality', 'admin'] as const;
const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters') });

const planViewSchema = z.object({
  characteristic: z.string(),
  plan: samplingPlanSchema.nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

export const checkDueSchema = z.object({
  characteristic: z.string(),
  name: z.string(),
  kind: z.enum(['variable', 'attribute']),
  chart: z.string(),
  unit: z.string().nullable(),
  nominal: z.number().nullable(),
  lsl: z.number().nullable(),
  usl: z.number().nullable(),
  sampleSize: z.number(),
  subgroupSize: z.number(),
  reason: z.enum(DUE_REASONS),
  dueSince: z.string().nullable(),
  partsSince: z.number(),
  overdue: z.boolean(),
  blocking: z.boolean(),
  equipment: z.string(),
  orderId: z.string(),
  operationSeq: z.number(),
  lot: z.string().nullable(),
});

export function checksRoutes(fastify: FastifyInstance, checks: ChecksService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];

  app.get(
    '/api/quality/checks/due',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Checks due at a station now (equipment id or path): blocking ones first',
        querystring: z.object({ station: z.string().trim().min(1).max(1000) }).strict(),
        response: { 200: z.array(checkDueSchema) },
      },
    },
    (req) => checks.due(req.query.station),
  );

  app.get(
    '/api/quality/characteristics/:id/sampling',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: "A characteristic's sampling plan (null: no checks are due)", params, response: { 200: planViewSchema } },
    },
    (req) => checks.plan(req.params.id),
  );

  app.put(
    '/api/quality/characteristics/:id/sampling',
    {
      config: { roles: EDITORS },
      schema: {
        tags,
        summary: "Set a characteristic's sampling plan: every N parts, every T minutes, first piece after setup or per lot; null removes it",
        params,
        body: z.object({ plan: samplingPlanSchema.nullable(), reason: z.string().trim().min(1).max(1000).optional() }).strict(),
        response: { 200: planViewSchema },
      },
    },
    (req) => checks.setPlan(actorOf(principalOf(req)), req.params.id, req.body.plan, req.body.reason ?? null),
  );
}
