import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, endsSession, setUnauthorizedHandler } from './api.ts';

describe('endsSession', () => {
  it('a 401 ends the session, except a refused signature; no other status does', () => {
    expect(endsSession({ status: 401, code: 'unauthorized' })).toBe(true);
    expect(endsSession({ status: 401, code: 'http_401' })).toBe(true);
    expect(endsSession({ status: 401, code: 'signature_rejected' })).toBe(false);
    for (const status of [400, 403, 404, 409, 429, 500]) expect(endsSession({ status, code: 'signature_rejected' })).toBe(false);
  });
});

describe('api() on a 401', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setUnauthorizedHandler(null);
  });

  const answer401 = (code: string) =>
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code, message: `refused (${code})` } }), { status: 401, headers: { 'content-type': 'application/json' } }),
      ),
    );

  it('signs the user out on an ended session, not on a refused signature', async () => {
    const signedOut = vi.fn();
    setUnauthorizedHandler(signedOut);
    answer401('signature_rejected');
    const refused = await api('/signatures', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('signature_rejected');
    expect(signedOut).not.toHaveBeenCalled();
    answer401('unauthorized');
    await expect(api('/quality/characteristics')).rejects.toThrow('refused (unauthorized)');
    expect(signedOut).toHaveBeenCalledTimes(1);
  });
});
