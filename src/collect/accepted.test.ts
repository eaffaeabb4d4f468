// The onAccepted port: listeners are told of each accepted value at once; a value's fate reaches those that asked,
// once; a failing listener harms neither collect nor the other listeners; stopping answers the open ones as unstored.
import { describe, expect, it } from 'vitest';
import { AcceptedTap, type AcceptedFate } from './accepted.ts';

const value = (ts: number) => ({ equipmentId: 'e1', tag: 'torque', ts, value: 1.5 });
const errors: unknown[] = [];
const log = { error: (o: unknown) => void errors.push(o) };

describe('AcceptedTap', () => {
  it('asks no fate when no listener wants one', () => {
    const tap = new AcceptedTap(log);
    expect(tap.accepted(value(1))).toBeUndefined();
    const seen: number[] = [];
    tap.onAccepted((v) => void seen.push(v.ts));
    expect(tap.accepted(value(2))).toBeUndefined();
    expect(seen).toEqual([2]);
  });

  it('settles a value once, for the listeners that asked, even when one of them throws', () => {
    const tap = new AcceptedTap(log);
    const fates: Array<[string, AcceptedFate]> = [];
    tap.onAccepted(() => {
      throw new Error('listener broke');
    });
    tap.onAccepted(() => (f) => void fates.push(['a', f]));
    const off = tap.onAccepted(() => (f) => {
      fates.push(['b', f]);
      throw new Error('fate listener broke');
    });
    const ticket = tap.accepted(value(1));
    expect(ticket).toBeDefined();
    ticket?.settle({ stored: false, reason: 'conflict' });
    ticket?.settle({ stored: true });
    expect(fates).toEqual([
      ['a', { stored: false, reason: 'conflict' }],
      ['b', { stored: false, reason: 'conflict' }],
    ]);
    expect(errors.length).toBe(2);
    off();
    tap.accepted(value(2))?.settle({ stored: true });
    expect(fates.at(-1)).toEqual(['a', { stored: true }]);
  });

  it('answers the values not settled yet as not stored when collect stops', () => {
    const tap = new AcceptedTap(log);
    const fates: AcceptedFate[] = [];
    tap.onAccepted(() => (f) => void fates.push(f));
    tap.accepted(value(1))?.settle({ stored: true });
    tap.accepted(value(2));
    tap.abandon('collect stopped before storing it');
    tap.abandon('again');
    expect(fates).toEqual([{ stored: true }, { stored: false, reason: 'collect stopped before storing it' }]);
  });
});
