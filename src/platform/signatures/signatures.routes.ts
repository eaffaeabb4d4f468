// E-signatures: sign a record, list a record's signatures with their state, and the policy of which actions need them.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ROLES, principalOf } from '../http/guard.ts';
import { actorOf } from '../auth/principal.ts';
import { MEANINGS, actionSchema, policyBodySchema, recordTypeSchema } from './policy.ts';

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex (64 characters)');

/** A signature as the API answers it (also inside other answers that carry a record's signatures, e.g. a certificate). */
export const signatureOut = z.object({
  id: z.string(),
  recordType: z.string(),
  recordId: z.string(),
  action: z.string().nullable(),
  meaning: z.string(),
  signerId: z.string(),
  signerUsername: z.string(),
  signerName: z.string(),
  signerRoles: z.array(z.string()),
  method: z.enum(['password', 'badge', 'session_password', 'session_pin']),
  reason: z.string().nullable(),
  signedAt: z.string(),
  recordHash: z.string(),
  status: z.enum(['valid', 'broken', 'unverified']),
  problems: z.array(z.string()),
  changed: z.array(z.string()),
});

const ruleOut = z.object({
  action: z.string(),
  signatures: z.union([z.literal(1), z.literal(2)]),
  roles: z.array(z.string()),
  meaning: z.enum(MEANINGS).nullable(),
});

const signBody = z
  .object({
    recordType: recordTypeSchema,
    recordId: z.string().min(1).max(200),
    meaning: z.enum(MEANINGS),
    action: actionSchema.optional(),
    reason: z.string().max(1000).optional(),
    expectedHash: hashSchema.optional(),
    username: z.string().min(1).max(64).optional(),
    password: z.string().min(1).max(256).optional(),
    badge: z.string().min(1).max(64).optional(),
    pin: z.string().min(1).max(16).optional(),
  })
  .strict();

export function signatureRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/signatures',
    {
      // a person signs, never a system: Part 11 signatures belong to individuals
      config: { roles: ROLES.anyPerson },
      schema: {
        tags: ['signatures'],
        summary: 'Sign the current version of a record (re-authenticates: username + password, badge + PIN, or later in the session the password or PIN alone)',
        body: signBody,
        response: { 201: signatureOut },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.signatures.sign({ principal: principalOf(req), address: req.ip }, req.body)),
  );

  app.get(
    '/api/signatures',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags: ['signatures'],
        summary: "A record's signatures, each valid or broken against the record's current version",
        querystring: z.object({ recordType: recordTypeSchema, recordId: z.string().min(1).max(200) }),
        response: {
          200: z.object({
            recordType: z.string(),
            recordId: z.string(),
            current: z.enum(['found', 'missing', 'unknown_type']),
            currentHash: z.string().nullable(),
            signatures: z.array(signatureOut),
          }),
        },
      },
    },
    async (req) => ctx.signatures.forRecord(req.query.recordType, req.query.recordId),
  );

  app.get(
    '/api/signatures/policy',
    {
      // every page that offers a guarded action shows how many signatures it needs
      config: { roles: ROLES.anyone },
      schema: {
        tags: ['signatures'],
        summary: 'Which actions need one or two signatures',
        response: { 200: z.object({ rules: z.array(ruleOut), recordTypes: z.array(z.string()) }) },
      },
    },
    async () => ({ rules: await ctx.signatures.policy(), recordTypes: ctx.signatures.recordTypes() }),
  );

  app.put(
    '/api/signatures/policy',
    {
      config: { roles: ROLES.admin },
      schema: {
        tags: ['signatures'],
        summary: 'Replace the signature policy (an action left out needs no signature)',
        body: policyBodySchema,
        response: { 200: z.object({ rules: z.array(ruleOut), recordTypes: z.array(z.string()) }) },
      },
    },
    async (req) => ({
      rules: await ctx.signatures.setPolicy(actorOf(principalOf(req)), req.body.rules, req.body.reason),
      recordTypes: ctx.signatures.recordTypes(),
    }),
  );
}
