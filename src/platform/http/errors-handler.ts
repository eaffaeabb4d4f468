// One mapper from every kind of failure to the JSON error body {error: {code, message, details?}}.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, fromDatabaseError, httpStatusOf, type ErrorCode } from '../errors.ts';
import { applySecurityHeaders } from './headers.ts';

const FASTIFY_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let appErr: AppError;
    if (err instanceof AppError) appErr = err;
    else if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const details = err.validation.map((v) => ({
        path: [
          where,
          ...String(v.instancePath ?? '')
            .split('/')
            .filter(Boolean),
        ].join('.'),
        message: v.message ?? 'invalid',
      }));
      appErr = new AppError('validation_failed', `invalid request ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
    } else if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
      appErr = new AppError('internal', 'the server produced an invalid response');
    } else if (err instanceof URIError) {
      // Routes that decode a path parameter again (ids that are paths) meet "%" followed by no hex pair.
      appErr = new AppError('bad_request', 'malformed percent-encoding in the request path or query');
    } else if (isConnectionLoss(err)) {
      req.log.error({ err }, 'database unavailable');
      appErr = new AppError('unavailable', 'the database (or another service Takt needs) is not reachable; try again shortly');
    } else if (fromDatabaseError(err)) appErr = fromDatabaseError(err)!;
    else if (err.statusCode && err.statusCode < 500 && FASTIFY_CODES[err.statusCode]) appErr = new AppError(FASTIFY_CODES[err.statusCode], err.message);
    else {
      req.log.error({ err }, 'unexpected error');
      appErr = new AppError('internal', 'internal error');
    }
    send(reply, appErr);
  });
}

/** Errors Fastify raises before routing (a path that is not valid percent-encoding), in the same shape. */
export function sendFrameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  applySecurityHeaders(reply.raw);
  const code = (err.statusCode && FASTIFY_CODES[err.statusCode]) || 'bad_request';
  send(reply, new AppError(code, err.message));
}

function send(reply: FastifyReply, appErr: AppError): void {
  const status = httpStatusOf(appErr.code);
  if (appErr.code === 'rate_limited' && typeof (appErr.details as { retryAfterS?: number })?.retryAfterS === 'number')
    reply.header('retry-after', String((appErr.details as { retryAfterS: number }).retryAfterS));
  reply
    .status(status)
    .type('application/json')
    .send({ error: { code: appErr.code, message: appErr.message, ...(appErr.details !== undefined ? { details: appErr.details } : {}) } });
}

/** Socket errors, and the SQLSTATE classes for a server that went away: 08 connection exception, 57P01-57P03
 *  shutdown/starting, 53300 too many connections. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** node-postgres and pg-pool report a lost or refused connection by message only; PGlite once closed likewise. */
const CONNECTION_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end|PGlite is closed/i;

/**
 * Whether an error means the database cannot be reached (503 `unavailable`: the request may succeed later) rather
 * than a fault of the request or of Takt (issue #11 item 16). Drizzle wraps driver errors, so the cause chain counts.
 */
export function isConnectionLoss(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++, e = e.cause as typeof e) {
    if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  }
  return false;
}
