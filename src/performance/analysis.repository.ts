// SQL of the analyses beside the KPIs: machine alarm codes (collect's tag values, read only) and their mapping to
// downtime reasons, and state intervals with the order context collect stored for them (grouping by order/product).
import { rowsOf, sql, type Db, type Querier } from '../platform/db/database.ts';
import type { AlarmMapping, AlarmValue } from './alarm-reasons.ts';
import type { StateSpan } from './time-model.ts';

const sec = (ms: number) => ms / 1000;

/**
 * Values of the alarm tags of some machines in [from, to), plus the last one before `from` (the alarm then active).
 * Tags: the conventional `alarm` tag and any tag a machine declares with role `alarm`.
 */
export async function loadAlarmValues(q: Querier, tags: Map<string, string[]>, from: number, to: number): Promise<Map<string, AlarmValue[]>> {
  const pairs = [...tags].flatMap(([id, names]) => names.map((n) => [id, n] as const));
  const out = new Map<string, AlarmValue[]>([...tags.keys()].map((id) => [id, []]));
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
  for (const r of rows) out.get(r.e)!.push({ ts: r.t * 1000, code: (r.code ?? '').trim() === '0' ? '' : (r.code ?? '').trim() });
  return out;
}

export async function listAlarmMappings(db: Db): Promise<AlarmMapping[]> {
  return rowsOf<AlarmMapping>(db, sql`SELECT scope, scope_id AS "scopeId", alarm_code AS "alarmCode", reason_id AS "reasonId" FROM perf_alarm_reasons ORDER BY scope, scope_id, alarm_code`);
}

/** Plant-wide codes listed on the reasons themselves (perf_reasons.alarm_codes): code → reason. */
export async function plantWideAlarmCodes(db: Db): Promise<Map<string, string>> {
  const rows = await rowsOf<{ id: string; code: string }>(db, sql`SELECT id, unnest(alarm_codes) AS code FROM perf_reasons ORDER BY id`);
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function getAlarmMapping(db: Db, scope: string, scopeId: string, code: string): Promise<AlarmMapping | undefined> {
  const [m] = await rowsOf<AlarmMapping>(
    db,
    sql`SELECT scope, scope_id AS "scopeId", alarm_code AS "alarmCode", reason_id AS "reasonId" FROM perf_alarm_reasons
        WHERE scope = ${scope} AND scope_id = ${scopeId} AND alarm_code = ${code}`,
  );
  return m;
}

export async function putAlarmMapping(tx: Db, m: AlarmMapping): Promise<void> {
  await tx.execute(sql`
    INSERT INTO perf_alarm_reasons (scope, scope_id, alarm_code, reason_id) VALUES (${m.scope}, ${m.scopeId}, ${m.alarmCode}, ${m.reasonId})
    ON CONFLICT (scope, scope_id, alarm_code) DO UPDATE SET reason_id = excluded.reason_id`);
}

export async function deleteAlarmMapping(tx: Db, scope: string, scopeId: string, code: string): Promise<void> {
  await tx.execute(sql`DELETE FROM perf_alarm_reasons WHERE scope = ${scope} AND scope_id = ${scopeId} AND alarm_code = ${code}`);
}

/** State intervals overlapping [from, to) with the order of the context collect stored at each interval's start. */
export async function loadOrderIntervals(q: Querier, ids: string[], from: number, to: number): Promise<Map<string, Array<StateSpan & { orderId: string | null }>>> {
  const out = new Map<string, Array<StateSpan & { orderId: string | null }>>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await q.query<{ e: string; s: number; t: number | null; state: string; bucket: string; o: string | null }>(
    `SELECT i.equipment_id AS e, extract(epoch FROM i.start_ts)::float8 AS s, extract(epoch FROM i.end_ts)::float8 AS t, i.state, i.bucket, x.order_id AS o
     FROM state_intervals i LEFT JOIN collect_contexts x ON x.id = i.context_id
     WHERE i.equipment_id = ANY($1::uuid[]) AND i.start_ts < to_timestamp($3) AND (i.end_ts IS NULL OR i.end_ts > to_timestamp($2))
     ORDER BY i.equipment_id, i.start_ts`,
    [ids, sec(from), sec(to)],
  );
  for (const r of rows) out.get(r.e)!.push({ start: r.s * 1000, end: r.t === null ? null : r.t * 1000, state: r.state, bucket: r.bucket, orderId: r.o });
  return out;
}
