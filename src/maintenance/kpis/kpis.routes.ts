// HTTP face of the maintenance KPIs: GET /api/maintenance/kpis?from=&to=&equipment= (docs/maintenance.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../platform/http/guard.ts';
import type { MaintenanceKpiService } from './kpis.service.ts';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

export const maintenanceKpiQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    equipment: z.string().trim().min(1).max(300).optional(),
  })
  .strict();

const hours = z.number();
export const maintenanceKpiResponse = z.object({
  equipment: z.object({ id: z.string(), path: z.string(), name: z.string() }).nullable(),
  from: z.string(),
  to: z.string(),
  mtbfH: z.number().nullable().describe('ISO 22400-2 MTBF of the equipment in the period, hours (performance)'),
  mttrH: z.number().nullable().describe('ISO 22400-2 MTTR of the equipment in the period, hours (performance)'),
  failures: z.number().nullable(),
  mttrSplit: z
    .object({
      repairs: z.number().describe('corrective orders done (or verified) in the period'),
      meanMinutes: z
        .object({ total: z.number(), waitingForTechnician: z.number(), repair: z.number(), waitingForParts: z.number(), other: z.number() })
        .nullable()
        .describe('their mean time from the stop (or the request) to done, split as on each order; null without repairs'),
    })
    .describe("where the repair time went: the technicians' MTTR split of the corrective orders done in the period"),
  workHours: z.object({ preventive: hours, corrective: hours }).describe('work carried out in the period, from start to done'),
  plannedShare: z.number().nullable().describe('preventive work hours / all work hours'),
  compliance: z.object({ due: z.number(), onTime: z.number(), late: z.array(z.string()), ratio: z.number().nullable() }),
  backlog: z.object({
    count: z.number(),
    estimatedHours: hours,
    withoutEstimate: z.number(),
    byAge: z.array(z.object({ age: z.string(), count: z.number(), estimatedHours: hours })),
    byKind: z.object({ preventive: z.number(), corrective: z.number() }),
  }),
});

export function maintenanceKpiRoutes(fastify: FastifyInstance, service: MaintenanceKpiService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/maintenance/kpis',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags: ['maintenance'],
        summary: 'Maintenance KPIs: MTBF, MTTR, planned vs unplanned share, preventive compliance, backlog by age',
        querystring: maintenanceKpiQuery,
        response: { 200: maintenanceKpiResponse },
      },
    },
    (req) => service.kpis(req.query),
  );
}
