// HTTP face of reaction plans and the reactions they fired (docs/quality.md, "Reaction plans").
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import { REACTION_ACTIONS } from '../events.ts';
import type { QualityService } from '../quality.service.ts';
import type { ReactionService } from './reaction.service.ts';

const EDITORS = ['quality', 'admin'] as const;
const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/) });

export const planSchema = z.object({
  characteristic: z.string(),
  onSpec: z.boolean(),
  rules: z.array(z.number()),
  action: z.enum(REACTION_ACTIONS),
  updatedBy: z.string(),
  updatedAt: z.string(),
});

export const reactionSchema = z.object({
  id: z.string(),
  characteristic: z.string(),
  measurementId: z.number().nullable(),
  unstored: z.string().nullable(),
  value: z.number().nullable(),
  trigger: z.enum(['spec', 'rule']),
  rule: z.number().nullable(),
  actions: z.array(z.enum(REACTION_ACTIONS)),
  holds: z.array(z.string()),
  commandId: z.string().nullable(),
  commandStatus: z.string().nullable(),
  equipment: z.string().nullable(),
  orderId: z.string().nullable(),
  operationSeq: z.number().nullable(),
  lot: z.string().nullable(),
  ts: z.string(),
  summary: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  linked: z.number(),
});

export function reactionRoutes(fastify: FastifyInstance, quality: QualityService, reactions: ReactionService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];

  app.get(
    '/api/quality/characteristics/:id/reaction-plan',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: "A characteristic's reaction plan (OCAP); null when it has none", params, response: { 200: planSchema.nullable() } },
    },
    async (req) => reactions.plan(await quality.get(req.params.id)),
  );

  app.put(
    '/api/quality/characteristics/:id/reaction-plan',
    {
      config: { roles: EDITORS },
      schema: {
        tags,
        summary: 'Set the reaction plan: triggers (out of spec, SPC rules) and the action (alarm, hold, stop)',
        params,
        body: z
          .object({
            onSpec: z.boolean(),
            rules: z.array(z.number().int().min(1).max(8)).max(8).default([]),
            action: z.enum(REACTION_ACTIONS),
          })
          .strict(),
        response: { 200: planSchema },
      },
    },
    async (req) => reactions.putPlan(actorOf(principalOf(req)), await quality.get(req.params.id), req.body),
  );

  app.get(
    '/api/quality/reactions',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Reactions fired by reaction plans, newest first (one per episode; later values are linked to it)',
        querystring: z.object({
          characteristic: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.array(reactionSchema) },
      },
    },
    (req) => reactions.list(req.query),
  );
}
