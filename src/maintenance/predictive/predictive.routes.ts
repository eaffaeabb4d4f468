// HTTP face of predictive maintenance: monitors (CRUD, chart, evaluate now), warnings (list, accept, dismiss) and the
// reliability (Weibull) view of a machine. Routes validate, authorise and call the service.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { WORK_ORDER_DECIDERS } from '../work-orders/work-orders.routes.ts';
import { MONITOR_METHODS, monitorParamsSchema, WARNING_STATES } from './model.ts';
import type { PredictiveService } from './predictive.service.ts';

const limit = z.number().refine(Number.isFinite, 'must be a finite number').nullable();
export const monitorCreateBody = z
  .object({
    equipment: z.string().trim().min(1).max(300),
    tag: z.string().trim().min(1).max(200),
    method: z.enum(MONITOR_METHODS),
    min: limit.default(null),
    max: limit.default(null),
    params: monitorParamsSchema.default(monitorParamsSchema.parse({})),
    enabled: z.boolean().default(true),
  })
  .strict();
export const monitorPatchBody = z.object({ min: limit, max: limit, params: monitorParamsSchema, enabled: z.boolean() }).partial().strict();
export const acceptBody = z
  .object({ kind: z.enum(['corrective', 'preventive']).default('preventive'), description: z.string().trim().min(1).max(2000).optional() })
  .strict();
export const dismissBody = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();

const monitorSchema = z.object({
  id: z.string(),
  equipmentId: z.string(),
  equipment: z.string(),
  tag: z.string(),
  method: z.enum(MONITOR_METHODS),
  min: z.number().nullable(),
  max: z.number().nullable(),
  params: z.record(z.string(), z.number()),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const pointSchema = z.object({ ts: z.number(), value: z.number(), stat: z.number().nullable(), alarm: z.boolean() });
const forecastSchema = z
  .object({
    limit: z.number().nullable(),
    hours: z.number().nullable(),
    earliestHours: z.number().nullable(),
    latestHours: z.number().nullable(),
    fit: z.object({
      n: z.number(),
      intercept: z.number(),
      slopePerH: z.number(),
      s: z.number(),
      slopeT: z.number(),
      t0: z.number(),
      meanH: z.number(),
      sxx: z.number(),
    }),
    band: z.array(z.object({ ts: z.number(), fit: z.number(), lo: z.number(), hi: z.number() })),
  })
  .nullable();
const chartSchema = z.object({
  monitor: monitorSchema,
  analysis: z.object({
    baseline: z.object({ mean: z.number(), sd: z.number() }),
    points: z.array(pointSchema),
    alarmNow: z.boolean(),
    onset: z.number().nullable(),
    forecast: forecastSchema,
  }),
});
const warningSchema = z.object({
  id: z.string(),
  monitorId: z.string(),
  equipmentId: z.string(),
  episodeStart: z.string(),
  episodeEnd: z.string().nullable(),
  message: z.string(),
  evidence: z.unknown(),
  state: z.enum(WARNING_STATES),
  workOrderId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  raisedAt: z.string(),
});
const reliabilitySchema = z.object({
  equipment: z.string(),
  from: z.string(),
  to: z.string(),
  failures: z.number(),
  timesBetweenFailuresH: z.array(z.number()),
  weibull: z.union([
    z.object({ ok: z.literal(true), n: z.number(), beta: z.number(), eta: z.number(), mtbf: z.number(), b10: z.number() }),
    z.object({ ok: z.literal(false), n: z.number(), reason: z.string() }),
  ]),
  reading: z.string(),
});
const idParams = z.object({ id: z.uuid() });

export function predictiveRoutes(fastify: FastifyInstance, service: PredictiveService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['maintenance'];
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

  app.get(
    '/api/maintenance/monitors',
    { config: { roles: ROLES.anyone }, schema: { tags, summary: 'Condition monitors on process tags', response: { 200: z.array(monitorSchema) } } },
    () => service.monitors(),
  );
  app.post(
    '/api/maintenance/monitors',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Watch a machine’s process tag with EWMA, CUSUM or a trend forecast against its limits',
        body: monitorCreateBody,
        response: { 201: monitorSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createMonitor(actor(req), req.body)),
  );
  app.get(
    '/api/maintenance/monitors/:id',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'A monitor with its chart: bucket means, detector statistic, episodes and the trend forecast band',
        params: idParams,
        response: { 200: chartSchema },
      },
    },
    (req) => service.chart(req.params.id),
  );
  app.patch(
    '/api/maintenance/monitors/:id',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Change a monitor’s limits, parameters or enabled flag',
        params: idParams,
        body: monitorPatchBody,
        response: { 200: monitorSchema },
      },
    },
    (req) => service.updateMonitor(actor(req), req.params.id, req.body),
  );
  app.delete(
    '/api/maintenance/monitors/:id',
    { config: { roles: WORK_ORDER_DECIDERS }, schema: { tags, summary: 'Delete a monitor and its warnings', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await service.deleteMonitor(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/maintenance/monitors/evaluate',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Evaluate every enabled monitor now (they are evaluated every 5 minutes anyway)',
        response: { 200: z.object({ raised: z.number(), ended: z.number() }) },
      },
    },
    () => service.evaluate(),
  );
  app.get(
    '/api/maintenance/warnings',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Predictive warnings, newest first; filter by state and equipment',
        querystring: z.object({
          state: z.enum(WARNING_STATES).optional(),
          equipment: z.string().min(1).max(300).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.array(warningSchema) },
      },
    },
    (req) => service.warnings(req.query),
  );
  app.post(
    '/api/maintenance/warnings/:id/accept',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Accept a warning: open its work order (with the evidence) and link it',
        params: idParams,
        body: acceptBody,
        response: { 200: warningSchema },
      },
    },
    (req) => service.accept(actor(req), req.params.id, req.body),
  );
  app.post(
    '/api/maintenance/warnings/:id/dismiss',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Dismiss a warning (with a reason); the same episode is not raised again',
        params: idParams,
        body: dismissBody,
        response: { 200: warningSchema },
      },
    },
    (req) => service.dismiss(actor(req), req.params.id, req.body.reason),
  );
  app.get(
    '/api/maintenance/reliability',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Weibull fit (β, η) of a machine’s times between failures, or why there is none (fewer than 5 failures)',
        querystring: z.object({ equipment: z.string().min(1).max(300), days: z.coerce.number().int().min(1).max(3650).default(365) }),
        response: { 200: reliabilitySchema },
      },
    },
    (req) => service.reliability(req.query.equipment, req.query.days),
  );
}
