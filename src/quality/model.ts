// The quality module's records as services and routes see them (camelCase; the repository maps the rows).
import type { ChartType, ControlLimits } from './spc/charts.ts';
import type { RuleSet } from './spc/rules.ts';

export const KINDS = ['variable', 'attribute'] as const;
export type Kind = (typeof KINDS)[number];
export const SOURCES = ['manual', 'machine', 'lab'] as const;
export type Source = (typeof SOURCES)[number];

export interface Characteristic {
  id: string;
  name: string;
  product: string;
  operationSeq: number | null;
  kind: Kind;
  unit: string | null;
  nominal: number | null;
  lsl: number | null;
  usl: number | null;
  chart: ChartType;
  subgroupSize: number;
  ruleSet: RuleSet;
  rules: number[];
  gauge: string | null;
  method: string | null;
  sampling: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type CharacteristicInput = Omit<Characteristic, 'createdBy' | 'createdAt' | 'updatedAt'>;

export interface StoredMeasurement {
  id: number;
  characteristic: string;
  ts: string;
  value: number | null;
  defects: number | null;
  defectives: number | null;
  n: number | null;
  subgroup: string | null;
  /** an attribute measurement's breakdown by defect code (execution's scrap reasons), null when none was given */
  defectCodes: Record<string, number> | null;
  source: Source;
  key: string;
  orderId: string | null;
  operationSeq: number | null;
  lot: string | null;
  equipment: string | null;
  /** the shift collect's calendar gives the machine at ts (in-line measurements) */
  shift?: string | null;
  recordedBy: string;
  /** 'gauge-overdue': taken with a gauge that could not measure then (docs/quality.md "Gauges and calibration") */
  flag: string | null;
}

export type NewMeasurement = Omit<StoredMeasurement, 'id'>;

/**
 * A check a batch's records pass after their own (gauges, the person's skills): by record index, a reason to refuse
 * it or a flag to store with it.
 */
export type MeasurementScreen = (
  batch: Array<{ index: number; m: NewMeasurement; c: Characteristic }>,
  by: string,
  now: number,
) => Promise<Map<number, { refuse?: string; flag?: string }>>;

export interface FrozenLimits {
  characteristic: string;
  version: number;
  baselineFrom: string;
  baselineTo: string;
  limits: ControlLimits;
  reason: string;
  createdBy: string;
  createdAt: string;
}
