import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, htmlLines } from './html.ts';

const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
/** Strings rich in the characters that matter, plus anything else fast-check comes up with. */
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", 'a', ' ', '=', '/', ';', '#') }),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
);

describe('escapeHtml', () => {
  it('never lets <, >, ", \' or a bare & through, and decodes back to the input', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        // every & starts one of the five entities it writes
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(decode(out)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('writes text for null, undefined and numbers', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(-1.5)).toBe('-1.5');
    expect(escapeHtml('<img src=x onerror=__xss=1>')).toBe('&lt;img src=x onerror=__xss=1&gt;');
  });
});

describe('html template', () => {
  it('keeps the literal markup and escapes every value', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 4 }), (values) => {
        const strings = Object.assign(['<b>', ...values.slice(1).map(() => '<br/>'), '</b>'], { raw: [] as string[] }) as unknown as TemplateStringsArray;
        const out = html(strings, ...values);
        // strip the template's own tags: nothing markup-like is left from the values
        const rest = out.replace(/<\/?b>|<br\/>/g, '');
        expect(rest).not.toMatch(/[<>"']/);
        expect(decode(rest)).toBe(values.join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('joins escaped lines with <br/>', () => {
    expect(htmlLines(['a<b', "c'd"])).toBe('a&lt;b<br/>c&#39;d');
  });
});
