// HTTP face of collect: time series, state intervals, quarantine, pipeline metrics, and the live stream (SSE).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendCsv, toCsv } from '../platform/csv.ts';
import { AppError } from '../platform/errors.ts';
import { ROLES } from '../platform/http/guard.ts';
import { EVENT_STREAM_RESPONSE, openEventStream } from '../platform/http/sse.ts';
import type { CollectService } from './collect.service.ts';
import type { LiveView } from './live.ts';
import { collectMetricsSchema, equipmentTagSchema, quarantineRecordSchema, stateIntervalSchema, tagPointSchema, tileSchema } from './schemas.ts';

const instant = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (Number.isNaN(t)) ctx.addIssue({ code: 'custom', message: 'an ISO 8601 date-time or epoch milliseconds' });
    return t;
  });
const range = { from: instant.optional(), to: instant.optional() };
const HOUR = 3_600_000;
const window = (q: { from?: number; to?: number }, span = HOUR) => {
  const to = q.to ?? Date.now();
  const from = q.from ?? to - span;
  if (from > to) throw new AppError('validation_failed', 'from must not be after to', [{ path: 'querystring.from', message: 'after to' }]);
  return { from, to };
};
const idParams = z.object({ id: z.string().min(1).max(1000) });

export function collectRoutes(collect: CollectService, live: LiveView) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };

    app.get(
      '/api/equipment/:id/tags',
      {
        config: read,
        schema: {
          tags: ['collect'],
          summary: 'Tags of a piece of equipment (declared and conventional) with their latest values',
          params: idParams,
          response: { 200: z.array(equipmentTagSchema) },
        },
      },
      (req) => collect.tags(decodeURIComponent(req.params.id)),
    );

    app.get(
      '/api/equipment/:id/tags/:tag/values',
      {
        config: read,
        schema: {
          tags: ['collect'],
          summary: 'Values of one tag in a time range, in time order (default: the last hour); rollup=1m for per-minute averages',
          params: idParams.extend({ tag: z.string().min(1).max(100) }),
          querystring: z.object({ ...range, rollup: z.enum(['1m']).optional(), limit: z.coerce.number().int().min(1).max(100_000).optional() }),
          response: { 200: z.array(tagPointSchema) },
        },
      },
      (req) => {
        const { from, to } = window(req.query);
        return collect.values(decodeURIComponent(req.params.id), req.params.tag, from, to, req.query.rollup === '1m', req.query.limit);
      },
    );

    app.get(
      '/api/equipment/:id/states',
      {
        config: read,
        schema: {
          tags: ['collect'],
          summary: 'Machine state intervals overlapping a time range (end null = current)',
          params: idParams,
          querystring: z.object(range),
          response: { 200: z.array(stateIntervalSchema) },
        },
      },
      (req) => {
        const { from, to } = window(req.query, 24 * HOUR);
        return collect.states(decodeURIComponent(req.params.id), from, to);
      },
    );

    app.get(
      '/api/quarantine',
      {
        config: read,
        schema: {
          tags: ['collect'],
          summary: 'What the pipeline refused, with reason and raw payload, newest first (default: the last 24 h); format=csv to export',
          querystring: z.object({
            ...range,
            equipment: z.string().max(1000).optional(),
            limit: z.coerce.number().int().min(1).max(100_000).default(1000),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: {
            200: {
              description: 'The refused records (JSON), or with format=csv the same as a CSV download',
              content: {
                'application/json': { schema: z.array(quarantineRecordSchema) },
                'text/csv': { schema: z.string().describe('RFC 4180 CSV, one line per record') },
              },
            },
          },
        },
      },
      async (req, reply) => {
        const { from, to } = window(req.query, 24 * HOUR);
        const rows = await collect.quarantine(from, to, req.query.equipment, req.query.limit);
        if (req.query.format === 'csv') {
          // topics, paths and payloads come from whoever could publish: the shared writer neutralises formulas
          const header = ['receivedAt', 'source', 'topic', 'equipmentPath', 'reason', 'payload'];
          return sendCsv(
            reply,
            'quarantine.csv',
            toCsv(
              header,
              rows.map((r) => [r.receivedAt, r.source, r.topic, r.equipmentPath, r.reason, r.payload]),
            ),
          );
        }
        return rows;
      },
    );

    app.get(
      '/api/collect/metrics',
      {
        config: read,
        schema: {
          tags: ['collect'],
          summary: 'Pipeline counters: received, stored, duplicates, quarantined, late, buffered …',
          response: { 200: collectMetricsSchema },
        },
      },
      () => ({ ...collect.pipeline.metrics }),
    );

    app.get(
      '/api/live/machines',
      {
        config: { roles: ROLES.anyPerson },
        schema: { tags: ['live'], summary: 'Every machine now: state, time in state, shift counts, staleness', response: { 200: z.array(tileSchema) } },
      },
      () => live.tiles(),
    );

    app.get(
      '/api/live/stream',
      {
        config: { roles: ROLES.anyPerson },
        schema: {
          tags: ['live'],
          summary: 'Server-sent events: machine (tile changes), value (for ?equipment=<id>), quarantine',
          querystring: z.object({ equipment: z.string().max(1000).optional() }),
          response: { 200: EVENT_STREAM_RESPONSE },
        },
      },
      (req, reply) => {
        const only = req.query.equipment ? collect.equipment(req.query.equipment).id : undefined;
        const stream = openEventStream(req, reply);
        for (const t of live.tiles()) stream.send('machine', t);
        stream.onClose(
          live.subscribe((e) => {
            if (e.type === 'end') return stream.close();
            if (e.type === 'value' && e.data.equipmentId !== only) return;
            stream.send(e.type, e.data);
          }),
        );
      },
    );
  };
}
