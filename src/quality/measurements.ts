// Measurement records as a batch sends them: which fields a record may carry, the checks that turn one into a
// measurement to store (or the reason it is refused), and when a resend under the same key is the same measurement.

import type { Characteristic, Kind, NewMeasurement, Source, StoredMeasurement } from './model.ts';
import { MAX_MAGNITUDE } from './spc/charts.ts';

/** Whole counts above this do not fit the integer columns. */
const MAX_COUNT = 2_147_483_647;
/** Timestamps a measurement may carry: far outside these it is a unit mistake (seconds for milliseconds), not data. */
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const FUTURE_SLACK_MS = 86_400_000;

/** A record of a measurement batch as it came (each field is checked here, so one bad record does not fail the rest). */
export interface MeasurementRecord {
  key?: unknown;
  characteristic?: unknown;
  source?: unknown;
  ts?: unknown;
  value?: unknown;
  defects?: unknown;
  defectives?: unknown;
  n?: unknown;
  subgroup?: unknown;
  orderId?: unknown;
  operationSeq?: unknown;
  lot?: unknown;
  equipment?: unknown;
  defectCodes?: unknown;
  shift?: unknown;
}

export interface RecordResult {
  index: number;
  status: 'accepted' | 'refused';
  /** the stored measurement's id (also on a resend of a stored one) */
  id?: number;
  /** true when this key from this source was stored before: nothing new was written */
  replayed?: boolean;
  reason?: string;
}

export interface BatchResult {
  accepted: number;
  replayed: number;
  refused: number;
  results: RecordResult[];
}

const RECORD_FIELDS = new Set([
  'key',
  'characteristic',
  'source',
  'ts',
  'value',
  'defects',
  'defectives',
  'n',
  'subgroup',
  'orderId',
  'operationSeq',
  'lot',
  'equipment',
  'defectCodes',
  'shift',
]);

export const isText = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max && !/[\u0000-\u001f]/.test(v);
const isWhole = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;

/** One record against its characteristic: the measurement to store, or why it cannot be one. */
export function checkRecord(
  r: MeasurementRecord,
  c: Characteristic | undefined,
  defaultSource: Source,
  by: string,
  now: number,
  /** the defect codes there are (execution's scrap reasons), loaded when a record of the batch has a breakdown */
  codes?: ReadonlySet<string>,
): NewMeasurement | string {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'a record is an object';
  const extra = Object.keys(r).find((k) => !RECORD_FIELDS.has(k));
  if (extra) return `unknown field ${JSON.stringify(extra.slice(0, 50))}`;
  if (!isText(r.key, 200)) return 'key: 1 to 200 characters, no control characters (the idempotency key of this measurement)';
  if (!isText(r.characteristic, 64)) return 'characteristic: the id of a characteristic';
  if (!c) return `characteristic '${r.characteristic as string}' does not exist`;
  const source = r.source === undefined ? defaultSource : r.source;
  if (source !== 'manual' && source !== 'machine' && source !== 'lab') return 'source: manual, machine or lab';
  let ts = now;
  if (r.ts !== undefined) {
    ts = typeof r.ts === 'string' && r.ts.length <= 40 && /^\d{4}-\d\d-\d\dT/.test(r.ts) ? Date.parse(r.ts) : NaN;
    if (!Number.isFinite(ts)) return 'ts: an ISO 8601 time with date and time (e.g. 2026-12-02T10:15:00Z)';
    if (ts < EARLIEST || ts > now + FUTURE_SLACK_MS) return `ts ${r.ts as string} is before 2000 or more than a day ahead`;
  }
  const present = (k: 'value' | 'defects' | 'defectives' | 'n') => r[k] !== undefined && r[k] !== null;
  let value: number | null = null;
  let defects: number | null = null;
  let defectives: number | null = null;
  let n: number | null = null;
  const wrongKind = (fields: string[], kind: Kind) =>
    fields.find((f) => present(f as 'value'))?.concat(` does not belong to a ${kind} characteristic (${c.chart} chart)`);
  if (c.kind === 'variable') {
    const wrong = wrongKind(['defects', 'defectives', 'n'], 'variable');
    if (wrong) return wrong;
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) return `value: a finite number is required for ${c.id}`;
    if (Math.abs(r.value) > MAX_MAGNITUDE) return `value beyond ±${MAX_MAGNITUDE}`;
    value = r.value;
  } else {
    const needs = c.chart === 'p' || c.chart === 'np' ? ['defectives', 'n'] : c.chart === 'u' ? ['defects', 'n'] : ['defects'];
    const wrong = wrongKind(
      ['value', 'defects', 'defectives', 'n'].filter((f) => !needs.includes(f)),
      'attribute',
    );
    if (wrong) return wrong;
    const missing = needs.find((f) => !present(f as 'n'));
    if (missing) return `${missing} is required on a ${c.chart} chart`;
    if (needs.includes('defectives')) {
      if (!isWhole(r.defectives)) return 'defectives: a whole number of at least 0';
      if (!isWhole(r.n) || (r.n as number) < 1) return 'n: the whole number of units inspected, at least 1';
      if ((r.defectives as number) > (r.n as number)) return `defectives (${r.defectives as number}) cannot exceed the units inspected n (${r.n as number})`;
      defectives = r.defectives as number;
      n = r.n as number;
    } else {
      if (!isWhole(r.defects)) return 'defects: a whole number of at least 0';
      defects = r.defects as number;
      if (needs.includes('n')) {
        if (typeof r.n !== 'number' || !Number.isFinite(r.n) || r.n <= 0 || r.n > MAX_MAGNITUDE) return 'n: the inspection units, a number above 0';
        n = r.n;
      }
    }
  }
  let subgroup: string | null = null;
  if (r.subgroup !== undefined && r.subgroup !== null) {
    if (typeof r.subgroup === 'number' && Number.isFinite(r.subgroup)) subgroup = String(r.subgroup);
    else if (isText(r.subgroup, 100)) subgroup = r.subgroup as string;
    else return 'subgroup: a text of up to 100 characters or a number';
  }
  // an X̄ chart groups by id: values without one could not be told apart from the next subgroup's
  if ((c.chart === 'xbar-r' || c.chart === 'xbar-s') && subgroup === null)
    return `subgroup is required on an ${c.chart} chart (the id that groups ${c.subgroupSize} values)`;
  const breakdown = defectBreakdown(r.defectCodes, c, { defects, defectives }, codes);
  if (typeof breakdown === 'string') return breakdown;
  for (const f of ['orderId', 'lot', 'equipment', 'shift'] as const) if (r[f] != null && !isText(r[f], 1000)) return `${f}: a text of up to 1000 characters`;
  if (r.operationSeq != null && !(isWhole(r.operationSeq) && (r.operationSeq as number) > 0)) return 'operationSeq: a whole number above 0';
  return {
    characteristic: c.id,
    ts: new Date(ts).toISOString(),
    value,
    defects,
    defectives,
    n,
    subgroup,
    defectCodes: breakdown,
    source,
    key: r.key as string,
    orderId: (r.orderId as string | undefined) ?? null,
    operationSeq: (r.operationSeq as number | undefined) ?? null,
    lot: (r.lot as string | undefined) ?? null,
    equipment: (r.equipment as string | undefined) ?? null,
    shift: (r.shift as string | undefined) ?? null,
    recordedBy: by,
    flag: null,
  };
}

/** Same measurement: a resend with the same key and content is the stored one; other content under the key is refused. */
export function sameMeasurement(a: NewMeasurement, b: StoredMeasurement): boolean {
  return (
    a.characteristic === b.characteristic &&
    Date.parse(a.ts) === Date.parse(b.ts) &&
    a.value === b.value &&
    a.defects === b.defects &&
    a.defectives === b.defectives &&
    a.n === b.n &&
    a.subgroup === b.subgroup &&
    sameCodes(a.defectCodes, b.defectCodes)
  );
}

const sameCodes = (a: Record<string, number> | null, b: Record<string, number> | null) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort()) && (a === null) === (b === null);

/** The most codes one breakdown names. */
export const MAX_DEFECT_CODES = 50;

/**
 * An attribute record's breakdown by defect code, `{code: count}`, checked against the catalogue and its counts:
 * on c and u charts the counts are defects and add up to `defects` exactly; on p and np charts they count defective
 * units by the defect found on them, and a unit may have several, so each count is at most `defectives` and together
 * they are at least `defectives`. Absent or null: no breakdown.
 */
export function defectBreakdown(
  v: unknown,
  c: Characteristic,
  counts: { defects: number | null; defectives: number | null },
  codes: ReadonlySet<string> | undefined,
): Record<string, number> | null | string {
  if (v === undefined || v === null) return null;
  if (c.kind !== 'attribute') return `defectCodes belong to attribute characteristics, not to ${c.id} (${c.chart} chart)`;
  if (typeof v !== 'object' || Array.isArray(v)) return 'defectCodes: an object {code: count}';
  const entries = Object.entries(v as Record<string, unknown>);
  if (!entries.length || entries.length > MAX_DEFECT_CODES) return `defectCodes: 1 to ${MAX_DEFECT_CODES} codes`;
  for (const [code, n] of entries) {
    if (!codes?.has(code)) return `defectCodes: '${code.slice(0, 64)}' is not a defect code (GET /api/quality/defect-codes)`;
    if (!isWhole(n) || (n as number) < 1) return `defectCodes.${code}: a whole count of at least 1`;
  }
  const sum = entries.reduce((s, [, n]) => s + (n as number), 0);
  if (counts.defects !== null && sum !== counts.defects) return `defectCodes add up to ${sum}, not to the ${counts.defects} defects`;
  if (counts.defectives !== null) {
    const over = entries.find(([, n]) => (n as number) > counts.defectives!);
    if (over) return `defectCodes.${over[0]} (${over[1] as number}) exceeds the ${counts.defectives} defectives`;
    if (sum < counts.defectives) return `defectCodes add up to ${sum}: fewer than the ${counts.defectives} defectives (each defective has a defect)`;
  }
  return Object.fromEntries(entries) as Record<string, number>;
}
