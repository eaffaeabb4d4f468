// The built web app: one public route per file in web/dist (so the guard sees every route it serves), the page for
// the app's own client-side paths, and JSON 404s for everything that looks like the API.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { looksLikeApiPath } from './request-checks.ts';

export async function installWebApp(app: FastifyInstance, dist: string): Promise<void> {
  const webAvailable = existsSync(path.join(dist, 'index.html'));
  if (webAvailable) {
    // serve: false — only reply.sendFile (with its path checks, ETag and ranges); the routes are ours, marked public.
    await app.register(fastifyStatic, { root: dist, serve: false });
    const files = readdirSync(dist, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => path.relative(dist, path.join(f.parentPath, f.name)).split(path.sep).join('/'));
    for (const file of files) {
      const urls = file === 'index.html' ? ['/', '/index.html'] : [`/${file}`];
      for (const url of urls) app.get(url, { config: { public: true }, schema: { hide: true } }, (_req, reply) => reply.sendFile(file));
    }
  }
  app.setNotFoundHandler((req, reply) => {
    const where = req.url.split('?')[0];
    if (looksLikeApiPath(req.url)) throw new AppError('not_found', `no route ${req.method} ${where}`);
    if (!webAvailable) return reply.status(503).type('text/plain').send('The web app is not built: run `npm run build:web`.');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new AppError('not_found', `no route ${req.method} ${where}`);
    return reply.type('text/html').sendFile('index.html');
  });
}
