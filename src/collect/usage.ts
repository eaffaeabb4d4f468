// Machine usage from collected data, for usage-based maintenance plans (docs/maintenance.md "Preventive plans"): what
// a cumulative counter tag counted, the running hours from the machine states, and when a tag crossed a limit. Each
// is one SQL statement for all the machines asked about (window functions over the stored rows), never a row-by-row
// walk in JavaScript. Timestamps travel as float8 epoch seconds, as in history.repository.ts.
import type { Querier } from '../platform/db/database.ts';

/** One machine to measure: from `from` (epoch ms) until `to`; `target` asks when the usage since `from` reached it. */
export interface UsageWindow {
  equipmentId: string;
  from: number;
  target?: number | null;
}

/** Usage since `from`; `reachedAt` (epoch ms): the instant the usage reached `target`, null when not (yet). */
export interface UsageFigure {
  usage: number;
  reachedAt: number | null;
}

const sec = (ms: number) => ms / 1000;

/**
 * What a cumulative counter tag (a shot counter such as EUROMAP 63's ActCntCyc, a parts or a mass counter) counted
 * in (from, to], per machine. The value in force at `from` is the baseline (a machine's first reading ever is one
 * too: it counts nothing). A rise counts its difference. A drop is a counter reset — the machine counted up from zero
 * again, so the new reading is what it counted since — unless the counter wrapped: a drop from the top 10 % of
 * `rollover` to its bottom 10 % counts `rollover - previous + new`. Never a negative delta.
 */
export async function counterUsage(q: Querier, tag: string, windows: UsageWindow[], to: number, rollover?: number | null): Promise<Map<string, UsageFigure>> {
  const out = new Map<string, UsageFigure>(windows.map((w) => [w.equipmentId, { usage: 0, reachedAt: null }]));
  if (!windows.length) return out;
  const rows = await q.query<{ e: string; usage: number | null; reached: number | null }>(
    `WITH w AS (
       SELECT u.e, u.f, u.target, s.id AS sid
       FROM unnest($1::uuid[], $2::float8[], $3::float8[]) AS u(e, f, target)
       JOIN tag_series s ON s.equipment_id = u.e AND s.tag = $4
     ), v AS (
       SELECT w.e, w.target, x.ts, x.num
       FROM w CROSS JOIN LATERAL (
         (SELECT ts, num FROM tag_values WHERE series_id = w.sid AND ts <= to_timestamp(w.f) AND num IS NOT NULL ORDER BY ts DESC LIMIT 1)
         UNION ALL
         (SELECT ts, num FROM tag_values WHERE series_id = w.sid AND ts > to_timestamp(w.f) AND ts <= to_timestamp($5) AND num IS NOT NULL)
       ) x
     ), d AS (
       SELECT e, target, ts, num, lag(num) OVER (PARTITION BY e ORDER BY ts) AS prev FROM v
     ), inc AS (
       SELECT e, target, ts,
         CASE WHEN prev IS NULL THEN 0
              WHEN num >= prev THEN num - prev
              WHEN $6::float8 > 0 AND prev >= 0.9 * $6::float8 AND num < 0.1 * $6::float8 THEN $6::float8 - prev + num
              ELSE num END AS n
       FROM d
     ), cum AS (
       SELECT e, target, ts, n, sum(n) OVER (PARTITION BY e ORDER BY ts) AS total FROM inc
     )
     SELECT e, sum(n)::float8 AS usage,
       extract(epoch FROM min(ts) FILTER (WHERE target IS NOT NULL AND total >= target AND n > 0))::float8 AS reached
     FROM cum GROUP BY e`,
    [windows.map((w) => w.equipmentId), windows.map((w) => sec(w.from)), windows.map((w) => w.target ?? null), tag, sec(to), rollover ?? 0],
  );
  for (const r of rows) out.set(r.e, { usage: Number(r.usage ?? 0), reachedAt: r.reached == null ? null : r.reached * 1000 });
  return out;
}

/**
 * Running hours in (from, to] per machine: the time its derived state was PackML Execute (whatever the mode), from
 * the state intervals (the current one counts until `to`). `target` is in hours.
 */
export async function runningHours(q: Querier, windows: UsageWindow[], to: number): Promise<Map<string, UsageFigure>> {
  const out = new Map<string, UsageFigure>(windows.map((w) => [w.equipmentId, { usage: 0, reachedAt: null }]));
  if (!windows.length) return out;
  const rows = await q.query<{ e: string; usage: number | null; reached: number | null }>(
    `WITH w AS (
       SELECT * FROM unnest($1::uuid[], $2::float8[], $3::float8[]) AS u(e, f, target)
     ), spans AS (
       SELECT w.e, w.target,
         greatest(extract(epoch FROM s.start_ts)::float8, w.f) AS a,
         least(coalesce(extract(epoch FROM s.end_ts)::float8, $4::float8), $4::float8) AS b
       FROM w JOIN state_intervals s ON s.equipment_id = w.e
       WHERE s.state = 'Execute' AND (s.end_ts IS NULL OR s.end_ts > to_timestamp(w.f)) AND s.start_ts < to_timestamp($4)
     ), cum AS (
       SELECT e, target, a, b - a AS len, sum(b - a) OVER (PARTITION BY e ORDER BY a) AS total FROM spans WHERE b > a
     )
     SELECT e, sum(len)::float8 / 3600 AS usage,
       min(a + (target * 3600 - (total - len))) FILTER (WHERE target IS NOT NULL AND total >= target * 3600) AS reached
     FROM cum GROUP BY e`,
    [windows.map((w) => w.equipmentId), windows.map((w) => sec(w.from)), windows.map((w) => w.target ?? null), sec(to)],
  );
  for (const r of rows) out.set(r.e, { usage: Number(r.usage ?? 0), reachedAt: r.reached == null ? null : Number(r.reached) * 1000 });
  return out;
}

/** A tag's condition per machine: since when (after `from`) it first was beyond the limit, and its latest value. */
export interface ConditionFigure {
  since: number | null;
  last: { ts: number; value: number } | null;
}

/** When a numeric tag first went `above` (>) or `below` (<) `limit` after `from`, per machine, and its latest value. */
export async function conditionSince(
  q: Querier,
  tag: string,
  op: 'above' | 'below',
  limit: number,
  windows: UsageWindow[],
  to: number,
): Promise<Map<string, ConditionFigure>> {
  const out = new Map<string, ConditionFigure>(windows.map((w) => [w.equipmentId, { since: null, last: null }]));
  if (!windows.length) return out;
  const beyond = op === 'above' ? 'num > $4::float8' : 'num < $4::float8';
  const rows = await q.query<{ e: string; since: number | null; lt: number | null; lv: number | null }>(
    `SELECT u.e,
       (SELECT extract(epoch FROM min(ts))::float8 FROM tag_values
         WHERE series_id = s.id AND ts > to_timestamp(u.f) AND ts <= to_timestamp($5) AND ${beyond}) AS since,
       l.lt, l.lv
     FROM unnest($1::uuid[], $2::float8[]) AS u(e, f)
     JOIN tag_series s ON s.equipment_id = u.e AND s.tag = $3
     LEFT JOIN LATERAL (
       SELECT extract(epoch FROM ts)::float8 AS lt, num AS lv FROM tag_values
       WHERE series_id = s.id AND ts <= to_timestamp($5) AND num IS NOT NULL ORDER BY ts DESC LIMIT 1
     ) l ON TRUE`,
    [windows.map((w) => w.equipmentId), windows.map((w) => sec(w.from)), tag, limit, sec(to)],
  );
  for (const r of rows)
    out.set(r.e, {
      since: r.since == null ? null : Number(r.since) * 1000,
      last: r.lt == null || r.lv == null ? null : { ts: Number(r.lt) * 1000, value: Number(r.lv) },
    });
  return out;
}

/** The three readings together: what a maintenance plan's usage port is bound to (src/modules.ts). */
export const machineUsage = { counterUsage, runningHours, conditionSince };
export type MachineUsage = typeof machineUsage;
