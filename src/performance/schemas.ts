// The replies of performance's KPI and analysis routes (their response schemas): one definition, the TypeScript types
// derived from it. GET /api/performance/kpis is an external contract: keep its fields.
import { z } from 'zod';
import { alarmMappingSchema } from './alarm-reasons.ts';
import { bottleneckFiguresSchema } from './bottleneck.ts';

/** The piece of equipment a figure is about. */
export const equipmentRef = z.object({ id: z.string(), path: z.string(), name: z.string(), level: z.string() });

const nullableNumber = z.number().nullable();
const timesSchema = z.object({
  pot: z.number(),
  pdot: z.number(),
  pbt: z.number(),
  adot: z.number(),
  aubt: z.number(),
  adet: z.number(),
  aupt: z.number(),
  asut: z.number(),
  apt: z.number(),
  unknown: z.number(),
});
const countsSchema = z.object({ pq: z.number(), gq: z.number(), sq: z.number(), rq: z.number() });
export const figures = {
  oee: nullableNumber,
  availability: nullableNumber,
  effectiveness: nullableNumber,
  quality: nullableNumber,
  mtbf: nullableNumber,
  mttr: nullableNumber,
  warnings: z.array(z.object({ code: z.enum(['ideal_cycle_too_slow']), message: z.string() })),
  times: timesSchema,
  counts: countsSchema,
  kpis: z.record(z.string(), nullableNumber),
  inputs: z.record(z.string(), z.number()),
  sixBigLosses: z.record(z.string(), z.number()),
};
/** Which definitions the figures use: the settings and conventions in force, in sentences and as formulas. */
const settingsSchema = z.object({
  minorStops: z.enum(['availability', 'performance']),
  idle: z.enum(['iso', 'exclude']),
  mtbf: z.enum(['operating', 'uptime']),
});
const definitionsSchema = z.object({
  settings: settingsSchema,
  conventions: z.object({
    maintenanceMode: z.enum(['planned', 'unplanned']),
    stopWithoutOrder: z.enum(['unplanned', 'idle']),
    mtbfDivisor: z.enum(['failuresPlusOne', 'failures']),
  }),
  text: z.array(z.string()),
  minorStopThresholdS: z.number(),
  formulas: z.object({
    availability: z.string(),
    effectiveness: z.string(),
    quality: z.string(),
    oee: z.string(),
    mtbf: z.string(),
    mttr: z.string(),
    pdot: z.string(),
    outsidePot: z.string(),
  }),
  defaults: settingsSchema,
});

export const kpiResponse = z.object({
  equipment: equipmentRef,
  from: z.string(),
  to: z.string(),
  ...figures,
  definitions: definitionsSchema,
  machines: z.array(z.object({ id: z.string(), path: z.string(), name: z.string(), ...figures })).optional(),
  groups: z.array(z.object({ label: z.string(), from: z.string(), to: z.string(), ...figures })).optional(),
});

export type KpiResult = z.infer<typeof kpiResponse>;

export const bottleneckResponse = z.object({
  equipment: equipmentRef,
  from: z.string(),
  to: z.string(),
  /** How the ranking is made, in sentences. */
  method: z.array(z.string()),
  machines: z.array(
    z.object({ id: z.string(), path: z.string(), name: z.string(), figures: bottleneckFiguresSchema, rank: z.number(), bottleneck: z.boolean() }),
  ),
});
export type BottleneckResult = z.infer<typeof bottleneckResponse>;

export const kpiGroupsResponse = z.object({
  equipment: equipmentRef,
  from: z.string(),
  to: z.string(),
  group: z.enum(['order', 'product']),
  groups: z.array(z.object({ key: z.string().nullable(), label: z.string(), orders: z.array(z.string()), machines: z.array(z.string()), ...figures })),
  definitions: definitionsSchema,
});
export type KpiGroupsResult = z.infer<typeof kpiGroupsResponse>;

/** A mapping as the API lists it: with the machine's path (null for a class mapping or a machine that is gone). */
export const alarmMappingView = alarmMappingSchema.extend({ path: z.string().nullable() });
