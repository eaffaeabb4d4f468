// Every route states who may call it; a route without a role list (and not marked public) fails at start-up.
// Who may call is decided from the route the router matched, never from the raw URL: the router decodes the path
// (/%61pi/users matches /api/users), so a prefix test on req.url let every spelling but the plain one through
// (issue #11 item 1, docs/security.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { PERSON_ROLES, type Principal, type Role } from '../auth/principal.ts';
import { SAFE_METHODS, hasNul, nulError } from './request-checks.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call this route. */
    roles?: readonly Role[];
    /** Open to everyone (GET /api/health, the OpenAPI document, sign-in and the web app's files). */
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
    const cfg = opts.config as { roles?: readonly Role[]; public?: boolean } | undefined;
    if (!cfg?.public && !cfg?.roles?.length)
      throw new Error(`route ${methods.join(',')} ${opts.url} declares no roles: every route must say who may call it or be marked public`);
    for (const m of methods) if (m !== 'HEAD') routes.push({ method: m, url: opts.url, roles: cfg?.roles, public: cfg?.public });
  });

  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    // Unmatched requests go to the not-found handler, which only ever serves the public web page or a 404.
    if (req.is404) return;
    const cfg = req.routeOptions.config;
    if (cfg.public) return;
    const allowed = cfg.roles ?? [];
    // Unreachable while onRoute refuses such routes; fail closed should that check ever be bypassed.
    if (!allowed.length) throw new AppError('forbidden', 'this route is open to no one');
    const bearer = bearerOf(req);
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (hasNul(cookie)) throw nulError(`cookie ${SESSION_COOKIE}`);
    // A browser attaches the cookie to cross-site requests too; a Bearer header it never adds on its own.
    if (!bearer && cookie && !SAFE_METHODS.has(req.method)) {
      const why = crossSiteReason(req);
      if (why)
        throw new AppError(
          'forbidden',
          `cross-site request refused (${why}): state-changing requests signed in by cookie must come from the Takt web app itself`,
          { rule: 'same-origin' },
        );
    }
    const token = bearer ?? cookie;
    const principal = token ? await auth.authenticate(token) : undefined;
    if (!principal) throw new AppError('unauthenticated', 'sign in or send a valid Authorization: Bearer token');
    req.principal = principal;
    if (!principal.roles.some((r) => allowed.includes(r))) throw new AppError('forbidden', `this needs one of the roles: ${allowed.join(', ')}`);
  });
}

/**
 * Why a request is cross-site, or undefined if it is not. Fetch Metadata first: every current browser sends
 * Sec-Fetch-Site and a page cannot forge it; the web app's own requests say same-origin. Older browsers send Origin on
 * cross-origin POSTs, compared with the Host the request was sent to. A request with neither header (curl, scripts)
 * is no browser riding on a victim's cookie.
 */
export function crossSiteReason(req: Pick<FastifyRequest, 'headers' | 'host'>): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  try {
    const from = new URL(origin);
    // The Host read with the Origin's scheme, so a default port written out (host:80) or left off compares equal.
    const to = new URL(`${from.protocol}//${req.host}`);
    if (from.host === to.host) return undefined;
  } catch {
    // "null" (sandboxed frames, file:) and anything unparsable
  }
  return `Origin: ${origin}`;
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
