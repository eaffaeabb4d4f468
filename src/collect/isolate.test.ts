import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Querier } from '../platform/db/database.ts';
import { base64QuarantineRow, bisect, escapeNul, isRowRefusal, storableQuarantineRow } from './isolate.ts';

const sqlstate = (code: string) => Object.assign(new Error(`refused ${code}`), { code });

describe('isRowRefusal', () => {
  it('takes data, integrity and size errors as the row refused, and everything else as about the database', () => {
    for (const code of ['22021', '22P05', '22008', '22003', '23514', '23502', '54000', 'XX000']) expect(isRowRefusal(sqlstate(code)), code).toBe(true);
    for (const code of ['08006', '08003', '40001', '40P01', '42P01', '53100', '57P01', '58030', 'XX001', 'ECONNRESET', 'ECONNREFUSED'])
      expect(isRowRefusal(sqlstate(code)), code).toBe(false);
    for (const err of [new Error('Connection terminated unexpectedly'), null, undefined, 'x', { code: 22021 }]) expect(isRowRefusal(err)).toBe(false);
  });
});

describe('escapeNul and storable quarantine rows', () => {
  it('leaves no NUL anywhere, keeps text without NUL as it is, and a receipt time PostgreSQL can store', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.oneof(fc.double(), fc.integer()), (s, plain, receivedAt) => {
        expect(escapeNul(s)).not.toContain('\u0000');
        if (!plain.includes('\u0000')) expect(escapeNul(plain)).toBe(plain);
        const r = storableQuarantineRow({ receivedAt, protocol: s, source: s, topic: s, equipmentPath: s, reason: s, payload: s });
        for (const v of Object.values(r)) if (typeof v === 'string') expect(v).not.toContain('\u0000');
        expect(Number.isFinite(r.receivedAt) && r.receivedAt >= 0 && r.receivedAt < 8.64e15).toBe(true);
        const last = base64QuarantineRow(r, s);
        for (const v of Object.values(last)) if (typeof v === 'string') expect(v).not.toContain('\u0000');
      }),
      { numRuns: 300 },
    );
  });
});

describe('bisect', () => {
  /** A part is written only if it holds no poison, as a transaction under a savepoint would be. */
  function run(items: number[], poison: Set<number>, failWith = '22021') {
    const statements: string[] = [];
    const q: Querier = { query: async (text: string) => (statements.push(text), []) as never[] };
    const written: number[] = [];
    const refused: number[] = [];
    const write = async (part: number[]) => {
      if (part.some((i) => poison.has(i))) throw sqlstate(failWith);
      written.push(...part);
    };
    return { statements, written, refused, done: bisect(q, items, write, (i) => void refused.push(i)) };
  }

  it('property: every good item is written exactly once, every poison item refused exactly once, nothing lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { maxLength: 200 }).map((bad) => bad.map((b, i) => [i, b] as const)),
        async (items) => {
          const poison = new Set(items.filter(([, b]) => b).map(([i]) => i));
          const r = run(
            items.map(([i]) => i),
            poison,
          );
          await r.done;
          expect([...r.written].sort((a, b) => a - b)).toEqual(items.filter(([, b]) => !b).map(([i]) => i));
          expect([...r.refused].sort((a, b) => a - b)).toEqual([...poison].sort((a, b) => a - b));
          // every savepoint is released; cost stays near 2·k·log2(n) parts
          expect(r.statements.filter((s) => s.startsWith('SAVEPOINT')).length).toBe(r.statements.filter((s) => s.startsWith('RELEASE')).length);
          expect(r.statements.filter((s) => s.startsWith('SAVEPOINT')).length).toBeLessThanOrEqual(
            1 + 2 * poison.size * (Math.ceil(Math.log2(items.length + 1)) + 1),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not isolate failures that are not about a row: they fail the whole write', async () => {
    const r = run([1, 2, 3], new Set([2]), '08006');
    await expect(r.done).rejects.toMatchObject({ code: '08006' });
    expect(r.refused).toEqual([]);
  });
});
