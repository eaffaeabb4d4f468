// HTTP ingest for other systems (WMS, LIMS, QMS, scripts): a batch of {equipment, tag, ts, value} records through the
// same pipeline as machine data, idempotent by a client-supplied key, answering per record what became of it.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EquipmentDirectory, IngestSink, Observation } from '../../collect/index.ts';
import type { Database } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/guard.ts';
import { hasControl, jsonDeeperThan, MAX_JSON_DEPTH } from '../mqtt/limits.ts';
import { parseTs } from '../mqtt/uns.ts';

/** 10,000 records of a few hundred bytes each; a larger body is answered 413 before it is read into memory whole. */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;

const recordSchema = z.object({
  equipment: z.string().min(1).max(1000),
  tag: z.string().min(1).max(100),
  ts: z.union([z.number(), z.string().max(40)]).optional(),
  value: z.unknown(),
});

const bodySchema = z.object({
  /** Idempotency key (or the Idempotency-Key header): the same key from the same caller gets the first answer again. */
  key: z.string().min(1).max(200).optional(),
  records: z.array(recordSchema).min(1).max(10_000),
});

const resultSchema = z.object({
  key: z.string().nullable(),
  replayed: z.boolean(),
  accepted: z.number(),
  duplicates: z.number(),
  quarantined: z.number(),
  results: z.array(z.object({ index: z.number(), status: z.enum(['accepted', 'duplicate', 'quarantined']), reason: z.string().optional() })),
});
type IngestResult = z.infer<typeof resultSchema>;

export function ingestRoutes(collect: { registry: Pick<EquipmentDirectory, 'byEquipmentId' | 'byEquipmentPath'>; pipeline: IngestSink }, database: Database) {
  return (fastify: FastifyInstance): void => {
    // Nesting depth is checked on the raw text before JSON.parse (issue #11 item 2): a value nested 10,000 deep parses,
    // then overflows the stack of the first recursive walk (validation, quarantine) and the answer was a 500. This
    // scope is this route's own, so the parser applies here only; parsing itself stays Fastify's (prototype-safe).
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: INGEST_BODY_LIMIT }, (req, body, done) => {
      if (jsonDeeperThan(body as string, MAX_JSON_DEPTH))
        return done(new AppError('bad_request', `JSON nested deeper than ${MAX_JSON_DEPTH} levels: records are flat and values are scalars`), undefined);
      parseJson(req, body as string, done);
    });
    fastify.withTypeProvider<ZodTypeProvider>().post(
      '/api/ingest',
      {
        config: { roles: ['integration', 'device', 'admin'] },
        schema: {
          tags: ['collect'],
          summary: 'Ingest a batch of {equipment (path or id), tag, ts?, value} records; idempotent by key; answers per record',
          body: bodySchema,
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
          response: { 200: resultSchema },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const key = req.body.key ?? req.headers['idempotency-key'] ?? null;
        const who = `${p.kind}:${p.id}`;
        if (key) {
          const [prev] = await database.query<{ response: IngestResult }>('SELECT response FROM ingest_requests WHERE principal = $1 AND key = $2', [who, key]);
          if (prev) return { ...prev.response, replayed: true };
        }
        const receivedAt = Date.now();
        const observations: Observation[] = [];
        const results: IngestResult['results'] = [];
        const position: number[] = [];
        req.body.records.forEach((r, index) => {
          const eq = collect.registry.byEquipmentId(r.equipment) ?? collect.registry.byEquipmentPath(r.equipment);
          const ts = parseTs(r.ts);
          if (typeof ts === 'string') {
            results[index] = { index, status: 'quarantined', reason: ts };
            return;
          }
          // NUL and other control characters are never part of a path, tag or value (and PostgreSQL text refuses NUL)
          const bad = (['equipment', 'tag', 'value'] as const).find((k) => hasControl(r[k]));
          if (bad) {
            results[index] = { index, status: 'quarantined', reason: `${bad} contains control characters (such as NUL)` };
            return;
          }
          // device tokens bound to equipment may only write below it
          if (p.equipmentPath && eq && eq.path !== p.equipmentPath && !eq.path.startsWith(`${p.equipmentPath}/`))
            throw new AppError('forbidden', `record ${index}: this token may only write below ${p.equipmentPath}`);
          position.push(index);
          observations.push({
            source: { protocol: 'http', client: p.name },
            topic: 'POST /api/ingest',
            equipmentPath: eq?.path ?? r.equipment,
            tag: r.tag,
            value: r.value,
            ts,
            receivedAt,
          });
        });
        // records refused before the pipeline still go to quarantine, with their reason
        const early = results.filter(Boolean).map((x) => ({
          source: { protocol: 'http', client: p.name },
          topic: 'POST /api/ingest',
          reason: x.reason!,
          payload: JSON.stringify(req.body.records[x.index]),
          receivedAt,
        }));
        const outcomes = await collect.pipeline.submitWithOutcomes({ observations, rejections: early });
        outcomes.forEach((o, i) => {
          results[position[i]] = { index: position[i], ...o };
        });
        const count = (s: string) => results.filter((r) => r.status === s).length;
        const response: IngestResult = {
          key,
          replayed: false,
          accepted: count('accepted'),
          duplicates: count('duplicate'),
          quarantined: count('quarantined'),
          results,
        };
        if (key) {
          const inserted = await database.query<{ response: IngestResult }>(
            `INSERT INTO ingest_requests (principal, key, response) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING response`,
            [who, key, JSON.stringify(response)],
          );
          if (!inserted.length) {
            const [prev] = await database.query<{ response: IngestResult }>('SELECT response FROM ingest_requests WHERE principal = $1 AND key = $2', [
              who,
              key,
            ]);
            if (prev) return { ...prev.response, replayed: true };
          }
        }
        return response;
      },
    );
  };
}
