import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { rowsOf, sql } from './db/database.ts';

const MB = 1024 * 1024;

/** Free megabytes on the filesystem holding the data folder (its nearest existing ancestor before the first start);
 *  undefined for an in-memory database, which writes no files. */
export async function freeDiskMb(dataDir: string): Promise<number | undefined> {
  if (dataDir.startsWith('memory://')) return undefined;
  let dir = path.resolve(dataDir);
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const s = await statfs(dir);
  return Math.floor((s.bavail * s.bsize) / MB);
}

const healthOk = z
  .object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), version: z.string(), uptimeS: z.number() })
  .catchall(z.unknown());
const healthDegraded = z
  .object({ status: z.literal('degraded'), database: z.enum(['pglite', 'postgres']), version: z.string(), error: z.string() })
  .catchall(z.unknown());
/** GET /api/health: the named fields; the modules' sections ride along as further keys. */
export type Health = z.infer<typeof healthOk> | z.infer<typeof healthDegraded>;

export function healthRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['platform'],
        summary: 'Liveness, database reachability, free disk space, and whether the published demo credentials still work (open to everyone)',
        response: {
          200: healthOk,
          503: healthDegraded,
        },
      },
    },
    async (_req, reply) => {
      const degraded = (error: string) => reply.status(503).send({ status: 'degraded' as const, database: ctx.database.kind, version: ctx.version, error });
      try {
        await rowsOf(ctx.db, sql`SELECT 1`);
      } catch (err) {
        return degraded((err as Error).message);
      }
      // A full disk stops the database and the collect pipeline from writing while SELECT 1 still answers: report it
      // before it happens (TAKT_MIN_FREE_DISK_MB, issue #11 item 16).
      const freeMb = await freeDiskMb(ctx.config.dataDir).catch(() => undefined);
      if (freeMb !== undefined && freeMb < ctx.config.minFreeDiskMb)
        return degraded(`only ${freeMb} MB free on the data folder's filesystem (minimum ${ctx.config.minFreeDiskMb} MB, TAKT_MIN_FREE_DISK_MB)`);
      const sections = Object.fromEntries([...ctx.health].map(([name, fn]) => [name, fn()]));
      const disk = freeMb === undefined ? {} : { disk: { freeMb, minFreeMb: ctx.config.minFreeDiskMb } };
      // a section that says it is degraded (collect: storing fails) makes the whole answer degraded, with its reason
      const failing = Object.entries(sections).filter(([, s]) => (s as { status?: unknown } | null)?.status === 'degraded');
      if (failing.length) {
        const error = failing.map(([name, s]) => `${name}: ${String((s as { reason?: unknown }).reason ?? 'degraded')}`).join('; ');
        return reply.status(503).send({ status: 'degraded' as const, database: ctx.database.kind, version: ctx.version, error, ...disk, ...sections });
      }
      // demoCredentials: the sign-in pages show a "not for production" banner while the README's badge PINs work
      const demoCredentials = await ctx.auth.demoCredentials();
      return {
        status: 'ok' as const,
        database: ctx.database.kind,
        version: ctx.version,
        uptimeS: Math.round(process.uptime()),
        demoCredentials,
        ...disk,
        ...sections,
      };
    },
  );
}
