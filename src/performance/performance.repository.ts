// SQL of the performance module: raw history (collect's state intervals and counts, read only), the roll-up tables,
// the fold watermark and the dirty hours. Timestamps travel as float8 epoch seconds.
import type { Querier } from '../platform/db/database.ts';
import { applyConventions, rebuckets, type PlantConventions } from './conventions.ts';
import { EXTERNAL_STATES, TOTAL_KEYS, zeroTotals, type StateSpan, type TimeTotals } from './time-model.ts';

const sec = (ms: number) => ms / 1000;
export const epochMs = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

/** TimeTotals key → column. */
const COLUMN: Record<(typeof TOTAL_KEYS)[number], string> = {
  period: 'period', outside: 'outside', pot: 'pot', pdotPlanned: 'pdot_planned', pdotState: 'pdot_state', adot: 'adot',
  adet: 'adet', asut: 'asut', apt: 'apt', unknown: 'unknown', failureS: 'failure_s', minorStopS: 'minor_stop_s',
  externalS: 'external_s', failures: 'failures', minorStops: 'minor_stops', good: 'good', scrap: 'scrap', rework: 'rework',
  idealS: 'ideal_s', noIdealQ: 'no_ideal_q', outsideApt: 'outside_apt', outsideGood: 'outside_good', outsideScrap: 'outside_scrap',
  failureWholeS: 'failure_whole_s', pdotGood: 'pdot_good', pdotScrap: 'pdot_scrap',
};
const COLS = TOTAL_KEYS.map((k) => COLUMN[k]);

export interface RawCount {
  ts: number;
  kind: 'good' | 'scrap';
  delta: number;
  orderId: string | null;
  operationId: string | null;
}

export type RawState = StateSpan & {
  /** The order on the unit when the interval began (collect's context), for the stopWithoutOrder convention. */
  orderId: string | null;
};

export interface RawHistory {
  states: RawState[];
  counts: RawCount[];
}

type StateRow = { e: string; s: number; t: number | null; state: string; bucket: string; o: string | null };
const toState = (r: StateRow): RawState => ({ start: r.s * 1000, end: r.t === null ? null : r.t * 1000, state: r.state, bucket: r.bucket, orderId: r.o });

/**
 * State intervals overlapping [from, to + tail) and counts in [from, to) of some machines. A stop that began before
 * `from` is followed back to its first interval, and one that goes on after `to + tail` forward to its last (its
 * length decides whether it is minor, and its whole length is its time to restoration). `conventions` gives each
 * machine's plant conventions: buckets are re-assigned by them (conventions.ts) before stops are followed.
 */
export async function loadRaw(
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
  // the one interval that started at or before `from` (intervals do not overlap), then those starting after it:
  // both index range scans on (equipment_id, start_ts), however long the history before `from`
  const rows = await q.query<StateRow>(
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
    [ids, sec(to + tailMs), sec(from)],
  );
  for (const r of rows) out.get(r.e)!.states.push(conv(r.e, toState(r)));
  // follow stops back: the interval that ends where the first loaded one starts, while it is part of the same stop
  let heads = [...out].filter(([, h]) => h.states[0] && h.states[0].start < from && isStop(h.states[0])).map(([id, h]) => ({ id, at: h.states[0].start }));
  for (let guard = 0; heads.length && guard < 1000; guard++) {
    const prev = await q.query<StateRow>(
      `SELECT u.e, extract(epoch FROM p.start_ts)::float8 AS s, extract(epoch FROM p.end_ts)::float8 AS t, p.state, p.bucket, c.order_id AS o
       FROM unnest($1::uuid[], $2::float8[]) AS u(e, st)
       CROSS JOIN LATERAL (SELECT * FROM state_intervals WHERE equipment_id = u.e AND start_ts < to_timestamp(u.st - 1e-5) ORDER BY start_ts DESC LIMIT 1) p
       LEFT JOIN collect_contexts c ON c.id = p.context_id
       WHERE abs(extract(epoch FROM p.end_ts)::float8 - u.st) < 1e-5`,
      [heads.map((h) => h.id), heads.map((h) => sec(h.at))],
    );
    heads = [];
    for (const r of prev) {
      const x = conv(r.e, toState(r));
      if (!isStop(x)) continue;
      out.get(r.e)!.states.unshift(x);
      heads.push({ id: r.e, at: x.start });
    }
  }
  // follow stops forward: the interval that starts where the last loaded one ends, while it is part of the same stop
  let tails = [...out].filter(([, h]) => { const l = h.states.at(-1); return l && l.end !== null && isStop(l); }).map(([id, h]) => ({ id, at: h.states.at(-1)!.end! }));
  for (let guard = 0; tails.length && guard < 1000; guard++) {
    const next = await q.query<StateRow>(
      `SELECT u.e, extract(epoch FROM n.start_ts)::float8 AS s, extract(epoch FROM n.end_ts)::float8 AS t, n.state, n.bucket, c.order_id AS o
       FROM unnest($1::uuid[], $2::float8[]) AS u(e, st)
       CROSS JOIN LATERAL (SELECT * FROM state_intervals WHERE equipment_id = u.e AND start_ts > to_timestamp(u.st - 1e-5) ORDER BY start_ts LIMIT 1) n
       LEFT JOIN collect_contexts c ON c.id = n.context_id
       WHERE abs(extract(epoch FROM n.start_ts)::float8 - u.st) < 1e-5`,
      [tails.map((h) => h.id), tails.map((h) => sec(h.at))],
    );
    tails = [];
    for (const r of next) {
      const x = conv(r.e, toState(r));
      if (!isStop(x)) continue;
      out.get(r.e)!.states.push(x);
      if (x.end !== null) tails.push({ id: r.e, at: x.end });
    }
  }
  // kind is named so the key (equipment_id, kind, ts) serves the time range
  const counts = await q.query<{ e: string; t: number; kind: 'good' | 'scrap'; delta: string | number; o: string | null; op: string | null }>(
    `SELECT c.equipment_id AS e, extract(epoch FROM c.ts)::float8 AS t, c.kind, c.delta, x.order_id AS o, x.operation_id AS op
     FROM production_counts c LEFT JOIN collect_contexts x ON x.id = c.context_id
     WHERE c.equipment_id = ANY($1::uuid[]) AND c.kind IN ('good', 'scrap') AND c.ts >= to_timestamp($2) AND c.ts < to_timestamp($3)
     ORDER BY c.equipment_id, c.ts`,
    [ids, sec(from), sec(to)],
  );
  for (const r of counts) out.get(r.e)!.counts.push({ ts: r.t * 1000, kind: r.kind, delta: Number(r.delta), orderId: r.o, operationId: r.op });
  return out;
}

const isStop = (s: StateSpan) => s.bucket === 'adet' && !EXTERNAL_STATES.has(s.state);

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
