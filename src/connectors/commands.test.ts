import { describe, expect, it } from 'vitest';
import { CommandService, sameValue } from './commands.ts';

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

// The order of wire and record: a stop is published first and recorded after (a failed write retried, never
// dropped); any other command is recorded before it is sent. The database, bus and broker are stand-ins that log.
describe('command record and wire order', () => {
  function harness(failWrites: number) {
    const log: string[] = [];
    let stored: ((e: { values: Array<{ equipmentId: string; tag: string; ts: number; value: unknown }> }) => void) | undefined;
    let failing = failWrites;
    const tx = {
      execute: async (q: { queryChunks?: unknown[] }) => {
        const text = JSON.stringify(q.queryChunks ?? q);
        if (text.includes('INSERT INTO machine_commands')) log.push('record');
        if (text.includes('UPDATE machine_commands')) log.push('outcome');
      },
      select: () => ({ from: () => ({ orderBy: () => ({ limit: async () => [] }) }) }),
      insert: () => ({ values: async () => undefined }),
    };
    const ctx = {
      db: {
        transaction: async (fn: (t: typeof tx) => Promise<unknown>) => {
          if (failing > 0 && log.length && !log.includes('record')) {
            failing--;
            log.push('record failed');
            throw new Error('database away');
          }
          return fn(tx);
        },
      },
      database: { query: async () => [] },
      events: {
        subscribe: (_name: string, fn: typeof stored) => {
          stored = fn;
          return () => {};
        },
      },
      log: { error: () => log.push('logged'), warn: () => {} },
    };
    const eq = { id: 'e1', path: 'acme/st10', connections: [] };
    const mqtt = {
      publish: async (topic: string) => {
        log.push(`wire ${topic.split('/').pop()}`);
        // the machine does it and reports its state back
        setTimeout(
          () =>
            stored?.({
              values: [
                { equipmentId: 'e1', tag: 'state', ts: Date.now(), value: 'Stopped' },
                { equipmentId: 'e1', tag: 'speed', ts: Date.now(), value: 3 },
              ],
            }),
          5,
        );
      },
    };
    const service = new CommandService(
      ctx as unknown as ConstructorParameters<typeof CommandService>[0],
      { equipment: () => eq, tags: async () => [] } as unknown as ConstructorParameters<typeof CommandService>[1],
      { of: () => [] } as unknown as ConstructorParameters<typeof CommandService>[2],
      () => mqtt as unknown as ReturnType<ConstructorParameters<typeof CommandService>[3]>,
    );
    return { log, service };
  }
  const actor = { id: null, name: 'system' };

  it('publishes a stop before writing its record, then its outcome', async () => {
    const { log, service } = harness(0);
    await service.send(actor, 'acme/st10', { kind: 'stop' }, 'quality reaction', 2000);
    expect(log).toEqual(['wire stop', 'record', 'outcome']);
  });

  it('retries the record of a stop that is on the wire until it is written', async () => {
    const { log, service } = harness(2);
    await service.send(actor, 'acme/st10', { kind: 'stop' }, 'quality reaction', 2000);
    expect(log).toEqual(['wire stop', 'record failed', 'logged', 'record failed', 'logged', 'record', 'outcome']);
  });

  it('records any other command before sending it', async () => {
    const { log, service } = harness(0);
    await service.send(actor, 'acme/st10', { kind: 'writeParameters', parameters: { speed: 3 } }, 'recipe', 2000);
    expect(log).toEqual(['record', 'wire writeParameters', 'outcome']);
  });
});
