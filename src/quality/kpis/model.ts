// Quality KPIs: the ports they read through and the records they are made of (docs/quality.md, "Quality KPIs").
import type { Window } from '../quality.service.ts';

export interface KpiFilter {
  product?: string;
  /** the machine (equipment path) an operation ran on */
  machine?: string;
  order?: string;
}

/** Good and scrap of one routing step of one product on one machine, over the operations completed in the window. */
export interface YieldGroup {
  product: string;
  seq: number;
  machine: string | null;
  operations: number;
  good: number;
  scrap: number;
  /** scrap booked with a reason (defect) code; the rest of `scrap` (machine-counted) has none */
  scrapByReason: Array<{ reason: string; label: string | null; quantity: number }>;
}

/** Produced quantities, read from execution (its operation figures) through its face. */
export interface YieldSource {
  completed(window: Window, filter: KpiFilter): Promise<YieldGroup[]>;
}

export interface ReworkRow {
  product: string;
  machine: string | null;
  defect: string | null;
  quantity: number;
}

/** Units reworked (nonconformances dispositioned "rework"), by product, machine and defect. Until wired: not recorded. */
export interface ReworkSource {
  reworked(window: Window, filter: KpiFilter): Promise<ReworkRow[]>;
}

export interface QualityCost {
  product: string;
  unitCost: number;
  reworkCost: number | null;
  currency: string;
  updatedBy: string;
  updatedAt: string;
}

/** Attribute measurements of a characteristic in the window: defects (c, u) or defectives (p, np) over units inspected. */
export interface AttributeDefects {
  characteristic: string;
  name: string;
  product: string;
  chart: string;
  defects: number;
  inspected: number | null;
}
