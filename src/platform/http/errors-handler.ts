// One mapper from every kind of failure to the JSON error body {error: {code, message, details?}}.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, fromDatabaseError, httpStatusOf, type ErrorCode } from '../errors.ts';

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
        path: [where, ...String(v.instancePath ?? '').split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      appErr = new AppError('validation_failed', `invalid request ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
    } else if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
      appErr = new AppError('internal', 'the server produced an invalid response');
    } else if (fromDatabaseError(err)) appErr = fromDatabaseError(err)!;
    else if (err.statusCode && err.statusCode < 500 && FASTIFY_CODES[err.statusCode])
      appErr = new AppError(FASTIFY_CODES[err.statusCode], err.message);
    else {
      req.log.error({ err }, 'unexpected error');
      appErr = new AppError('internal', 'internal error');
    }
    const status = httpStatusOf(appErr.code);
    if (appErr.code === 'rate_limited' && typeof (appErr.details as { retryAfterS?: number })?.retryAfterS === 'number')
      reply.header('retry-after', String((appErr.details as { retryAfterS: number }).retryAfterS));
    reply
      .status(status)
      .type('application/json')
      .send({ error: { code: appErr.code, message: appErr.message, ...(appErr.details !== undefined ? { details: appErr.details } : {}) } });
  });
}
