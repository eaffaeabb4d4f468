// SQL of the performance module: the roll-up tables, the fold watermark and the dirty hours; raw history (state
// intervals and counts) is collect's, read through its history port. Timestamps travel as float8 epoch seconds.
import type { CollectHistory, HistoryCount, HistorySpan } from '../collect/index.ts';
import type { Querier } from '../platform/db/database.ts';
import { applyConventions, rebuckets, type PlantConventions } from './conventions.ts';
import { EXTERNAL_STATES, TOTAL_KEYS, zeroTotals, type StateSpan, type TimeTotals } from './time-model.ts';

const sec = (ms: number) => ms / 1000;
export const epochMs = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

/** TimeTotals key → column. */
const COLUMN: Record<(typeof TOTAL_KEYS)[number], string> = {
  period: 'period',
  outside: 'outside',
  pot: 'pot',
  pdotPlanned: 'pdot_planned',
  pdotState: 'pdot_state',
  adot: 'adot',
  adet: 'adet',
  asut: 'asut',
  apt: 'apt',
  unknown: 'unknown',
  failureS: 'failure_s',
  minorStopS: 'minor_stop_s',
  externalS: 'external_s',
  failures: 'failures',
  minorStops: 'minor_stops',
  good: 'good',
  scrap: 'scrap',
  rework: 'rework',
  idealS: 'ideal_s',
  noIdealQ: 'no_ideal_q',
  outsideApt: 'outside_apt',
  outsideGood: 'outside_good',
  outsideScrap: 'outside_scrap',
  failureWholeS: 'failure_whole_s',
  pdotGood: 'pdot_good',
  pdotScrap: 'pdot_scrap',
};
const COLS = TOTAL_KEYS.map((k) => COLUMN[k]);

export type RawCount = HistoryCount;

/** A state interval with the order on the unit when it began (collect's context), for the stopWithoutOrder convention. */
export type RawState = StateSpan & HistorySpan;

export interface RawHistory {
  states: RawState[];
  counts: RawCount[];
}

/**
 * State intervals overlapping [from, to + tail) and counts in [from, to) of some machines, read through collect's
 * history port. A stop that began before `from` is followed back to its first interval, and one that goes on after
 * `to + tail` forward to its last (its length decides whether it is minor, and its whole length is its time to
 * restoration). `conventions` gives each machine's plant conventions: buckets are re-assigned by them
 * (conventions.ts) before stops are followed.
 */
export async function loadRaw(
  history: CollectHistory,
  q: Querier,
  ids: string[],
  from: number,
  to: number,
  tailMs: number,
  conventions?: (equipmentId: string) => PlantConventions | undefined,
): Promise<Map<string, RawHistory>> {
  const out = new Map<string, RawHistory>(ids.map((id) => [id, { states: [], counts: [] }]));
  if (!ids.length) return out;
  const conv = (id: string, x: RawState) => {
    const c = conventions?.(id);
    return c && rebuckets(c) ? applyConventions(x, c) : x;
  };
  for (const [id, spans] of await history.spans(q, ids, from, to + tailMs)) out.get(id)!.states.push(...spans.map((x) => conv(id, x)));
  // follow stops back: the interval that ends where the first loaded one starts, while it is part of the same stop
  let heads = [...out]
    .filter(([, h]) => h.states[0] && h.states[0].start < from && isStop(h.states[0]))
    .map(([equipmentId, h]) => ({ equipmentId, at: h.states[0].start }));
  for (let guard = 0; heads.length && guard < 1000; guard++) {
    const prev = await history.adjacentSpans(q, heads, 'before');
    heads = [];
    for (const { equipmentId, ...r } of prev) {
      const x = conv(equipmentId, r);
      if (!isStop(x)) continue;
      out.get(equipmentId)!.states.unshift(x);
      heads.push({ equipmentId, at: x.start });
    }
  }
  // follow stops forward: the interval that starts where the last loaded one ends, while it is part of the same stop
  let tails = [...out]
    .filter(([, h]) => {
      const l = h.states.at(-1);
      return l && l.end !== null && isStop(l);
    })
    .map(([equipmentId, h]) => ({ equipmentId, at: h.states.at(-1)!.end! }));
  for (let guard = 0; tails.length && guard < 1000; guard++) {
    const next = await history.adjacentSpans(q, tails, 'after');
    tails = [];
    for (const { equipmentId, ...r } of next) {
      const x = conv(equipmentId, r);
      if (!isStop(x)) continue;
      out.get(equipmentId)!.states.push(x);
      if (x.end !== null) tails.push({ equipmentId, at: x.end });
    }
  }
  for (const [id, counts] of await history.counts(q, ids, from, to)) out.get(id)!.counts = counts;
  return out;
}

const isStop = (s: StateSpan) => s.bucket === 'adet' && !EXTERNAL_STATES.has(s.state);

// ------------------------------------------------------------------------------------------- fold state

export interface FoldState {
  from: number;
  until: number;
}

export async function readFold(q: Querier): Promise<FoldState | undefined> {
  const [r] = await q.query<{ f: number; u: number }>(
    `SELECT extract(epoch FROM folded_from)::float8 AS f, extract(epoch FROM folded_until)::float8 AS u FROM perf_fold WHERE id = 1`,
  );
  return r ? { from: r.f * 1000, until: r.u * 1000 } : undefined;
}

export async function writeFold(q: Querier, f: FoldState): Promise<void> {
  await q.query(
    `INSERT INTO perf_fold (id, folded_from, folded_until) VALUES (1, to_timestamp($1), to_timestamp($2))
     ON CONFLICT (id) DO UPDATE SET folded_from = excluded.folded_from, folded_until = excluded.folded_until`,
    [sec(f.from), sec(f.until)],
  );
}

/** Forget every roll-up (master data that shapes them changed): the fold starts again from the raw history. */
export async function clearRollups(q: Querier): Promise<void> {
  await q.query(`DELETE FROM perf_fold`);
  await q.query(`DELETE FROM perf_hour`);
  await q.query(`DELETE FROM perf_day`);
  await q.query(`DELETE FROM perf_dirty`);
}

/**
 * Marks the past hours that changed raw history touched (collect tells inside its own transaction, so no change is
 * missed): every hour from the start to the end of each range, before the hour of `now` (the current hour is folded
 * after it ends anyway).
 */
export async function markRewritten(q: Querier, ranges: Array<{ equipmentId: string; from: number; to: number }>, now: number): Promise<void> {
  const current = Math.floor(now / 3_600_000) * 3_600_000;
  const past = ranges.filter((r) => r.from < current);
  if (!past.length) return;
  await q.query(
    `INSERT INTO perf_dirty (equipment_id, hour)
     SELECT DISTINCT u.e, h
     FROM unnest($1::uuid[], $2::float8[], $3::float8[]) AS u(e, a, b),
          generate_series(perf_hour_of(to_timestamp(u.a)), perf_hour_of(to_timestamp(greatest(u.a, u.b))), interval '1 hour') AS h
     WHERE h < to_timestamp($4)`,
    [past.map((r) => r.equipmentId), past.map((r) => sec(r.from)), past.map((r) => sec(r.to)), sec(current)],
  );
}

export async function readDirty(q: Querier): Promise<{ maxId: number; hours: Array<{ equipmentId: string; hour: number }> }> {
  const rows = await q.query<{ id: string; e: string; h: number }>(
    `SELECT id::text, equipment_id AS e, extract(epoch FROM hour)::float8 AS h FROM perf_dirty ORDER BY id LIMIT 100000`,
  );
  return { maxId: rows.length ? Number(rows.at(-1)!.id) : 0, hours: rows.map((r) => ({ equipmentId: r.e, hour: r.h * 1000 })) };
}

export async function deleteDirty(q: Querier, maxId: number): Promise<void> {
  if (maxId > 0) await q.query(`DELETE FROM perf_dirty WHERE id <= $1`, [maxId]);
}

// ------------------------------------------------------------------------------------------- roll-ups

export async function upsertHours(q: Querier, rows: Array<{ equipmentId: string; hour: number; t: TimeTotals }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const params: unknown[] = [chunk.map((r) => r.equipmentId), chunk.map((r) => sec(r.hour)), ...TOTAL_KEYS.map((k) => chunk.map((r) => r.t[k]))];
    const cols = COLS.map((_, j) => `$${j + 3}::float8[]`).join(', ');
    await q.query(
      `INSERT INTO perf_hour (equipment_id, hour, ${COLS.join(', ')})
       SELECT e, to_timestamp(h), ${COLS.map((c) => `u.${c}`).join(', ')}
       FROM unnest($1::uuid[], $2::float8[], ${cols}) AS u(e, h, ${COLS.join(', ')})
       ON CONFLICT (equipment_id, hour) DO UPDATE SET ${COLS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      params,
    );
  }
}

/** Recomputes the day rows of these machine-days from their hours. */
export async function refreshDays(q: Querier, keys: Array<{ equipmentId: string; day: number }>): Promise<void> {
  for (let i = 0; i < keys.length; i += 5000) {
    const chunk = keys.slice(i, i + 5000);
    await q.query(
      `INSERT INTO perf_day (equipment_id, day, ${COLS.join(', ')})
       SELECT h.equipment_id, to_timestamp(u.d), ${COLS.map((c) => `sum(h.${c})`).join(', ')}
       FROM unnest($1::uuid[], $2::float8[]) AS u(e, d)
       JOIN perf_hour h ON h.equipment_id = u.e AND h.hour >= to_timestamp(u.d) AND h.hour < to_timestamp(u.d + 86400)
       GROUP BY h.equipment_id, u.d
       ON CONFLICT (equipment_id, day) DO UPDATE SET ${COLS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      [chunk.map((k) => k.equipmentId), chunk.map((k) => sec(k.day))],
    );
  }
}

const fromRow = (r: Record<string, unknown>): TimeTotals => {
  const t = zeroTotals();
  for (const k of TOTAL_KEYS) t[k] = Number(r[COLUMN[k]] ?? 0);
  return t;
};

/**
 * Roll-up totals per machine over whole hours [a, b): whole UTC days [da, db) from perf_day, the hours around them
 * from perf_hour.
 */
export async function sumRollups(q: Querier, ids: string[], a: number, b: number, da: number, db: number): Promise<Map<string, TimeTotals>> {
  const out = new Map<string, TimeTotals>();
  if (!ids.length || b <= a) return out;
  const sums = COLS.map((c) => `sum(${c}) AS ${c}`).join(', ');
  const rows = await q.query<Record<string, unknown> & { e: string }>(
    `SELECT e, ${sums} FROM (
       SELECT equipment_id AS e, ${COLS.join(', ')} FROM perf_day
       WHERE equipment_id = ANY($1::uuid[]) AND day >= to_timestamp($4) AND day < to_timestamp($5)
       UNION ALL
       SELECT equipment_id AS e, ${COLS.join(', ')} FROM perf_hour
       WHERE equipment_id = ANY($1::uuid[]) AND hour >= to_timestamp($2) AND hour < to_timestamp($4)
       UNION ALL
       SELECT equipment_id AS e, ${COLS.join(', ')} FROM perf_hour
       WHERE equipment_id = ANY($1::uuid[]) AND hour >= to_timestamp($5) AND hour < to_timestamp($3)
     ) x GROUP BY e`,
    [ids, sec(a), sec(b), sec(da), sec(db)],
  );
  for (const r of rows) out.set(r.e, fromRow(r));
  return out;
}
