import { describe, expect, it } from 'vitest';
import { describeJournalEntry, plainValue } from './journal.ts';

const labels: Record<string, string> = { damaged: 'Damaged in handling', material: 'Material missing' };
const label = (_k: string, code: string) => labels[code] ?? code;

describe('journal entries in words', () => {
  it('says what happened with reason labels, never JSON', () => {
    expect(describeJournalEntry({ kind: 'scrap', data: { quantity: 2, reason: 'damaged', fromGood: true } }, label)).toEqual({
      what: 'Scrapped 2',
      details: 'Damaged in handling · taken from the good parts',
    });
    expect(describeJournalEntry({ kind: 'andon', data: { id: 'a1', reason: 'material', message: 'cartons running low' } }, label)).toEqual({
      what: 'Help called',
      details: 'Material missing — cartons running low',
    });
    const done = describeJournalEntry({
      kind: 'complete',
      data: {
        good: 12,
        scrap: 2,
        backflushed: [{ lotId: 'BOX-1', materialId: 'BOX-S', quantity: 12, unit: 'pcs' }],
        produced: { lotId: 'L-000001', materialId: 'S200', quantity: 12, unit: 'pcs' },
      },
    });
    expect(done).toEqual({ what: 'Completed', details: 'good 12, scrap 2 · made 12 pcs of lot L-000001 · backflushed 12 pcs of lot BOX-1' });
    const recipe = describeJournalEntry({
      kind: 'recipe',
      data: { status: 'confirmed', detail: null, parameters: { 'meltTemperature.sp': 230 }, readBack: { 'meltTemperature.sp': 230 } },
    });
    expect(recipe.what).toBe('Recipe sent: confirmed');
    expect(recipe.details).toBe('parameters meltTemperature.sp 230 · machine reports meltTemperature.sp 230');
    expect(
      describeJournalEntry({ kind: 'deviation', data: { parameter: 'meltTemperature', kind: 'out_of_limits', value: 260, reference: { min: 200, max: 250 } } })
        .details,
    ).toBe('260 (limits 200 … 250)');
    for (const e of [
      { kind: 'something_new', data: { nested: { a: [1, 2] } } },
      { kind: 'start', data: {} },
      { kind: 'resume', data: null },
    ]) {
      const t = describeJournalEntry(e);
      expect(`${t.what} ${t.details}`).not.toMatch(/[{}"[\]]/);
    }
    expect(describeJournalEntry({ kind: 'something_new', data: { nested: { a: [1, 2] } } })).toEqual({ what: 'Something new', details: 'nested a 1, 2' });
  });

  it('writes values plainly', () => {
    expect(plainValue(null)).toBe('—');
    expect(plainValue([])).toBe('—');
    expect(plainValue({ a: 1, b: 'x' })).toBe('a 1, b x');
  });
});
