// HTTP face of the analyses beside the KPI contract: the bottleneck of a line, KPIs grouped by order or product,
// and the mapping of machine alarm codes to downtime reasons.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { ROLES } from '../platform/http/guard.ts';
import type { OrderKpis } from './by-order.ts';
import { DEFAULT_SETTINGS } from './kpis.ts';
import { period, window } from './performance.routes.ts';
import type { PerformanceService } from './performance.service.ts';
import { alarmMappingSchema } from './alarm-reasons.ts';
import { alarmMappingView, bottleneckResponse, kpiGroupsResponse } from './schemas.ts';
import type { StopService } from './stops.ts';

const mappingKey = z.object({
  scope: z.enum(['machine', 'class']),
  target: z.string().min(1).max(1000).describe('machine id or path, or equipment class id'),
  alarmCode: z.string().trim().min(1).max(200),
});

export function analysisRoutes(perf: PerformanceService, stops: StopService, byOrder: OrderKpis) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };

    app.get(
      '/api/performance/bottleneck',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary: 'Machines of a line (or any equipment) ranked by their constraint on throughput (active period method) over [from, to)',
          querystring: z.object(period),
          response: { 200: bottleneckResponse },
        },
      },
      (req) => {
        const { from, to } = window(req.query);
        return perf.bottleneck(req.query.equipment, from, to);
      },
    );

    app.get(
      '/api/performance/kpi-groups',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary: 'ISO 22400-2 KPIs of the machines of a piece of equipment grouped by production order or product over [from, to) (at most 31 days)',
          querystring: z.object({
            ...period,
            group: z.enum(['order', 'product']),
            minorStops: z.enum(['availability', 'performance']).default(DEFAULT_SETTINGS.minorStops),
            idle: z.enum(['iso', 'exclude']).default(DEFAULT_SETTINGS.idle),
            mtbf: z.enum(['operating', 'uptime']).default(DEFAULT_SETTINGS.mtbf),
          }),
          response: { 200: kpiGroupsResponse },
        },
      },
      (req) => {
        const q = req.query;
        const { from, to } = window(q);
        return byOrder.kpis({ equipment: q.equipment, from, to, group: q.group, settings: { minorStops: q.minorStops, idle: q.idle, mtbf: q.mtbf } });
      },
    );

    app.get(
      '/api/performance/alarm-reasons',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary: 'Alarm code → downtime reason mappings per machine and machine class',
          response: { 200: z.array(alarmMappingView) },
        },
      },
      () => stops.alarmMappings(),
    );

    app.put(
      '/api/performance/alarm-reasons',
      {
        config: { roles: ROLES.plantEditors },
        schema: {
          tags: ['performance'],
          summary: 'Map an alarm code of a machine or machine class to a downtime reason; stops that begin with that alarm take the reason (audited)',
          body: mappingKey.extend({ reasonId: z.string().min(1).max(100) }).strict(),
          response: { 200: alarmMappingSchema },
        },
      },
      (req) => stops.putAlarmMapping(actorOf(req.principal!), req.body.scope, req.body.target, req.body.alarmCode, req.body.reasonId),
    );

    app.delete(
      '/api/performance/alarm-reasons',
      {
        config: { roles: ROLES.plantEditors },
        schema: { tags: ['performance'], summary: 'Remove an alarm code mapping (audited)', querystring: mappingKey, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await stops.deleteAlarmMapping(actorOf(req.principal!), req.query.scope, req.query.target, req.query.alarmCode);
        return reply.status(204).send(null);
      },
    );
  };
}
