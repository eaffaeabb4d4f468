// A lot's certificate of analysis (docs/quality.md, "Certificates of analysis"): the lot, the inspection plan of its
// product, the measurements recorded against it with their verdict against the spec, a summary per characteristic,
// and the version of all that a signature binds to. Pure: the service loads, this assembles; the PDF prints it.
import type { Lot } from '../../lots/index.ts';
import type { Characteristic, StoredMeasurement } from '../model.ts';
import { capability, type WithinMethod } from '../spc/capability.ts';
import { type VariablesChart, withinSigma } from '../spc/charts.ts';

/** The record type a certificate is signed under (ctx.signatures), its id the lot number. */
export const COA_RECORD_TYPE = 'quality.coa';
/** The most measurements of one lot a certificate lists (and a signature covers); beyond them it says it is cut. */
export const MAX_LOT_MEASUREMENTS = 20_000;

/** What a certificate shows of the lot (the lots face's Lot, less what changes as the lot is used). */
export type CoaLot = Pick<Lot, 'id' | 'materialId' | 'initialQuantity' | 'quantity' | 'unit' | 'status' | 'supplier' | 'supplierLot' | 'createdAt'> & {
  producedBy: { orderId: string; seq: number | null; equipment: string | null; operator: string | null } | null;
};

export interface PlanLine {
  id: string;
  name: string;
  kind: Characteristic['kind'];
  chart: Characteristic['chart'];
  operationSeq: number | null;
  unit: string | null;
  nominal: number | null;
  lsl: number | null;
  usl: number | null;
  method: string | null;
  gauge: string | null;
  sampling: string | null;
  /** false: measured on the lot, but not a characteristic of the lot's product */
  inPlan: boolean;
}

export interface CoaMeasurement {
  id: number;
  characteristic: string;
  ts: string;
  value: number | null;
  defects: number | null;
  defectives: number | null;
  n: number | null;
  subgroup: string | null;
  source: StoredMeasurement['source'];
  key: string;
  orderId: string | null;
  operationSeq: number | null;
  equipment: string | null;
  /** true/false against LSL/USL (variables) or "no defect, no defective" (attributes); null: no spec to judge by */
  inSpec: boolean | null;
}

export interface CoaSummary {
  characteristic: string;
  /** measurements of the lot */
  n: number;
  /** over the values (variables) or the counts of defects / defectives (attributes); null without measurements */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Cpk with σ within estimated from the lot's own values (variables, ≥ 2 values, two- or one-sided spec) */
  cpk: number | null;
  /** Ppk with the lot's overall s */
  ppk: number | null;
  sigmaWithin: number | null;
  withinMethod: WithinMethod | null;
  outOfSpec: number;
  /** every measurement in spec; null when nothing was measured or there is no spec to judge by */
  allInSpec: boolean | null;
}

/** The certificate's content: what is printed, and (signedVersion) what a signature binds to. */
export interface CertificateContent {
  lot: CoaLot;
  product: string;
  plan: PlanLine[];
  measurements: CoaMeasurement[];
  summaries: CoaSummary[];
  /** more measurements than MAX_LOT_MEASUREMENTS: the first ones (in time order) are listed */
  truncated: boolean;
}

const WITHIN: Record<VariablesChart, WithinMethod> = { 'i-mr': 'MR̄/1.128', 'xbar-r': 'R̄/d2', 'xbar-s': 's̄/c4' };

/** A measurement's verdict: a value within [LSL, USL] (either may be open), an attribute sample without a defect. */
export function inSpec(
  c: Pick<Characteristic, 'kind' | 'lsl' | 'usl'> | undefined,
  m: Pick<StoredMeasurement, 'value' | 'defects' | 'defectives'>,
): boolean | null {
  if (!c) return null;
  if (c.kind === 'attribute') {
    const count = m.defectives ?? m.defects;
    return count === null ? null : count === 0;
  }
  if (m.value === null || (c.lsl === null && c.usl === null)) return null;
  return (c.lsl === null || m.value >= c.lsl) && (c.usl === null || m.value <= c.usl);
}

const countOf = (m: Pick<StoredMeasurement, 'value' | 'defects' | 'defectives'>) => m.value ?? m.defectives ?? m.defects;

/** n, mean, min, max, Cpk/Ppk (variables with ≥ 2 values) and the verdict of one characteristic over the lot. */
export function summarise(c: Characteristic | undefined, id: string, ms: readonly CoaMeasurement[]): CoaSummary {
  const values = ms.map(countOf).filter((v): v is number => v !== null);
  const judged = ms.filter((m) => m.inSpec !== null);
  const outOfSpec = judged.filter((m) => m.inSpec === false).length;
  const base: CoaSummary = {
    characteristic: id,
    n: ms.length,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    cpk: null,
    ppk: null,
    sigmaWithin: null,
    withinMethod: null,
    outOfSpec,
    allInSpec: judged.length === 0 ? null : outOfSpec === 0,
  };
  if (c?.kind !== 'variable' || values.length < 2 || (c.lsl === null && c.usl === null)) return base;
  const chart = c.chart as VariablesChart;
  const points = ms
    .filter((m) => m.value !== null)
    .map((m) => ({ ts: m.ts, value: m.value as number, ...(m.subgroup !== null ? { subgroup: m.subgroup } : {}) }));
  let sigma: number | null = null;
  try {
    sigma = withinSigma({ chart, subgroupSize: c.subgroupSize }, points);
  } catch {
    sigma = null; // subgroups the engine cannot use (one value each on an X̄ chart): no within estimate
  }
  const cap = capability(values, sigma, WITHIN[chart], { lsl: c.lsl, usl: c.usl });
  return { ...base, cpk: cap.cpk, ppk: cap.ppk, sigmaWithin: cap.sigmaWithin, withinMethod: WITHIN[chart] };
}

/**
 * The certificate of a lot: the plan is the lot's product's characteristics (a lot's material is the product it is
 * a lot of) plus any other characteristic measured on it; measurements in time order; a summary per plan line.
 */
export function certificateOf(
  lot: CoaLot,
  productPlan: readonly Characteristic[],
  others: readonly Characteristic[],
  stored: readonly StoredMeasurement[],
  truncated: boolean,
): CertificateContent {
  const byId = new Map<string, Characteristic>();
  for (const c of [...productPlan, ...others]) byId.set(c.id, c);
  const planIds = new Set(productPlan.map((c) => c.id));
  const plan: PlanLine[] = [...byId.values()]
    .sort(
      (a, b) =>
        Number(planIds.has(b.id)) - Number(planIds.has(a.id)) || (a.operationSeq ?? 0) - (b.operationSeq ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      chart: c.chart,
      operationSeq: c.operationSeq,
      unit: c.unit,
      nominal: c.nominal,
      lsl: c.lsl,
      usl: c.usl,
      method: c.method,
      gauge: c.gauge,
      sampling: c.sampling,
      inPlan: planIds.has(c.id),
    }));
  const measurements: CoaMeasurement[] = stored.map((m) => ({
    id: m.id,
    characteristic: m.characteristic,
    ts: m.ts,
    value: m.value,
    defects: m.defects,
    defectives: m.defectives,
    n: m.n,
    subgroup: m.subgroup,
    source: m.source,
    key: m.key,
    orderId: m.orderId,
    operationSeq: m.operationSeq,
    equipment: m.equipment,
    inSpec: inSpec(byId.get(m.characteristic), m),
  }));
  const summaries = plan.map((p) =>
    summarise(
      byId.get(p.id),
      p.id,
      measurements.filter((m) => m.characteristic === p.id),
    ),
  );
  return { lot, product: lot.materialId, plan, measurements, summaries, truncated };
}

/**
 * The version a signature binds to: the lot's identity and origin (not its remaining quantity or status, which change
 * as the lot is used), the plan's specification, and every measurement as stored. A measurement changed, added or
 * removed, or a spec limit moved, gives another hash: the certificate's signatures show as broken.
 */
export function signedVersion(c: CertificateContent): unknown {
  const { lot } = c;
  return {
    lot: {
      id: lot.id,
      materialId: lot.materialId,
      initialQuantity: lot.initialQuantity,
      unit: lot.unit,
      supplier: lot.supplier,
      supplierLot: lot.supplierLot,
      producedBy: lot.producedBy ? { orderId: lot.producedBy.orderId, seq: lot.producedBy.seq, equipment: lot.producedBy.equipment } : null,
    },
    plan: c.plan.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      unit: p.unit,
      nominal: p.nominal,
      lsl: p.lsl,
      usl: p.usl,
      method: p.method,
      gauge: p.gauge,
    })),
    measurements: c.measurements.map((m) => ({
      id: m.id,
      characteristic: m.characteristic,
      ts: m.ts,
      value: m.value,
      defects: m.defects,
      defectives: m.defectives,
      n: m.n,
      subgroup: m.subgroup,
      source: m.source,
      key: m.key,
    })),
    truncated: c.truncated,
  };
}
