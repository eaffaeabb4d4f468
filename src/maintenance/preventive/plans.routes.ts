// HTTP face of preventive plans: the external contract GET /api/maintenance/plans/{id}/next-due (issue #16), the
// plans (read by anyone, changed by maintenance and admins), the plans due within their lead and the generation of
// their work orders. Routes validate, authorise and call the service.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { CONDITION_OPS, CONTRACT_BASES, COUNTER_UNITS, INTERVAL_UNITS, PLAN_BASES, PLAN_STATUSES } from './model.ts';
import type { PlanService } from './plans.service.ts';

/** Who keeps plans and generates their work orders: maintenance people and admins. */
export const PLAN_EDITORS = ['maintenance', 'admin'] as const;

// the plant model's rules for class codes and tag names (plant/schemas.ts)
const codeSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
const tagNameSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - only');
const amount = z.number().positive().max(1e12);
const nonNegative = z.number().min(0).max(1e12);

export const planBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** one machine (id or ISA-95 path) … */
    equipment: z.string().trim().min(1).max(300).nullable().optional(),
    /** … or every machine of an equipment class */
    equipmentClass: codeSchema.nullable().optional(),
    basis: z.enum(PLAN_BASES),
    /** days or weeks (calendar), cycles, running hours or tonnes */
    interval: amount.nullable().optional(),
    intervalUnit: z.enum(INTERVAL_UNITS).nullable().optional(),
    /** cycles: the cumulative counter tag (default 'good', EUROMAP 63's ActCntCyc); tonnes: the mass counter tag */
    counterTag: tagNameSchema.nullable().optional(),
    counterUnit: z.enum(COUNTER_UNITS).nullable().optional(),
    /** the value at which the counter wraps to 0 (a drop near it is a roll-over, not a reset) */
    rollover: amount.nullable().optional(),
    condition: z
      .object({ tag: tagNameSchema, op: z.enum(CONDITION_OPS), limit: z.number().min(-1e12).max(1e12) })
      .strict()
      .nullable()
      .optional(),
    /** in the basis's unit (days for calendar plans): work orders are generated this much ahead of the due point */
    lead: nonNegative.optional(),
    /** in the basis's unit: done within ± this of the due point, the next interval counts from the due point */
    tolerance: nonNegative.optional(),
    tasks: z.string().max(4000).optional(),
    estimateMinutes: z.number().positive().max(525_600).nullable().optional(),
    active: z.boolean().optional(),
    /** usage and the calendar count from here until the plan is first done (default: now) */
    startAt: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .nullable()
      .optional(),
  })
  .strict();

const doneSchema = z.object({
  equipmentId: z.string(),
  workOrderId: z.string().nullable(),
  at: z.string(),
  usage: z.number().nullable(),
  anchorAt: z.string().nullable(),
  anchorUsage: z.number().nullable(),
  onTime: z.boolean().nullable(),
  by: z.string(),
});

const machineDueSchema = z.object({
  equipmentId: z.string(),
  equipment: z.string(),
  status: z.enum(PLAN_STATUSES),
  due: z.string().nullable(),
  dueAtUsage: z.number().nullable(),
  usage: z.number().nullable(),
  progress: z.number().nullable(),
  lastDone: doneSchema.nullable(),
  lastValue: z.object({ ts: z.string(), value: z.number() }).nullable(),
});

const planSchema = z.object({
  id: z.string(),
  name: z.string(),
  equipment: z.string().nullable(),
  equipmentId: z.string().nullable(),
  equipmentClass: z.string().nullable(),
  basis: z.enum(PLAN_BASES),
  interval: z.number().nullable(),
  intervalUnit: z.enum(INTERVAL_UNITS).nullable(),
  counterTag: z.string().nullable(),
  counterUnit: z.enum(COUNTER_UNITS).nullable(),
  rollover: z.number().nullable(),
  conditionOp: z.enum(CONDITION_OPS).nullable(),
  conditionLimit: z.number().nullable(),
  lead: z.number(),
  tolerance: z.number(),
  tasks: z.string(),
  estimateMinutes: z.number().nullable(),
  active: z.boolean(),
  startAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
const planWithDueSchema = planSchema.extend({ machines: z.array(machineDueSchema) });

const params = z.object({ id: z.string().regex(/^PM-\d{1,12}$/, 'a plan number, e.g. PM-3') });
const reasonQuery = z.object({ reason: z.string().trim().min(1).max(1000).optional() });

export function planRoutes(fastify: FastifyInstance, service: PlanService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['maintenance'];
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

  app.get(
    '/api/maintenance/plans',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Preventive plans, each with its machines: last done, next due, usage and status',
        response: { 200: z.array(planWithDueSchema) },
      },
    },
    () => service.list(),
  );

  app.get(
    '/api/maintenance/plans/due',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: "Active plans' machines within their lead time or later (soon, due, overdue), nearest first",
        response: { 200: z.array(z.object({ plan: planSchema, machine: machineDueSchema })) },
      },
    },
    () => service.due(),
  );

  app.post(
    '/api/maintenance/plans/generate',
    {
      config: { roles: PLAN_EDITORS },
      schema: {
        tags,
        summary: 'Open the preventive work orders of every due point within its lead time that has none yet (idempotent)',
        response: {
          200: z.object({
            created: z.array(z.object({ planId: z.string(), equipmentId: z.string(), workOrderId: z.string(), duePoint: z.string() })),
            existing: z.number(),
            failed: z.array(z.object({ planId: z.string(), equipmentId: z.string(), reason: z.string() })),
          }),
        },
      },
    },
    (req) => service.generate(actor(req)),
  );

  app.get(
    '/api/maintenance/plans/:id',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'One plan with its machines: last done, next due, usage and status', params, response: { 200: planWithDueSchema } },
    },
    (req) => service.get(req.params.id),
  );

  app.get(
    '/api/maintenance/plans/:id/history',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: "A plan's done records and the work orders generated for its due points, newest first",
        params,
        response: {
          200: z.object({
            done: z.array(doneSchema),
            occurrences: z.array(
              z.object({
                equipmentId: z.string(),
                duePoint: z.string(),
                dueAt: z.string().nullable(),
                dueUsage: z.number().nullable(),
                workOrderId: z.string().nullable(),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    (req) => service.history(req.params.id),
  );

  app.get(
    '/api/maintenance/plans/:id/next-due',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary:
          "The plan's next due point: due (ISO, or null until a usage or condition plan's point is reached), dueAtUsage (usage since the plan's start; tonnes plans report basis 'cycles')",
        params,
        querystring: z.object({ equipment: z.string().min(1).max(300).optional() }),
        response: { 200: z.object({ due: z.string().nullable(), dueAtUsage: z.number().nullable(), basis: z.enum(CONTRACT_BASES) }) },
      },
    },
    (req) => service.nextDue(req.params.id, req.query.equipment),
  );

  app.post(
    '/api/maintenance/plans',
    {
      config: { roles: PLAN_EDITORS },
      schema: { tags, summary: 'Create a preventive plan for a machine or an equipment class', body: planBody, response: { 201: planWithDueSchema } },
    },
    async (req, reply) => reply.status(201).send(await service.create(actor(req), req.body)),
  );

  app.put(
    '/api/maintenance/plans/:id',
    {
      config: { roles: PLAN_EDITORS },
      schema: {
        tags,
        summary: 'Change a plan (the whole definition); its done history stays',
        params,
        querystring: reasonQuery,
        body: planBody,
        response: { 200: planWithDueSchema },
      },
    },
    (req) => service.update(actor(req), req.params.id, req.body, req.query.reason ?? null),
  );

  app.delete(
    '/api/maintenance/plans/:id',
    {
      config: { roles: PLAN_EDITORS },
      schema: { tags, summary: 'Delete a plan (its generated work orders stay)', params, querystring: reasonQuery, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await service.remove(actor(req), req.params.id, req.query.reason ?? null);
      return reply.status(204).send(null);
    },
  );
}
