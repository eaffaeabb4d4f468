// Turns an audit entry's before/after snapshots into a readable list of field changes.

export interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

/** Bookkeeping fields that change on every write and say nothing to a reader. */
const NOISE = new Set(['updatedAt', 'createdAt', 'version', 'passwordHash', 'tokenHash']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flattens nested objects/arrays to dotted paths (`routing.0.name`); empty containers stay as leaves. */
export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix) out.set(prefix, value);
    for (const k of keys) {
      if (!prefix && NOISE.has(k)) continue;
      flatten(value[k], prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (Array.isArray(value)) {
    if (value.length === 0 && prefix) out.set(prefix, value);
    value.forEach((v, i) => {
      flatten(v, prefix ? `${prefix}.${i}` : String(i), out);
    });
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

export function diff(before: unknown, after: unknown): Change[] {
  const a = flatten(before ?? {});
  const b = flatten(after ?? {});
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const changes: Change[] = [];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ field: k, before: x, after: y });
  }
  return changes;
}

/** For a create (or delete), the empty fields of the snapshot say nothing: leave them out. */
export function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  if (v === null) return 'null';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (isPlainObject(v) && Object.keys(v).length === 0) return '{}';
  return JSON.stringify(v);
}
