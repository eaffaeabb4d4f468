import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, rowHash, toJsonValue, type ChainedFields } from './chain.ts';

const row = (over: Partial<ChainedFields> = {}): ChainedFields => ({
  seq: 1,
  at: '2026-01-01T00:00:00.000Z',
  actor: 'ann',
  actorId: 'u1',
  action: 'update',
  entity: 'equipment',
  entityId: 'e1',
  before: { name: 'a', props: { x: 1, y: [1, 2] } },
  after: { name: 'b', props: { x: 1, y: [1, 2] } },
  reason: null,
  ...over,
});

describe('audit hash chain', () => {
  it('does not depend on key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    const a = rowHash(GENESIS_HASH, row());
    const b = rowHash(GENESIS_HASH, row({ before: { props: { y: [1, 2], x: 1 }, name: 'a' } }));
    expect(a).toBe(b);
  });

  it('changes when any field or the previous hash changes', () => {
    const base = rowHash(GENESIS_HASH, row());
    expect(rowHash(GENESIS_HASH, row({ actor: 'bob' }))).not.toBe(base);
    expect(rowHash(GENESIS_HASH, row({ after: { name: 'c', props: { x: 1, y: [1, 2] } } }))).not.toBe(base);
    expect(rowHash(GENESIS_HASH, row({ reason: 'why' }))).not.toBe(base);
    expect(rowHash(GENESIS_HASH, row({ seq: 2 }))).not.toBe(base);
    expect(rowHash('f'.repeat(64), row())).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('turns values into what jsonb gives back', () => {
    expect(toJsonValue({ at: new Date('2026-01-01T00:00:00Z'), u: undefined })).toEqual({ at: '2026-01-01T00:00:00.000Z' });
    expect(toJsonValue(undefined)).toBeNull();
  });
});
