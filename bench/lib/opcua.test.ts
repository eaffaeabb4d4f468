import { describe, expect, it } from 'vitest';
import { benchOpcua } from './opcua.ts';

describe('benchOpcua', () => {
  it('measures the connector next to a bare subscription (smoke run)', async () => {
    const r = await benchOpcua({ items: 20, seconds: 1, samplingIntervalMs: 100, inProcess: true });
    expect(r.offeredValuesPerS).toBe(200);
    expect(r.connectorValuesPerS).toBeGreaterThan(0);
    expect(r.bareValuesPerS).toBeGreaterThan(0);
  }, 30_000);
});
