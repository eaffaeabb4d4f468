import { describe, expect, it } from 'vitest';
import { connectionSchema } from './schemas.ts';

const method = (k: string) => ({ objectId: `ns=1;s=${k}Obj`, methodId: `ns=1;s=${k}` });
const opcua = (methods: unknown) => ({ protocol: 'opcua', endpoint: 'opc.tcp://press-1:4840', items: [], methods });

describe('OPC UA connection methods', () => {
  // Every subset of the two commands: a machine may offer Stop and no Start, Start and no Stop, both or none.
  const subsets = [[], ['stop'], ['start'], ['stop', 'start']] as const;
  it.each(subsets.map((s) => [s.join('+') || 'none', s] as const))('accepts methods for %s, keeping what was given', (_, keys) => {
    const methods = Object.fromEntries(keys.map((k) => [k, method(k)]));
    const parsed = connectionSchema.safeParse(opcua(methods));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.success && parsed.data.protocol === 'opcua' && parsed.data.methods).toEqual(methods);
  });

  it('refuses a method for a command that does not exist, and a method without its ids', () => {
    expect(connectionSchema.safeParse(opcua({ reset: method('reset') })).success).toBe(false);
    expect(connectionSchema.safeParse(opcua({ stop: { objectId: 'ns=1;s=o' } })).success).toBe(false);
  });
});
