import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControls, excerpt, jsonDeeperThan, QUARANTINE_EXCERPT_BYTES, screenDecoded } from './limits.ts';

/** Nesting depth of a parsed JSON value, by walking it (the reference the byte scan must agree with). */
const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0);

describe('JSON nesting depth before parsing', () => {
  it('agrees with the parsed depth for any JSON, as text and as bytes', () => {
    // strings full of brackets, quotes and escapes must not count
    const tricky = fc.string({ unit: fc.constantFrom('{', '[', '}', ']', '"', '\\', 'a', 'é') });
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        tricky,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(tricky, tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, fc.nat(8), (v, max) => {
        const text = JSON.stringify(v);
        const expected = depthOf(v) > max;
        expect(jsonDeeperThan(text, max)).toBe(expected);
        expect(jsonDeeperThan(Buffer.from(text), max)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the limit on a 10,000-deep value without parsing it', () => {
    expect(jsonDeeperThan('['.repeat(10_000) + ']'.repeat(10_000), 32)).toBe(true);
    expect(jsonDeeperThan(`${'{"value":'.repeat(32)}1${'}'.repeat(32)}`, 32)).toBe(false);
    expect(jsonDeeperThan(`${'{"value":'.repeat(33)}1${'}'.repeat(33)}`, 32)).toBe(true);
    expect(jsonDeeperThan(`"${'['.repeat(100)}"`, 1)).toBe(false);
  });
});

describe('quarantine text', () => {
  it('keeps small payloads whole and cuts large ones on a character boundary', () => {
    expect(excerpt(Buffer.from('{"value": 1}'))).toBe('{"value": 1}');
    const big = excerpt(Buffer.from('é'.repeat(QUARANTINE_EXCERPT_BYTES)));
    expect(big).toMatch(/^é+ … \[cut: 8192 bytes\]$/);
  });

  it('turns observations with control characters into rejections, and escapes them in reasons', () => {
    const source = { protocol: 'mqtt', client: 'c' };
    const r = screenDecoded({
      observations: [
        { source, topic: 't', equipmentPath: 'a/m', tag: 'ok', value: 'fine', receivedAt: 1 },
        { source, topic: 't', equipmentPath: 'a/m', tag: 'x', value: 'a\u0000b', receivedAt: 1 },
        { source, topic: 't', equipmentPath: 'a/m', tag: 't\u0001', value: 1, receivedAt: 1 },
      ],
      rejections: [{ source, topic: 'x\u0000', reason: 'Unexpected token \u0000', payload: 'base64:AA==', receivedAt: 1 }],
    });
    expect(r.observations.map((o) => o.tag)).toEqual(['ok']);
    expect(r.rejections.map((x) => x.reason)).toEqual([
      'Unexpected token \\u0000',
      'value contains control characters (such as NUL)',
      'tag contains control characters (such as NUL)',
    ]);
    expect(r.rejections[0].topic).toBe('x\\u0000');
    expect(r.rejections[1].payload).toContain('a\\u0000b');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(escapeControls(s))));
  });
});
