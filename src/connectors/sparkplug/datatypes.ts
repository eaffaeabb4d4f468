// Sparkplug B datatypes: the enum of the protobuf schema and which metric value field carries each one.

/** Sparkplug 3.0 §6.4.16 "Data Types": the DataType enum of sparkplug_b.proto. */
export const SparkplugDataType = {
  Unknown: 0,
  // Basic types
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  // Additional metric types
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
  // Additional property value types
  PropertySet: 20,
  PropertySetList: 21,
  // Array types (packed little-endian bytes in bytes_value)
  Int8Array: 22,
  Int16Array: 23,
  Int32Array: 24,
  Int64Array: 25,
  UInt8Array: 26,
  UInt16Array: 27,
  UInt32Array: 28,
  UInt64Array: 29,
  FloatArray: 30,
  DoubleArray: 31,
  BooleanArray: 32,
  StringArray: 33,
  DateTimeArray: 34,
} as const;

export type SparkplugDataTypeName = keyof typeof SparkplugDataType;

const NAME_BY_CODE = new Map<number, SparkplugDataTypeName>((Object.entries(SparkplugDataType) as [SparkplugDataTypeName, number][]).map(([n, c]) => [c, n]));
const CODE_BY_LOWER_NAME = new Map<string, number>(Object.entries(SparkplugDataType).map(([n, c]) => [n.toLowerCase(), c]));

/** 'Int32 (3)', or 'unknown datatype 99' for codes outside the enum. */
export function dataTypeLabel(code: number): string {
  const name = NAME_BY_CODE.get(code);
  return name ? `${name} (${code})` : `unknown datatype ${code}`;
}

export function dataTypeName(code: number): SparkplugDataTypeName | undefined {
  return NAME_BY_CODE.get(code);
}

/** A datatype given by name (case-insensitive) or number → its code; undefined when it is not in the enum. */
export function dataTypeCode(type: string | number): number | undefined {
  if (typeof type === 'number') return NAME_BY_CODE.has(type) ? type : undefined;
  return CODE_BY_LOWER_NAME.get(type.toLowerCase());
}

/**
 * The scalar datatypes Takt turns into tag values (Sparkplug 3.0 §6.4.17 "Datatype Details", basic types plus
 * UUID). Everything else (DataSet, Bytes, File, Template, property sets, arrays, Unknown) is refused per metric.
 */
export const SCALAR_DATATYPES: ReadonlySet<number> = new Set([
  SparkplugDataType.Int8,
  SparkplugDataType.Int16,
  SparkplugDataType.Int32,
  SparkplugDataType.Int64,
  SparkplugDataType.UInt8,
  SparkplugDataType.UInt16,
  SparkplugDataType.UInt32,
  SparkplugDataType.UInt64,
  SparkplugDataType.Float,
  SparkplugDataType.Double,
  SparkplugDataType.Boolean,
  SparkplugDataType.String,
  SparkplugDataType.DateTime,
  SparkplugDataType.Text,
  SparkplugDataType.UUID,
]);
