// Sparkplug B payload codec on the protobuf schema shipped in the `sparkplug-payload` package.
//
// We use the package's generated protobuf classes, not its encodePayload/decodePayload helpers, because those
// interpret a value through the metric's own datatype field: NDATA/DDATA metrics normally carry no datatype
// (Sparkplug 3.0 §6.4.6, tck-id-payloads-metric-datatype-not-req), so the host has to interpret the value with
// the datatype recorded from the birth certificate. The helpers also read UInt32 from long_value, whereas
// §6.4.17 puts UInt32 in the uint32 field (int_value). Here the decoder keeps the raw oneof field and
// `metricValue` interprets it against a datatype supplied by the caller.
import { createRequire } from 'node:module';
import type { TagValue } from '../../collect/index.ts';
import { dataTypeCode, dataTypeLabel, SCALAR_DATATYPES, SparkplugDataType as DT } from './datatypes.ts';
import type { SparkplugDataTypeName } from './datatypes.ts';

type ProtoRoot = typeof import('sparkplug-payload/lib/sparkplugPayloadProto.js');
const require = createRequire(import.meta.url);
// CommonJS module whose only export is `module.exports = $root`: ESM named imports cannot see `org`.
const proto = require('sparkplug-payload/lib/sparkplugPayloadProto.js') as ProtoRoot;
const PayloadProto = proto.org.eclipse.tahu.protobuf.Payload;
type IMetric = import('sparkplug-payload/lib/sparkplugPayloadProto.js').org.eclipse.tahu.protobuf.Payload.IMetric;

/** A protobuf 64-bit integer as protobufjs hands it over (a `Long`, or any object with the same bits). */
export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

/** The metric value as it was on the wire: which field of the `value` oneof was set, and its content. */
export type RawMetricValue =
  | { field: 'intValue'; value: number }
  | { field: 'longValue'; value: number | LongLike }
  | { field: 'floatValue' | 'doubleValue'; value: number }
  | { field: 'booleanValue'; value: boolean }
  | { field: 'stringValue'; value: string }
  | { field: 'bytesValue'; value: Uint8Array }
  | { field: 'datasetValue' | 'templateValue' | 'extensionValue'; value: unknown };

export interface SparkplugMetric {
  name?: string;
  alias?: number;
  /** Epoch ms (Sparkplug 3.0 §6.4.6: UTC milliseconds). */
  timestamp?: number;
  /** Datatype code (§6.4.16) when the metric carries one; DATA messages usually do not. */
  datatype?: number;
  isNull: boolean;
  isHistorical: boolean;
  isTransient: boolean;
  raw?: RawMetricValue;
  /** Set when alias or timestamp cannot be represented as a JS number (beyond Number.MAX_SAFE_INTEGER). */
  problem?: string;
}

export interface SparkplugPayload {
  /** Epoch ms; Sparkplug 3.0 §6.4.5: the time the message was published. */
  timestamp?: number;
  /** 0..255 (§6.4.5); absent on NDEATH and NCMD/DCMD. */
  seq?: number;
  uuid?: string;
  body?: Uint8Array;
  metrics: SparkplugMetric[];
}

export type DecodeOutcome = { ok: true; payload: SparkplugPayload } | { ok: false; reason: string };
export type ValueOutcome = { ok: true; value: TagValue | null } | { ok: false; reason: string };
type NumberOutcome = { ok: true; value: number } | { ok: false; reason: string };

const TWO_32 = 4294967296;

function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

/**
 * A protobuf 64-bit integer → a JS number, read as signed (Int64) or unsigned (UInt64, DateTime, alias, seq,
 * timestamps). Values that a double cannot hold exactly are refused rather than rounded.
 */
export function longToNumber(v: unknown, signed: boolean): NumberOutcome {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v));
  else if (isLongLike(v)) n = (signed ? v.high | 0 : v.high >>> 0) * TWO_32 + (v.low >>> 0);
  else return { ok: false, reason: `not a 64-bit integer: ${String(v)}` };
  if (!Number.isSafeInteger(n)) {
    return { ok: false, reason: `64-bit value ${describeLong(v, signed)} is beyond Number.MAX_SAFE_INTEGER` };
  }
  if (!signed && n < 0) return { ok: false, reason: `negative value ${n} for an unsigned 64-bit field` };
  return { ok: true, value: n };
}

function describeLong(v: unknown, signed: boolean): string {
  if (isLongLike(v)) {
    const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return String(signed ? BigInt.asIntN(64, u) : u);
  }
  return String(v);
}

function own(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** Decodes a Sparkplug B payload. Never throws: malformed protobuf or impossible header values → `ok: false`. */
export function decodeSparkplug(buf: Buffer | Uint8Array): DecodeOutcome {
  let msg: InstanceType<typeof PayloadProto>;
  try {
    msg = PayloadProto.decode(buf);
  } catch (err) {
    return { ok: false, reason: `malformed Sparkplug B payload: ${(err as Error).message}` };
  }
  const payload: SparkplugPayload = { metrics: [] };
  if (own(msg, 'timestamp')) {
    const ts = longToNumber(msg.timestamp, false);
    if (!ts.ok) return { ok: false, reason: `payload timestamp: ${ts.reason}` };
    payload.timestamp = ts.value;
  }
  if (own(msg, 'seq')) {
    const seq = longToNumber(msg.seq, false);
    // Sparkplug 3.0 §6.4.5 (tck-id-payloads-sequence-num-incrementing): seq runs 0..255 and wraps.
    if (!seq.ok || seq.value > 255) return { ok: false, reason: `payload seq ${describeLong(msg.seq, false)} is outside 0..255` };
    payload.seq = seq.value;
  }
  if (own(msg, 'uuid')) payload.uuid = msg.uuid;
  if (own(msg, 'body')) payload.body = msg.body;
  for (const m of msg.metrics ?? []) payload.metrics.push(decodeMetric(m));
  return { ok: true, payload };
}

function decodeMetric(m: IMetric): SparkplugMetric {
  const out: SparkplugMetric = {
    isNull: own(m, 'isNull') && m.isNull === true,
    isHistorical: own(m, 'isHistorical') && m.isHistorical === true,
    isTransient: own(m, 'isTransient') && m.isTransient === true,
  };
  if (own(m, 'name') && typeof m.name === 'string') out.name = m.name;
  if (own(m, 'datatype') && typeof m.datatype === 'number') out.datatype = m.datatype;
  const problems: string[] = [];
  if (own(m, 'alias')) {
    const a = longToNumber(m.alias, false);
    if (a.ok) out.alias = a.value;
    else problems.push(`alias: ${a.reason}`);
  }
  if (own(m, 'timestamp')) {
    const t = longToNumber(m.timestamp, false);
    if (t.ok) out.timestamp = t.value;
    else problems.push(`timestamp: ${t.reason}`);
  }
  if (problems.length) out.problem = problems.join('; ');
  const field = (m as unknown as { value?: RawMetricValue['field'] }).value; // the oneof's set field name
  if (field) out.raw = { field, value: (m as unknown as Record<string, unknown>)[field] } as RawMetricValue;
  return out;
}

/**
 * Interprets a decoded metric's value with a datatype (Sparkplug 3.0 §6.4.17 "Datatype Details"): the metric's own
 * datatype, or — for DATA messages, which normally omit it — the one recorded from the birth certificate.
 * `is_null` gives `value: null`. Non-scalar datatypes and values that do not fit their datatype give `ok: false`.
 */
export function metricValue(metric: SparkplugMetric, datatype: number | undefined = metric.datatype): ValueOutcome {
  if (datatype === undefined) return { ok: false, reason: 'metric has no datatype and none was recorded at birth' };
  if (!SCALAR_DATATYPES.has(datatype)) return { ok: false, reason: `unsupported Sparkplug datatype ${dataTypeLabel(datatype)}` };
  if (metric.isNull) return { ok: true, value: null };
  const raw = metric.raw;
  if (!raw) return { ok: false, reason: `no value for datatype ${dataTypeLabel(datatype)}` };
  const mismatch = (): ValueOutcome => ({
    ok: false,
    reason: `value field ${raw.field} does not fit datatype ${dataTypeLabel(datatype)}`,
  });
  switch (datatype) {
    case DT.Int8:
    case DT.Int16:
    case DT.Int32:
    case DT.UInt8:
    case DT.UInt16:
    case DT.UInt32: {
      // §6.4.17: all six travel in the uint32 field. Some encoders (older Tahu, the sparkplug-payload helpers)
      // put UInt32 in long_value: accept that too when it fits in 32 bits.
      let u: number;
      if (raw.field === 'intValue') u = raw.value >>> 0;
      else if (raw.field === 'longValue') {
        const n = longToNumber(raw.value, false);
        if (!n.ok || n.value > 0xffffffff) return { ok: false, reason: `value out of range for ${dataTypeLabel(datatype)}` };
        u = n.value;
      } else return mismatch();
      return smallInt(u, datatype);
    }
    case DT.Int64:
    case DT.UInt64:
    case DT.DateTime: {
      // §6.4.17: uint64 field; Int64 is its two's complement, DateTime is UTC epoch milliseconds.
      if (raw.field === 'intValue') return { ok: true, value: raw.value >>> 0 };
      if (raw.field !== 'longValue') return mismatch();
      const n = longToNumber(raw.value, datatype === DT.Int64);
      return n.ok ? n : { ok: false, reason: `${dataTypeLabel(datatype)}: ${n.reason}` };
    }
    case DT.Float:
      if (raw.field === 'floatValue') return { ok: true, value: shortestFloat32(raw.value) };
      if (raw.field === 'doubleValue') return { ok: true, value: raw.value };
      return mismatch();
    case DT.Double:
      if (raw.field === 'doubleValue' || raw.field === 'floatValue') return { ok: true, value: raw.value };
      return mismatch();
    case DT.Boolean:
      return raw.field === 'booleanValue' ? { ok: true, value: raw.value } : mismatch();
    default: // String, Text, UUID
      return raw.field === 'stringValue' ? { ok: true, value: raw.value } : mismatch();
  }
}

/**
 * Signed types are accepted both sign-extended to 32 bits (what protobuf int-to-uint32 casts produce) and as
 * their own width's two's complement (e.g. Int8 −23 as 233).
 */
function smallInt(u: number, datatype: number): ValueOutcome {
  const out = (value: number): ValueOutcome => ({ ok: true, value });
  const range = (): ValueOutcome => ({ ok: false, reason: `value ${u} out of range for ${dataTypeLabel(datatype)}` });
  switch (datatype) {
    case DT.Int8:
      return u <= 0xff || u >= 0xffffff80 ? out((u << 24) >> 24) : range();
    case DT.Int16:
      return u <= 0xffff || u >= 0xffff8000 ? out((u << 16) >> 16) : range();
    case DT.Int32:
      return out(u | 0);
    case DT.UInt8:
      return u <= 0xff ? out(u) : range();
    case DT.UInt16:
      return u <= 0xffff ? out(u) : range();
    default: // UInt32
      return out(u);
  }
}

/** A float32 as the shortest decimal that reads back to the same float32 (12.1, not 12.100000381469727). */
function shortestFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding (simulator, tests, the host's own NCMD)

export type SparkplugValue = number | bigint | boolean | string | Uint8Array | null;

export interface SparkplugMetricInput {
  name?: string;
  alias?: number | bigint;
  /** Epoch ms. */
  timestamp?: number;
  /** Datatype by name ('Int32', 'double', …; case-insensitive) or code (§6.4.16). Needed to encode a value. */
  datatype?: SparkplugDataTypeName | number;
  /** null → is_null (§6.4.6); undefined → no value field. */
  value?: SparkplugValue;
  /** Write the datatype field (default true). §6.4.6: DATA messages SHOULD NOT include it — set false to mimic. */
  includeDatatype?: boolean;
  isHistorical?: boolean;
  isTransient?: boolean;
}

export interface SparkplugPayloadInput {
  /** Epoch ms. */
  timestamp?: number;
  /** 0..255; omit on NDEATH/NCMD/DCMD (§6.4.23–6.4.25). */
  seq?: number;
  metrics?: SparkplugMetricInput[];
  uuid?: string;
  body?: Uint8Array;
}

/** Encodes a Sparkplug B payload. Throws TypeError/RangeError on input that cannot be encoded as declared. */
export function encodeSparkplug(input: SparkplugPayloadInput): Buffer {
  const msg: Record<string, unknown> = {};
  if (input.timestamp !== undefined) msg.timestamp = toUint64(input.timestamp, 'payload timestamp');
  if (input.seq !== undefined) {
    if (!Number.isInteger(input.seq) || input.seq < 0 || input.seq > 255) throw new RangeError(`seq ${input.seq} is outside 0..255`);
    msg.seq = input.seq;
  }
  if (input.uuid !== undefined) msg.uuid = input.uuid;
  if (input.body !== undefined) msg.body = input.body;
  msg.metrics = (input.metrics ?? []).map(encodeMetric);
  return Buffer.from(PayloadProto.encode(msg as never).finish());
}

function encodeMetric(m: SparkplugMetricInput, i: number): IMetric {
  const label = `metric ${m.name ?? m.alias ?? i}`;
  const out: Record<string, unknown> = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.alias !== undefined) out.alias = toUint64(m.alias, `${label} alias`);
  if (m.timestamp !== undefined) out.timestamp = toUint64(m.timestamp, `${label} timestamp`);
  if (m.isHistorical !== undefined) out.isHistorical = m.isHistorical;
  if (m.isTransient !== undefined) out.isTransient = m.isTransient;
  let code: number | undefined;
  if (m.datatype !== undefined) {
    code = dataTypeCode(m.datatype);
    if (code === undefined) throw new TypeError(`${label}: unknown Sparkplug datatype ${String(m.datatype)}`);
    if (m.includeDatatype !== false) out.datatype = code;
  }
  if (m.value === null) out.isNull = true;
  else if (m.value !== undefined) {
    if (code === undefined) throw new TypeError(`${label}: a datatype is needed to encode a value`);
    setValue(out, code, m.value, label);
  }
  return out as IMetric;
}

function setValue(out: Record<string, unknown>, code: number, v: Exclude<SparkplugValue, null>, label: string): void {
  const want = (ok: boolean, what: string) => {
    if (!ok) throw new TypeError(`${label}: ${dataTypeLabel(code)} needs ${what}, got ${typeof v}`);
  };
  const intIn = (min: number, max: number): number => {
    want(typeof v === 'number' && Number.isInteger(v), 'an integer');
    const n = v as number;
    if (n < min || n > max) throw new RangeError(`${label}: ${n} is out of range for ${dataTypeLabel(code)}`);
    return n >>> 0; // §6.4.17: uint32 field; signed values as their 32-bit two's complement
  };
  switch (code) {
    case DT.Int8:
      out.intValue = intIn(-0x80, 0x7f);
      return;
    case DT.Int16:
      out.intValue = intIn(-0x8000, 0x7fff);
      return;
    case DT.Int32:
      out.intValue = intIn(-0x80000000, 0x7fffffff);
      return;
    case DT.UInt8:
      out.intValue = intIn(0, 0xff);
      return;
    case DT.UInt16:
      out.intValue = intIn(0, 0xffff);
      return;
    case DT.UInt32:
      out.intValue = intIn(0, 0xffffffff);
      return;
    case DT.Int64:
      out.longValue = toLong(v, true, label);
      return;
    case DT.UInt64:
    case DT.DateTime:
      out.longValue = toLong(v, false, label);
      return;
    case DT.Float:
      want(typeof v === 'number', 'a number');
      out.floatValue = v;
      return;
    case DT.Double:
      want(typeof v === 'number', 'a number');
      out.doubleValue = v;
      return;
    case DT.Boolean:
      want(typeof v === 'boolean', 'a boolean');
      out.booleanValue = v;
      return;
    case DT.String:
    case DT.Text:
    case DT.UUID:
      want(typeof v === 'string', 'a string');
      out.stringValue = v;
      return;
    default:
      if (v instanceof Uint8Array && (code === DT.Bytes || code === DT.File || code >= DT.Int8Array)) {
        out.bytesValue = v; // §6.4.17: Bytes, File and the array types travel as bytes
        return;
      }
      throw new TypeError(`${label}: encoding ${dataTypeLabel(code)} values is not supported`);
  }
}

function toUint64(v: number | bigint, label: string): number | LongLike {
  return toLong(v, false, label);
}

/** number (safe integer) or bigint → what protobufjs writes into a uint64 field (two's complement for Int64). */
function toLong(v: unknown, signed: boolean, label: string): number | LongLike {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${label}: ${v} is not a safe integer`);
    if (!signed && v < 0) throw new RangeError(`${label}: ${v} is negative for an unsigned field`);
    return v; // protobufjs writes negative numbers as 64-bit two's complement
  }
  if (typeof v === 'bigint') {
    const ok = signed ? BigInt.asIntN(64, v) === v : BigInt.asUintN(64, v) === v;
    if (!ok) throw new RangeError(`${label}: ${v} does not fit in 64 bits`);
    const u = BigInt.asUintN(64, v);
    return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: true };
  }
  throw new TypeError(`${label}: needs an integer (number or bigint), got ${typeof v}`);
}
