// Sparkplug B decoding and the host under hostile input: random bytes, mutated valid payloads and protobuf nested
// far deeper than any stack. Nothing may throw (the host runs inside the broker's publish hook); every message that
// cannot be used is a rejection with a reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSparkplug, encodeSparkplug, type SparkplugMetricInput } from './codec.ts';
import { SparkplugHost } from './host.ts';
import { DEVICE_MESSAGE_TYPES, NODE_MESSAGE_TYPES } from './topic.ts';

const metric: fc.Arbitrary<SparkplugMetricInput> = fc.oneof(
  fc.record({ name: fc.string({ maxLength: 20 }), datatype: fc.constant('Double' as const), value: fc.double() }),
  fc.record({ name: fc.string({ maxLength: 20 }), datatype: fc.constant('Int32' as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ name: fc.string({ maxLength: 20 }), datatype: fc.constant('String' as const), value: fc.string({ unit: 'binary', maxLength: 50 }) }),
  fc.record({ name: fc.string({ maxLength: 20 }), datatype: fc.constant('Boolean' as const), value: fc.boolean() }),
  fc.record({
    alias: fc.nat(50),
    datatype: fc.constant('Int64' as const),
    value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    includeDatatype: fc.boolean(),
  }),
);
const validPayload = fc.record({ timestamp: fc.nat(2 ** 42), seq: fc.nat(255), metrics: fc.array(metric, { maxLength: 6 }) }).map((p) => encodeSparkplug(p));
/** A valid payload with bytes flipped, cut off or inserted. */
const mutated = fc
  .tuple(validPayload, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert')), { minLength: 1, maxLength: 4 }))
  .map(([buf, edits]) => {
    let b = Buffer.from(buf);
    for (const [at, byte, op] of edits) {
      const i = b.length ? at % b.length : 0;
      if (op === 'flip' && b.length) b[i] = byte;
      else if (op === 'cut') b = b.subarray(0, i);
      else b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
    }
    return b;
  });
const anyPayload = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  validPayload,
  mutated,
);

/** Protobuf length-delimited field (wire type 2). */
const field = (no: number, body: Buffer) => {
  const len: number[] = [];
  let n = body.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([(no << 3) | 2, ...len]), body]);
};
/** Payload.metrics → Metric.template_value → Template.metrics → Metric.template_value … `depth` times. */
function nestedTemplates(depth: number): Buffer {
  let metricBytes = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) metricBytes = field(18, field(2, metricBytes));
  return field(2, metricBytes);
}

describe('Sparkplug B decoding, fuzz', () => {
  it('decodeSparkplug never throws: a payload or a reason', () => {
    fc.assert(
      fc.property(anyPayload, (buf) => {
        const r = decodeSparkplug(buf);
        if (!r.ok) expect(r.reason).toEqual(expect.any(String));
      }),
      { numRuns: 1500 },
    );
  });

  it('survives templates nested 5,000 deep', () => {
    const r = decodeSparkplug(nestedTemplates(5000));
    expect(r.ok ? 'decoded' : r.reason).toEqual(expect.any(String));
  });

  it('the host never throws on any topic and payload; what it cannot use has a reason; observations are scalars', () => {
    const host = new SparkplugHost({
      hostId: 'takt',
      resolveEquipment: (g, n, d) => (g === 'g' ? ['a', n, d].filter(Boolean).join('/') : undefined),
      publish: () => undefined,
    });
    const types = [...NODE_MESSAGE_TYPES, ...DEVICE_MESSAGE_TYPES];
    const topic = fc.oneof(
      fc
        .tuple(fc.constantFrom(...types), fc.constantFrom('g', 'other'), fc.constantFrom('n1', 'n2'), fc.constantFrom('d1', 'd2'))
        .map(([t, g, n, d]) => (t.startsWith('N') ? `spBv1.0/${g}/${t}/${n}` : `spBv1.0/${g}/${t}/${n}/${d}`)),
      fc.string({ maxLength: 30 }).map((s) => `spBv1.0/${s}`),
      fc.constant('spBv1.0/STATE/takt'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(topic, fc.oneof(anyPayload, fc.constant(nestedTemplates(300)))), { minLength: 1, maxLength: 8 }), (messages) => {
        for (const [t, p] of messages) {
          const r = host.handle(t, p, Date.now());
          for (const x of r.rejections) expect(x.reason).toEqual(expect.any(String));
          for (const o of r.observations) expect(o.value === null || ['number', 'string', 'boolean'].includes(typeof o.value)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
