// One state-name normaliser for the pipeline and for command confirmation (issue #12 item 9): whatever case or
// spelling a machine reports a PackML state in, the pipeline stores it and a stop/start is confirmed by it alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublicEquipment } from '../plant/index.ts';
import { cleanObservation } from './clean.ts';
import { EquipmentRegistry } from './registry.ts';
import { COMMAND_CONFIRM_STATES, confirmsCommand, PACKML_STATES, parsePackmlState, type PackmlState } from './states.ts';

const PATH = 'acme/site/area/line/m1';
const registry = new EquipmentRegistry(
  [
    {
      id: 'e1',
      path: PATH,
      level: 'machine',
      name: 'M1',
      parentId: null,
      equipmentClass: null,
      calendarId: null,
      properties: {},
      tags: [],
      connections: [],
    } as unknown as PublicEquipment,
  ],
  [],
);

/** What the pipeline stores for a reported state value (undefined: quarantined). */
function stored(value: unknown): unknown {
  const r = cleanObservation(
    { source: { protocol: 'opcua', client: 'c' }, topic: 't', equipmentPath: PATH, tag: 'state', value, receivedAt: Date.now() },
    registry,
  );
  return r.ok ? r.value.value : undefined;
}

/** A PackML state as a machine may spell it: any mix of cases, maybe padded, or its number (as number or text). */
const reported = fc
  .tuple(
    fc.integer({ min: 0, max: PACKML_STATES.length - 1 }),
    fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
    fc.constantFrom('', ' ', '\t'),
    fc.nat(3),
  )
  .map(([i, upper, pad, form]) => {
    const name = PACKML_STATES[i];
    const cased = [...name].map((ch, k) => (upper[k] ? ch.toUpperCase() : ch.toLowerCase())).join('');
    const value: string | number = form === 0 ? i : form === 1 ? String(i) : `${pad}${cased}${pad}`;
    return { state: name as PackmlState, value };
  });

describe('PackML state names: one normaliser for the pipeline and for command confirmation', () => {
  it('every PackML state in upper, lower and title case is stored and confirms exactly the commands it should', () => {
    for (const [i, s] of PACKML_STATES.entries()) {
      for (const v of [s, s.toUpperCase(), s.toLowerCase(), i, String(i)]) {
        expect(parsePackmlState(v)).toBe(s);
        expect(stored(v)).toBe(s);
        for (const kind of ['stop', 'start'] as const) expect(confirmsCommand(kind, v)).toBe(COMMAND_CONFIRM_STATES[kind].includes(s) ? s : undefined);
      }
    }
  });

  it('the confirming states are the PackML ones a stop or start leads to (ISA-TR88.00.02)', () => {
    // hand-picked: Stop → Stopping → Stopped; a machine down by Abort or Hold is down as well. Start → Starting → Execute.
    expect(PACKML_STATES.filter((s) => confirmsCommand('stop', s.toUpperCase()))).toEqual(['Stopped', 'Aborted', 'Held']);
    expect(PACKML_STATES.filter((s) => confirmsCommand('start', s.toUpperCase()))).toEqual(['Starting', 'Execute']);
    expect(confirmsCommand('stop', 'STOPPED')).toBe('Stopped');
    expect(confirmsCommand('start', 'EXECUTE')).toBe('Execute');
    expect(confirmsCommand('stop', 2)).toBe('Stopped');
    expect(confirmsCommand('start', '6')).toBe('Execute');
  });

  it('property: a reported value confirms a command exactly when the pipeline stores a confirming state', () => {
    fc.assert(
      fc.property(reported, fc.constantFrom('stop' as const, 'start' as const), ({ state, value }, kind) => {
        expect(stored(value)).toBe(state);
        const confirming = COMMAND_CONFIRM_STATES[kind].includes(state);
        expect(confirmsCommand(kind, value)).toBe(confirming ? state : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('what the pipeline refuses never confirms a command', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 14 }), fc.integer({ min: -5, max: 40 }), fc.constantFrom('Running', 'NotExecuting', 'Executing', 'STOP', '')),
        (value) => {
          if (stored(value) === undefined) for (const kind of ['stop', 'start'] as const) expect(confirmsCommand(kind, value)).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
  });
});
