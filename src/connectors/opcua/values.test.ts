import { DataType, DataValue, LocalizedText, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { toVariant } from './commands.ts';
import { NamespaceResolver, nodeIdError, parseNodeId } from './nodeids.ts';
import { planSubscription } from './subscription.ts';
import { decodeDataValue, floatToNumber, int64ToNumber } from './values.ts';

const dv = (dataType: DataType, value: unknown, extra: Partial<ConstructorParameters<typeof DataValue>[0]> = {}) =>
  new DataValue({ value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }), sourceTimestamp: new Date(1_700_000_000_000), ...extra });

describe('OPC UA values', () => {
  it('decodes scalars of the built-in types', () => {
    expect(decodeDataValue(dv(DataType.Double, 230.5))).toMatchObject({ ok: true, value: 230.5, ts: 1_700_000_000_000 });
    expect(decodeDataValue(dv(DataType.UInt32, 41))).toMatchObject({ ok: true, value: 41 });
    expect(decodeDataValue(dv(DataType.Float, 230.1))).toMatchObject({ ok: true, value: 230.1 });
    expect(decodeDataValue(dv(DataType.Boolean, true))).toMatchObject({ ok: true, value: true });
    expect(decodeDataValue(dv(DataType.String, 'Execute'))).toMatchObject({ ok: true, value: 'Execute' });
    expect(decodeDataValue(dv(DataType.DateTime, new Date(1_600_000_000_123)))).toMatchObject({ ok: true, value: 1_600_000_000_123 });
    expect(decodeDataValue(dv(DataType.LocalizedText, new LocalizedText({ text: 'Heizband', locale: 'de' })))).toMatchObject({ ok: true, value: 'Heizband' });
    expect(decodeDataValue(dv(DataType.Int64, [0, 5]))).toMatchObject({ ok: true, value: 5 });
    expect(decodeDataValue(dv(DataType.Int64, [0xffffffff, 0xfffffffe]))).toMatchObject({ ok: true, value: -2 });
  });

  it('takes the server timestamp when there is no source timestamp', () => {
    const v = new DataValue({ value: new Variant({ dataType: DataType.Double, value: 1 }), serverTimestamp: new Date(1_700_000_000_500) });
    expect(decodeDataValue(v)).toMatchObject({ ok: true, ts: 1_700_000_000_500 });
    expect(decodeDataValue(new DataValue({ value: new Variant({ dataType: DataType.Double, value: 1 }) }))).toMatchObject({ ok: true, ts: undefined });
  });

  it('refuses Bad and Uncertain statuses by name, and values it cannot store', () => {
    const bad = decodeDataValue(dv(DataType.Double, 0, { statusCode: StatusCodes.BadSensorFailure }));
    expect(bad).toMatchObject({ ok: false, reason: expect.stringContaining('BadSensorFailure') });
    const unc = decodeDataValue(dv(DataType.Double, 1, { statusCode: StatusCodes.UncertainLastUsableValue }));
    expect(unc).toMatchObject({ ok: false, reason: expect.stringContaining('UncertainLastUsableValue') });
    expect(decodeDataValue(dv(DataType.UInt64, [0x00400000, 0]))).toMatchObject({ ok: false, reason: expect.stringContaining('unsafe') });
    const arr = new DataValue({ value: new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] }) });
    expect(decodeDataValue(arr)).toMatchObject({ ok: false, reason: expect.stringContaining('unsupported OPC UA value') });
    expect(decodeDataValue(dv(DataType.ByteString, Buffer.from('x')))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unsupported OPC UA value'),
    });
  });

  it('converts 64-bit words and floats exactly', () => {
    expect(int64ToNumber([0x001fffff, 0xffffffff], false)).toBe(Number.MAX_SAFE_INTEGER);
    expect(int64ToNumber([0x00200000, 0], false)).toBeNull();
    expect(floatToNumber(Math.fround(0.1))).toBe(0.1);
  });

  it('builds write variants of the node type and refuses what does not fit', () => {
    expect((toVariant(5, DataType.UInt16) as Variant).dataType).toBe(DataType.UInt16);
    expect(toVariant(5.5, DataType.Int32)).toMatch(/integer/);
    expect(toVariant(70000, DataType.UInt16)).toMatch(/range/);
    expect(toVariant('x', DataType.Double)).toMatch(/number/);
    expect((toVariant(true, null) as Variant).dataType).toBe(DataType.Boolean);
    expect((toVariant(-2, DataType.Int64) as Variant).value).toEqual([0xffffffff, 0xfffffffe]);
  });
});

describe('OPC UA node ids', () => {
  const r = new NamespaceResolver(['http://opcfoundation.org/UA/', 'urn:server', 'urn:vendor', 'urn:machine'], 'urn:machine');
  it('resolves ns=<n> to the index of namespaceUri, nsu= to its URI, and keeps namespace 0', () => {
    expect(r.resolve('ns=1;s=M.State')).toBe('ns=3;s=M.State');
    expect(r.resolve('ns=7;i=42')).toBe('ns=3;i=42');
    expect(r.resolve('nsu=urn:vendor;s=X')).toBe('ns=2;s=X');
    expect(r.resolve('i=2258')).toBe('i=2258');
    expect(r.resolve('ns=0;i=2258')).toBe('i=2258');
    expect(new NamespaceResolver(['a', 'b']).resolve('ns=1;s=Y')).toBe('ns=1;s=Y');
    expect(() => r.resolve('nsu=urn:nowhere;s=X')).toThrow(/urn:nowhere/);
    expect(r.absolute(3, 's=M.State')).toBe('nsu=urn:machine;s=M.State');
  });
  it('checks the syntax', () => {
    expect(parseNodeId('ns=2;s=a;b')).toEqual({ ns: 2, nsu: undefined, id: 's=a;b' });
    expect(nodeIdError('Machine.State')).toMatch(/expected/);
    expect(nodeIdError('i=abc')).toMatch(/unsigned/);
    expect(nodeIdError('ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63')).toBeNull();
  });
});

describe('subscription plan', () => {
  it('groups items by monitoring parameters, with queues above 1 and discardOldest false for event-like tags', () => {
    const p = planSubscription({
      samplingIntervalMs: 1000,
      items: [
        { nodeId: 'i=1', tag: 'state' },
        { nodeId: 'i=2', tag: 'good' },
        { nodeId: 'i=3', tag: 'meltTemperature', deadband: 0.5 },
        { nodeId: 'i=4', tag: 'pressure', samplingIntervalMs: 100 },
      ],
    });
    expect(p.publishingIntervalMs).toBe(100);
    const byTag = (t: string) => p.groups.find((g) => g.items.some((i) => i.tag === t))!;
    expect(byTag('state')).toBe(byTag('good'));
    expect(byTag('state')).toMatchObject({ discardOldest: false, samplingIntervalMs: 1000 });
    expect(byTag('meltTemperature')).toMatchObject({ discardOldest: true, deadband: 0.5 });
    for (const g of p.groups) expect(g.queueSize).toBeGreaterThan(1);
  });
});
