// HTTP face of quality's first slice: characteristics, the measurement batch, frozen limits, the SPC contract and the
// plant overview. Routes validate, authorise and call the service.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, type Principal } from '../platform/auth/principal.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import { KINDS, type Source } from './model.ts';
import { parseWindow, type QualityService } from './quality.service.ts';
import { ATTRIBUTES_CHARTS, VARIABLES_CHARTS } from './spc/charts.ts';
import { NELSON_RULES, WESTERN_ELECTRIC_RULES } from './spc/rules.ts';

/** Who defines characteristics and freezes limits. */
export const QUALITY_EDITORS = ['quality', 'admin'] as const;
/** Who posts measurements: people at the line and in the lab, and machines and the LIMS through their tokens. */
export const MEASURERS = ['quality', 'operator', 'supervisor', 'admin', 'integration', 'device'] as const;
/** The largest measurement batch one request carries. */
export const MAX_BATCH = 1000;

const CHARTS = [...VARIABLES_CHARTS, ...ATTRIBUTES_CHARTS] as [string, ...string[]];
const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
const text = (max: number) => z.string().trim().min(1).max(max);
const finite = z.number().min(-1e12).max(1e12);
const params = z.object({ id: idSchema });

const fields = {
  name: text(200),
  product: idSchema,
  operationSeq: z.number().int().positive().nullable().default(null),
  kind: z.enum(KINDS),
  unit: text(32).nullable().default(null),
  nominal: finite.nullable().default(null),
  lsl: finite.nullable().default(null),
  usl: finite.nullable().default(null),
  chart: z.enum(CHARTS),
  subgroupSize: z.number().int().min(1).max(1000).default(1),
  ruleSet: z.enum(['nelson', 'western-electric']).default('nelson'),
  rules: z.array(z.number().int()).max(8).optional(),
  gauge: text(200).nullable().default(null),
  method: text(2000).nullable().default(null),
  sampling: text(2000).nullable().default(null),
};
const createBody = z.object({ id: idSchema, ...fields }).strict();
const patchBody = z
  .object({
    name: fields.name,
    product: fields.product,
    operationSeq: z.number().int().positive().nullable(),
    kind: fields.kind,
    unit: text(32).nullable(),
    nominal: finite.nullable(),
    lsl: finite.nullable(),
    usl: finite.nullable(),
    chart: fields.chart,
    subgroupSize: z.number().int().min(1).max(1000),
    ruleSet: fields.ruleSet.unwrap(),
    rules: z.array(z.number().int()).max(8),
    gauge: text(200).nullable(),
    method: text(2000).nullable(),
    sampling: text(2000).nullable(),
    reason: text(1000),
  })
  .partial()
  .strict();

const characteristicSchema = z.object({
  id: z.string(),
  name: z.string(),
  product: z.string(),
  operationSeq: z.number().nullable(),
  kind: z.enum(KINDS),
  unit: z.string().nullable(),
  nominal: z.number().nullable(),
  lsl: z.number().nullable(),
  usl: z.number().nullable(),
  chart: z.string(),
  subgroupSize: z.number(),
  ruleSet: z.string(),
  rules: z.array(z.number()),
  gauge: z.string().nullable(),
  method: z.string().nullable(),
  sampling: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const batchResultSchema = z.object({
  accepted: z.number(),
  replayed: z.number(),
  refused: z.number(),
  results: z.array(
    z.object({
      index: z.number(),
      status: z.enum(['accepted', 'refused']),
      id: z.number().optional(),
      replayed: z.boolean().optional(),
      reason: z.string().optional(),
    }),
  ),
});

const limitsSchema = z.object({
  characteristic: z.string(),
  version: z.number(),
  baselineFrom: z.string(),
  baselineTo: z.string(),
  limits: z.object({
    chart: z.string(),
    center: z.number(),
    sigma: z.number().nullable(),
    spreadBar: z.number().nullable(),
    subgroupSize: z.number().nullable(),
    baseline: z.object({ from: z.string(), to: z.string(), points: z.number(), values: z.number() }),
  }),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});

/** The external contract (docs/quality.md): exactly these fields. */
const spcSchema = z.object({
  chart: z.string(),
  centerLine: z.number().nullable(),
  ucl: z.number().nullable(),
  lcl: z.number().nullable(),
  points: z.array(z.object({ ts: z.string(), value: z.number(), subgroup: z.union([z.string(), z.number()]).optional() })),
  violations: z.array(z.object({ ts: z.string(), rule: z.number() })),
  cp: z.number().nullable(),
  cpk: z.number().nullable(),
  pp: z.number().nullable(),
  ppk: z.number().nullable(),
});

const num = z.number().nullable();
const plottedSchema = z.object({
  index: z.number(),
  ts: z.string(),
  value: z.number(),
  subgroup: z.union([z.string(), z.number()]).optional(),
  n: z.number(),
  centerLine: z.number(),
  ucl: z.number(),
  lcl: z.number(),
});
/** The SPC page's reply: the contract's body plus what the contract leaves out, from the same analysis. */
const chartViewSchema = z.object({
  characteristic: characteristicSchema,
  window: z.object({ from: z.string(), to: z.string() }),
  limits: z.enum(['frozen', 'window']).nullable(),
  frozen: limitsSchema.omit({ characteristic: true, limits: true }).nullable(),
  rules: z.array(z.object({ rule: z.number(), text: z.string() })),
  contract: spcSchema,
  flagged: z.array(z.object({ id: z.number(), ts: z.string(), flag: z.string() })),
  detail: z
    .object({
      centerLine: num,
      ucl: num,
      lcl: num,
      points: z.array(plottedSchema),
      secondary: z
        .object({
          chart: z.enum(['r', 's', 'mr']),
          centerLine: num,
          ucl: num,
          lcl: num,
          points: z.array(z.object({ index: z.number(), ts: z.string(), value: num, centerLine: z.number(), ucl: z.number(), lcl: z.number() })),
        })
        .nullable(),
      violations: z.array(z.object({ rule: z.number(), chart: z.enum(['primary', 'secondary']), index: z.number(), ts: z.string() })),
      pending: z.number(),
      capability: z
        .object({
          n: z.number(),
          mean: num,
          sigmaWithin: num,
          withinMethod: z.string(),
          sigmaOverall: num,
          lsl: num,
          usl: num,
          cp: num,
          cpk: num,
          cpl: num,
          cpu: num,
          pp: num,
          ppk: num,
          ppl: num,
          ppu: num,
        })
        .nullable(),
      histogram: z
        .object({
          bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number() })),
          lsl: num,
          usl: num,
          axis: z.object({ min: z.number(), max: z.number() }).nullable(),
        })
        .nullable(),
    })
    .nullable(),
});

const windowQuery = z.object({ from: z.string().max(40).optional(), to: z.string().max(40).optional() });

/** Where a record comes from when it does not say: a machine's token measures in-line, an integration is the lab. */
function defaultSource(p: Principal): Source {
  if (p.roles.includes('device')) return 'machine';
  if (p.kind === 'token') return 'lab';
  return 'manual';
}

export function qualityRoutes(fastify: FastifyInstance, service: QualityService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const read = { roles: ROLES.anyone };
  const edit = { roles: QUALITY_EDITORS };
  const tags = ['quality'];

  app.get(
    '/api/quality/characteristics',
    {
      config: read,
      schema: {
        tags,
        summary: 'Characteristics to measure, by id; filter by product and kind',
        querystring: z.object({
          product: z.string().max(64).optional(),
          kind: z.enum(KINDS).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        }),
        response: { 200: z.array(characteristicSchema) },
      },
    },
    (req) => service.list(req.query),
  );

  app.get(
    '/api/quality/characteristics/:id',
    { config: read, schema: { tags, summary: 'One characteristic', params, response: { 200: characteristicSchema } } },
    (req) => service.get(req.params.id),
  );

  app.post(
    '/api/quality/characteristics',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Define a characteristic (what to measure, where, its chart and rules)',
        body: createBody,
        response: { 201: characteristicSchema },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const c = await service.create(actorOf(principalOf(req)), { ...b, chart: b.chart as never, rules: b.rules ?? defaultRules(b.ruleSet) });
      return reply.status(201).send(c);
    },
  );

  app.patch(
    '/api/quality/characteristics/:id',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Change a characteristic (kind, chart and subgroup size only while it has no measurements)',
        params,
        body: patchBody,
        response: { 200: characteristicSchema },
      },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      // a new rule set without its own selection gets all of its rules, not the old set's numbers
      if (patch.ruleSet && !patch.rules) patch.rules = defaultRules(patch.ruleSet);
      return service.update(actorOf(principalOf(req)), req.params.id, patch as never, reason ?? null);
    },
  );

  app.delete(
    '/api/quality/characteristics/:id',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Delete a characteristic that has no measurements (409 once measured)',
        params,
        querystring: z.object({ reason: z.string().max(1000).optional() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await service.remove(actorOf(principalOf(req)), req.params.id, req.query.reason ?? null);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/quality/measurements',
    {
      config: { roles: MEASURERS },
      schema: {
        tags,
        summary: `Record up to ${MAX_BATCH} measurements; idempotent by each record's key (per source); answers per record`,
        // records are checked one by one in the service, so one bad record is refused with its reason, not the batch
        body: z.object({ records: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict(),
        response: { 200: batchResultSchema },
      },
    },
    (req) => {
      const p = principalOf(req);
      return service.record(req.body.records as never[], defaultSource(p), actorOf(p).name);
    },
  );

  app.get(
    '/api/quality/characteristics/:id/limits',
    { config: read, schema: { tags, summary: 'Frozen limits of a characteristic, newest first', params, response: { 200: z.array(limitsSchema) } } },
    (req) => service.limitsHistory(req.params.id),
  );

  app.post(
    '/api/quality/characteristics/:id/limits',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Freeze control limits from a baseline window (409 when the window has too little to estimate them)',
        params,
        body: z.object({ from: z.string().max(40), to: z.string().max(40), reason: text(1000) }).strict(),
        response: { 201: limitsSchema },
      },
    },
    async (req, reply) => {
      const w = parseWindow(req.body, Date.now());
      const frozen = await service.freeze(actorOf(principalOf(req)), req.params.id, w, req.body.reason);
      return reply.status(201).send(frozen);
    },
  );

  app.get(
    '/api/quality/characteristics/:id/spc',
    {
      config: read,
      schema: {
        tags,
        summary: 'SPC of a window (from ≤ ts ≤ to): chart, limits, points, rule violations, Cp/Cpk/Pp/Ppk',
        params,
        querystring: windowQuery,
        response: { 200: spcSchema },
      },
    },
    async (req, reply) => {
      const w = parseWindow(req.query, Date.now());
      const view = await service.spc(req.params.id, w);
      // which limits the numbers rest on, outside the contract's body
      reply.header('x-takt-limits', view.limits === 'frozen' ? `frozen; version=${view.version}` : (view.limits ?? 'none'));
      return view.body;
    },
  );

  app.get(
    '/api/quality/characteristics/:id/chart',
    {
      config: read,
      schema: {
        tags,
        summary: "The SPC page's view of a window: the spc contract plus each point's limits, the R/S/MR chart, capability with its sigmas, the histogram",
        params,
        querystring: windowQuery,
        response: { 200: chartViewSchema },
      },
    },
    (req) => service.chartView(req.params.id, parseWindow(req.query, Date.now())),
  );

  app.get(
    '/api/quality/overview',
    {
      config: read,
      schema: {
        tags,
        summary: 'Characteristics by worst Cpk over the last 24 hours, with their rule violations in that time',
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              product: z.string(),
              chart: z.string(),
              points: z.number(),
              cpk: z.number().nullable(),
              ppk: z.number().nullable(),
              violations24h: z.number(),
              limits: z.enum(['frozen', 'window']).nullable(),
            }),
          ),
        },
      },
    },
    () => service.overview(),
  );
}

function defaultRules(ruleSet: 'nelson' | 'western-electric'): number[] {
  return [...(ruleSet === 'nelson' ? NELSON_RULES : WESTERN_ELECTRIC_RULES)];
}
