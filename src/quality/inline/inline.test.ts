// A stored machine value as an in-line measurement: any value collect may store gives a record or a reason (never a
// throw); finite numbers only; the key is the same for the same equipment, tag and time (a replay is the same
// measurement); the operation's seq comes from collect's operation key '<order>/<seq>'.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inlineKey, inlineRecord } from './inline.service.ts';

const context = { orderId: 'WO/7', operationId: 'WO/7/20', lotId: 'L-1', shift: 'Early' };

describe('in-line records', () => {
  it('turns finite numbers into machine measurements with their context and anything else into a reason', () => {
    const value = fc.oneof(fc.double(), fc.string({ maxLength: 20 }), fc.boolean(), fc.integer());
    fc.assert(
      fc.property(value, fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }), (v, ts) => {
        const r = inlineRecord({ equipmentId: 'e1', tag: 'torque', ts, value: v }, 'TQ', 'a/b/st10', context);
        if (typeof v === 'number' && Number.isFinite(v)) {
          expect(r).toEqual({
            key: inlineKey('e1', 'torque', ts),
            characteristic: 'TQ',
            source: 'machine',
            ts: new Date(ts).toISOString(),
            value: v,
            equipment: 'a/b/st10',
            orderId: 'WO/7',
            operationSeq: 20,
            lot: 'L-1',
            shift: 'Early',
          });
        } else expect(r).toMatch(/^a\/b\/st10 torque: .* is not a number$/);
      }),
    );
  });

  it('leaves the operation out when collect knows none', () => {
    const r = inlineRecord({ equipmentId: 'e1', tag: 't', ts: 1e12, value: 1 }, 'TQ', 'p', { orderId: null, operationId: null, lotId: null, shift: null });
    expect(r).toMatchObject({ orderId: undefined, operationSeq: undefined, lot: undefined, shift: undefined });
    expect(inlineKey('e1', 't', 1e12)).toBe(inlineKey('e1', 't', 1e12));
    expect(inlineKey('e1', 't', 1e12)).not.toBe(inlineKey('e1', 't', 1e12 + 1));
  });
});
