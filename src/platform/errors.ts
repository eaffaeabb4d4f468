// Errors carry a code from a closed set; one mapper (httpStatusOf) turns codes into HTTP statuses.
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  /** An e-signature's re-authentication failed; the caller's own session is untouched (not a sign-out). */
  signature_rejected: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate: 409,
  /** The action needs (more) e-signatures on the record's current version (platform/signatures). */
  signature_required: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const httpStatusOf = (code: ErrorCode): number => ERROR_STATUS[code];

export const notFound = (what: string, id: string) => new AppError('not_found', `${what} '${id}' does not exist`);

export const validationFailed = (message: string, issues: FieldIssue[]) => new AppError('validation_failed', message, issues);

/** Zod issues → field issues with a dotted/indexed path such as `equipment[0].children[2].id`. */
export function zodIssuesToFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): FieldIssue[] {
  return issues.map((i) => ({ path: joinPath(prefix, i.path), message: i.message }));
}

export function joinPath(prefix: string, parts: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/** Postgres unique violations and friends → AppError, so callers see a 409 rather than a 500. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  const e = err as { code?: string; detail?: string; constraint?: string; message?: string; cause?: unknown };
  const pgCode = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  const inner = (e?.cause as typeof e | undefined) ?? e;
  if (pgCode === '23505') return new AppError('duplicate', inner.detail ?? 'duplicate key', { constraint: inner.constraint });
  if (pgCode === '23503') return new AppError('conflict', inner.detail ?? 'referenced record missing or still in use', { constraint: inner.constraint });
  // 22021/22P05: text or JSON the database cannot store (a NUL in a body field).
  if (pgCode === '23514' || pgCode === '22P02' || pgCode === '22003' || pgCode === '22021' || pgCode === '22P05')
    return new AppError('bad_request', inner.message ?? 'invalid value');
  return undefined;
}
