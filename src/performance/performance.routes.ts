// HTTP face of performance: KPIs with their inputs (JSON or CSV), stops with reasons, the reason tree and the Pareto.
// GET /api/performance/kpis?equipment&from&to is an external contract: keep its fields.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../platform/auth/principal.ts';
import { sendCsv, toCsv as writeCsv, type CsvValue } from '../platform/csv.ts';
import { AppError } from '../platform/errors.ts';
import { ROLES } from '../platform/http/guard.ts';
import { DEFAULT_SETTINGS } from './kpis.ts';
import { kpiResponse, type KpiResult } from './schemas.ts';
import type { PerformanceService } from './performance.service.ts';
import { paretoSchema, PARETO_BY, reasonRowSchema, stopViewSchema, type StopService } from './stops.ts';

/** An ISO 8601 date-time or epoch milliseconds (query and path parameters of every performance route). */
export const instant = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (Number.isNaN(t)) ctx.addIssue({ code: 'custom', message: 'an ISO 8601 date-time or epoch milliseconds' });
    return t;
  });

const HOUR = 3_600_000;
export const period = {
  equipment: z.string().min(1).max(1000),
  from: instant.optional(),
  to: instant.optional(),
};
export const window = (q: { from?: number; to?: number }, span = 24 * HOUR) => {
  const to = q.to ?? Date.now();
  const from = q.from ?? to - span;
  if (from >= to) throw new AppError('validation_failed', 'from must be before to', [{ path: 'querystring.from', message: 'not before to' }]);
  return { from, to };
};

const kpiQuery = z.object({
  ...period,
  group: z.enum(['shift', 'day', 'week']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
  minorStops: z.enum(['availability', 'performance']).default(DEFAULT_SETTINGS.minorStops),
  idle: z.enum(['iso', 'exclude']).default(DEFAULT_SETTINGS.idle),
  mtbf: z.enum(['operating', 'uptime']).default(DEFAULT_SETTINGS.mtbf),
});

type Row = { label: string; from: string; to: string } & Pick<
  KpiResult,
  'oee' | 'availability' | 'effectiveness' | 'quality' | 'mtbf' | 'mttr' | 'times' | 'counts' | 'kpis' | 'inputs'
>;

/** One line per group (or per machine, or the period), every figure in its own column. */
function toCsv(r: KpiResult): string {
  const rows: Row[] = r.groups?.length
    ? r.groups
    : [...(r.machines ?? []).map((m) => ({ ...m, label: m.path, from: r.from, to: r.to })), { ...r, label: r.equipment.path }];
  const first = rows[0];
  const timeKeys = Object.keys(first.times) as Array<keyof Row['times']>;
  const kpiKeys = Object.keys(first.kpis);
  const inputKeys = Object.keys(first.inputs);
  const head = ['label', 'from', 'to', ...timeKeys.map((k) => `${k}_s`), 'pq', 'gq', 'sq', 'rq', ...kpiKeys, ...inputKeys];
  // labels carry shift and equipment names; figures are typed numbers and stay raw (a negative stays a number)
  return writeCsv(
    head,
    rows.map((x) => [
      x.label,
      x.from,
      x.to,
      ...timeKeys.map((k) => x.times[k]),
      x.counts.pq,
      x.counts.gq,
      x.counts.sq,
      x.counts.rq,
      ...kpiKeys.map((k) => cellOf(x.kpis[k])),
      ...inputKeys.map((k) => cellOf(x.inputs[k])),
    ]),
  );
}

/** KPI and input values are numbers, null, or (for a few inputs) text; anything else is written as its JSON. */
function cellOf(v: unknown): CsvValue {
  return v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v);
}

export function performanceRoutes(perf: PerformanceService, stops: StopService) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const read = { roles: ROLES.anyone };

    app.get(
      '/api/performance/kpis',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary:
            'ISO 22400-2 time model and KPIs of a machine, or the aggregate of the machines of a line/area/site, over [from, to) (default: the last 24 h); group=shift|day|week; format=csv',
          querystring: kpiQuery,
          response: {
            200: {
              description: 'The KPIs (format=json), or one line per group, machine or the period as a text/csv attachment (format=csv)',
              content: { 'application/json': { schema: kpiResponse }, 'text/csv': { schema: z.string() } },
            },
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const { from, to } = window(q);
        const res = (await perf.kpis({
          equipment: q.equipment,
          from,
          to,
          group: q.group,
          settings: { minorStops: q.minorStops, idle: q.idle, mtbf: q.mtbf },
        })) as KpiResult;
        if (q.format === 'csv') return sendCsv(reply, 'kpis.csv', toCsv(res));
        return res;
      },
    );

    app.get(
      '/api/performance/stops',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary: 'Stops (failures and minor stops) of the machines of a piece of equipment in [from, to), with their reasons',
          querystring: z.object(period),
          response: { 200: z.array(stopViewSchema) },
        },
      },
      async (req) => {
        const { from, to } = window(req.query);
        return stops.list(req.query.equipment, from, to);
      },
    );

    app.post(
      '/api/performance/stops/:equipment/:start/reason',
      {
        config: { roles: ['admin', 'supervisor', 'operator', 'maintenance'] },
        schema: {
          tags: ['performance'],
          summary: 'Classify a stop (machine id or path, stop start as ISO time) with a reason from the reason tree',
          params: z.object({ equipment: z.string().min(1).max(1000), start: instant }),
          body: z.object({ reasonId: z.string().min(1).max(100), comment: z.string().max(2000).optional() }).strict(),
          response: { 200: stopViewSchema },
        },
      },
      async (req) =>
        stops.classify(actorOf(req.principal!), decodeURIComponent(req.params.equipment), req.params.start, req.body.reasonId, req.body.comment ?? ''),
    );

    app.get(
      '/api/performance/reasons',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary: 'The downtime reason tree (planned/unplanned → category → reason) with the six-big-loss of each',
          response: { 200: z.array(reasonRowSchema) },
        },
      },
      () => stops.reasons(),
    );

    app.get(
      '/api/performance/pareto',
      {
        config: read,
        schema: {
          tags: ['performance'],
          summary: 'Downtime Pareto: stop time and count by reason, machine or shift, largest first, with the cumulative share',
          querystring: z.object({ ...period, by: z.enum(PARETO_BY).default('reason') }),
          response: { 200: paretoSchema },
        },
      },
      async (req) => {
        const { from, to } = window(req.query);
        return stops.pareto(req.query.equipment, from, to, req.query.by);
      },
    );
  };
}
