// The exact bytes a signature is bound to (21 CFR 11.70: signatures linked to their records so they cannot be
// transferred or the record changed unseen). The record's canonical JSON is RFC 8785 (JCS) for plain JSON data: object
// keys sorted by UTF-16 code units at every depth, no whitespace, strings and numbers as ECMAScript's JSON.stringify
// writes them. Values JSON itself would turn into something else are refused instead of being hashed silently wrong.
import { createHash } from 'node:crypto';

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`record is not plain JSON at ${path}: ${reason}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * Canonical JSON of a record. What JSON.stringify would do is done (toJSON, so a Date is its ISO string; properties
 * that are undefined or functions are left out; undefined in an array is null), so a record hashes the same before
 * and after a trip through the API or a jsonb column. NaN, ±Infinity, bigint, Map, Set and cycles are refused: JSON
 * would write them as null or {} and two different records would share a hash.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

/** SHA-256 (hex) of the record's canonical JSON in UTF-8. */
export function recordHash(record: unknown): string {
  return sha256(canonicalJson(record));
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function write(input: unknown, path: string, open: Set<object>): string {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    value = (value as { toJSON(key: string): unknown }).toJSON(path);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) return 'null';
  if (value instanceof Map || value instanceof Set) throw new CanonicalJsonError(path, `a ${value.constructor.name} would be written as {}`);
  if (open.has(value)) throw new CanonicalJsonError(path, 'the record refers to itself');
  open.add(value);
  try {
    if (Array.isArray(value))
      return `[${value.map((v, i) => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : write(v, `${path}[${i}]`, open))).join(',')}]`;
    const entries = Object.keys(value)
      .filter((k) => {
        const v = (value as Record<string, unknown>)[k];
        return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
      })
      // the default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for
      .sort();
    return `{${entries.map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k], `${path}.${k}`, open)}`).join(',')}}`;
  } finally {
    open.delete(value);
  }
}

/**
 * Where two plain JSON values (parsed, as canonicalJson reads them) differ, as paths (`$.status`, `$.lines[2].qty`): what a reader of a broken signature wants to
 * know first. At most `limit` paths; arrays of different length count as one change.
 */
export function changedPaths(before: unknown, after: unknown, limit = 50): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= limit) return;
    const objA = a !== null && typeof a === 'object';
    const objB = b !== null && typeof b === 'object';
    if (objA && objB && Array.isArray(a) === Array.isArray(b)) {
      if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) out.push(path);
        else
          a.forEach((v, i) => {
            walk(v, b[i], `${path}[${i}]`);
          });
        return;
      }
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      // own properties only: a key such as "valueOf" on one side must not meet Object.prototype's function on the other
      const own = (r: Record<string, unknown>, k: string) => (Object.hasOwn(r, k) ? r[k] : undefined);
      for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) walk(own(ra, k), own(rb, k), `${path}.${k}`);
      return;
    }
    // a key present on one side only is a change even when the other says null: the canonical forms differ
    if (a === undefined || b === undefined ? a !== b : canonicalJson(a) !== canonicalJson(b)) out.push(path);
  };
  walk(before, after, '$');
  return out;
}
