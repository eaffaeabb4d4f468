// Checks every request gets before any route sees it: no NUL characters, and only the body types the matched route
// documents (docs/security.md, issue #11 items 1 and 10).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Media types this route accepts as its body (default: application/json only). */
    accepts?: readonly string[];
  }
}

/** What a route takes unless it lists otherwise: a JSON route must not accept text/plain, the one body type a
 *  cross-site HTML form or a no-preflight fetch can send (CSRF). */
export const JSON_ONLY: readonly string[] = ['application/json'];

/** Methods that carry no body Fastify parses, and that must not change state. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** PostgreSQL refuses NUL in text (and PGlite likewise), so a NUL reaching SQL was a 500; no field of Takt holds one. */
export function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(hasNul);
  return false;
}

export function nulError(where: string): AppError {
  return new AppError('validation_failed', `the request ${where} contains a NUL character (%00), which no field accepts`, [
    { path: where, message: 'NUL (U+0000) is not allowed' },
  ]);
}

/**
 * Whether any component of a URL (path segment, query key or value) holds a NUL once decoded, also when decoded twice
 * or three times: several routes decode an id parameter once more themselves (paths with / in them), so %2500
 * reaches their SQL as NUL just like %00.
 */
export function urlHasNul(url: string): boolean {
  for (let part of url.split(/[/?&=;]/)) {
    for (let i = 0; i < 4; i++) {
      if (part.includes('\0')) return true;
      let d: string;
      try {
        d = decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        break; // malformed: the router or the route answers 400 for it
      }
      if (d === part) break;
      part = d;
    }
  }
  return false;
}

/** The media type of a Content-Type header, lower-case, without parameters. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';')[0].trim().toLowerCase();
}

export function installRequestChecks(app: FastifyInstance): void {
  // Path parameters and the query string are both decoded from req.url, so one look at it covers them.
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (urlHasNul(req.url)) throw nulError('path or query');
    for (const [name, value] of Object.entries(req.headers)) if (hasNul(value)) throw nulError(`header ${name}`);
  });

  // Before the body is read: a route takes the media types its config lists, JSON otherwise (415 for anything else).
  app.addHook('preParsing', async (req: FastifyRequest, _reply, payload) => {
    if (SAFE_METHODS.has(req.method)) return payload;
    const type = mediaTypeOf(req.headers['content-type']);
    if (type === undefined) return payload; // no body, or Fastify itself refuses a body without a type (415)
    const accepts = req.is404 ? JSON_ONLY : (req.routeOptions.config.accepts ?? JSON_ONLY);
    if (!accepts.includes(type)) throw new AppError('unsupported_media_type', `this route accepts Content-Type ${accepts.join(', ')}, not ${type}`);
    return payload;
  });
}

/**
 * Whether a URL the router did not match was meant for the API: decoded (repeatedly, so %2561 counts as a), lower-case,
 * without ;parameters, empty and dot segments. The not-found handler answers such paths with a JSON 404 instead of
 * the web app's page, so no spelling of an API path gets a 2xx without matching a guarded route.
 */
export function looksLikeApiPath(url: string): boolean {
  let p = url.split('?')[0];
  for (let i = 0; i < 4; i++) {
    let d: string;
    try {
      d = decodeURIComponent(p);
    } catch {
      return true; // not decodable: nothing the web app links to
    }
    if (d === p) break;
    p = d;
  }
  const segs: string[] = [];
  for (const raw of p.toLowerCase().split(/[/\\]/)) {
    const seg = raw.split(';')[0].trim();
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segs.pop();
    else segs.push(seg);
  }
  return segs[0] === 'api';
}
