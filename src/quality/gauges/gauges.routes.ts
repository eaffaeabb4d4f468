// HTTP face of the gauge register: gauges (quality and admin edit, everyone signed in reads), the list with overdue and
// due-soon gauges, and calibration records that move the due date.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';
import { isDay } from '../dates.ts';
import { CALIBRATION_RESULTS, GAUGE_STATUSES, ON_OVERDUE } from './gauges.model.ts';
import type { GaugeRegister } from './gauges.service.ts';

/** Who keeps the register and records calibrations. */
export const GAUGE_EDITORS = ['quality', 'admin'] as const;

const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f]*$/, 'no control characters');
export const daySchema = z.string().refine(isDay, 'a calendar day YYYY-MM-DD');
const params = z.object({ id: idSchema });

const fields = {
  name: text(200),
  type: text(100).nullable().default(null),
  location: text(200).nullable().default(null),
  intervalDays: z.number().int().min(1).max(3660),
  status: z.enum(GAUGE_STATUSES).default('in-service'),
  onOverdue: z.enum(ON_OVERDUE).default('refuse'),
};
const createBody = z.object({ id: idSchema, ...fields, lastCalibrated: daySchema.nullable().default(null) }).strict();
const patchBody = z
  .object({
    name: fields.name,
    type: text(100).nullable(),
    location: text(200).nullable(),
    intervalDays: fields.intervalDays,
    status: z.enum(GAUGE_STATUSES),
    onOverdue: z.enum(ON_OVERDUE),
    reason: text(1000),
  })
  .partial()
  .strict();
const calibrateBody = z
  .object({ calibratedOn: daySchema, result: z.enum(CALIBRATION_RESULTS), calibratedBy: text(200), certificate: text(500).nullable().default(null) })
  .strict();

const gaugeSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  location: z.string().nullable(),
  intervalDays: z.number(),
  lastCalibrated: z.string().nullable(),
  dueOn: z.string().nullable(),
  lastResult: z.enum(CALIBRATION_RESULTS).nullable(),
  status: z.enum(GAUGE_STATUSES),
  onOverdue: z.enum(ON_OVERDUE),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const stateSchema = z.enum(['ok', 'due-soon', 'overdue', 'failed', 'out-of-service', 'not-calibrated']);
const calibrationSchema = z.object({
  id: z.number(),
  gauge: z.string(),
  calibratedOn: z.string(),
  result: z.enum(CALIBRATION_RESULTS),
  calibratedBy: z.string(),
  certificate: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

export function gaugeRoutes(fastify: FastifyInstance, gauges: GaugeRegister): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const read = { roles: ROLES.anyone };
  const edit = { roles: GAUGE_EDITORS };
  const tags = ['quality'];

  app.get(
    '/api/quality/gauges',
    {
      config: read,
      schema: {
        tags,
        summary: "The gauge register by due date, each with its state today; due=true: only overdue, failed, out of service or due within 'days'",
        querystring: z.object({ days: z.coerce.number().int().min(0).max(3660).optional(), due: z.enum(['true', 'false']).optional() }),
        response: { 200: z.array(gaugeSchema.extend({ state: stateSchema })) },
      },
    },
    (req) => gauges.list({ days: req.query.days, due: req.query.due === 'true' }),
  );

  app.get(
    '/api/quality/gauges/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One gauge with its calibrations, newest first',
        params,
        response: { 200: gaugeSchema.extend({ state: stateSchema, calibrations: z.array(calibrationSchema) }) },
      },
    },
    (req) => gauges.get(req.params.id),
  );

  app.post(
    '/api/quality/gauges',
    {
      config: edit,
      schema: { tags, summary: 'Register a gauge (due an interval after its last calibration)', body: createBody, response: { 201: gaugeSchema } },
    },
    async (req, reply) => reply.status(201).send(await gauges.create(actorOf(principalOf(req)), req.body)),
  );

  app.patch(
    '/api/quality/gauges/:id',
    {
      config: edit,
      schema: { tags, summary: 'Change a gauge (a new interval moves the due date)', params, body: patchBody, response: { 200: gaugeSchema } },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      return gauges.update(actorOf(principalOf(req)), req.params.id, patch, reason ?? null);
    },
  );

  app.delete(
    '/api/quality/gauges/:id',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Delete a gauge no characteristic names (409 otherwise)',
        params,
        querystring: z.object({ reason: z.string().max(1000).optional() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await gauges.remove(actorOf(principalOf(req)), req.params.id, req.query.reason ?? null);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/quality/gauges/:id/calibrations',
    {
      config: edit,
      schema: {
        tags,
        summary: 'Record a calibration: a pass moves the due date an interval on, a fail takes the gauge out of use',
        params,
        body: calibrateBody,
        response: { 201: z.object({ gauge: gaugeSchema, calibration: calibrationSchema }) },
      },
    },
    async (req, reply) => reply.status(201).send(await gauges.calibrate(actorOf(principalOf(req)), req.params.id, req.body)),
  );
}
