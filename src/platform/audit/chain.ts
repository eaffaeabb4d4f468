// The hash chain itself: pure functions, so `audit verify` and the writer agree byte for byte.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: string; // ISO 8601 UTC with milliseconds
  actor: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** JSON with object keys sorted at every depth: jsonb reorders keys, so the hash must not depend on order. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a value looks like once it has been through jsonb: plain JSON, dates as ISO strings. */
export function toJsonValue(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

export function rowHash(prevHash: string, f: ChainedFields): string {
  const body = canonicalJson({
    seq: f.seq,
    at: f.at,
    actor: f.actor,
    actorId: f.actorId,
    action: f.action,
    entity: f.entity,
    entityId: f.entityId,
    before: f.before,
    after: f.after,
    reason: f.reason,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
