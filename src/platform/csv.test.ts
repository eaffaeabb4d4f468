import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, neutralise, parseCsv, toCsv } from './csv.ts';

const FORMULA = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];
/** Text rich in what matters to CSV and spreadsheets: quotes, separators, line breaks and formula starts. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...FORMULA, '"', ',', '\n', '\r', "'", 'a', ' ', '1') }),
  fc.tuple(fc.constantFrom(...FORMULA), fc.string()).map(([a, b]) => a + b),
  fc.string({ unit: 'grapheme' }),
);

describe('csv writer', () => {
  it("prefixes every text cell that starts like a formula with ', and only those", () => {
    fc.assert(
      fc.property(text, (s) => {
        const [[cell]] = parseCsv(toCsv(['h'], [[s]])).slice(1);
        const risky = FORMULA.some((c) => s.startsWith(c));
        expect(cell).toBe(risky ? `'${s}` : s);
        expect(FORMULA.some((c) => cell.startsWith(c))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips any table of text through RFC 4180 quoting (after neutralisation)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 3, maxLength: 3 }), { maxLength: 6 }), (rows) => {
        const out = toCsv(['a', 'b', 'c'], rows);
        expect(out.endsWith('\r\n')).toBe(true);
        expect(parseCsv(out)).toEqual([['a', 'b', 'c'], ...rows.map((r) => r.map(neutralise))]);
      }),
      { numRuns: 300 },
    );
  });

  it('writes typed numbers raw, negatives included, and text that looks negative as text', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('a,b')).toBe('"a,b"');
  });

  it('reads quoted fields with separators and line breaks', () => {
    expect(parseCsv('a,"b,c","d\r\ne",""""\r\n,\r\n')).toEqual([
      ['a', 'b,c', 'd\r\ne', '"'],
      ['', ''],
    ]);
  });
});
