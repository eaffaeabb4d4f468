// The audit trail: per record, per user, per period; and the chain check.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { ROLES } from '../http/guard.ts';
import { checkpointSchema } from './anchor.ts';
import { queryAudit, verifyAudit, verifyResultSchema } from './audit.service.ts';

const auditOut = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

export function auditRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/audit',
    {
      // Anyone signed in may see the history of the records they work with; the whole trail is for auditors.
      config: { roles: ROLES.anyPerson },
      schema: {
        tags: ['audit'],
        summary: 'Audit trail entries, newest first',
        querystring: z.object({
          entity: z.string().max(100).optional(),
          entityId: z.string().max(1000).optional(),
          actor: z.string().max(200).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          beforeSeq: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(5000).optional(),
        }),
        response: { 200: z.array(auditOut) },
      },
    },
    async (req) => {
      const q = req.query;
      const p = req.principal!;
      const auditor = p.roles.some((r) => (ROLES.auditReaders as readonly string[]).includes(r));
      // Non-auditors must name the record they look at (the record page's history panel).
      if (!auditor && !(q.entity && q.entityId))
        throw new AppError('forbidden', 'browsing the whole trail needs the admin, supervisor or quality role; name a record with entity and entityId');
      return queryAudit(ctx.db, q);
    },
  );

  app.get(
    '/api/audit/verify',
    {
      config: { roles: ROLES.auditReaders },
      schema: {
        tags: ['audit'],
        summary: "Recompute the hash chain, check each row's HMAC and the signed checkpoints, and report the first broken row",
        response: {
          200: verifyResultSchema,
        },
      },
    },
    () => verifyAudit(ctx.db, undefined, ctx.audit?.anchor),
  );

  app.post(
    '/api/audit/checkpoint',
    {
      config: { roles: ROLES.admin },
      schema: {
        tags: ['audit'],
        summary: "Sign the trail's head (sequence, hash) into the checkpoint file outside the database now",
        response: { 201: checkpointSchema },
      },
    },
    async (_req, reply) => {
      if (!ctx.audit) throw new AppError('unavailable', 'this installation has no audit anchor');
      const cp = await ctx.audit.write('manual');
      return reply.status(201).send(cp);
    },
  );

  app.get(
    '/api/audit/public-key',
    {
      config: { roles: ROLES.auditReaders },
      schema: {
        tags: ['audit'],
        summary: 'The Ed25519 public key (PEM) that checks the checkpoint signatures, and its key id',
        response: { 200: z.object({ keyId: z.string(), publicKey: z.string() }) },
      },
    },
    () => {
      if (!ctx.audit) throw new AppError('unavailable', 'this installation has no audit anchor');
      return { keyId: ctx.audit.anchor.keyId, publicKey: ctx.audit.anchor.publicKeyPem() };
    },
  );
}
