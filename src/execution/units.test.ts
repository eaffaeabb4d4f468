import { describe, expect, it } from 'vitest';
import { checkWhole, isCountable, wholeProblem } from './units.ts';

describe('countable units', () => {
  it('knows the plant model unit, the usual spellings and the UN/CEFACT codes, in any case', () => {
    for (const u of ['pcs', 'PCS', ' pcs ', 'ea', 'EA', 'piece', 'Stk', 'C62', 'h87', 'PCE', 'NAR', 'SET', 'PR']) expect(isCountable(u), u).toBe(true);
    for (const u of ['kg', 'g', 'l', 'm', 'm2', 's', 'kWh', '', null, undefined]) expect(isCountable(u), String(u)).toBe(false);
  });

  it('refuses a fraction of a counted unit only', () => {
    expect(wholeProblem(2.5, 'pcs')).toBe('quantity 2.5 is not a whole number: pcs are counted in whole units');
    expect(wholeProblem(2.5, 'EA', 'good')).toBe('good 2.5 is not a whole number: EA are counted in whole units');
    expect(wholeProblem(3, 'pcs')).toBeUndefined();
    expect(wholeProblem(2.5, 'kg')).toBeUndefined();
    expect(() => checkWhole(0.1 + 0.2, 'C62')).toThrow(/0.30000000000000004 is not a whole number/);
    expect(() => checkWhole(4, 'C62')).not.toThrow();
  });
});
