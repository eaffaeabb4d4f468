// HTTP face of maintenance work orders: the external contract (POST and GET /api/maintenance/work-orders, issue #16)
// and reading, changing and moving one. Routes validate, authorise and call the service.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { WORK_ORDER_KINDS, WORK_ORDER_ORIGINS, WORK_ORDER_PRIORITIES, WORK_ORDER_STATUSES } from './model.ts';
import type { WorkOrderService } from './work-orders.service.ts';

/** Who decides about work orders (approve, schedule, cancel, verify, change): maintenance, supervisors, admins. */
export const WORK_ORDER_DECIDERS = ['maintenance', 'supervisor', 'admin'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const estimate = z.number().positive().max(525_600);
const person = z.string().trim().min(1).max(100);

export const workOrderCreateBody = z
  .object({
    equipment: text(300),
    kind: z.enum(WORK_ORDER_KINDS),
    description: text(2000),
    /** the stop it answers: the ISO start of one of the machine's stops (GET /api/performance/stops) */
    stopId: z.string().trim().min(1).max(100).nullable().optional(),
    priority: z.enum(WORK_ORDER_PRIORITIES).optional(),
    estimateMinutes: estimate.nullable().optional(),
    assignee: person.nullable().optional(),
  })
  .strict();

const patchBody = z
  .object({
    description: text(2000),
    priority: z.enum(WORK_ORDER_PRIORITIES),
    plannedStart: when.nullable(),
    plannedEnd: when.nullable(),
    estimateMinutes: estimate.nullable(),
    assignee: person.nullable(),
    reason: text(1000),
  })
  .partial()
  .strict();

const moveBody = z
  .object({
    to: z.enum(WORK_ORDER_STATUSES),
    reason: text(1000).optional(),
    plannedStart: when.optional(),
    plannedEnd: when.optional(),
  })
  .strict();

export const workOrderSchema = z.object({
  id: z.string(),
  kind: z.enum(WORK_ORDER_KINDS),
  equipment: z.string(),
  equipmentId: z.string(),
  description: z.string(),
  status: z.enum(WORK_ORDER_STATUSES),
  priority: z.enum(WORK_ORDER_PRIORITIES),
  origin: z.enum(WORK_ORDER_ORIGINS),
  stopId: z.string().nullable(),
  stopStart: z.string().nullable(),
  alarmCode: z.string().nullable(),
  stopReason: z.string().nullable(),
  planId: z.string().nullable(),
  plannedStart: z.string().nullable(),
  plannedEnd: z.string().nullable(),
  estimateMinutes: z.number().nullable(),
  assignee: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  version: z.number(),
});
const stepSchema = z.object({
  from: z.enum(WORK_ORDER_STATUSES).nullable(),
  to: z.enum(WORK_ORDER_STATUSES),
  by: z.string(),
  at: z.string(),
  reason: z.string().nullable(),
});
export const workOrderDetailSchema = workOrderSchema.extend({ steps: z.array(stepSchema) });

const params = z.object({ id: z.string().regex(/^WO-\d{1,12}$/, 'a work order number, e.g. WO-12') });
const statusList = z
  .string()
  .max(200)
  .transform((s) => s.split(',').map((x) => x.trim()))
  .pipe(z.array(z.enum(WORK_ORDER_STATUSES)).min(1));

export function workOrderRoutes(fastify: FastifyInstance, service: WorkOrderService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['maintenance'];
  const actor = (req: Parameters<typeof principalOf>[0]) => actorOf(principalOf(req));

  app.get(
    '/api/maintenance/work-orders',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Work orders, newest first; filter by equipment (id or path), status (one or a comma-separated list), kind, assignee',
        querystring: z.object({
          equipment: z.string().min(1).max(300).optional(),
          status: statusList.optional(),
          kind: z.enum(WORK_ORDER_KINDS).optional(),
          assignee: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.array(workOrderSchema) },
      },
    },
    (req) => service.list(req.query),
  );

  app.get(
    '/api/maintenance/work-orders/:id',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'One work order with its steps (who moved it, when, why)', params, response: { 200: workOrderDetailSchema } },
    },
    (req) => service.get(req.params.id),
  );

  app.post(
    '/api/maintenance/work-orders',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags,
        summary: 'Open a corrective or preventive work order for a piece of equipment (201 with its id and status)',
        body: workOrderCreateBody,
        response: { 201: workOrderDetailSchema },
      },
    },
    async (req, reply) => {
      const { workOrder } = await service.open(actor(req), { ...req.body, origin: 'manual' });
      return reply.status(201).send(workOrder);
    },
  );

  app.patch(
    '/api/maintenance/work-orders/:id',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Change a work order: description, priority, planned window, estimate, assignee',
        params,
        body: patchBody,
        response: { 200: workOrderDetailSchema },
      },
    },
    (req) => {
      const { reason, ...patch } = req.body;
      return service.update(actor(req), req.params.id, patch, reason ?? null);
    },
  );

  app.post(
    '/api/maintenance/work-orders/:id/status',
    {
      config: { roles: WORK_ORDER_DECIDERS },
      schema: {
        tags,
        summary: 'Move a work order: requested → approved → scheduled (with its planned window) → in_progress → done → verified, or cancelled (with a reason)',
        params,
        body: moveBody,
        response: { 200: workOrderDetailSchema },
      },
    },
    (req) => {
      const { to, reason, plannedStart, plannedEnd } = req.body;
      const window = plannedStart || plannedEnd ? { plannedStart, plannedEnd } : undefined;
      return service.move(actor(req), principalOf(req).roles, req.params.id, to, reason ?? null, window);
    },
  );
}
