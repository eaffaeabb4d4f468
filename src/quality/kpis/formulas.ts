// The quality KPIs as pure functions of produced, scrapped and reworked quantities (docs/quality.md, "Quality KPIs").
// ISO 22400-2 (shared reference, §1): quality ratio = GQ / PQ, scrap ratio = SQ / PQ, rework ratio = RQ / PQ,
// first pass yield = GP / IP (good parts first time over parts inspected). Rolled throughput yield is the product of
// the first pass yields of a product's routing steps. A ratio over nothing is null, never 0 or NaN.
import type { AttributeDefects, QualityCost, ReworkRow, YieldGroup } from './model.ts';

export interface Figures {
  /** PQ = good + scrap */
  produced: number;
  good: number;
  scrap: number;
  /** RQ; null when rework is not recorded */
  reworked: number | null;
  /** SQ / PQ */
  scrapRate: number | null;
  /** RQ / PQ */
  reworkRate: number | null;
  /** GQ / PQ */
  qualityRatio: number | null;
  /** (GQ − RQ) / PQ: good first time over started; null without rework records */
  fpy: number | null;
}

export interface ParetoRow {
  defect: string;
  label: string | null;
  quantity: number;
  /** quantity / total */
  share: number;
  /** running share in the Pareto's order; the last row's is 1 */
  cumulative: number;
}

export interface Copq {
  /** scrap cost + rework cost (the rework part only where rework is recorded and costed); null: not known */
  amount: number | null;
  currency: string | null;
  scrapCost: number | null;
  reworkCost: number | null;
  /** whether `amount` includes rework */
  includesRework: boolean;
  /** products with scrap or rework in the window and no cost set */
  missingCosts: string[];
  message: string | null;
}

export interface ProductKpis extends Figures {
  product: string;
  operations: number;
  /** per routing step (all machines) */
  steps: Array<Figures & { seq: number }>;
  /** Π FPY of the steps; null when one of them has none */
  rty: number | null;
  copq: Copq;
}

export interface KpiFigures {
  reworkRecorded: boolean;
  total: Figures & { operations: number };
  copq: Copq;
  byProduct: ProductKpis[];
  byMachine: Array<Figures & { machine: string | null; operations: number }>;
  /** scrap by defect (reason) code, largest first; scrap the machine counted without a reason is 'unassigned' */
  pareto: ParetoRow[];
  /** rework by defect code, largest first; null when rework is not recorded */
  reworkPareto: ParetoRow[] | null;
  /** attribute measurements' defects (c, u) or defectives (p, np) by characteristic, largest first */
  attributePareto: Array<ParetoRow & { characteristic: string; product: string; chart: string; inspected: number | null }>;
  notes: string[];
}

export const UNASSIGNED = 'unassigned';
const EPS = 1e-9;

export const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** The ratios of one group's good, scrap and rework counts. */
export function figuresOf(good: number, scrap: number, reworked: number | null): Figures {
  const produced = good + scrap;
  return {
    produced,
    good,
    scrap,
    reworked,
    scrapRate: ratio(scrap, produced),
    reworkRate: reworked === null ? null : ratio(reworked, produced),
    qualityRatio: ratio(good, produced),
    // a reworked unit was not good first time; rework beyond the good count cannot make FPY negative
    fpy: reworked === null ? null : ratio(Math.max(0, good - reworked), produced),
  };
}

/** Rows sorted by quantity (ties by code), with each one's share and the running share; empty rows are left out. */
export function pareto(rows: Array<{ defect: string; label: string | null; quantity: number }>): ParetoRow[] {
  const merged = new Map<string, { defect: string; label: string | null; quantity: number }>();
  for (const r of rows) {
    if (!(r.quantity > 0)) continue;
    const m = merged.get(r.defect);
    if (m) m.quantity += r.quantity;
    else merged.set(r.defect, { ...r });
  }
  const sorted = [...merged.values()].sort((a, b) => b.quantity - a.quantity || a.defect.localeCompare(b.defect));
  // the total is summed in the same order as the running sum, so the last cumulative share is exactly 1
  const total = sorted.reduce((s, r) => s + r.quantity, 0);
  let running = 0;
  return sorted.map((r) => {
    running += r.quantity;
    return { ...r, share: r.quantity / total, cumulative: running / total };
  });
}

/** Rolled throughput yield: the product of the steps' first pass yields (null if one is unknown or there is none). */
export function rolledThroughputYield(fpys: Array<number | null>): number | null {
  if (!fpys.length || fpys.some((y) => y === null)) return null;
  return (fpys as number[]).reduce((p, y) => p * y, 1);
}

/** COPQ of products' scrap and rework from the cost table; null (with why) where a cost is missing. */
export function copqOf(
  losses: Array<{ product: string; scrap: number; reworked: number | null }>,
  costs: ReadonlyMap<string, QualityCost>,
  reworkRecorded: boolean,
): Copq {
  const missing = losses.filter((l) => (l.scrap > 0 || (l.reworked ?? 0) > 0) && !costs.has(l.product)).map((l) => l.product);
  const costed = losses.filter((l) => costs.has(l.product));
  const currencies = [...new Set(costed.map((l) => costs.get(l.product)!.currency))].sort();
  const none = (message: string): Copq => ({
    amount: null,
    currency: null,
    scrapCost: null,
    reworkCost: null,
    includesRework: false,
    missingCosts: missing,
    message,
  });
  if (missing.length) return none(`no cost set for ${missing.join(', ')} (quality/costs): the cost of poor quality is not known`);
  if (currencies.length > 1) return none(`costs are in several currencies (${currencies.join(', ')}): see each product`);
  if (!costed.length) return none(losses.length ? 'no cost set for these products (quality/costs)' : 'nothing produced in the window');
  let scrapCost = 0;
  let reworkCost = 0;
  let reworkCosted = reworkRecorded;
  for (const l of costed) {
    const c = costs.get(l.product)!;
    scrapCost += l.scrap * c.unitCost;
    if (l.reworked !== null && l.reworked > 0) {
      if (c.reworkCost === null) reworkCosted = false;
      else reworkCost += l.reworked * c.reworkCost;
    }
  }
  const message = !reworkRecorded
    ? 'rework is not recorded: the cost of poor quality counts scrap only'
    : !reworkCosted
      ? 'a reworked product has no rework cost set: the cost of poor quality counts scrap only'
      : null;
  return {
    amount: scrapCost + (reworkCosted ? reworkCost : 0),
    currency: currencies[0] ?? null,
    scrapCost,
    reworkCost: reworkCosted ? reworkCost : null,
    includesRework: reworkCosted,
    missingCosts: [],
    message,
  };
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const machineKey = (m: string | null) => m ?? '';

/**
 * The KPIs of a window from execution's yield groups, the rework rows (null: not recorded), the cost table and the
 * attribute measurements' defects.
 */
export function computeKpis(
  groups: YieldGroup[],
  rework: ReworkRow[] | null,
  costs: ReadonlyMap<string, QualityCost>,
  attributes: AttributeDefects[],
): KpiFigures {
  const recorded = rework !== null;
  const rw = rework ?? [];
  const notes: string[] = [];
  if (!recorded) notes.push('rework is not recorded yet (no nonconformance dispositions): rework rate, FPY and RTY are null');
  const reworkWhere = (f: (r: ReworkRow) => boolean) => (recorded ? sum(rw.filter(f).map((r) => r.quantity)) : null);

  const products = [...new Set([...groups.map((g) => g.product), ...rw.map((r) => r.product)])].sort();
  const byProduct: ProductKpis[] = products.map((product) => {
    const gs = groups.filter((g) => g.product === product);
    const seqs = [...new Set(gs.map((g) => g.seq))].sort((a, b) => a - b);
    // a step's rework: the product's rework on the machines that ran only that step; else it cannot be placed
    let placed = recorded;
    const steps = seqs.map((seq) => {
      const at = gs.filter((g) => g.seq === seq);
      let reworked: number | null = null;
      if (recorded) {
        const machines = new Set(at.map((g) => machineKey(g.machine)));
        const rows = rw.filter((r) => r.product === product && machines.has(machineKey(r.machine)));
        if (rows.some((r) => gs.some((g) => g.seq !== seq && machineKey(g.machine) === machineKey(r.machine)))) placed = false;
        reworked = sum(rows.map((r) => r.quantity));
      }
      return { seq, ...figuresOf(sum(at.map((g) => g.good)), sum(at.map((g) => g.scrap)), reworked) };
    });
    if (recorded) {
      const onSteps = new Set(gs.map((g) => machineKey(g.machine)));
      if (rw.some((r) => r.product === product && !onSteps.has(machineKey(r.machine)))) placed = false;
    }
    const good = sum(gs.map((g) => g.good));
    const scrap = sum(gs.map((g) => g.scrap));
    const reworked = reworkWhere((r) => r.product === product);
    return {
      product,
      operations: sum(gs.map((g) => g.operations)),
      ...figuresOf(good, scrap, reworked),
      steps,
      rty: placed ? rolledThroughputYield(steps.map((s) => s.fpy)) : null,
      copq: copqOf([{ product, scrap, reworked }], costs, recorded),
    };
  });
  if (recorded && byProduct.some((p) => p.rty === null && p.steps.every((s) => s.fpy !== null)))
    notes.push('rework booked on a machine that ran several steps of a product (or none) cannot be placed on one step: that RTY is null');

  const machines = [...new Set([...groups.map((g) => machineKey(g.machine)), ...rw.map((r) => machineKey(r.machine))])].sort();
  const byMachine = machines.map((m) => {
    const gs = groups.filter((g) => machineKey(g.machine) === m);
    return {
      machine: m === '' ? null : m,
      operations: sum(gs.map((g) => g.operations)),
      ...figuresOf(
        sum(gs.map((g) => g.good)),
        sum(gs.map((g) => g.scrap)),
        reworkWhere((r) => machineKey(r.machine) === m),
      ),
    };
  });

  const defects = groups.flatMap((g) => {
    const reasoned = sum(g.scrapByReason.map((r) => r.quantity));
    const rest = g.scrap - reasoned;
    const rows = g.scrapByReason.map((r) => ({ defect: r.reason, label: r.label, quantity: r.quantity }));
    return rest > EPS ? [...rows, { defect: UNASSIGNED, label: 'counted by the machine, no reason given', quantity: rest }] : rows;
  });
  const attributePareto = pareto(attributes.map((a) => ({ defect: a.characteristic, label: a.name, quantity: a.defects }))).map((row) => {
    const a = attributes.find((x) => x.characteristic === row.defect)!;
    return { ...row, characteristic: a.characteristic, product: a.product, chart: a.chart, inspected: a.inspected };
  });
  const total = figuresOf(sum(groups.map((g) => g.good)), sum(groups.map((g) => g.scrap)), recorded ? sum(rw.map((r) => r.quantity)) : null);
  if (!groups.length) notes.push('no operation was completed in the window with these filters');
  return {
    reworkRecorded: recorded,
    total: { ...total, operations: sum(groups.map((g) => g.operations)) },
    copq: copqOf(
      byProduct.map((p) => ({ product: p.product, scrap: p.scrap, reworked: p.reworked })),
      costs,
      recorded,
    ),
    byProduct,
    byMachine,
    pareto: pareto(defects),
    reworkPareto: recorded ? pareto(rw.map((r) => ({ defect: r.defect ?? UNASSIGNED, label: null, quantity: r.quantity }))) : null,
    attributePareto,
    notes,
  };
}
