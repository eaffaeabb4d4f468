import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeApiPath, mediaTypeOf, urlHasNul } from './request-checks.ts';

const pct = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

describe('looksLikeApiPath', () => {
  it('sees the API behind any spelling of /api', () => {
    for (const u of [
      '/api',
      '/api/users',
      '/API/users',
      '/%61pi/users',
      '/%2561pi/x',
      '//api/x',
      '/./api/x',
      '/x/../api/x',
      '/api;a=1/x',
      '/Api%2Fx',
      '/api\\x',
      '/%',
    ])
      expect(looksLikeApiPath(u), u).toBe(true);
    for (const u of ['/', '/plant', '/apiary', '/assets/index.js', '/orders/PO-1?x=/api/']) expect(looksLikeApiPath(u), u).toBe(false);
  });

  it('property: encoding or case-changing the letters of /api/<path> never hides it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9/-]{0,20}$/), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean(), (rest, encode, upper) => {
        const api = [...'api'].map((c, i) => (encode[i] ? pct(upper ? c.toUpperCase() : c) : upper ? c.toUpperCase() : c)).join('');
        expect(looksLikeApiPath(`/${api}/${rest}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('urlHasNul', () => {
  it('finds NUL encoded once, twice or raw in any path segment or query part', () => {
    for (const u of ['/api/x/%00', '/api/x/%2500', '/api/x/%252500', '/api/x?q=%00', '/api/x?%00=1', '/api/x/a\0b']) expect(urlHasNul(u), u).toBe(true);
    for (const u of ['/api/x/00', '/api/x/%25', '/api/x/%', '/api/x?q=%2F00', '/api/x/%3000']) expect(urlHasNul(u), u).toBe(false);
  });

  it('property: a NUL anywhere in a value is found however the value is encoded', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.integer({ min: 1, max: 3 }), (a, b, times) => {
        let v = `${a}\0${b}`;
        for (let i = 0; i < times; i++) v = encodeURIComponent(v);
        expect(urlHasNul(`/api/things/${v}`)).toBe(true);
        expect(urlHasNul(`/api/things?name=${v}`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('mediaTypeOf', () => {
  it('is the lower-case type without parameters', () => {
    expect(mediaTypeOf('Text/CSV; charset=utf-8')).toBe('text/csv');
    expect(mediaTypeOf(' application/json ')).toBe('application/json');
    expect(mediaTypeOf(undefined)).toBeUndefined();
  });
});
