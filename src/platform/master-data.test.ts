import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MasterDataChanges, type MasterDataChange } from './master-data.ts';

const change = (entityId: string): MasterDataChange => ({ entity: 'equipment', entityId, action: 'update' });
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('master-data changes', () => {
  it('resolves only after every subscriber has reloaded, one after the other in subscription order', async () => {
    const m = new MasterDataChanges();
    const log: string[] = [];
    m.subscribe('collect', async () => {
      await tick();
      log.push('collect');
    });
    m.subscribe('performance', async () => {
      await tick();
      log.push('performance');
    });
    m.subscribe('connectors', () => void log.push('connectors'));
    await m.changed(change('a'));
    expect(log).toEqual(['collect', 'performance', 'connectors']);
  });

  it('a failing subscriber does not stop the others, and the change rejects naming it', async () => {
    const m = new MasterDataChanges();
    const seen: string[] = [];
    let away = true;
    m.subscribe('collect', () => {
      if (away) throw new Error('database away');
      seen.push('collect');
    });
    m.subscribe('performance', () => void seen.push('performance'));
    await expect(m.changed(change('a'))).rejects.toThrow(/collect: database away/);
    expect(seen).toEqual(['performance']);
    // the next change reloads again, and succeeds once the cause is gone
    away = false;
    await expect(m.changed(change('b'))).resolves.toBeUndefined();
    expect(seen).toEqual(['performance', 'collect', 'performance']);
  });

  it('property: every caller returns after a reload that began after its change, and bursts coalesce', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 12 }), async (gaps) => {
        const m = new MasterDataChanges();
        const rounds: Array<{ started: number; ids: string[] }> = [];
        let clock = 0;
        m.subscribe('cache', async (changes) => {
          rounds.push({ started: ++clock, ids: changes.map((c) => c.entityId) });
          await tick();
        });
        const calls: Array<Promise<{ id: string; madeAt: number; doneAfterRounds: number }>> = [];
        for (const [i, gap] of gaps.entries()) {
          for (let k = 0; k < gap; k++) await tick();
          const madeAt = clock;
          calls.push(m.changed(change(String(i))).then(() => ({ id: String(i), madeAt, doneAfterRounds: rounds.length })));
        }
        const done = await Promise.all(calls);
        for (const d of done) {
          // the round that carried the change started after the change was made, and ended before the caller returned
          const r = rounds.findIndex((x) => x.ids.includes(d.id));
          expect(r).toBeGreaterThanOrEqual(0);
          expect(rounds[r].started).toBeGreaterThan(d.madeAt);
          expect(r).toBeLessThan(d.doneAfterRounds);
        }
        // each change reloaded exactly once, never more rounds than changes
        expect(rounds.flatMap((x) => x.ids).sort()).toEqual(gaps.map((_, i) => String(i)).sort());
        expect(rounds.length).toBeLessThanOrEqual(gaps.length);
      }),
      { numRuns: 60 },
    );
  });

  it('changes announced elsewhere reload here and are not announced again', async () => {
    const m = new MasterDataChanges();
    const announced: MasterDataChange[][] = [];
    const reloaded: string[] = [];
    m.announceTo(async (list) => void announced.push([...list]));
    m.subscribe('collect', (list) => void reloaded.push(...list.map((c) => c.entityId)));
    await m.changed(change('here'));
    await m.received([change('there')]);
    expect(reloaded).toEqual(['here', 'there']);
    expect(announced).toEqual([[change('here')]]);
  });
});
