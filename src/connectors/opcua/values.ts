// OPC UA DataValue → a Takt tag value, or the reason it cannot be one. Pure: no session needed.
import { DataType, VariantArrayType, type DataValue, type StatusCode } from 'node-opcua';
import type { TagValue } from '../../collect/index.ts';

export type ValueOutcome = { ok: true; value: TagValue; ts: number | undefined; overflow: boolean } | { ok: false; reason: string; detail: string };

/** Severity from the top two bits of a StatusCode (OPC UA Part 4 §7.39): 0 Good, 1 Uncertain, 2/3 Bad. */
export function severity(sc: StatusCode): 'good' | 'uncertain' | 'bad' {
  const s = sc.value >>> 30;
  return s === 0 ? 'good' : s === 1 ? 'uncertain' : 'bad';
}

/** A status code's name without its info bits ('BadSensorFailure', not 'BadSensorFailure#Overflow'). */
export function statusName(sc: StatusCode): string {
  const n = sc.name.split('#')[0];
  return n && !/^Unknown/.test(n) ? n : `0x${(sc.value >>> 0).toString(16).padStart(8, '0')}`;
}

const NUMERIC = new Set<DataType>([DataType.SByte, DataType.Byte, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32, DataType.Double]);

/** Float (IEEE single): the shortest decimal that is the same float, so 230.1f reads 230.1, not 230.10000610351562. */
export function floatToNumber(f: number): number {
  if (!Number.isFinite(f) || f === 0) return f;
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === Math.fround(f)) return d;
  }
  return f;
}

/**
 * Int64/UInt64 arrive from node-opcua as [high, low] 32-bit words (Part 6 §5.2.2.2: 64-bit integers). Values beyond
 * ±2^53 cannot be represented exactly as a JavaScript number, so they are refused rather than rounded.
 */
export function int64ToNumber(words: unknown, signed: boolean): number | null {
  if (typeof words === 'number' || typeof words === 'bigint') {
    const n = Number(words);
    return Number.isSafeInteger(n) ? n : null;
  }
  if (!Array.isArray(words) || words.length !== 2) return null;
  const [hi, lo] = words as [number, number];
  const big = ((signed ? BigInt.asIntN(32, BigInt(hi)) : BigInt(hi >>> 0)) << 32n) + BigInt(lo >>> 0);
  return big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER) ? null : Number(big);
}

function describe(dv: DataValue): string {
  const v = dv.value;
  let value: unknown;
  try {
    value = v?.value instanceof Date ? v.value.toISOString() : v?.value;
    value = JSON.parse(JSON.stringify(value ?? null, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
  } catch {
    value = String(v?.value);
  }
  const text = JSON.stringify({
    statusCode: statusName(dv.statusCode),
    dataType: v ? DataType[v.dataType] : null,
    arrayType: v ? VariantArrayType[v.arrayType] : null,
    value,
  });
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function timestamp(dv: DataValue): number | undefined {
  const d = dv.sourceTimestamp ?? dv.serverTimestamp;
  const t = d ? d.getTime() : NaN;
  // node-opcua decodes the OPC UA "null" DateTime (1601-01-01, Part 6 §5.2.2.5) as a date before 1970: no timestamp.
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** Decodes one data change. A Bad or Uncertain status is never a value: the reason names the status code. */
export function decodeDataValue(dv: DataValue): ValueOutcome {
  const sev = severity(dv.statusCode);
  if (sev !== 'good') return { ok: false, reason: `OPC UA status ${statusName(dv.statusCode)} (${sev})`, detail: describe(dv) };
  const v = dv.value;
  const ts = timestamp(dv);
  const overflow = dv.statusCode.hasOverflowBit;
  const fail = (why: string): ValueOutcome => ({ ok: false, reason: why, detail: describe(dv) });
  if (!v || v.dataType === DataType.Null) return fail('OPC UA value is Null');
  const type = DataType[v.dataType] ?? String(v.dataType);
  if (v.arrayType !== VariantArrayType.Scalar) return fail(`unsupported OPC UA value: ${VariantArrayType[v.arrayType]} of ${type}`);
  const raw: unknown = v.value;
  const ok = (value: TagValue): ValueOutcome => ({ ok: true, value, ts, overflow });
  switch (v.dataType) {
    case DataType.Boolean:
      return ok(Boolean(raw));
    case DataType.Float:
      return ok(floatToNumber(Number(raw)));
    case DataType.Int64:
    case DataType.UInt64: {
      const n = int64ToNumber(raw, v.dataType === DataType.Int64);
      return n === null ? fail(`unsafe OPC UA ${type}: beyond ±2^53, cannot be stored exactly`) : ok(n);
    }
    case DataType.String:
      return raw === null || raw === undefined ? fail('OPC UA String is null') : ok(String(raw));
    case DataType.DateTime: {
      const t = raw instanceof Date ? raw.getTime() : NaN;
      return Number.isFinite(t) ? ok(t) : fail('OPC UA DateTime is not a valid date');
    }
    case DataType.LocalizedText: {
      const text = (raw as { text?: string | null } | null)?.text;
      return ok(text ?? '');
    }
    default:
      if (NUMERIC.has(v.dataType)) return ok(Number(raw));
      return fail(`unsupported OPC UA value: ${type}`);
  }
}
