// The Fastify server: schemas (zod), OpenAPI, the role guard, JSON errors, each module's routes, and the web app.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { installErrorHandler, sendFrameworkError } from './errors-handler.ts';
import { installGuard, type RouteInfo } from './guard.ts';
import { installSecurityHeaders } from './headers.ts';
import { installRequestChecks } from './request-checks.ts';
import { installWebApp } from './web.ts';

export type ZodApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/**
 * One spelling per route, chosen deliberately (Fastify 5's defaults, pinned so an upgrade cannot loosen them):
 * /API/users, /api/users/, /api//users and /api/users;x match no route, so they cannot reach a handler by a side
 * door, and the not-found handler answers them with a 404 (web.ts). The router still decodes %xx, which is why the
 * guard judges the matched route and not the URL. (useSemicolonDelimiter is missing from find-my-way's types.)
 */
const ROUTER_OPTIONS = { caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, useSemicolonDelimiter: false };

export interface BuiltServer {
  app: FastifyInstance;
  routes: RouteInfo[];
}

export async function buildServer(ctx: AppContext, modules: RouteModule[]): Promise<BuiltServer> {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: 20 * 1024 * 1024,
    // X-Forwarded-* only count when the operator says a proxy sets them (TAKT_TRUST_PROXY); otherwise any client could
    // claim https or another host.
    trustProxy: ctx.config.trustProxy,
    routerOptions: ROUTER_OPTIONS,
    // Malformed escapes (/api/%C0) answer in the same JSON error shape, with the security headers.
    frameworkErrors: sendFrameworkError,
    // Per-request lines would drown the log once machines post data; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installSecurityHeaders(app);
  installRequestChecks(app);

  // Plant files, CSV and B2MML arrive as text; the routes parse and validate them themselves. Parsing is global, but
  // each route takes only the types its config.accepts lists (request-checks.ts), so JSON routes refuse these (415).
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/xml', 'text/xml', 'text/csv'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Takt API', version: ctx.version, description: 'Takt Manufacturing Execution System' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'takt_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const routes: RouteInfo[] = [];
  installGuard(app, ctx.auth, routes);

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  for (const mod of modules) await app.register(async (scope) => mod(scope, ctx));

  await installWebApp(app, WEB_DIST);
  return { app, routes };
}
