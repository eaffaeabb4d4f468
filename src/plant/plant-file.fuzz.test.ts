// Fuzz tests of the plant-file reader (issue #11): random shapes, deep nesting, YAML alias bombs, huge strings, NUL
// bytes. Every input ends in a plant file or a 4xx AppError with a reason, never another error; runs are bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, httpStatusOf } from '../platform/errors.ts';
import { checkPlantShape, parsePlantFileLimited, plantFileLimits } from './plant-file-limits.ts';

const limits = { ...plantFileLimits({}), maxItems: 200, maxDepth: 30 };

function outcome(input: unknown): 'ok' | number {
  try {
    parsePlantFileLimited(input, limits);
    return 'ok';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.message.length).toBeGreaterThan(5);
    return httpStatusOf(err.code);
  }
}
const expect4xx = (input: unknown) => {
  const r = outcome(input);
  if (r !== 'ok') expect(r >= 400 && r < 500, String(r)).toBe(true);
  return r;
};

const equipmentNode: fc.Memo<unknown> = fc.memo((n) =>
  fc.record(
    {
      id: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.string({ maxLength: 10 })),
      level: fc.constantFrom('enterprise', 'site', 'area', 'workCenter', 'machine', 'bogus'),
      name: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('\0'), fc.constant('n'.repeat(300))),
      children: n <= 1 ? fc.constant([]) : fc.array(equipmentNode(n - 1), { maxLength: 3 }),
    },
    { requiredKeys: ['id'] },
  ),
);

describe('plant files, fuzzed', () => {
  it('answers random JSON values and random plant-like shapes with a plant file or a 4xx', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 6 }),
          fc.record({ equipment: fc.array(equipmentNode(4), { maxLength: 4 }), materials: fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }) }),
        ),
        (doc) => {
          expect4xx(doc);
          expect4xx(JSON.stringify(doc) ?? 'null');
        },
      ),
      { numRuns: 150 },
    );
  }, 30_000);

  it('answers random YAML-ish text, NUL bytes and huge strings with a 4xx or a plant file', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('\0', ':', '- ', '&a ', '*a', '!!binary ', '{', '[', '\n  ', '"', "'", '? ', '%YAML 1.2\n---\n', '<<: *a'),
      fc.integer({ min: 1000, max: 100_000 }).map((k) => 'z'.repeat(k)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => void expect4xx(`equipment:\n  - id: ${parts.join('')}`)),
      { numRuns: 100 },
    );
  }, 30_000);

  it('refuses alias bombs ("billion laughs") and deep nesting in YAML and JSON with a 4xx', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 31, max: 3000 }), (levels, depth) => {
        const bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
        for (let i = 1; i <= levels; i++) bomb.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
        const r = expect4xx(`${bomb.join('\n')}\nequipment: *a${levels}\n`);
        expect(r).not.toBe('ok');
        expect(expect4xx(`equipment: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)).toBe(422);
        expect(expect4xx(JSON.parse(`{"equipment":${'[{"children":'.repeat(depth)}[]${'}]'.repeat(depth)}}`))).toBe(422);
      }),
      { numRuns: 15 },
    );
  }, 30_000);

  it('counts nested equipment toward the entry limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (wide, max) => {
        const node = (d: number): unknown => ({ id: `e${d}`, level: 'site', name: 'x', children: d > 0 ? [node(d - 1)] : [] });
        const doc = { equipment: Array.from({ length: wide }, () => node(2)) };
        const check = () => checkPlantShape(doc, { ...limits, maxItems: max });
        if (wide * 3 > max) expect(check).toThrow(/TAKT_PLANT_FILE_MAX_ITEMS/);
        else expect(check).not.toThrow();
      }),
      { numRuns: 60 },
    );
  });
});
