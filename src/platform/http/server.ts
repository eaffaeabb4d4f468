// The Fastify server: schemas (zod), OpenAPI, the role guard, JSON errors, each module's routes, and the web app.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { installErrorHandler } from './errors-handler.ts';
import { installGuard, type RouteInfo } from './guard.ts';

export type ZodApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

export interface BuiltServer {
  app: FastifyInstance;
  routes: RouteInfo[];
}

export async function buildServer(ctx: AppContext, modules: RouteModule[]): Promise<BuiltServer> {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: 20 * 1024 * 1024,
    // proxy headers only when configured (TAKT_TRUST_PROXY): otherwise a client could choose its own req.ip
    trustProxy: ctx.config.trustProxy,
    // Per-request lines would drown the log once machines post data; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  // Plant files and B2MML arrive as text; the routes parse and validate them themselves.
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain', 'application/xml', 'text/xml', 'text/csv'],
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

  const webAvailable = existsSync(path.join(WEB_DIST, 'index.html'));
  if (webAvailable) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.url === '/api') throw new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`);
    if (!webAvailable) return reply.status(503).type('text/plain').send('The web app is not built: run `npm run build:web`.');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new AppError('not_found', `no route ${req.method} ${req.url}`);
    return reply.type('text/html').sendFile('index.html');
  });
  return { app, routes };
}
