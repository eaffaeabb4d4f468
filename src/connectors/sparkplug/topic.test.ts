import { describe, expect, it } from 'vitest';
import { ncmdTopic, parseSparkplugTopic, stateTopic } from './topic.ts';

describe('Sparkplug topic parsing', () => {
  it('parses edge node topics', () => {
    expect(parseSparkplugTopic('spBv1.0/plant1/NDATA/press-gw')).toEqual({
      ok: true,
      topic: { kind: 'node', type: 'NDATA', group: 'plant1', node: 'press-gw' },
    });
    for (const type of ['NBIRTH', 'NDEATH', 'NCMD']) expect(parseSparkplugTopic(`spBv1.0/g/${type}/n`).ok).toBe(true);
  });

  it('parses device topics', () => {
    expect(parseSparkplugTopic('spBv1.0/plant 1/DDATA/gw/press 01')).toEqual({
      ok: true,
      topic: { kind: 'device', type: 'DDATA', group: 'plant 1', node: 'gw', device: 'press 01' },
    });
    for (const type of ['DBIRTH', 'DDEATH', 'DCMD']) expect(parseSparkplugTopic(`spBv1.0/g/${type}/n/d`).ok).toBe(true);
  });

  it('parses the 3.0 STATE topic', () => {
    expect(parseSparkplugTopic('spBv1.0/STATE/scada-1')).toEqual({ ok: true, topic: { kind: 'state', hostId: 'scada-1' } });
  });

  it.each([
    ['spAv1.0/g/NDATA/n', 'not a Sparkplug B topic'],
    ['spBv1.0/g/NDATA', 'too short'],
    ['spBv1.0/g/NDATA/n/extra', 'must not carry a device id'],
    ['spBv1.0/g/DDATA/n', 'needs exactly one device id'],
    ['spBv1.0/g/DDATA/n/d/x', 'needs exactly one device id'],
    ['spBv1.0/g/DDATA/n/', 'needs exactly one device id'],
    ['spBv1.0/g/XDATA/n', "unknown Sparkplug message type 'XDATA'"],
    ['spBv1.0//NDATA/n', 'invalid Sparkplug group id'],
    ['spBv1.0/g/NDATA/+', 'invalid Sparkplug edge node id'],
    ['spBv1.0/STATE/', 'invalid Sparkplug host id'],
    ['STATE/scada', 'not a Sparkplug B topic'],
  ])('refuses %s', (topic, reason) => {
    const r = parseSparkplugTopic(topic);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('builds STATE and NCMD topics', () => {
    expect(stateTopic('takt')).toBe('spBv1.0/STATE/takt');
    expect(ncmdTopic('g', 'n')).toBe('spBv1.0/g/NCMD/n');
  });
});
