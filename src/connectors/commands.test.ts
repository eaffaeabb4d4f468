import { describe, expect, it } from 'vitest';
import { sameValue } from './commands.ts';

describe('command read-back', () => {
  it('accepts a number read back through a float register or as text', () => {
    expect(sameValue(Math.fround(0.9), 0.9)).toBe(true);
    expect(sameValue('231.5', 231.5)).toBe(true);
    expect(sameValue(231.6, 231.5)).toBe(false);
    expect(sameValue('', 0)).toBe(false);
    expect(sameValue('S200-EOL-v3', 'S200-EOL-v3')).toBe(true);
    expect(sameValue(true, true)).toBe(true);
    expect(sameValue('true', true)).toBe(true);
  });
});
