// Commands over OPC UA: Stop/Start through the machine's methods (Part 4 §5.11 Call), parameters through Write
// (Part 4 §5.10.4) — each confirmed by reading back from the machine, never by trusting the request alone.
import { AttributeIds, DataType, Variant, VariantArrayType, type ClientSession, type DataValue } from 'node-opcua';
import { confirmsCommand } from '../../collect/index.ts';
import type { TagValue } from '../../collect/index.ts';
import type { CommandResult, MachineCommand } from '../connector.ts';
import { errorText, TimeoutError, withTimeout, type OpcuaSettings } from './client.ts';
import type { NamespaceResolver } from './nodeids.ts';
import { decodeDataValue, severity, statusName } from './values.ts';

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCommand(
  session: ClientSession,
  resolver: NamespaceResolver,
  settings: OpcuaSettings,
  cmd: MachineCommand,
  timeoutMs: number,
): Promise<CommandResult> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  try {
    switch (cmd.kind) {
      case 'stop':
      case 'start':
        return await callMethod(session, resolver, settings, cmd.kind, left, deadline);
      case 'writeParameters':
        return await writeParameters(session, resolver, settings, cmd.parameters, left, deadline);
      case 'readParameters':
        return await readParameters(session, resolver, settings, cmd.names, left);
    }
  } catch (err) {
    if (err instanceof TimeoutError) return { status: 'timed_out', detail: err.message };
    return { status: 'failed', detail: errorText(err) };
  }
}

async function readValues(session: ClientSession, nodeIds: string[], left: () => number): Promise<DataValue[]> {
  return withTimeout(session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value }))), left(), 'read');
}

async function callMethod(
  session: ClientSession,
  resolver: NamespaceResolver,
  settings: OpcuaSettings,
  kind: 'stop' | 'start',
  left: () => number,
  deadline: number,
): Promise<CommandResult> {
  const m = settings.methods?.[kind];
  if (!m) return { status: 'rejected', detail: `no OPC UA method is configured for ${kind} (settings.methods.${kind})` };
  const [res] = await withTimeout(
    session.call([{ objectId: resolver.resolve(m.objectId), methodId: resolver.resolve(m.methodId), inputArguments: [] }]),
    left(),
    `call ${kind}`,
  );
  if (severity(res.statusCode) === 'bad') return { status: 'rejected', detail: `the machine refused ${kind}: ${statusName(res.statusCode)}` };
  const stateItem = settings.items.find((i) => i.tag === 'state');
  if (!stateItem) return { status: 'confirmed', detail: `${kind} returned ${statusName(res.statusCode)}; no state tag among the items to read back` };
  const nodeId = resolver.resolve(stateItem.nodeId);
  let last: TagValue | undefined;
  for (;;) {
    const [dv] = await readValues(session, [nodeId], left);
    const r = decodeDataValue(dv);
    if (r.ok) {
      last = r.value;
      // the state as the pipeline stores it (any case, PackML number): the read-back names it the same way
      const state = confirmsCommand(kind, r.value);
      if (state) return { status: 'confirmed', readBack: { state } };
    }
    if (Date.now() + POLL_MS > deadline)
      return {
        status: 'timed_out',
        detail: `${kind} was accepted but the state is ${last === undefined ? 'unreadable' : `'${String(last)}'`}`,
        ...(last !== undefined ? { readBack: { state: last } } : {}),
      };
    await sleep(POLL_MS);
  }
}

/** The built-in type of each node's Value (Part 3 §5.6.2 DataType attribute), so a write sends the right type. */
async function dataTypes(session: ClientSession, nodeIds: string[], left: () => number): Promise<(DataType | null)[]> {
  const dvs = await withTimeout(session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.DataType }))), left(), 'read data types');
  return dvs.map((dv) => {
    const id = dv.value?.value as { namespace?: number; value?: unknown } | undefined;
    // Built-in types are ns=0;i=1…25 (Part 6 §5.1.2); enumerations (i=29 and subtypes) are sent as Int32.
    if (id && id.namespace === 0 && typeof id.value === 'number') return id.value <= 25 ? (id.value as DataType) : DataType.Int32;
    return null;
  });
}

const INT_RANGE: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
  [DataType.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [DataType.UInt64]: [0, Number.MAX_SAFE_INTEGER],
};

/** A Variant of the node's type for a Takt value, or the reason the value does not fit. */
export function toVariant(value: TagValue, type: DataType | null): Variant | string {
  const t = type ?? (typeof value === 'number' ? DataType.Double : typeof value === 'boolean' ? DataType.Boolean : DataType.String);
  if (t === DataType.Boolean) return typeof value === 'boolean' ? new Variant({ dataType: t, value }) : `expects a boolean, got ${JSON.stringify(value)}`;
  if (t === DataType.String) return new Variant({ dataType: t, value: String(value) });
  if (t === DataType.LocalizedText) return new Variant({ dataType: t, value: { text: String(value) } });
  if (t === DataType.Float || t === DataType.Double) {
    return typeof value === 'number' && Number.isFinite(value) ? new Variant({ dataType: t, value }) : `expects a number, got ${JSON.stringify(value)}`;
  }
  const range = INT_RANGE[t];
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `expects an integer (${DataType[t]}), got ${JSON.stringify(value)}`;
    if (value < range[0] || value > range[1]) return `${value} is out of the ${DataType[t]} range`;
    // node-opcua takes 64-bit integers as [high, low] words.
    if (t === DataType.Int64 || t === DataType.UInt64) {
      const big = BigInt.asUintN(64, BigInt(value));
      return new Variant({ dataType: t, arrayType: VariantArrayType.Scalar, value: [Number(big >> 32n), Number(big & 0xffffffffn)] });
    }
    return new Variant({ dataType: t, value });
  }
  return `cannot write a ${DataType[t] ?? t} parameter`;
}

function same(a: TagValue, b: TagValue, type: DataType | null): boolean {
  if (typeof a === 'number' && typeof b === 'number' && type === DataType.Float) return Math.fround(a) === Math.fround(b);
  return a === b;
}

async function writeParameters(
  session: ClientSession,
  resolver: NamespaceResolver,
  settings: OpcuaSettings,
  parameters: Record<string, TagValue>,
  left: () => number,
  deadline: number,
): Promise<CommandResult> {
  const map = settings.parameters ?? {};
  const names = Object.keys(parameters);
  if (!names.length) return { status: 'rejected', detail: 'no parameters to write' };
  const unknown = names.filter((n) => !Object.hasOwn(map, n));
  if (unknown.length)
    return {
      status: 'rejected',
      detail: `unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${Object.keys(map).join(', ') || 'none'})`,
    };
  const nodeIds = names.map((n) => resolver.resolve(map[n]));
  const types = await dataTypes(session, nodeIds, left);
  const variants = names.map((n, i) => toVariant(parameters[n], types[i]));
  const misfit = names.map((n, i) => (typeof variants[i] === 'string' ? `${n}: ${variants[i]}` : null)).filter(Boolean);
  if (misfit.length) return { status: 'rejected', detail: misfit.join('; ') };
  const codes = await withTimeout(
    session.write(nodeIds.map((nodeId, i) => ({ nodeId, attributeId: AttributeIds.Value, value: { value: variants[i] as Variant } }))),
    left(),
    'write',
  );
  // Write is not transactional (Part 4 §5.10.4): parameters before a refused one may have been written.
  const refused = names.map((n, i) => (codes[i].isNotGood() ? `${n}: ${statusName(codes[i])}` : null)).filter(Boolean);
  if (refused.length) {
    const accepted = names.filter((_, i) => !codes[i].isNotGood());
    return { status: 'rejected', detail: `the machine refused ${refused.join('; ')}${accepted.length ? ` (written: ${accepted.join(', ')})` : ''}` };
  }
  let readBack: Record<string, TagValue> = {};
  for (;;) {
    const dvs = await readValues(session, nodeIds, left);
    readBack = {};
    let all = true;
    dvs.forEach((dv, i) => {
      const r = decodeDataValue(dv);
      if (r.ok) readBack[names[i]] = r.value;
      if (!r.ok || !same(r.value, parameters[names[i]], types[i])) all = false;
    });
    if (all) return { status: 'confirmed', readBack };
    if (Date.now() + POLL_MS > deadline) {
      const differ = names.filter((n) => !(n in readBack) || !same(readBack[n], parameters[n], types[names.indexOf(n)]));
      return { status: 'timed_out', detail: `written, but reading back differs for ${differ.join(', ')}`, readBack };
    }
    await sleep(POLL_MS);
  }
}

async function readParameters(
  session: ClientSession,
  resolver: NamespaceResolver,
  settings: OpcuaSettings,
  names: string[] | undefined,
  left: () => number,
): Promise<CommandResult> {
  const map = settings.parameters ?? {};
  const list = names ?? Object.keys(map);
  const unknown = list.filter((n) => !Object.hasOwn(map, n));
  if (unknown.length) return { status: 'rejected', detail: `unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` };
  if (!list.length) return { status: 'confirmed', readBack: {} };
  const dvs = await readValues(
    session,
    list.map((n) => resolver.resolve(map[n])),
    left,
  );
  const readBack: Record<string, TagValue> = {};
  const bad: string[] = [];
  dvs.forEach((dv, i) => {
    const r = decodeDataValue(dv);
    if (r.ok) readBack[list[i]] = r.value;
    else bad.push(`${list[i]}: ${r.reason}`);
  });
  return bad.length ? { status: 'failed', detail: bad.join('; '), readBack } : { status: 'confirmed', readBack };
}
