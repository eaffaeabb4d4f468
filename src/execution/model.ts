// Production orders and their operations (ISA-95 Part 2 §7 "operations schedule"): the shapes and the pure decomposition
// of an order into operations, from the product's routing or from the segment requirements the ERP sent.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RoutingOperation } from '../plant/index.ts';

export const ORDER_STATUSES = ['created', 'released', 'running', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_SOURCES = ['rest', 'csv', 'b2mml-v0600', 'b2mml-v0701'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

/** Orders above this quantity are refused as absurd (a typo in the ERP, not a plan). */
export const MAX_QUANTITY = 1e9;

export const materialLineSchema = z.object({
  materialId: z.string(),
  quantity: z.number(),
  unit: z.string().nullable(),
  /** ISA-95 MaterialUse, lower-cased: consumed, produced, … */
  use: z.string(),
});
export type MaterialLine = z.infer<typeof materialLineSchema>;

export const parameterValueSchema = z.object({
  name: z.string(),
  target: z.unknown().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string().optional(),
});
export type ParameterValue = z.infer<typeof parameterValueSchema>;

/** A segment requirement as the ERP sent it (B2MML SegmentRequirement). */
export interface SegmentInput {
  /** SegmentRequirement/ID (the requirement's own id) */
  id: string;
  /** ProcessSegmentID (V0600: else OperationsSegmentID or the ID): the process segment, the operation's name */
  name: string;
  /** EquipmentRequirement/EquipmentID values */
  equipmentIds: string[];
  /** consumed (and other non-produced) material requirements */
  materials: MaterialLine[];
  parameters: ParameterValue[];
  durationS: number | null;
  latestEnd: string | null;
}

/** One order as it arrives, whatever the channel; the natural key is `id`. */
export interface OrderInput {
  id: string;
  /** A product id, or the id of the material the product produces (B2MML MaterialDefinitionID). */
  product: string;
  quantity: number;
  unit: string | null;
  startAfter: string | null;
  due: string | null;
  priority: number | null;
  source: OrderSource;
  scheduleId: string | null;
  requestId: string | null;
  description: string;
  segments: SegmentInput[];
  /** The ERP cancels the request (RequestState Cancelled or a Cancel verb). */
  cancel: boolean;
}

export const plannedOperationSchema = z.object({
  seq: z.number(),
  name: z.string(),
  /** The process segment the ERP named for this operation (B2MML ProcessSegmentID); null for a routing step. */
  segmentId: z.string().nullable(),
  workCenter: z.string().nullable(),
  equipmentClass: z.string().nullable(),
  candidates: z.array(z.string()),
  quantity: z.number(),
  unit: z.string(),
  materials: z.array(materialLineSchema),
  parameters: z.array(parameterValueSchema),
  setupTimeS: z.number(),
  runTimeS: z.number(),
  dueAt: z.string().nullable(),
  instructions: z.string(),
});
export type PlannedOperation = z.infer<typeof plannedOperationSchema>;

/** What decomposition needs to know about the plant. */
export interface PlantView {
  /** equipment path → its class (null when none) */
  equipment: Array<{ path: string; extId: string; id: string; level: string; equipmentClass: string | null }>;
}

export interface ProductView {
  id: string;
  unit: string;
  materialId: string | null;
  routing: RoutingOperation[];
}

/** Equipment paths that can run a routing operation: its work centre/machine, or every machine of its class. */
export function candidatesFor(op: { workCenter?: string | null; equipmentClass?: string | null }, plant: PlantView): string[] {
  if (op.workCenter) return plant.equipment.some((e) => e.path === op.workCenter) ? [op.workCenter] : [];
  if (op.equipmentClass)
    return plant.equipment
      .filter((e) => e.equipmentClass === op.equipmentClass)
      .map((e) => e.path)
      .sort();
  return [];
}

/** The ERP names equipment by its own id: a Takt path, a Takt uuid, or the last part of a path (the ISA-95 ID). */
export function resolveEquipmentId(id: string, plant: PlantView): string | undefined {
  const exact = plant.equipment.find((e) => e.path === id || e.id === id);
  if (exact) return exact.path;
  const byExt = plant.equipment.filter((e) => e.extId === id);
  return byExt.length === 1 ? byExt[0].path : undefined;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Order → operations. Without segments: one operation per routing step, materials = BOM × quantity, standard time =
 * setup + ideal cycle × quantity (ISO 22400-2 planned run time). With segments: one operation per segment requirement,
 * its materials and parameters as sent; equipment as sent when it exists in the plant, else the matching routing step's.
 */
export function decompose(
  order: Pick<OrderInput, 'quantity' | 'segments'> & { due: string | null },
  product: ProductView,
  plant: PlantView,
): PlannedOperation[] {
  const routing = [...product.routing].sort((a, b) => a.seq - b.seq);
  const unit = product.unit;
  if (order.segments.length === 0)
    return routing.map((op) => ({
      seq: op.seq,
      name: op.name,
      segmentId: null,
      workCenter: op.workCenter ?? null,
      equipmentClass: op.equipmentClass ?? null,
      candidates: candidatesFor(op, plant),
      quantity: order.quantity,
      unit,
      materials: op.bom.map((b) => ({ materialId: b.materialId, quantity: round(b.quantity * order.quantity), unit: b.unit ?? null, use: 'consumed' })),
      parameters: op.parameters.map((p) => ({ ...p })),
      setupTimeS: op.setupTimeS ?? 0,
      runTimeS: round(op.idealCycleTimeS * order.quantity),
      dueAt: order.due,
      instructions: op.instructions ?? '',
    }));
  return order.segments.map((seg, i) => {
    const step = routing[i] ?? routing[routing.length - 1];
    const sent = seg.equipmentIds.map((id) => resolveEquipmentId(id, plant)).filter((p): p is string => !!p);
    const fromRouting = step ? candidatesFor(step, plant) : [];
    return {
      seq: (i + 1) * 10,
      name: seg.name,
      // The ISA-95 process segment the ERP named (SegmentRequirement/ProcessSegmentID), which the performance documents
      // report back as SegmentResponse/ProcessSegmentID — not the SegmentRequirement's own ID, which no ERP matches on.
      segmentId: seg.name,
      workCenter: sent.length ? null : (step?.workCenter ?? null),
      equipmentClass: sent.length ? null : (step?.equipmentClass ?? null),
      candidates: sent.length ? [...new Set(sent)].sort() : fromRouting,
      quantity: order.quantity,
      unit,
      materials: seg.materials.map((m) => ({ ...m })),
      parameters: seg.parameters.length ? seg.parameters.map((p) => ({ ...p })) : (step?.parameters.map((p) => ({ ...p })) ?? []),
      setupTimeS: step?.setupTimeS ?? 0,
      runTimeS: step ? round(step.idealCycleTimeS * order.quantity) : (seg.durationS ?? 0),
      dueAt: seg.latestEnd ?? order.due,
      instructions: step?.instructions ?? '',
    };
  });
}

/** Stable JSON (sorted keys), so the same order sent twice hashes the same. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** What the ERP asked for, independent of channel and envelope: identical content → identical fingerprint. */
export function fingerprintOf(o: OrderInput): string {
  const due = o.due ? new Date(o.due).toISOString() : null;
  const start = o.startAfter ? new Date(o.startAfter).toISOString() : null;
  const content = {
    product: o.product,
    quantity: o.quantity,
    unit: o.unit,
    due,
    start,
    priority: o.priority,
    description: o.description,
    segments: o.segments,
  };
  return createHash('sha256').update(stableJson(content)).digest('hex');
}

/** Why an order's figures cannot be planned, or undefined when they can. */
export function quantityProblem(q: number): string | undefined {
  if (!Number.isFinite(q)) return `quantity '${q}' is not a number`;
  if (q <= 0) return `quantity ${q} must be above 0`;
  if (q > MAX_QUANTITY) return `quantity ${q} is absurd (above ${MAX_QUANTITY})`;
  return undefined;
}
