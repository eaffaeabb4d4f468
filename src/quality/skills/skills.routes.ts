// HTTP face of operator qualification: the skills catalogue, what requires a skill, people's training records and
// skills, and the skills expiring soon. Quality and admin edit; everyone signed in reads.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import { daySchema } from '../gauges/gauges.routes.ts';
import { REQUIREMENT_KINDS } from './skills.model.ts';
import type { SkillRegister } from './skills.service.ts';

/** Who keeps the catalogue, the requirements and the training records. */
export const SKILL_EDITORS = ['quality', 'admin'] as const;

const codeSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
const usernameSchema = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'a username');
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f]*$/, 'no control characters');

const skillSchema = z.object({
  code: z.string(),
  name: z.string(),
  validityMonths: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const trainingSchema = z.object({
  id: z.number(),
  username: z.string(),
  skill: z.string(),
  grantedOn: z.string(),
  expiresOn: z.string().nullable(),
  trainer: z.string(),
  evidence: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});
const standingSchema = z.object({
  skill: z.string(),
  name: z.string(),
  state: z.enum(['valid', 'expired', 'not-yet-valid']),
  grantedOn: z.string(),
  expiresOn: z.string().nullable(),
});
const requirementSchema = z.object({
  id: z.number(),
  skill: z.string(),
  kind: z.enum(REQUIREMENT_KINDS),
  target: z.string(),
  seq: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const validity = z.number().int().min(1).max(600).nullable();

export function skillRoutes(fastify: FastifyInstance, skills: SkillRegister): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const read = { roles: ROLES.anyone };
  const edit = { roles: SKILL_EDITORS };
  const tags = ['quality'];
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

  app.get('/api/quality/skills', { config: read, schema: { tags, summary: 'The skills catalogue', response: { 200: z.array(skillSchema) } } }, () =>
    skills.catalogue(),
  );

  app.post(
    '/api/quality/skills',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Add a skill to the catalogue (validityMonths null: a training never expires)',
        body: z.object({ code: codeSchema, name: text(200), validityMonths: validity.default(null) }).strict(),
        response: { 201: skillSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await skills.defineSkill(actor(req), req.body)),
  );

  app.patch(
    '/api/quality/skills/:code',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Rename a skill or change its validity (for trainings recorded from now on; recorded ones keep their expiry)',
        params: z.object({ code: codeSchema }),
        body: z
          .object({ name: text(200), validityMonths: validity, reason: text(1000) })
          .partial()
          .strict(),
        response: { 200: skillSchema },
      },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      return skills.changeSkill(actor(req), req.params.code, patch, reason ?? null);
    },
  );

  app.get(
    '/api/quality/skills/expiring',
    {
      config: read,
      schema: {
        tags,
        summary: 'Skills people hold today that expire within `days` days (30 by default), soonest first',
        querystring: z.object({ days: z.coerce.number().int().min(0).max(3660).default(30) }),
        response: {
          200: z.array(z.object({ username: z.string(), skill: z.string(), name: z.string(), expiresOn: z.string(), daysLeft: z.number() })),
        },
      },
    },
    (req) => skills.expiring(req.query.days),
  );

  app.get(
    '/api/quality/skills/requirements',
    { config: read, schema: { tags, summary: 'What requires which skill', response: { 200: z.array(requirementSchema) } } },
    () => skills.requirements(),
  );

  app.post(
    '/api/quality/skills/requirements',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Require a skill for a machine or work centre (equipment path), a routing step (product + seq) or a characteristic',
        body: z
          .object({ skill: codeSchema, kind: z.enum(REQUIREMENT_KINDS), target: text(1000), seq: z.number().int().positive().nullable().default(null) })
          .strict(),
        response: { 201: requirementSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await skills.require(actor(req), req.body)),
  );

  app.delete(
    '/api/quality/skills/requirements/:id',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Drop a skill requirement',
        params: z.object({
          id: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 53),
        }),
        querystring: z.object({ reason: z.string().max(1000).optional() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await skills.unrequire(actor(req), req.params.id, req.query.reason ?? null);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/quality/people',
    {
      config: read,
      schema: {
        tags,
        summary: 'Active people with their skills today',
        response: { 200: z.array(z.object({ username: z.string(), displayName: z.string(), skills: z.array(standingSchema) })) },
      },
    },
    () => skills.everyone(),
  );

  app.get(
    '/api/quality/people/:id/skills',
    {
      config: read,
      schema: {
        tags,
        summary: "A person's skills today (by username) and their training records",
        params: z.object({ id: usernameSchema }),
        response: { 200: z.object({ username: z.string(), skills: z.array(standingSchema), trainings: z.array(trainingSchema) }) },
      },
    },
    (req) => skills.personSkills(req.params.id),
  );

  app.post(
    '/api/quality/people/:id/skills',
    {
      config: edit,
      schema: {
        tags,
        summary: "Record a training: the person holds the skill from grantedOn until expiresOn (default: the skill's validity later)",
        params: z.object({ id: usernameSchema }),
        body: z
          .object({
            skill: codeSchema,
            grantedOn: daySchema,
            expiresOn: daySchema.nullable().optional(),
            trainer: text(200),
            evidence: text(2000).nullable().default(null),
          })
          .strict(),
        response: { 201: trainingSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await skills.train(actor(req), req.params.id, req.body)),
  );
}
