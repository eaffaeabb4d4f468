import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeSparkplug, encodeSparkplug, longToNumber, metricValue } from './codec.ts';
import type { SparkplugMetric, SparkplugPayload, SparkplugValue } from './codec.ts';
import { SparkplugDataType as DT } from './datatypes.ts';
import type { SparkplugDataTypeName } from './datatypes.ts';

// The package's own helpers, to check interoperability with payloads other Tahu-based clients produce.
const require = createRequire(import.meta.url);
const sp = (require('sparkplug-payload') as typeof import('sparkplug-payload')).get('spBv1.0')!;

function decoded(buf: Buffer | Uint8Array): SparkplugPayload {
  const r = decodeSparkplug(buf);
  if (!r.ok) throw new Error(r.reason);
  return r.payload;
}

function one(datatype: SparkplugDataTypeName, value: SparkplugValue, includeDatatype = true): SparkplugMetric {
  return decoded(encodeSparkplug({ timestamp: 1_700_000_000_000, seq: 3, metrics: [{ name: 'm', datatype, value, includeDatatype }] })).metrics[0];
}

describe('encode/decode round trip of every scalar datatype', () => {
  const cases: [SparkplugDataTypeName, SparkplugValue, unknown][] = [
    ['Int8', -23, -23],
    ['Int8', 127, 127],
    ['Int8', -128, -128],
    ['Int16', -300, -300],
    ['Int16', 32767, 32767],
    ['Int32', -2147483648, -2147483648],
    ['Int32', 2147483647, 2147483647],
    ['Int64', -5, -5],
    ['Int64', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['Int64', -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
    ['Int64', -123456789012n, -123456789012],
    ['UInt8', 255, 255],
    ['UInt16', 65535, 65535],
    ['UInt32', 4294967295, 4294967295],
    ['UInt64', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['Float', 12.1, 12.1],
    ['Float', -0.5, -0.5],
    ['Double', Math.PI, Math.PI],
    ['Boolean', true, true],
    ['Boolean', false, false],
    ['String', 'Grüße, 注文 42', 'Grüße, 注文 42'],
    ['Text', 'a longer\ntext', 'a longer\ntext'],
    ['UUID', '0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['DateTime', 1_732_312_800_123, 1_732_312_800_123],
  ];
  it.each(cases)('%s %s', (datatype, value, expected) => {
    const m = one(datatype, value);
    expect(m.name).toBe('m');
    expect(m.datatype).toBe(DT[datatype]);
    expect(metricValue(m)).toEqual({ ok: true, value: expected });
  });

  it('keeps payload timestamp, seq, metric alias and timestamp as numbers', () => {
    const p = decoded(
      encodeSparkplug({ timestamp: 1_700_000_000_000, seq: 255, metrics: [{ alias: 7, timestamp: 1_700_000_000_001, datatype: 'Int32', value: 1 }] }),
    );
    expect(p.timestamp).toBe(1_700_000_000_000);
    expect(p.seq).toBe(255);
    expect(p.metrics[0]).toMatchObject({ alias: 7, timestamp: 1_700_000_000_001 });
    expect(p.metrics[0].name).toBeUndefined();
  });

  it('hands Int64 over as a protobuf Long and converts it exactly', () => {
    const m = one('Int64', -5);
    expect(m.raw?.field).toBe('longValue');
    expect(typeof m.raw?.value).toBe('object'); // a Long: { low, high, unsigned }
    expect(metricValue(m)).toEqual({ ok: true, value: -5 });
  });

  it('refuses 64-bit values beyond Number.MAX_SAFE_INTEGER instead of rounding them', () => {
    const big = one('UInt64', 18446744073709551615n);
    expect(metricValue(big)).toEqual({ ok: false, reason: expect.stringContaining('beyond Number.MAX_SAFE_INTEGER') });
    expect(metricValue(big).ok).toBe(false);
    const neg = one('Int64', -(2n ** 62n));
    expect(metricValue(neg)).toMatchObject({ ok: false, reason: expect.stringContaining('-4611686018427387904') });
    expect(longToNumber({ low: 0, high: 0x200000, unsigned: true }, false).ok).toBe(false); // 2^53
    expect(longToNumber({ low: -1, high: 0x1fffff, unsigned: true }, false)).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
  });

  it('reports an unrepresentable alias or timestamp on the metric, not as a crash', () => {
    const m = decoded(encodeSparkplug({ metrics: [{ alias: 2n ** 60n, datatype: 'Int32', value: 1 }] })).metrics[0];
    expect(m.problem).toMatch(/alias: .*MAX_SAFE_INTEGER/);
  });

  it('encodes is_null and decodes it as null', () => {
    const m = one('Double', null);
    expect(m.isNull).toBe(true);
    expect(metricValue(m)).toEqual({ ok: true, value: null });
  });
});

describe('values of DATA metrics without a datatype', () => {
  it('are interpreted with the datatype recorded at birth', () => {
    const m = one('Int16', -2, false);
    expect(m.datatype).toBeUndefined();
    expect(metricValue(m).ok).toBe(false);
    expect(metricValue(m, DT.Int16)).toEqual({ ok: true, value: -2 });
  });

  it('accepts signed small integers in their own width (Int8 −23 as 233) and refuses out-of-range ones', () => {
    expect(metricValue(one('UInt8', 233, false), DT.Int8)).toEqual({ ok: true, value: -23 });
    expect(metricValue(one('UInt16', 300, false), DT.Int8)).toMatchObject({ ok: false, reason: expect.stringContaining('out of range') });
    expect(metricValue(one('UInt32', 70000, false), DT.UInt16).ok).toBe(false);
  });

  it('refuses a value field that does not fit the datatype', () => {
    expect(metricValue(one('String', 'x', false), DT.Boolean)).toMatchObject({ ok: false, reason: expect.stringContaining('stringValue') });
  });

  it('refuses non-scalar datatypes by name', () => {
    const m = one('Int32Array', new Uint8Array([1, 0, 0, 0]));
    expect(metricValue(m)).toEqual({ ok: false, reason: 'unsupported Sparkplug datatype Int32Array (24)' });
    expect(metricValue(one('Bytes', new Uint8Array([1]))).ok).toBe(false);
  });
});

describe('interoperability with the sparkplug-payload helpers', () => {
  it('decodes what the helpers encode, including UInt32 in long_value and DataSets as unsupported', () => {
    const buf = sp.encodePayload({
      timestamp: 1_700_000_000_000,
      seq: 4,
      metrics: [
        { name: 'i8', type: 'Int8', value: -7 },
        { name: 'u32', type: 'UInt32', value: 4000000000 },
        { name: 'i64', type: 'Int64', value: -42 },
        { name: 'd', type: 'Double', value: 2.5 },
        { name: 's', type: 'String', value: 'ok' },
        { name: 'ds', type: 'DataSet', value: { numOfColumns: 1, columns: ['a'], types: ['Int32'], rows: [[1]] } },
      ],
    });
    const ms = decoded(buf).metrics;
    expect(ms.slice(0, 5).map((m) => metricValue(m))).toEqual([
      { ok: true, value: -7 },
      { ok: true, value: 4000000000 },
      { ok: true, value: -42 },
      { ok: true, value: 2.5 },
      { ok: true, value: 'ok' },
    ]);
    expect(metricValue(ms[5])).toEqual({ ok: false, reason: 'unsupported Sparkplug datatype DataSet (16)' });
  });

  it('produces payloads the helpers read back', () => {
    const buf = encodeSparkplug({
      timestamp: 1_700_000_000_000,
      seq: 9,
      metrics: [
        { name: 'Node Control/Rebirth', datatype: 'Boolean', value: true },
        { name: 'i32', datatype: 'Int32', value: -9 },
        { name: 'txt', datatype: 'Text', value: 'hello' },
      ],
    });
    const p = sp.decodePayload(buf);
    expect(p.metrics?.map((m) => [m.name, m.type, m.value])).toEqual([
      ['Node Control/Rebirth', 'Boolean', true],
      ['i32', 'Int32', -9],
      ['txt', 'Text', 'hello'],
    ]);
  });
});

describe('malformed input', () => {
  it('refuses malformed protobuf with a reason', () => {
    for (const b of [Buffer.from([0x0a, 0xff]), Buffer.from('hello world'), Buffer.from([0xff, 0xff, 0xff])]) {
      expect(decodeSparkplug(b)).toMatchObject({ ok: false, reason: expect.stringContaining('malformed Sparkplug B payload') });
    }
  });

  it('refuses seq outside 0..255', () => {
    expect(decodeSparkplug(sp.encodePayload({ seq: 256, metrics: [] }))).toMatchObject({ ok: false, reason: expect.stringContaining('seq 256') });
  });

  it('throws on encoder input that cannot be encoded as declared', () => {
    expect(() => encodeSparkplug({ metrics: [{ name: 'x', datatype: 'Int8', value: 200 }] })).toThrow(RangeError);
    expect(() => encodeSparkplug({ metrics: [{ name: 'x', datatype: 'Nope' as SparkplugDataTypeName, value: 1 }] })).toThrow(/unknown Sparkplug datatype/);
    expect(() => encodeSparkplug({ metrics: [{ name: 'x', value: 1 }] })).toThrow(/datatype is needed/);
    expect(() => encodeSparkplug({ metrics: [{ name: 'x', datatype: 'Boolean', value: 1 }] })).toThrow(TypeError);
    expect(() => encodeSparkplug({ seq: 300 })).toThrow(RangeError);
    expect(() => encodeSparkplug({ metrics: [{ name: 'x', datatype: 'UInt64', value: -1 }] })).toThrow(RangeError);
  });
});
