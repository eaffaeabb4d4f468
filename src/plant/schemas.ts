// ISA-95 master data shapes, validated at every boundary (HTTP bodies and plant files alike).
import { z } from 'zod';

/** Equipment levels from the top of the ISA-95 hierarchy down; a child's level must come after its parent's. */
export const LEVELS = ['enterprise', 'site', 'area', 'line', 'workCenter', 'cell', 'machine'] as const;
export type Level = (typeof LEVELS)[number];
// ISA-95 (IEC 62264-1 §5.3): line and work centre are both "work centre" level; cell and machine are "work unit" level.
export const LEVEL_RANK: Record<Level, number> = { enterprise: 0, site: 1, area: 2, line: 3, workCenter: 3, cell: 4, machine: 5 };

/** ISA-95 ids end up in MQTT topics (takt/v1/<path>/<tag>), so no '/', '+', '#' or spaces. */
export const extIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and _ . - only, 1–64 characters');
export const codeSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
export const pathSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}(\/[A-Za-z0-9_.-]{1,64})*$/, 'an equipment path: ids joined by /');

const text = (max: number) => z.string().max(max);
function finiteNumber() {
  return z.number().refine(Number.isFinite, 'must be a finite number');
}
const finite = finiteNumber();
export const propertySchema = z.object({ value: z.unknown(), unit: z.string().max(32).optional(), description: z.string().max(500).optional() }).strict();
export const propertiesSchema = z.record(z.string().min(1).max(100), propertySchema);
export const attributesSchema = z.record(z.string().min(1).max(100), z.unknown());

/** Roles a tag can play in the collect pipeline; anything else is a process value. */
// 'online' is written by Takt itself (tag _online) when a source goes quiet or announces its death.
export const TAG_ROLES = ['state', 'mode', 'good', 'scrap', 'cycle_time', 'alarm', 'online', 'process'] as const;
export type TagRole = (typeof TAG_ROLES)[number];

/** A tag must not contain MQTT wildcards or level separators: it is the last level of a UNS topic. */
export const tagNameSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - only');

export const tagDefSchema = z
  .object({
    name: tagNameSchema,
    role: z.enum(TAG_ROLES).optional(),
    type: z.enum(['number', 'string', 'boolean']).optional(),
    unit: z.string().max(32).optional(),
    min: finiteNumber().optional(),
    max: finiteNumber().optional(),
    description: z.string().max(500).optional(),
    /** Counters: the value at which the machine's counter wraps to 0 (e.g. 65536); default: detect. */
    rollover: z.number().int().positive().optional(),
  })
  .strict()
  .refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, { message: 'min is above max', path: ['min'] });
export type TagDef = z.infer<typeof tagDefSchema>;

export const tagListSchema = z.array(tagDefSchema).superRefine((tags, ctx) => {
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `tag '${t.name}' is declared twice` });
    seen.add(t.name);
  });
});

const connectionTagSchema = { tag: tagNameSchema };

/** How a piece of equipment is reached. MQTT UNS needs nothing: its topic carries the equipment path. */
export const connectionSchema = z.discriminatedUnion('protocol', [
  z
    .object({
      protocol: z.literal('sparkplug'),
      group: z.string().min(1).max(200),
      node: z.string().min(1).max(200),
      device: z.string().min(1).max(200).optional(),
      /** metric name → tag name; unlisted metrics map to their name with '/' and spaces turned into '.' */
      metrics: z.record(z.string(), tagNameSchema).optional(),
    })
    .strict(),
  z
    .object({
      protocol: z.literal('opcua'),
      endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, 'an opc.tcp:// endpoint URL'),
      securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
      securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
      username: z.string().max(200).optional(),
      password: z.string().max(200).optional(),
      /** Namespace URI that `ns=` in the node ids below refers to; resolved to its index at run time. */
      namespaceUri: z.string().max(500).optional(),
      samplingIntervalMs: z.number().int().min(0).max(3_600_000).default(1000),
      items: z
        .array(
          z
            .object({
              nodeId: z.string().min(1).max(500),
              ...connectionTagSchema,
              samplingIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
              /** Absolute deadband: changes smaller than this are not reported. */
              deadband: z.number().min(0).optional(),
            })
            .strict(),
        )
        .default([]),
      /** Methods for commands: { stop: {objectId, methodId}, start: {…} }. */
      // partial: a machine may offer a Stop method and no Start (zod 4's record over an enum wants every key)
      methods: z.partialRecord(z.enum(['stop', 'start']), z.object({ objectId: z.string().min(1), methodId: z.string().min(1) }).strict()).optional(),
      /** Writable parameters: name → node id. */
      parameters: z.record(z.string().min(1).max(100), z.string().min(1).max(500)).optional(),
    })
    .strict(),
  z
    .object({
      protocol: z.literal('euromap63'),
      /** The machine's session folder (shared drive) where Takt writes SESSnnnn.REQ and job files. */
      sessionDir: z.string().min(1).max(1000),
      /** The machine's local time zone: EUROMAP 63 DATE/TIME carry no offset. */
      timezone: z.string().min(1).max(100).default('UTC'),
      /** Variables of the cyclic (per shot) report; default ActCntCyc, ActTimCyc and the mapped process values. */
      reportParameters: z.array(z.string().min(1).max(100)).optional(),
      /** EUROMAP 63 variable → tag; ActCntCyc → good and ActTimCyc → cycle_time by default. */
      mapping: z.record(z.string().min(1).max(100), tagNameSchema).optional(),
      responseTimeoutS: z.number().positive().max(3600).default(30),
      pollIntervalMs: z.number().int().min(50).max(60_000).default(500),
      /**
       * Without a sign of life (heartbeat report changing, report rows) for this long the connection is stale: the
       * machine turns Unknown and Takt re-establishes its jobs. The heartbeat comes every staleAfterS / 3 s.
       */
      staleAfterS: z.number().int().min(3).max(3600).default(30),
    })
    .strict(),
]);
export type Connection = z.infer<typeof connectionSchema>;

export const equipmentClassSchema = z
  .object({
    id: codeSchema,
    name: text(200).min(1),
    description: text(2000).optional(),
    properties: propertiesSchema.optional(),
    tags: tagListSchema.optional(),
  })
  .strict();
export const equipmentClassPatchSchema = equipmentClassSchema
  .omit({ id: true })
  .partial()
  .extend({ reason: text(1000).optional() })
  .strict();

export const materialSchema = z
  .object({
    id: codeSchema,
    name: text(200).min(1),
    unit: z.string().min(1).max(32),
    materialClass: codeSchema.nullish(),
    description: text(2000).optional(),
    properties: propertiesSchema.optional(),
  })
  .strict();
export const materialPatchSchema = materialSchema
  .omit({ id: true })
  .partial()
  .extend({ reason: text(1000).optional() })
  .strict();

export const processParameterSchema = z
  .object({
    name: z.string().min(1).max(100),
    target: z.union([finite, z.string().max(200), z.boolean()]).optional(),
    min: finite.optional(),
    max: finite.optional(),
    unit: z.string().max(32).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${p.min} is above max ${p.max}` });
    if (typeof p.target === 'number') {
      if (p.min !== undefined && p.target < p.min) ctx.addIssue({ code: 'custom', path: ['target'], message: `target ${p.target} is below min ${p.min}` });
      if (p.max !== undefined && p.target > p.max) ctx.addIssue({ code: 'custom', path: ['target'], message: `target ${p.target} is above max ${p.max}` });
    }
  });

export const bomLineSchema = z
  .object({
    materialId: codeSchema,
    quantity: z.number().positive('must be above 0').refine(Number.isFinite, 'must be finite'),
    unit: z.string().max(32).optional(),
  })
  .strict();

export const routingOperationSchema = z
  .object({
    seq: z.number().int().positive(),
    name: z.string().min(1).max(200),
    workCenter: pathSchema.nullish(),
    equipmentClass: codeSchema.nullish(),
    idealCycleTimeS: z
      .number()
      .positive('must be above 0')
      .max(86_400 * 7),
    setupTimeS: z
      .number()
      .min(0)
      .max(86_400 * 7)
      .default(0),
    parameters: z.array(processParameterSchema).default([]),
    bom: z.array(bomLineSchema).default([]),
    instructions: z.string().max(20_000).optional(),
  })
  .strict()
  .refine((op) => op.workCenter || op.equipmentClass, {
    message: 'name the work centre/machine (workCenter) or the equipment class that can run this operation',
    path: ['workCenter'],
  });

const routingSchema = z.array(routingOperationSchema).superRefine((ops, ctx) => {
  const seen = new Set<number>();
  ops.forEach((op, i) => {
    if (seen.has(op.seq)) ctx.addIssue({ code: 'custom', path: [i, 'seq'], message: `operation seq ${op.seq} appears twice` });
    seen.add(op.seq);
  });
});

export const productSchema = z
  .object({
    id: codeSchema,
    name: text(200).min(1),
    unit: z.string().min(1).max(32).default('pcs'),
    family: codeSchema.nullish(),
    materialId: codeSchema.nullish(),
    description: text(2000).optional(),
    routing: routingSchema.default([]),
  })
  .strict();
export const productPatchSchema = z
  .object({
    name: text(200).min(1).optional(),
    unit: z.string().min(1).max(32).optional(),
    family: codeSchema.nullish(),
    materialId: codeSchema.nullish(),
    description: text(2000).optional(),
    routing: routingSchema.optional(),
    reason: text(1000).optional(),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');
const isoInstant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-05-01T06:00:00Z' });
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Berlin');

export const shiftSchema = z
  .object({
    name: z.string().min(1).max(100),
    start: hhmm,
    end: hhmm, // an end at or before the start means the shift runs past midnight
    days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
    breaks: z.array(z.object({ name: z.string().max(100).optional(), start: hhmm, end: hhmm }).strict()).default([]),
  })
  .strict();

export const plannedDowntimeSchema = z
  .object({ from: isoInstant, to: isoInstant, reason: z.string().min(1).max(500), equipmentPath: pathSchema.optional() })
  .strict()
  .refine((d) => Date.parse(d.to) > Date.parse(d.from), { message: 'to must be after from', path: ['to'] });

export const calendarSchema = z
  .object({
    id: codeSchema,
    name: text(200).min(1),
    timezone: timezone.default('UTC'),
    shifts: z.array(shiftSchema).default([]),
    plannedDowntime: z.array(plannedDowntimeSchema).default([]),
    holidays: z.array(z.iso.date('a date as YYYY-MM-DD')).default([]),
  })
  .strict();
export const calendarPatchSchema = z
  .object({
    name: text(200).min(1).optional(),
    timezone: timezone.optional(),
    shifts: z.array(shiftSchema).optional(),
    plannedDowntime: z.array(plannedDowntimeSchema).optional(),
    holidays: z.array(z.iso.date()).optional(),
    reason: text(1000).optional(),
  })
  .strict();

export const equipmentCreateSchema = z
  .object({
    parentId: z.uuid().nullable(),
    extId: extIdSchema,
    level: z.enum(LEVELS),
    name: text(200).min(1),
    description: text(2000).optional(),
    equipmentClass: codeSchema.nullish(),
    calendarId: codeSchema.nullish(),
    properties: propertiesSchema.optional(),
    attributes: attributesSchema.optional(),
    tags: tagListSchema.optional(),
    connections: z.array(connectionSchema).optional(),
  })
  .strict();
export const equipmentPatchSchema = equipmentCreateSchema
  .partial()
  .extend({ reason: text(1000).optional() })
  .strict();

export type EquipmentClassInput = z.infer<typeof equipmentClassSchema>;
export type MaterialInput = z.infer<typeof materialSchema>;
export type ProductInput = z.infer<typeof productSchema>;
export type CalendarInput = z.infer<typeof calendarSchema>;
export type EquipmentCreate = z.infer<typeof equipmentCreateSchema>;
export type EquipmentPatch = z.infer<typeof equipmentPatchSchema>;
export type RoutingOperation = z.infer<typeof routingOperationSchema>;
export type Properties = z.infer<typeof propertiesSchema>;
