import { describe, expect, it } from 'vitest';
import { barsB, checksumB, encodeB, PATTERNS, STOP, valuesB } from './code128.ts';

const sum = (s: string) => [...s].reduce((a, c) => a + Number(c), 0);

describe('Code 128 set B', () => {
  it('has 106 symbol patterns of 11 modules, all different, and a 13-module stop', () => {
    expect(PATTERNS).toHaveLength(106);
    expect(PATTERNS.every((p) => p.length === 6 && sum(p) === 11)).toBe(true);
    expect(new Set(PATTERNS).size).toBe(106);
    expect(sum(STOP)).toBe(13);
  });

  it('computes the check symbol as (104 + Σ position × value) mod 103', () => {
    // P=48 J=42 J=42 1=17 2=18 3=19 C=35: 104 + 48 + 84 + 126 + 68 + 90 + 114 + 245 = 879; 879 mod 103 = 55
    expect(valuesB('PJJ123C')).toEqual([48, 42, 42, 17, 18, 19, 35]);
    expect(checksumB('PJJ123C')).toBe(55);
    // "A" = 33: 104 + 33 = 137; 137 mod 103 = 34
    expect(checksumB('A')).toBe(34);
    // a sum that wraps more than once: "~~~" = 94 × (1 + 2 + 3) = 564; 668 mod 103 = 50
    expect(checksumB('~~~')).toBe(50);
  });

  it('lays out start, data, check and stop with bars first', () => {
    const w = encodeB('A');
    // start B (211214) + "A" (value 33: 111323) + check 34 (131123) + stop
    expect(w.join('')).toBe(`211214111323131123${STOP}`);
    expect(w.reduce((a, b) => a + b, 0)).toBe(11 * 3 + 13);
    const { bars, width } = barsB('LOT-0001');
    expect(width).toBe(10 + 11 * (8 + 2) + 13 + 10);
    expect(bars[0]).toEqual({ x: 10, w: 2 });
    expect(bars).toHaveLength(3 * (8 + 2) + 4);
  });

  it('refuses what set B cannot encode', () => {
    expect(() => encodeB('')).toThrow(/nothing/);
    expect(() => encodeB('Grüße')).toThrow(/cannot be encoded/);
  });
});
