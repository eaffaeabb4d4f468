// SQL of the collect module: bulk writes with unnest (one statement per kind of row per batch) and the reads behind
// the time-series routes. Timestamps travel as float8 epoch seconds (to_timestamp keeps microseconds).
import type { Querier } from '../platform/db/database.ts';

const sec = (ms: number) => ms / 1000;

export interface ValueRow {
  seriesId: number;
  ts: number;
  num: number | null;
  txt: string | null;
  contextId: number | null;
}

/** A row of the batch that was not inserted because its (series, ts) was taken: by a stored row or by an earlier
 *  row of the same batch. `num`/`txt` are the value that holds that instant, so the caller can tell a duplicate
 *  (equal) from a conflict (different). `index` is the row's position in the input. */
export interface TakenRow {
  index: number;
  num: number | null;
  txt: string | null;
}

/**
 * Inserts values, folds the inserted numeric ones into the 1-minute roll-up, and reports the rows that were not
 * inserted with the value already holding their instant — in one statement, whatever the age of the data (issue #11
 * item 13: the in-memory duplicate window forgets; the primary key does not). The CTEs all read the snapshot from
 * before the INSERT, so `tag_values` in the final SELECT shows what was stored before this statement.
 */
export async function insertValues(q: Querier, rows: ValueRow[]): Promise<{ inserted: number; taken: TakenRow[] }> {
  if (!rows.length) return { inserted: 0, taken: [] };
  const res = await q.query<{ index: number | null; num: number | null; txt: string | null; inserted: number }>(
    `WITH u AS (
       SELECT (o - 1)::int AS i, s, to_timestamp(t) AS ts, n, x, c
       FROM unnest($1::int4[], $2::float8[], $3::float8[], $4::text[], $5::int4[]) WITH ORDINALITY AS u(s, t, n, x, c, o)
     ), firsts AS (
       SELECT DISTINCT ON (s, ts) i, s, ts, n, x, c FROM u ORDER BY s, ts, i
     ), ins AS (
       INSERT INTO tag_values (series_id, ts, num, txt, context_id)
       SELECT s, ts, n, x, c FROM firsts
       ON CONFLICT DO NOTHING
       RETURNING series_id, ts, num
     ), agg AS (
       SELECT series_id, date_trunc('minute', ts) AS minute, count(*)::int AS n, sum(num) AS sum, min(num) AS min, max(num) AS max,
              max(ts) AS last_ts, (array_agg(num ORDER BY ts DESC))[1] AS last
       FROM ins WHERE num IS NOT NULL GROUP BY 1, 2
     ), roll AS (
       INSERT INTO tag_values_1m AS r (series_id, minute, n, sum, min, max, last_ts, last)
       SELECT series_id, minute, n, sum, min, max, last_ts, last FROM agg
       ON CONFLICT (series_id, minute) DO UPDATE SET
         n = r.n + excluded.n, sum = r.sum + excluded.sum,
         min = least(r.min, excluded.min), max = greatest(r.max, excluded.max),
         last = CASE WHEN excluded.last_ts >= r.last_ts THEN excluded.last ELSE r.last END,
         last_ts = greatest(r.last_ts, excluded.last_ts)
       RETURNING 1
     ), taken AS (
       -- rows not inserted: a later row of the batch for an instant an earlier one took, or an instant stored before
       SELECT u.i, CASE WHEN v.series_id IS NULL THEN f.n ELSE v.num END AS num, CASE WHEN v.series_id IS NULL THEN f.x ELSE v.txt END AS txt
       FROM u JOIN firsts f ON f.s = u.s AND f.ts = u.ts
       LEFT JOIN tag_values v ON v.series_id = u.s AND v.ts = u.ts
       WHERE f.i <> u.i OR NOT EXISTS (SELECT 1 FROM ins WHERE ins.series_id = u.s AND ins.ts = u.ts)
     )
     SELECT i AS index, num, txt, NULL::int AS inserted FROM taken
     UNION ALL SELECT NULL, NULL, NULL, (SELECT count(*)::int FROM ins)`,
    [rows.map((r) => r.seriesId), rows.map((r) => sec(r.ts)), rows.map((r) => r.num), rows.map((r) => r.txt), rows.map((r) => r.contextId)],
  );
  const taken: TakenRow[] = [];
  let inserted = 0;
  for (const r of res) {
    if (r.index === null) inserted = Number(r.inserted ?? 0);
    else taken.push({ index: Number(r.index), num: r.num === null ? null : Number(r.num), txt: r.txt });
  }
  return { inserted, taken };
}

export async function ensureSeries(
  q: Querier,
  pairs: Array<{ equipmentId: string; tag: string }>,
): Promise<Array<{ id: number; equipmentId: string; tag: string }>> {
  if (!pairs.length) return [];
  return q.query(
    `INSERT INTO tag_series (equipment_id, tag) SELECT * FROM unnest($1::uuid[], $2::text[])
     ON CONFLICT (equipment_id, tag) DO UPDATE SET tag = excluded.tag
     RETURNING id, equipment_id AS "equipmentId", tag`,
    [pairs.map((p) => p.equipmentId), pairs.map((p) => p.tag)],
  );
}

export const loadSeries = (q: Querier) =>
  q.query<{ id: number; equipmentId: string; tag: string }>(`SELECT id, equipment_id AS "equipmentId", tag FROM tag_series`);

export interface ContextRow {
  key: string;
  equipmentId: string;
  shift: string | null;
  shiftStart: number | null;
  orderId: string | null;
  operationId: string | null;
  lotId: string | null;
}

export const contextKey = (r: Omit<ContextRow, 'key'>) => [r.equipmentId, r.shift, r.shiftStart, r.orderId, r.operationId, r.lotId].join('|');

/** Context ids for the given contexts, creating the missing ones. Rows must have distinct keys. */
export async function ensureContexts(q: Querier, rows: ContextRow[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!rows.length) return out;
  const res = await q.query<{
    id: number;
    equipmentId: string;
    shift: string | null;
    shiftStart: Date | null;
    orderId: string | null;
    operationId: string | null;
    lotId: string | null;
  }>(
    `INSERT INTO collect_contexts (equipment_id, shift, shift_start, order_id, operation_id, lot_id)
     SELECT e, s, to_timestamp(ss), o, op, l FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::text[]) AS u(e, s, ss, o, op, l)
     ON CONFLICT (equipment_id, shift, shift_start, order_id, operation_id, lot_id) DO UPDATE SET shift = excluded.shift
     RETURNING id, equipment_id AS "equipmentId", shift, shift_start AS "shiftStart", order_id AS "orderId", operation_id AS "operationId", lot_id AS "lotId"`,
    [
      rows.map((r) => r.equipmentId),
      rows.map((r) => r.shift),
      rows.map((r) => (r.shiftStart === null ? null : sec(r.shiftStart))),
      rows.map((r) => r.orderId),
      rows.map((r) => r.operationId),
      rows.map((r) => r.lotId),
    ],
  );
  for (const r of res) out.set(contextKey({ ...r, shiftStart: r.shiftStart === null ? null : epochMs(r.shiftStart) }), r.id);
  return out;
}

export async function closeIntervals(q: Querier, rows: Array<{ equipmentId: string; start: number; end: number }>): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `UPDATE state_intervals s SET end_ts = to_timestamp(u.e)
     FROM unnest($1::uuid[], $2::float8[], $3::float8[]) AS u(id, st, e)
     WHERE s.equipment_id = u.id AND s.start_ts = to_timestamp(u.st)`,
    [rows.map((r) => r.equipmentId), rows.map((r) => sec(r.start)), rows.map((r) => sec(r.end))],
  );
}

export async function openIntervals(
  q: Querier,
  rows: Array<{ equipmentId: string; start: number; end?: number | null; state: string; bucket: string; contextId: number | null }>,
): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO state_intervals (equipment_id, start_ts, end_ts, state, bucket, context_id)
     SELECT id, to_timestamp(st), to_timestamp(e), s, b, c FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::int4[]) AS u(id, st, e, s, b, c)
     ON CONFLICT (equipment_id, start_ts) DO UPDATE SET end_ts = excluded.end_ts, state = excluded.state, bucket = excluded.bucket, context_id = excluded.context_id`,
    [
      rows.map((r) => r.equipmentId),
      rows.map((r) => sec(r.start)),
      rows.map((r) => (r.end == null ? null : sec(r.end))),
      rows.map((r) => r.state),
      rows.map((r) => r.bucket),
      rows.map((r) => r.contextId),
    ],
  );
}

export async function insertCounts(
  q: Querier,
  rows: Array<{ equipmentId: string; ts: number; kind: string; delta: number; contextId: number | null }>,
): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO production_counts (equipment_id, ts, kind, delta, context_id)
     SELECT * FROM (SELECT id, to_timestamp(t), k, d, c FROM unnest($1::uuid[], $2::float8[], $3::text[], $4::int8[], $5::int4[]) AS u(id, t, k, d, c)) x
     ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.equipmentId), rows.map((r) => sec(r.ts)), rows.map((r) => r.kind), rows.map((r) => r.delta), rows.map((r) => r.contextId)],
  );
}

export interface QuarantineRow {
  receivedAt: number;
  protocol: string;
  source: string;
  topic: string;
  equipmentPath: string | null;
  reason: string;
  payload: string;
}

export async function insertQuarantine(q: Querier, rows: QuarantineRow[]): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO quarantine (received_at, protocol, source, topic, equipment_path, reason, payload)
     SELECT to_timestamp(r), p, s, t, e, re, pl FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(r, p, s, t, e, re, pl)`,
    [
      rows.map((r) => sec(r.receivedAt)),
      rows.map((r) => r.protocol),
      rows.map((r) => r.source),
      rows.map((r) => r.topic),
      rows.map((r) => r.equipmentPath),
      rows.map((r) => r.reason),
      rows.map((r) => r.payload),
    ],
  );
}

// ------------------------------------------------------------------------------------------------ reads

export const epochMs = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

export async function readValues(q: Querier, seriesId: number, from: number, to: number, limit: number) {
  return q.query<{ ts: Date; num: number | null; txt: string | null }>(
    `SELECT ts, num, txt FROM tag_values WHERE series_id = $1 AND ts >= to_timestamp($2) AND ts < to_timestamp($3) ORDER BY ts LIMIT $4`,
    [seriesId, sec(from), sec(to), limit],
  );
}

export async function readRollup(q: Querier, seriesId: number, from: number, to: number) {
  return q.query<{ minute: Date; avg: number; min: number; max: number }>(
    `SELECT minute, sum / n AS avg, min, max FROM tag_values_1m WHERE series_id = $1 AND minute >= date_trunc('minute', to_timestamp($2)) AND minute < to_timestamp($3) ORDER BY minute`,
    [seriesId, sec(from), sec(to)],
  );
}

/** The latest row of each series: one index probe per series. */
export async function latestValues(q: Querier, seriesIds: number[]) {
  if (!seriesIds.length) return [];
  return q.query<{ seriesId: number; ts: Date; num: number | null; txt: string | null }>(
    `SELECT s.id AS "seriesId", v.ts, v.num, v.txt FROM unnest($1::int4[]) AS s(id)
     CROSS JOIN LATERAL (SELECT ts, num, txt FROM tag_values WHERE series_id = s.id ORDER BY ts DESC LIMIT 1) v`,
    [seriesIds],
  );
}

export async function latestBefore(q: Querier, seriesIds: number[], before: number) {
  if (!seriesIds.length) return [];
  return q.query<{ seriesId: number; ts: Date; num: number | null; txt: string | null }>(
    `SELECT s.id AS "seriesId", v.ts, v.num, v.txt FROM unnest($1::int4[]) AS s(id)
     CROSS JOIN LATERAL (SELECT ts, num, txt FROM tag_values WHERE series_id = s.id AND ts < to_timestamp($2) ORDER BY ts DESC LIMIT 1) v`,
    [seriesIds, sec(before)],
  );
}

export async function valuesSince(q: Querier, seriesIds: number[], from: number) {
  if (!seriesIds.length) return [];
  return q.query<{ seriesId: number; ts: Date; num: number | null; txt: string | null }>(
    `SELECT series_id AS "seriesId", ts, num, txt FROM tag_values WHERE series_id = ANY($1::int4[]) AND ts >= to_timestamp($2) ORDER BY ts, series_id`,
    [seriesIds, sec(from)],
  );
}

/**
 * Silences in one machine's timestamped history from `from` on: pairs of consecutive data instants (any of these
 * series) more than `limitMs` apart, starting from the last instant before `from`. Epoch ms.
 */
export async function silencesSince(q: Querier, seriesIds: number[], from: number, limitMs: number): Promise<Array<{ a: number; b: number }>> {
  if (!seriesIds.length) return [];
  const rows = await q.query<{ a: number; b: number }>(
    `WITH before AS (
       SELECT max(v.ts) AS t FROM unnest($1::int4[]) AS s(id)
       CROSS JOIN LATERAL (SELECT ts FROM tag_values WHERE series_id = s.id AND ts < to_timestamp($2) ORDER BY ts DESC LIMIT 1) v
     ), instants AS (
       SELECT DISTINCT ts FROM tag_values WHERE series_id = ANY($1::int4[]) AND ts >= coalesce((SELECT t FROM before), to_timestamp($2))
     ), pairs AS (SELECT lag(ts) OVER (ORDER BY ts) AS a, ts AS b FROM instants)
     SELECT extract(epoch FROM a)::float8 AS a, extract(epoch FROM b)::float8 AS b FROM pairs
     WHERE a IS NOT NULL AND extract(epoch FROM b - a) * 1000 > $3 ORDER BY a`,
    [seriesIds, sec(from), limitMs],
  );
  return rows.map((r) => ({ a: r.a * 1000, b: r.b * 1000 }));
}

export async function readStates(q: Querier, equipmentId: string, from: number, to: number) {
  return q.query<{ state: string; bucket: string; start: Date; end: Date | null }>(
    `SELECT state, bucket, start_ts AS start, end_ts AS "end" FROM state_intervals
     WHERE equipment_id = $1 AND start_ts < to_timestamp($3) AND (end_ts IS NULL OR end_ts > to_timestamp($2))
     ORDER BY start_ts`,
    [equipmentId, sec(from), sec(to)],
  );
}

export const openIntervalsAll = (q: Querier) =>
  q.query<{ equipmentId: string; start: Date; state: string; bucket: string }>(
    `SELECT equipment_id AS "equipmentId", start_ts AS start, state, bucket FROM state_intervals WHERE end_ts IS NULL`,
  );

export async function intervalStartAtOrBefore(q: Querier, equipmentId: string, ts: number): Promise<number | undefined> {
  const [r] = await q.query<{ start: Date }>(
    `SELECT start_ts AS start FROM state_intervals WHERE equipment_id = $1 AND start_ts <= to_timestamp($2) ORDER BY start_ts DESC LIMIT 1`,
    [equipmentId, sec(ts)],
  );
  return r ? epochMs(r.start) : undefined;
}

/** Deletes the intervals starting at or after `from`; returns the latest instant they covered (epoch ms), if any. */
export async function deleteIntervalsFrom(q: Querier, equipmentId: string, from: number): Promise<number | undefined> {
  const [r] = await q.query<{ t: number | null }>(
    `WITH d AS (DELETE FROM state_intervals WHERE equipment_id = $1 AND start_ts >= to_timestamp($2) RETURNING coalesce(end_ts, start_ts) AS t)
     SELECT extract(epoch FROM max(t))::float8 AS t FROM d`,
    [equipmentId, sec(from)],
  );
  return r?.t == null ? undefined : r.t * 1000;
}

/** Deletes the counts at or after `from`; returns the latest one's instant (epoch ms), if any. */
export async function deleteCountsFrom(q: Querier, equipmentId: string, kind: string, from: number): Promise<number | undefined> {
  const [r] = await q.query<{ t: number | null }>(
    `WITH d AS (DELETE FROM production_counts WHERE equipment_id = $1 AND kind = $2 AND ts >= to_timestamp($3) RETURNING ts)
     SELECT extract(epoch FROM max(ts))::float8 AS t FROM d`,
    [equipmentId, kind, sec(from)],
  );
  return r?.t == null ? undefined : r.t * 1000;
}

export async function countsSince(q: Querier, from: number) {
  return q.query<{ equipmentId: string; kind: string; total: string }>(
    `SELECT equipment_id AS "equipmentId", kind, sum(delta)::text AS total FROM production_counts WHERE ts >= to_timestamp($1) GROUP BY 1, 2`,
    [sec(from)],
  );
}

export async function readQuarantine(q: Querier, from: number, to: number, equipmentPath: string | undefined, limit: number) {
  return q.query<{
    id: string;
    receivedAt: Date;
    protocol: string;
    source: string;
    topic: string;
    equipmentPath: string | null;
    reason: string;
    payload: string;
  }>(
    `SELECT id::text, received_at AS "receivedAt", protocol, source, topic, equipment_path AS "equipmentPath", reason, payload
     FROM quarantine WHERE received_at >= to_timestamp($1) AND received_at < to_timestamp($2) AND ($3::text IS NULL OR equipment_path = $3)
     ORDER BY received_at DESC, id DESC LIMIT $4`,
    [sec(from), sec(to), equipmentPath ?? null, limit],
  );
}

/** Retention: raw values older than the limit go; roll-ups stay. */
export async function pruneValues(q: Querier, before: number): Promise<void> {
  await q.query(`DELETE FROM tag_values WHERE ts < to_timestamp($1)`, [sec(before)]);
}
