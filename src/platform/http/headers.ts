// Security headers on every response: API answers, errors, static files, the web app's fallback page, CSV/XML
// downloads and the hijacked server-sent event streams (docs/security.md, issue #11 item 4).
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * The web app is one module script and stylesheets from /assets (vite build, no inline script), so script-src 'self'
 * holds. React and ECharts set style attributes, hence 'unsafe-inline' for styles only; ECharts exports images as
 * data:/blob: URLs. Live data comes over EventSource from the same origin (connect-src 'self').
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
};

/** Sets the headers on the Node response itself: they survive reply.hijack() (SSE) and error replies, and a route
 *  that sets a stricter value of its own (e.g. the instruction-file CSP) still wins, because writeHead's headers take
 *  precedence over setHeader's. */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!res.headersSent) res.setHeader(name, value);
}

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_req, reply) => applySecurityHeaders(reply.raw));
}
