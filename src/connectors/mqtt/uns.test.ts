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
    expect(b.map((x) => [x.tag, x.value, x.ts])).toEqual([['good', 10, 1767225600000], ['scrap', 1, 1767225600000]]);
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
