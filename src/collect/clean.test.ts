import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublicEquipment } from '../plant/index.ts';
import { cleanObservation } from './clean.ts';
import { CONVENTIONAL_TAGS, EquipmentRegistry } from './registry.ts';

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
      tags: [
        { name: 'program', type: 'string' },
        { name: 'temp', min: 0, max: 100 },
      ],
      connections: [],
    } as unknown as PublicEquipment,
  ],
  [],
);
const TAGS = [...Object.keys(CONVENTIONAL_TAGS), 'program', 'temp'];

describe('cleanObservation and NUL (issue #11 item 3)', () => {
  it('refuses text with a NUL where it would be stored as text', () => {
    for (const tag of ['alarm', 'program']) {
      const r = cleanObservation(
        { source: { protocol: 'http', client: 'c' }, topic: 't', equipmentPath: PATH, tag, value: 'E1\u0000x', receivedAt: Date.now() },
        registry,
      );
      expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/NUL character/) });
    }
  });

  it('fuzz: whatever the value, tag or path, nothing it lets through or says holds a NUL', () => {
    const withNul = fc.string({ unit: 'binary', maxLength: 20 }).map((s) => (s.length % 2 ? `${s}\u0000` : s));
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...TAGS), withNul),
        fc.oneof(withNul, fc.double(), fc.boolean(), fc.integer()),
        fc.oneof(fc.constant(PATH), withNul),
        (tag, value, equipmentPath) => {
          const r = cleanObservation({ source: { protocol: 'mqtt', client: 'c' }, topic: 't', equipmentPath, tag, value, receivedAt: Date.now() }, registry);
          if (r.ok) expect(r.value.txt ?? '').not.toContain('\u0000');
          else expect(r.reason).not.toContain('\u0000');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
