// The one HTTP client of the web shell. Every call goes through `api()`: JSON in, JSON out, cookie
// auth (`takt_session`), and a typed ApiError carrying the server's `{error:{code,message,details}}`.

export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Validation issues as `{path, message}` when the server sent them. */
  get fieldIssues(): FieldIssue[] {
    if (!Array.isArray(this.details)) return [];
    return this.details
      .filter((d): d is FieldIssue => typeof d === 'object' && d !== null && typeof (d as FieldIssue).message === 'string')
      .map((d) => ({ path: String(d.path ?? ''), message: d.message }));
  }
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Registered by the auth provider: any 401 outside sign-in sends the user back to the sign-in page. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Send `body` as-is with this content type instead of JSON. */
  contentType?: string;
  query?: Record<string, string | number | undefined | null>;
  /** Don't trigger the global sign-out on 401 (used by the sign-in form itself). */
  skipAuthRedirect?: boolean;
  /** Return the raw text instead of parsing JSON. */
  text?: boolean;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/api') ? path : `/api${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: opts.text ? '*/*' : 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    if (opts.contentType) {
      headers['Content-Type'] = opts.contentType;
      body = opts.body as BodyInit;
    } else {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the Takt server. Check the connection and try again.');
  }
  if (!res.ok) {
    const err = await toError(res);
    if (!opts.skipAuthRedirect && endsSession(err)) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  if (opts.text) return (await res.text()) as T;
  const raw = await res.text();
  if (!raw) return undefined as T;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return raw as T;
  }
}

/**
 * Whether an error answer means the session has ended (so the shell signs the user out). A 401 does, except
 * `signature_rejected`: the credentials re-entered to sign were wrong, and the caller's own session goes on
 * (docs/signatures.md) — a mistyped password in a signing dialog must not throw away the page.
 */
export function endsSession(err: Pick<ApiError, 'status' | 'code'>): boolean {
  return err.status === 401 && err.code !== 'signature_rejected';
}

async function toError(res: Response): Promise<ApiError> {
  let payload: unknown;
  try {
    payload = await res.json();
  } catch {
    payload = undefined;
  }
  const err = (payload as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  const fallback =
    res.status === 401
      ? 'Your session has ended. Please sign in again.'
      : res.status === 403
        ? 'You do not have permission to do that.'
        : res.status === 429
          ? 'Too many attempts. Please wait a moment and try again.'
          : `The server answered ${res.status} ${res.statusText}`.trim();
  return new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? fallback, err?.details);
}

/** A readable message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
