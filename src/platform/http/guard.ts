// Every /api route states who may call it; a route without a role list (and not marked public) fails at start-up.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { PERSON_ROLES, type Principal, type Role } from '../auth/principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call this route. */
    roles?: readonly Role[];
    /** Open to everyone (only GET /api/health, the OpenAPI document and sign-in). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const SESSION_COOKIE = 'takt_session';

/** Common role sets, so routes read like the policy they implement. */
export const ROLES = {
  anyPerson: PERSON_ROLES,
  anyone: [...PERSON_ROLES, 'integration'] as const,
  admin: ['admin'] as const,
  plantEditors: ['admin', 'supervisor'] as const,
  auditReaders: ['admin', 'supervisor', 'quality'] as const,
} satisfies Record<string, readonly Role[]>;

export interface RouteInfo {
  method: string;
  url: string;
  roles?: readonly Role[];
  public?: boolean;
}

export function installGuard(app: FastifyInstance, auth: AuthService, routes: RouteInfo[]): void {
  app.addHook('onRoute', (opts) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    if (!opts.url.startsWith('/api/')) return;
    const cfg = opts.config as { roles?: readonly Role[]; public?: boolean } | undefined;
    if (!cfg?.public && !cfg?.roles?.length)
      throw new Error(`route ${methods.join(',')} ${opts.url} declares no roles: every /api route must say who may call it`);
    for (const m of methods) if (m !== 'HEAD') routes.push({ method: m, url: opts.url, roles: cfg?.roles, public: cfg?.public });
  });

  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const cfg = req.routeOptions.config;
    if (!req.url.startsWith('/api/') || cfg?.public || !req.routeOptions.url) return;
    const token = bearerOf(req) ?? req.cookies?.[SESSION_COOKIE];
    const principal = token ? await auth.authenticate(token) : undefined;
    if (!principal) throw new AppError('unauthenticated', 'sign in or send a valid Authorization: Bearer token');
    req.principal = principal;
    const allowed = cfg?.roles ?? [];
    if (!principal.roles.some((r) => allowed.includes(r)))
      throw new AppError('forbidden', `this needs one of the roles: ${allowed.join(', ')}`);
  });
}

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** The caller of a guarded route (the guard has already refused anonymous calls). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthenticated', 'not signed in');
  return req.principal;
}
