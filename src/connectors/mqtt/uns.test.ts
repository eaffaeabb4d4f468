import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUns } from './uns.ts';

const src = { protocol: 'mqtt', client: 'c1' };
const dec = (topic: string, payload: string) => decodeUns(topic, Buffer.from(payload), src, 1_000);

describe('UNS JSON decoding', () => {
  it('takes bare values, objects and batches', () => {
    const bare = dec('takt/v1/acme/s/a/m1/temperature', '21.5').observations[0];
    expect(bare).toMatchObject({ equipmentPath: 'acme/s/a/m1', tag: 'temperature', value: 21.5 });
    expect(bare.ts).toBeUndefined();
    expect(dec('takt/v1/a/m/state', 'Execute').observations[0].value).toBe('Execute');
    expect(dec('takt/v1/a/m/on', 'true').observations[0].value).toBe(true);
    const o = dec('takt/v1/a/m/t', '{"value": 3, "ts": "2026-01-01T00:00:00.500Z", "seq": 7, "unit": "°C"}').observations[0];
    expect(o).toMatchObject({ value: 3, ts: Date.parse('2026-01-01T00:00:00.500Z'), seq: 7, unit: '°C' });
    const b = dec('takt/v1/a/m/_batch', '{"ts": 1767225600000, "values": {"good": 10, "scrap": 1}}').observations;
    expect(b.map((x) => [x.tag, x.value, x.ts])).toEqual([
      ['good', 10, 1767225600000],
      ['scrap', 1, 1767225600000],
    ]);
  });

  it('rejects malformed payloads with a reason and the raw text', () => {
    const r = dec('takt/v1/a/m/t', '{"value": 1,');
    expect(r.observations).toEqual([]);
    expect(r.rejections[0]).toMatchObject({ reason: expect.stringMatching(/malformed JSON/), payload: '{"value": 1,' });
    expect(dec('takt/v1/a/m/t', '{"v": 1}').rejections[0].reason).toMatch(/must be \{"value"/);
    expect(dec('takt/v1/a/m/t', '{"value": 1, "ts": "yesterday"}').rejections[0].reason).toMatch(/ts must be/);
    expect(dec('takt/v1/m', '1').rejections[0].reason).toMatch(/topic must be/);
    expect(dec('takt/v1/a//t', '1').rejections[0].reason).toMatch(/topic must be/);
    expect(dec('takt/v1/a/m/_batch', '{"values": 3}').rejections).toHaveLength(1);
    expect(dec('takt/v1/a/m/t', '   ').rejections[0].reason).toBe('empty payload');
  });

  it('keeps binary garbage readable in quarantine as base64', () => {
    const r = decodeUns('takt/v1/a/m/t', Buffer.from([0x7b, 0x00, 0xff]), src, 1);
    expect(r.rejections[0].payload).toMatch(/^base64:/);
  });
});

describe('UNS decoding under hostile input (fuzz)', () => {
  const topics = fc.oneof(
    fc.constant('takt/v1/a/m/t'),
    fc.constant('takt/v1/a/m/_batch'),
    fc.string({ maxLength: 40 }).map((s) => `takt/v1/${s}`),
  );
  const deepJson = fc
    .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('{"value":', '[', '{"values":{"a":'))
    .map(([n, open]) => `${open.repeat(n)}1${(open === '[' ? ']' : open === '{"value":' ? '}' : '}}').repeat(n)}`);
  const payloads = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.jsonValue({ maxDepth: 5 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify({ value: v, ts: Date.now(), seq: 1 }))),
    fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })).map((values) => Buffer.from(JSON.stringify({ values }))),
    deepJson.map((s) => Buffer.from(s)),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(JSON.stringify({ value: s }))),
    fc.constantFrom('1e400', '-0', '0x10', '1'.repeat(400), 'NaN', '{"value": 1e-400}', '\u0000', '{"value":"\u0000"}').map((s) => Buffer.from(s)),
  );

  it('never throws; every message is an observation or a rejection with a reason; everything is storable', () => {
    fc.assert(
      fc.property(topics, payloads, (topic, payload) => {
        const r = decodeUns(topic, payload, src, 1_000);
        expect(r.observations.length + r.rejections.length).toBeGreaterThan(0);
        for (const x of r.rejections) expect(x.reason).toEqual(expect.any(String));
        // what goes on to the pipeline can be walked and serialised (quarantine does JSON.stringify)
        expect(() => JSON.stringify(r)).not.toThrow();
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses deep and oversized payloads before parsing, keeping an excerpt', () => {
    const deep = decodeUns('takt/v1/a/m/t', Buffer.from(`${'{"value":'.repeat(10_000)}1${'}'.repeat(10_000)}`), src, 1);
    expect(deep.rejections[0].reason).toBe('JSON nested deeper than 32 levels');
    expect(deep.rejections[0].payload).toMatch(/… \[cut: 100001 bytes\]$/);
    const big = decodeUns('takt/v1/a/m/t', Buffer.alloc(2000, 0x31), src, 1, 1000);
    expect(big.rejections[0].reason).toBe('payload of 2000 bytes is larger than 1000');
  });
});
