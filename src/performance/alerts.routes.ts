// HTTP face of early warning: the rules (admin/supervisor edit them), the alerts (list, acknowledge) and their live
// stream (server-sent events, a projection of the 'performance.alert' event).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { ROLES } from '../platform/http/guard.ts';
import { eventStreamResponse, openEventStream } from '../platform/http/sse.ts';
import { RULE_KINDS, RULE_METRICS, SEVERITIES } from './alert-rules.ts';
import { evaluationSchema, publicAlertRuleSchema, publicAlertSchema, type AlertService } from './alerts.service.ts';
import { instant } from './performance.routes.ts';

const ruleBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(RULE_KINDS),
    metric: z.enum(RULE_METRICS).nullable().default(null),
    state: z.string().trim().min(1).max(50).nullable().default(null),
    equipment: z.string().min(1).max(1000).describe('a machine, or a line/area/site: every machine below it (id or path)'),
    threshold: z.number().finite().describe('kpi_*: ratio (0.85); state_longer_than: seconds; scrap_rising: ratio points (0.02)'),
    hysteresis: z.number().finite().min(0).default(0),
    windowS: z.number().int().min(60).max(604_800).default(3600),
    severity: z.enum(SEVERITIES).default('warning'),
    enabled: z.boolean().default(true),
  })
  .strict();

const idParams = z.object({ id: z.uuid() });
const editors = { roles: ROLES.plantEditors };

export function alertRoutes(alerts: AlertService) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/performance/alert-rules',
      { config: { roles: ROLES.anyone }, schema: { tags: ['performance'], summary: 'Early-warning rules', response: { 200: z.array(publicAlertRuleSchema) } } },
      () => alerts.rules(),
    );

    app.post(
      '/api/performance/alert-rules',
      {
        config: editors,
        schema: { tags: ['performance'], summary: 'Create an early-warning rule (audited)', body: ruleBody, response: { 201: publicAlertRuleSchema } },
      },
      async (req, reply) => reply.status(201).send(await alerts.createRule(actorOf(req.principal!), req.body)),
    );

    app.put(
      '/api/performance/alert-rules/:id',
      {
        config: editors,
        schema: {
          tags: ['performance'],
          summary: 'Change an early-warning rule (audited)',
          params: idParams,
          body: ruleBody,
          response: { 200: publicAlertRuleSchema },
        },
      },
      (req) => alerts.updateRule(actorOf(req.principal!), req.params.id, req.body),
    );

    app.delete(
      '/api/performance/alert-rules/:id',
      {
        config: editors,
        schema: { tags: ['performance'], summary: 'Delete an early-warning rule and its alerts (audited)', params: idParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await alerts.deleteRule(actorOf(req.principal!), req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/performance/alerts',
      {
        config: { roles: ROLES.anyone },
        schema: {
          tags: ['performance'],
          summary:
            'Alerts raised by the early-warning rules and by other modules (e.g. predictive-maintenance warnings), newest first: open ones (default) or all, by equipment (and below), rule, source, severity, period',
          querystring: z.object({
            status: z.enum(['open', 'all']).default('open'),
            equipment: z.string().min(1).max(1000).optional(),
            ruleId: z.uuid().optional(),
            source: z.string().min(1).max(200).optional().describe("alerts another module raised, by their source (e.g. 'maintenance.monitor:<monitor id>')"),
            severity: z.enum(SEVERITIES).optional(),
            from: instant.optional(),
            to: instant.optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(500),
          }),
          response: { 200: z.array(publicAlertSchema) },
        },
      },
      (req) => alerts.alerts(req.query),
    );

    app.post(
      '/api/performance/alerts/:id/acknowledge',
      {
        config: { roles: ROLES.anyPerson },
        schema: { tags: ['performance'], summary: 'Acknowledge an alert (audited)', params: idParams, response: { 200: publicAlertSchema } },
      },
      (req) => alerts.acknowledge(actorOf(req.principal!), req.params.id),
    );

    app.post(
      '/api/performance/alerts/evaluate',
      {
        config: editors,
        schema: { tags: ['performance'], summary: 'Evaluate every enabled rule now (they run every 30 s anyway)', response: { 200: evaluationSchema } },
      },
      () => alerts.evaluate(),
    );

    app.get(
      '/api/performance/alerts/stream',
      {
        config: { roles: ROLES.anyPerson },
        schema: {
          tags: ['performance'],
          summary: 'Server-sent events: alert (raised, cleared, acknowledged); the open alerts first as snapshot',
          response: eventStreamResponse('snapshot (the open alerts), alert'),
        },
      },
      async (req, reply) => {
        const open = await alerts.alerts({ status: 'open' });
        const stream = openEventStream(req, reply);
        stream.send('snapshot', open);
        stream.onClose(alerts.subscribe((e) => (e ? stream.send('alert', e) : stream.close())));
      },
    );
  };
}
