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
  source: Source;
  key: string;
  orderId: string | null;
  operationSeq: number | null;
  lot: string | null;
  equipment: string | null;
  /** the shift collect's calendar gives the machine at ts (in-line measurements) */
  shift?: string | null;
  recordedBy: string;
}

export type NewMeasurement = Omit<StoredMeasurement, 'id'>;

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
