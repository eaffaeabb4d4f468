// SQL of collect's history port (history.ts): state intervals, counts and alarm values with the context collect
// stored for them, read by other modules through the port only. Timestamps travel as float8 epoch seconds.
import { rowsOf, sql, type Db, type Querier } from '../platform/db/database.ts';
import { alarmCode, type AlarmValueAt, type HistoryCount, type HistorySpan } from './history.model.ts';

const sec = (ms: number) => ms / 1000;

type SpanRow = { e: string; s: number; t: number | null; state: string; bucket: string; o: string | null };
const toSpan = (r: SpanRow): HistorySpan => ({ start: r.s * 1000, end: r.t === null ? null : r.t * 1000, state: r.state, bucket: r.bucket, orderId: r.o });

/** State intervals overlapping [from, to) per machine, in time order, each with the order in context when it began. */
export async function spans(q: Querier, ids: string[], from: number, to: number): Promise<Map<string, HistorySpan[]>> {
  const out = new Map<string, HistorySpan[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  // the one interval that started at or before `from` (intervals do not overlap), then those starting after it:
  // both index range scans on (equipment_id, start_ts), however long the history before `from`
  const rows = await q.query<SpanRow>(
    `SELECT u.e, extract(epoch FROM x.start_ts)::float8 AS s, extract(epoch FROM x.end_ts)::float8 AS t, x.state, x.bucket, c.order_id AS o
     FROM unnest($1::uuid[]) AS u(e)
     CROSS JOIN LATERAL (
       (SELECT start_ts, end_ts, state, bucket, context_id FROM state_intervals WHERE equipment_id = u.e AND start_ts <= to_timestamp($3) ORDER BY start_ts DESC LIMIT 1)
       UNION ALL
       (SELECT start_ts, end_ts, state, bucket, context_id FROM state_intervals WHERE equipment_id = u.e AND start_ts > to_timestamp($3) AND start_ts < to_timestamp($2))
     ) x
     LEFT JOIN collect_contexts c ON c.id = x.context_id
     WHERE x.end_ts IS NULL OR x.end_ts > to_timestamp($3)
     ORDER BY u.e, x.start_ts`,
    [ids, sec(to), sec(from)],
  );
  for (const r of rows) out.get(r.e)!.push(toSpan(r));
  return out;
}

/** Per (machine, instant): the interval that ends exactly there (`before`) or starts exactly there (`after`). */
export async function adjacentSpans(
  q: Querier,
  at: Array<{ equipmentId: string; at: number }>,
  side: 'before' | 'after',
): Promise<Array<HistorySpan & { equipmentId: string }>> {
  if (!at.length) return [];
  const lateral =
    side === 'before'
      ? `SELECT * FROM state_intervals WHERE equipment_id = u.e AND start_ts < to_timestamp(u.st - 1e-5) ORDER BY start_ts DESC LIMIT 1`
      : `SELECT * FROM state_intervals WHERE equipment_id = u.e AND start_ts > to_timestamp(u.st - 1e-5) ORDER BY start_ts LIMIT 1`;
  const meets = side === 'before' ? 'p.end_ts' : 'p.start_ts';
  const rows = await q.query<SpanRow>(
    `SELECT u.e, extract(epoch FROM p.start_ts)::float8 AS s, extract(epoch FROM p.end_ts)::float8 AS t, p.state, p.bucket, c.order_id AS o
     FROM unnest($1::uuid[], $2::float8[]) AS u(e, st)
     CROSS JOIN LATERAL (${lateral}) p
     LEFT JOIN collect_contexts c ON c.id = p.context_id
     WHERE abs(extract(epoch FROM ${meets})::float8 - u.st) < 1e-5`,
    [at.map((h) => h.equipmentId), at.map((h) => sec(h.at))],
  );
  return rows.map((r) => ({ equipmentId: r.e, ...toSpan(r) }));
}

/** Counts in [from, to) per machine, in time order, with the order and operation in context when they were counted. */
export async function counts(q: Querier, ids: string[], from: number, to: number): Promise<Map<string, HistoryCount[]>> {
  const out = new Map<string, HistoryCount[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  // kind is named so the key (equipment_id, kind, ts) serves the time range
  const rows = await q.query<{ e: string; t: number; kind: 'good' | 'scrap'; delta: string | number; o: string | null; op: string | null }>(
    `SELECT c.equipment_id AS e, extract(epoch FROM c.ts)::float8 AS t, c.kind, c.delta, x.order_id AS o, x.operation_id AS op
     FROM production_counts c LEFT JOIN collect_contexts x ON x.id = c.context_id
     WHERE c.equipment_id = ANY($1::uuid[]) AND c.kind IN ('good', 'scrap') AND c.ts >= to_timestamp($2) AND c.ts < to_timestamp($3)
     ORDER BY c.equipment_id, c.ts`,
    [ids, sec(from), sec(to)],
  );
  for (const r of rows) out.get(r.e)!.push({ ts: r.t * 1000, kind: r.kind, delta: Number(r.delta), orderId: r.o, operationId: r.op });
  return out;
}

/**
 * Good and scrap counted on a machine in the context of one operation (see history.ts for why the context decides).
 * `from` (the operation's setup start) only bounds the index scan: no count before it carries the operation.
 */
export async function operationCounts(db: Db, equipmentId: string, operationId: string, from: number): Promise<{ good: number; scrap: number }> {
  const rows = await rowsOf<{ kind: string; n: number }>(
    db,
    sql`SELECT c.kind, sum(c.delta)::float8 AS n FROM production_counts c JOIN collect_contexts x ON x.id = c.context_id
        WHERE c.equipment_id = ${equipmentId}::uuid AND c.kind IN ('good', 'scrap') AND c.ts >= to_timestamp(${sec(from)}) AND x.operation_id = ${operationId}
        GROUP BY c.kind`,
  );
  return { good: Number(rows.find((r) => r.kind === 'good')?.n ?? 0), scrap: Number(rows.find((r) => r.kind === 'scrap')?.n ?? 0) };
}

/** State intervals of one machine in some buckets overlapping [from, to) (to null: until now), clipped to it. */
export async function bucketSpans(db: Db, equipmentId: string, buckets: string[], from: number, to: number | null): Promise<HistorySpan[]> {
  if (!buckets.length) return [];
  const f = sec(from);
  const t = to === null ? null : sec(to);
  const rows = await rowsOf<{ s: number; t: number | null; state: string; bucket: string; o: string | null }>(
    db,
    sql`SELECT extract(epoch FROM greatest(s.start_ts, to_timestamp(${f})))::float8 AS s,
               extract(epoch FROM least(s.end_ts, to_timestamp(${t}::float8)))::float8 AS t, s.state, s.bucket, x.order_id AS o
        FROM state_intervals s LEFT JOIN collect_contexts x ON x.id = s.context_id
        WHERE s.equipment_id = ${equipmentId}::uuid AND s.bucket IN (${sql.join(
          buckets.map((b) => sql`${b}`),
          sql`, `,
        )})
          AND (s.end_ts IS NULL OR s.end_ts > to_timestamp(${f})) AND (${t}::float8 IS NULL OR s.start_ts < to_timestamp(${t}::float8))
        ORDER BY s.start_ts`,
  );
  return rows.map((r) => toSpan({ ...r, e: equipmentId, s: Number(r.s), t: r.t === null ? null : Number(r.t) }));
}

/** The earliest instant with raw data (state or count), if any. */
export async function earliestData(q: Querier): Promise<number | undefined> {
  const [r] = await q.query<{ t: number | null }>(
    `SELECT extract(epoch FROM least((SELECT min(start_ts) FROM state_intervals), (SELECT min(ts) FROM production_counts)))::float8 AS t`,
  );
  return r?.t == null ? undefined : r.t * 1000;
}

/** Per machine, its first raw data (the earliest state interval or count); machines without any are left out. */
export async function firstDataByMachine(q: Querier, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await q.query<{ e: string; t: number | null }>(
    `SELECT u.e, extract(epoch FROM least(
       (SELECT start_ts FROM state_intervals WHERE equipment_id = u.e ORDER BY start_ts LIMIT 1),
       (SELECT ts FROM production_counts WHERE equipment_id = u.e AND kind = 'good' ORDER BY ts LIMIT 1),
       (SELECT ts FROM production_counts WHERE equipment_id = u.e AND kind = 'scrap' ORDER BY ts LIMIT 1)))::float8 AS t
     FROM unnest($1::uuid[]) AS u(e)`,
    [ids],
  );
  return new Map(rows.filter((r) => r.t !== null).map((r) => [r.e, r.t! * 1000]));
}

/** Values of some tags per machine in [from, to), plus the last one before `from` (the value then in force). */
export async function alarmValues(q: Querier, tags: Map<string, string[]>, from: number, to: number): Promise<Map<string, AlarmValueAt[]>> {
  const pairs = [...tags].flatMap(([id, names]) => names.map((n) => [id, n] as const));
  const out = new Map<string, AlarmValueAt[]>([...tags.keys()].map((id) => [id, []]));
  if (!pairs.length) return out;
  const rows = await q.query<{ e: string; t: number; code: string | null }>(
    `SELECT s.equipment_id AS e, extract(epoch FROM v.ts)::float8 AS t, coalesce(v.txt, v.num::text) AS code
     FROM unnest($1::uuid[], $2::text[]) AS u(e, tag)
     JOIN tag_series s ON s.equipment_id = u.e AND s.tag = u.tag
     CROSS JOIN LATERAL (
       (SELECT ts, txt, num FROM tag_values WHERE series_id = s.id AND ts <= to_timestamp($3) ORDER BY ts DESC LIMIT 1)
       UNION ALL
       (SELECT ts, txt, num FROM tag_values WHERE series_id = s.id AND ts > to_timestamp($3) AND ts < to_timestamp($4))
     ) v
     ORDER BY 1, 2`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1]), sec(from), sec(to)],
  );
  for (const r of rows) out.get(r.e)!.push({ ts: r.t * 1000, code: alarmCode(r.code) });
  return out;
}
