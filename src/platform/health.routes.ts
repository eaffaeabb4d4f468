import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { rowsOf, sql } from './db/database.ts';

export function healthRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['platform'],
        summary: 'Liveness, database reachability, and whether the published demo credentials still work (open to everyone)',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), version: z.string(), uptimeS: z.number() }).catchall(z.unknown()),
          503: z.object({ status: z.literal('degraded'), database: z.enum(['pglite', 'postgres']), version: z.string(), error: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await rowsOf(ctx.db, sql`SELECT 1`);
        const sections = Object.fromEntries([...ctx.health].map(([name, fn]) => [name, fn()]));
        // demoCredentials: the sign-in pages show a "not for production" banner while the README's badge PINs work
        const demoCredentials = await ctx.auth.demoCredentials();
        return { status: 'ok' as const, database: ctx.database.kind, version: ctx.version, uptimeS: Math.round(process.uptime()), demoCredentials, ...sections };
      } catch (err) {
        return reply.status(503).send({ status: 'degraded' as const, database: ctx.database.kind, version: ctx.version, error: (err as Error).message });
      }
    },
  );
}
