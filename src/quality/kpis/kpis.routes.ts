// HTTP face of the quality KPIs: GET /api/quality/kpis (anyone signed in) and the cost table (quality, admin).
// Routes validate, authorise and call the service; the reply schemas are the serializers and the OpenAPI entries.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import { parseWindow } from '../quality.service.ts';
import type { QualityKpis } from './kpis.service.ts';

/** Who sets the cost table. */
export const COST_EDITORS = ['quality', 'admin'] as const;

const code = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
const ratio = z.number().nullable();
const figures = {
  produced: z.number(),
  good: z.number(),
  scrap: z.number(),
  reworked: z.number().nullable(),
  scrapRate: ratio,
  reworkRate: ratio,
  qualityRatio: ratio,
  fpy: ratio,
};
const paretoRow = { defect: z.string(), label: z.string().nullable(), quantity: z.number(), share: z.number(), cumulative: z.number() };
const copqSchema = z.object({
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  scrapCost: z.number().nullable(),
  reworkCost: z.number().nullable(),
  includesRework: z.boolean(),
  missingCosts: z.array(z.string()),
  message: z.string().nullable(),
});

/** GET /api/quality/kpis's reply (docs/quality.md, "Quality KPIs"). */
export const kpiReportSchema = z.object({
  window: z.object({ from: z.string(), to: z.string() }),
  filter: z.object({ product: z.string().nullable(), machine: z.string().nullable(), order: z.string().nullable() }),
  reworkRecorded: z.boolean(),
  total: z.object({ ...figures, operations: z.number() }),
  copq: copqSchema,
  byProduct: z.array(
    z.object({
      product: z.string(),
      operations: z.number(),
      ...figures,
      steps: z.array(z.object({ seq: z.number(), ...figures })),
      rty: ratio,
      copq: copqSchema,
    }),
  ),
  byMachine: z.array(z.object({ machine: z.string().nullable(), operations: z.number(), ...figures })),
  pareto: z.array(z.object(paretoRow)),
  reworkPareto: z.array(z.object(paretoRow)).nullable(),
  attributePareto: z.array(z.object({ ...paretoRow, characteristic: z.string(), product: z.string(), chart: z.string(), inspected: z.number().nullable() })),
  notes: z.array(z.string()),
});

export const costSchema = z.object({
  product: z.string(),
  unitCost: z.number(),
  reworkCost: z.number().nullable(),
  currency: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});

const money = z.number().min(0).max(1e9);
const costBody = z
  .object({
    unitCost: money,
    reworkCost: money.nullable().default(null),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code of three capital letters, e.g. EUR')
      .default('EUR'),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict();

export const kpiQuery = z
  .object({
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    product: code.optional(),
    machine: z.string().min(1).max(300).optional(),
    order: z.string().min(1).max(100).optional(),
  })
  .strict();

export function kpiRoutes(fastify: FastifyInstance, kpis: QualityKpis): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];
  const params = z.object({ product: code });

  app.get(
    '/api/quality/kpis',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Quality KPIs of a window (operations completed from ≤ t ≤ to): FPY, scrap and rework rates, COPQ, defect Paretos',
        querystring: kpiQuery,
        response: { 200: kpiReportSchema },
      },
    },
    (req) => {
      const { from, to, ...filter } = req.query;
      return kpis.report(parseWindow({ from, to }, Date.now()), filter);
    },
  );

  app.get(
    '/api/quality/costs',
    { config: { roles: ROLES.anyone }, schema: { tags, summary: 'Unit and rework costs per product or material', response: { 200: z.array(costSchema) } } },
    () => kpis.costs(),
  );

  app.get(
    '/api/quality/costs/:product',
    { config: { roles: ROLES.anyone }, schema: { tags, summary: "One product's costs", params, response: { 200: costSchema } } },
    (req) => kpis.cost(req.params.product),
  );

  app.put(
    '/api/quality/costs/:product',
    {
      config: { roles: COST_EDITORS },
      schema: {
        tags,
        summary: "Set a product's (or material's) cost of a scrapped unit and of reworking one",
        params,
        body: costBody,
        response: { 200: costSchema },
      },
    },
    (req) => {
      const { reason, ...input } = req.body;
      return kpis.setCost(actorOf(principalOf(req)), req.params.product, input, reason ?? null);
    },
  );

  app.delete(
    '/api/quality/costs/:product',
    {
      config: { roles: COST_EDITORS },
      schema: {
        tags,
        summary: "Remove a product's costs (its COPQ is then unknown)",
        params,
        querystring: z.object({ reason: z.string().max(1000).optional() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await kpis.removeCost(actorOf(principalOf(req)), req.params.product, req.query.reason ?? null);
      return reply.status(204).send(null);
    },
  );
}
