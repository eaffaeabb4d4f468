import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, changedPaths, recordHash } from './canonical.ts';

/** The same value with every object's keys in another order (at every depth). */
function reorder(value: unknown, rnd: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, rnd));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  return Object.fromEntries(keys.map((k) => [k, reorder((value as Record<string, unknown>)[k], rnd)]));
}

/** Every place a value sits in a JSON value (an object's field, an array's element), the root included. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push(...paths(v, [...at, i]));
    });
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function replaceAt(value: unknown, at: Array<string | number>, next: unknown): unknown {
  if (!at.length) return next;
  const [head, ...rest] = at;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, next) : v));
  const o = value as Record<string, unknown>;
  return { ...o, [head]: replaceAt(o[head as string], rest, next) };
}

const record = fc.jsonValue({ maxDepth: 4 });

describe('canonical JSON of a signed record', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalJson({ z: { y: 2, x: { w: 1, v: 0 } } })).toBe('{"z":{"x":{"v":0,"w":1},"y":2}}');
    // a published value, so another implementation can check itself against this one (sha256 of the line above's first)
    expect(recordHash({ b: 1, a: [true, null, 'x'] })).toBe('54a65415ad370228851a1da4b31b6fd42dc58b19a50d35cae759325f7388ce64');
  });

  it('orders keys by UTF-16 code units (RFC 8785 §3.2.3), not by code points', () => {
    // U+FB33 sorts before U+1F600 by code point, after it by code unit (0xD83D < 0xFB33)
    expect(canonicalJson({ '\uFB33': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\uFB33":1}');
    expect(canonicalJson({ a: 1, B: 2, _: 3, '1': 4 })).toBe('{"1":4,"B":2,"_":3,"a":1}');
  });

  it('writes numbers and strings as ECMAScript JSON does, dates as ISO strings', () => {
    expect(canonicalJson([1e21, 0.1 + 0.2, -0, 5e-7, 100])).toBe('[1e+21,0.30000000000000004,0,5e-7,100]');
    expect(canonicalJson({ s: 'line\n"quoted"\u0001\u2028' })).toBe('{"s":"line\\n\\"quoted\\"\\u0001\u2028"}');
    expect(canonicalJson({ at: new Date('2026-12-02T15:00:00.000Z') })).toBe('{"at":"2026-12-02T15:00:00.000Z"}');
    expect(canonicalJson({ gone: undefined, f: () => 1, kept: [undefined, 1] })).toBe('{"kept":[null,1]}');
  });

  it('refuses what JSON would silently change: NaN, Infinity, bigint, Map, Set, a cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const bad of [{ x: Number.NaN }, { x: [Infinity] }, { x: 1n }, { x: new Map() }, { x: new Set([1]) }, cyclic, undefined])
      expect(() => canonicalJson(bad), String(bad)).toThrow(/not plain JSON at \$/);
    // the same object twice is no cycle
    const shared = { q: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"q":1},"b":{"q":1}}');
  });

  it('property: the order of keys does not change the hash', () => {
    fc.assert(
      fc.property(record, fc.integer(), (value, seed) => {
        let s = seed;
        const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
        expect(recordHash(reorder(value, rnd))).toBe(recordHash(value));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a record hashes the same after a trip through JSON (the API, a jsonb column)', () => {
    fc.assert(
      fc.property(record, (value) => {
        expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it('property: any change to any field, at any depth, changes the hash', () => {
    fc.assert(
      fc.property(record, fc.nat(), fc.jsonValue({ maxDepth: 2 }), (value, pick, replacement) => {
        const all = paths(value);
        const at = all[pick % all.length];
        const changed = replaceAt(value, at, replacement);
        // only a replacement that is a different value counts as a change
        fc.pre(canonicalJson(changed) !== canonicalJson(value));
        expect(recordHash(changed)).not.toBe(recordHash(value));
        expect(changedPaths(JSON.parse(canonicalJson(value)), JSON.parse(canonicalJson(changed))).length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('property: adding or removing a field changes the hash, even one that is null', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string(), (value, key) => {
        fc.pre(!(key in value));
        expect(recordHash({ ...value, [key]: null })).not.toBe(recordHash(value));
      }),
      { numRuns: 200 },
    );
  });

  it('names the paths that changed', () => {
    const before = { status: 'open', lines: [{ qty: 1 }, { qty: 2 }], note: null, tags: ['a'] };
    const after = { status: 'closed', lines: [{ qty: 1 }, { qty: 3 }], tags: ['a', 'b'], extra: true };
    expect(changedPaths(before, after)).toEqual(['$.extra', '$.lines[1].qty', '$.note', '$.status', '$.tags']);
    expect(changedPaths(before, before)).toEqual([]);
    // keys that name Object.prototype's members, on one side only (found by the property above)
    expect(changedPaths({ valueOf: '' }, {})).toEqual(['$.valueOf']);
    expect(changedPaths({}, { toString: '', constructor: 1 })).toEqual(['$.constructor', '$.toString']);
  });
});
