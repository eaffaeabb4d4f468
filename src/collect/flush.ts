// Store: one transaction per batch — series and contexts first (ids), then values with their roll-ups, derived
// intervals and counts, quarantine, and the rebuild of derived records that late values touched.
import type { Database, Querier } from '../platform/db/database.ts';
import * as repo from './collect.repository.ts';
import { counterDelta } from './counters.ts';
import { replayIntervals } from './derive.ts';
import type { FateTicket } from './accepted.ts';
import type { ContextRecord, Contextualizer } from './context.ts';
import type { Derived, Deriver } from './derive.ts';
import type { EquipmentRegistry } from './registry.ts';
import type { QuarantineRow } from './collect.repository.ts';
import type { Bucket, MachineState, Mode, PackmlState } from './states.ts';
import type { TagValue } from './types.ts';
import type { Outcome } from './pipeline.ts';
import { base64QuarantineRow, bisect, refusalReason, storableQuarantineRow } from './isolate.ts';

export interface PendingValue {
  equipmentId: string;
  tag: string;
  ts: number;
  num: number | null;
  txt: string | null;
  contextKey: string | null;
  value: TagValue;
  late: boolean;
  /** Where it came from: for quarantine, should the database refuse it or hold a different value at its instant. */
  origin?: Omit<QuarantineRow, 'reason' | 'payload'>;
  /** The submitter's answer for this value, settled once the database has decided. */
  outcome?: Outcome;
  /** Answers given to copies of this value taken before it was written: they follow its fate. */
  copies?: Outcome[];
  /** Listeners of accepted values waiting for this one's fate (accepted.ts). */
  ticket?: FateTicket;
}

/** What accumulates between two writes. */
export interface Batch {
  values: PendingValue[];
  quarantine: QuarantineRow[];
  derived: Derived;
  contexts: Map<string, ContextRecord>;
  /** Resolved once the batch is stored: every submit of the batch waits on it. */
  committed: Promise<void>;
  commit: () => void;
  submits: number;
  size: number;
  /** Observations per source client in this batch (for per-source fairness). */
  sources: Map<string, number>;
  /** What the batch's transaction wrote of the derived history (set when it commits). */
  rewritten?: RewrittenRange[];
}

/** A stretch of one machine's history whose derived records (state intervals, counts) a batch wrote or rewrote. */
export interface RewrittenRange {
  equipmentId: string;
  from: number;
  to: number;
  /** Rebuilt from stored history after late data (rather than extended at its end). */
  rebuilt: boolean;
}

/** Told inside the batch's transaction, so what a listener records commits (or rolls back) with the batch. */
export type RewriteListener = (q: Querier, ranges: RewrittenRange[]) => Promise<void>;

/** The parts of the pipeline the writer needs. */
export interface CollectPipeline {
  readonly series: Map<string, number>;
  readonly registry: EquipmentRegistry;
  readonly contexts: Contextualizer;
  readonly deriver: Deriver;
  readonly rewriteListeners: RewriteListener[];
}

/** Late data older than this is kept as history but does not rebuild derived records. */
export const REBUILD_WINDOW_MS = 7 * 86_400_000;

const seriesKey = (equipmentId: string, tag: string) => `${equipmentId}|${tag}`;

/** What became of one value of a batch in the database. */
export type Fate =
  | { kind: 'stored' }
  | { kind: 'duplicate' }
  /** Another value holds its instant: quarantined with both (issue #11 item 13). */
  | { kind: 'conflict'; reason: string; stored: TagValue | null }
  /** The database refused the row itself (poison, issue #11 item 3). */
  | { kind: 'refused'; reason: string };

export interface WriteResult {
  /** Per value of `b.values`, in order. */
  fates: Fate[];
  /** Everything this write put in quarantine: the batch's own rows, conflicts and refused values. */
  quarantine: QuarantineRow[];
}

const STORED: Fate = { kind: 'stored' };
const DUPLICATE: Fate = { kind: 'duplicate' };

/** The reason given for a value whose instant holds a different one (same wording in memory and from the database). */
export const conflictReason = (tag: string, stored: unknown, value: unknown, ts: number) =>
  `${tag}: a different value (${String(stored)}) is already stored for ${new Date(ts).toISOString()}; this one (${String(value)}) is kept in quarantine`;

/**
 * Ids a transaction creates (series, contexts) become known to the pipeline only once it commits: an id from a
 * rolled-back transaction would otherwise be reused and rows written under a series that does not exist.
 */
class TxIds {
  private readonly fresh = new Map<string, number>();
  constructor(private readonly known: Map<string, number>) {}
  get = (k: string) => this.fresh.get(k) ?? this.known.get(k);
  has = (k: string) => this.fresh.has(k) || this.known.has(k);
  set = (k: string, id: number) => void this.fresh.set(k, id);
  commit = () => {
    for (const [k, id] of this.fresh) this.known.set(k, id);
  };
  entries = () => [...this.known, ...this.fresh];
}
interface Ids {
  series: TxIds;
  contexts: TxIds;
}

/** How many values one statement of a PGlite batch writes (see writeBatch). */
export const PGLITE_PART = 500;

/**
 * Writes a batch in one transaction. `careful` (after a write failed because of its data) isolates each part under
 * savepoints and bisects the values and quarantine rows the database refuses (isolate.ts), so the rest is stored.
 */
export async function writeBatch(database: Database, p: CollectPipeline, b: Batch, careful = false): Promise<WriteResult> {
  const d = b.derived;
  // offline/online decisions become `_online` values so a rebuild replays them
  const values: PendingValue[] = [
    ...b.values,
    ...d.online.map((o) => ({
      equipmentId: o.equipmentId,
      tag: '_online',
      ts: o.ts,
      num: o.online ? 1 : 0,
      txt: null,
      contextKey: null,
      value: o.online,
      late: false,
    })),
  ];
  const ids: Ids = { series: new TxIds(p.series), contexts: new TxIds(contextIds(p)) };
  const out = await database.transaction(async (q) => {
    const missing = new Map<string, { equipmentId: string; tag: string }>();
    for (const v of values) {
      const k = seriesKey(v.equipmentId, v.tag);
      if (!ids.series.has(k)) missing.set(k, { equipmentId: v.equipmentId, tag: v.tag });
    }
    for (const s of await repo.ensureSeries(q, [...missing.values()])) ids.series.set(seriesKey(s.equipmentId, s.tag), s.id);
    const newContexts = [...b.contexts.values()].filter((c) => !ids.contexts.has(c.key));
    if (newContexts.length) for (const [k, id] of await repo.ensureContexts(q, newContexts)) ids.contexts.set(k, id);
    const ctx = (key: string | null) => (key ? (ids.contexts.get(key) ?? null) : null);
    const rows = values.map((v) => ({
      seriesId: ids.series.get(seriesKey(v.equipmentId, v.tag))!,
      ts: v.ts,
      num: v.num,
      txt: v.txt,
      contextId: ctx(v.contextKey),
    }));
    const fates: Fate[] = new Array(values.length);
    const writeValues = async (idx: number[]) => {
      const { taken } = await repo.insertValues(
        q,
        idx.map((i) => rows[i]),
      );
      for (const t of taken) fates[idx[t.index]] = judge(values[idx[t.index]], t);
      for (const i of idx) fates[i] ??= STORED;
    };
    const all = values.map((_, i) => i);
    if (careful) await bisect(q, all, writeValues, (i, err) => (fates[i] = { kind: 'refused', reason: refusalReason(err) }));
    else if (database.kind === 'pglite')
      // PGlite runs in Takt's own thread: a statement of a whole batch would hold every socket (a stop command, an
      // ingest acknowledgement) for its length. Parts of PGLITE_PART values, with a turn of the event loop between them.
      for (let at = 0; at < all.length; at += PGLITE_PART) {
        if (at > 0) await new Promise((r) => setImmediate(r));
        await writeValues(all.slice(at, at + PGLITE_PART));
      }
    else await writeValues(all);
    const quarantine = [...b.quarantine];
    fates.forEach((f, i) => {
      const v = values[i];
      if (f.kind === 'refused' || (f.kind === 'conflict' && i < b.values.length))
        quarantine.push({
          ...(v.origin ?? { receivedAt: Date.now(), protocol: 'collect', source: 'pipeline', topic: v.tag, equipmentPath: null }),
          reason: f.reason,
          payload: JSON.stringify({ tag: v.tag, value: v.value, ts: v.ts, ...(f.kind === 'conflict' ? { stored: f.stored } : {}) }),
        });
    });
    let ranges: RewrittenRange[] = [];
    const derive = async () => void (ranges = await writeDerived(q, p, d, ids, ctx));
    if (careful)
      await bisect(q, [d], derive, (_, err) =>
        quarantine.push({
          receivedAt: Date.now(),
          protocol: 'collect',
          source: 'pipeline',
          topic: 'derived records',
          equipmentPath: null,
          reason: refusalReason(err),
          payload: JSON.stringify({ ...d, rebuilds: [...d.rebuilds] }),
        }),
      );
    else await derive();
    const storable = quarantine.map(storableQuarantineRow);
    if (careful) {
      const lastResort: QuarantineRow[] = [];
      await bisect(
        q,
        storable,
        (part) => repo.insertQuarantine(q, part),
        (r, err) => lastResort.push(base64QuarantineRow(r, refusalReason(err))),
      );
      // refused even as base64: the batch fails and is retried (and health says so) rather than losing the record
      await repo.insertQuarantine(q, lastResort);
    } else await repo.insertQuarantine(q, storable);
    return { fates, quarantine: storable, ranges };
  });
  ids.series.commit();
  ids.contexts.commit();
  b.rewritten = out.ranges;
  return { fates: out.fates.slice(0, b.values.length), quarantine: out.quarantine };
}

/** Duplicate when the value holding the instant is this one, conflict otherwise. */
function judge(v: PendingValue, t: repo.TakenRow): Fate {
  if (t.num === v.num && t.txt === v.txt) return DUPLICATE;
  const stored = t.txt ?? (t.num === null ? null : typeof v.value === 'boolean' ? t.num === 1 : t.num);
  return { kind: 'conflict', reason: conflictReason(v.tag, stored, v.value, v.ts), stored };
}

/** Derived intervals and counts, rebuilds after late data, and the listeners — all in the batch's transaction. */
async function writeDerived(q: Querier, p: CollectPipeline, d: Derived, ids: Ids, ctx: (key: string | null) => number | null): Promise<RewrittenRange[]> {
  // opens before closes: an interval opened and closed within one batch must exist before it is closed
  const opens = new Map(d.opens.map((o) => [`${o.equipmentId}|${o.start}`, o]));
  await repo.openIntervals(
    q,
    [...opens.values()].map((o) => ({ ...o, contextId: ctx(o.contextKey) })),
  );
  await repo.closeIntervals(q, d.closes);
  const counts = new Map<string, (typeof d.counts)[number]>();
  for (const c of d.counts) {
    const k = `${c.equipmentId}|${c.kind}|${c.ts}`;
    const prev = counts.get(k);
    counts.set(k, prev ? { ...prev, delta: prev.delta + c.delta } : c);
  }
  await repo.insertCounts(
    q,
    [...counts.values()].map((c) => ({ ...c, contextId: ctx(c.contextKey) })),
  );
  const ranges: RewrittenRange[] = [
    // an interval opened in the past (history posted afterwards) stays open until now: the hours up to now change
    ...[...opens.values()].map((o) => ({ equipmentId: o.equipmentId, from: o.start, to: Math.max(o.start, Date.now()), rebuilt: false })),
    ...d.closes.map((c) => ({ equipmentId: c.equipmentId, from: c.start, to: c.end, rebuilt: false })),
    ...[...counts.values()].map((c) => ({ equipmentId: c.equipmentId, from: c.ts, to: c.ts, rebuilt: false })),
  ];
  for (const [equipmentId, from] of d.rebuilds)
    if (Date.now() - from < REBUILD_WINDOW_MS) {
      const r = await rebuild(q, p, ids, equipmentId, from);
      if (r) ranges.push(r);
    }
  for (const listener of p.rewriteListeners) await listener(q, ranges);
  return ranges;
}

const CONTEXT_IDS = new WeakMap<CollectPipeline, Map<string, number>>();
function contextIds(p: CollectPipeline): Map<string, number> {
  let m = CONTEXT_IDS.get(p);
  if (!m) CONTEXT_IDS.set(p, (m = new Map()));
  return m;
}

/** Re-derives the state intervals and counts of one equipment from stored history, from `from` on; returns the
 *  stretch of history deleted and written again. */
async function rebuild(q: Querier, p: CollectPipeline, ids: Ids, equipmentId: string, from: number): Promise<RewrittenRange | undefined> {
  const eq = p.registry.byEquipmentId(equipmentId);
  if (!eq) return undefined;
  const idsByRole = (roles: string[]) =>
    [...eq.tags.values()]
      .filter((t) => roles.includes(t.role))
      .map((t) => ({ tag: t, id: ids.series.get(seriesKey(equipmentId, t.name)) }))
      .filter((x) => x.id !== undefined) as Array<{ tag: typeof eq.tags extends Map<string, infer T> ? T : never; id: number }>;
  const stateSeries = idsByRole(['state', 'mode', 'online']);
  const roleOf = new Map(stateSeries.map((s) => [s.id, s.tag.role as 'state' | 'mode' | 'online']));
  const start = (await repo.intervalStartAtOrBefore(q, equipmentId, from)) ?? from;
  const initial: { state?: PackmlState; mode?: Mode; online?: boolean } = {};
  for (const r of await repo.latestBefore(q, [...roleOf.keys()], start)) {
    const role = roleOf.get(r.seriesId);
    if (role === 'state') initial.state = r.txt as PackmlState;
    else if (role === 'mode') initial.mode = r.txt as Mode;
    else initial.online = r.num === 1;
  }
  const events: Array<{ ts: number; role: 'state' | 'mode' | 'online' | 'silent'; value: unknown }> = (
    await repo.valuesSince(q, [...roleOf.keys()], start)
  ).map((r) => ({
    ts: repo.epochMs(r.ts),
    role: roleOf.get(r.seriesId)!,
    value: roleOf.get(r.seriesId) === 'online' ? r.num === 1 : r.txt,
  }));
  // silences of the data's own timestamps (derive.ts, issue #12 item 3) are found again from the stored data, so a
  // hole that late values filled is no longer Unknown; `_online` is Takt's own record, not the machine's data
  const dataSeries = ids.series
    .entries()
    .filter(([k]) => k.startsWith(`${equipmentId}|`) && k !== seriesKey(equipmentId, '_online'))
    .map(([, id]) => id);
  for (const g of await repo.silencesSince(q, dataSeries, start, eq.staleAfterS * 1000)) {
    events.push({ ts: Math.max(g.a, start), role: 'silent', value: true }, { ts: g.b, role: 'silent', value: false });
  }
  // stable: at one instant the machine's values come first, then the silence that starts there
  events.sort((x, y) => x.ts - y.ts);
  const contexts: Batch['contexts'] = new Map();
  const keyAt = (ts: number) => {
    const c = p.contexts.at(equipmentId, ts);
    contexts.set(c.key, c);
    return c.key;
  };
  const { intervals, final } = replayIntervals(equipmentId, initial, events, keyAt);
  const counterSeries = idsByRole(['good', 'scrap']);
  const countRows: Array<{ equipmentId: string; ts: number; kind: string; delta: number; contextKey: string }> = [];
  const lastCounter = new Map<string, { value: number; ts: number }>();
  for (const s of counterSeries) {
    const [base] = await repo.latestBefore(q, [s.id], from);
    let prev = base?.num ?? undefined;
    for (const r of await repo.valuesSince(q, [s.id], from)) {
      const ts = repo.epochMs(r.ts);
      const delta = counterDelta(prev, r.num ?? 0, s.tag.rollover);
      if (delta > 0) countRows.push({ equipmentId, ts, kind: s.tag.role, delta, contextKey: keyAt(ts) });
      prev = r.num ?? 0;
      lastCounter.set(s.tag.name, { value: prev, ts });
    }
  }
  const missing = [...contexts.values()].filter((c) => !ids.contexts.has(c.key));
  if (missing.length) for (const [k, id] of await repo.ensureContexts(q, missing)) ids.contexts.set(k, id);
  let to = Math.min(start, from);
  const later = (t: number | undefined) => (to = Math.max(to, t ?? to));
  later(await repo.deleteIntervalsFrom(q, equipmentId, start));
  await repo.openIntervals(
    q,
    intervals.map((i) => ({ ...i, contextId: ids.contexts.get(i.contextKey ?? '') ?? null })),
  );
  for (const i of intervals) later(i.end ?? Math.max(i.start, Date.now()));
  for (const kind of new Set(counterSeries.map((s) => s.tag.role))) later(await repo.deleteCountsFrom(q, equipmentId, kind, from));
  await repo.insertCounts(
    q,
    countRows.map((c) => ({ ...c, contextId: ids.contexts.get(c.contextKey) ?? null })),
  );
  for (const c of countRows) later(c.ts);
  // the live view continues from the rebuilt end state
  const m = p.deriver.machine(equipmentId);
  m.state = final.state;
  m.mode = final.mode;
  m.online = final.online;
  const last = intervals.at(-1);
  if (last) m.current = { equipmentId, start: last.start, state: last.state, bucket: last.bucket, contextKey: last.contextKey };
  for (const [tag, c] of lastCounter) if ((m.counters.get(tag)?.ts ?? -Infinity) <= c.ts) m.counters.set(tag, c);
  return { equipmentId, from: Math.min(start, from), to, rebuilt: true };
}

/** After a restart: the open intervals, last states and counter readings, so derivation continues where it stopped. */
export async function loadLiveState(database: Database, p: CollectPipeline): Promise<void> {
  const q: Querier = database;
  for (const s of await repo.loadSeries(q)) p.series.set(seriesKey(s.equipmentId, s.tag), s.id);
  for (const i of await repo.openIntervalsAll(q)) {
    const m = p.deriver.machine(i.equipmentId);
    m.current = { equipmentId: i.equipmentId, start: repo.epochMs(i.start), state: i.state as MachineState, bucket: i.bucket as Bucket, contextKey: null };
  }
  const bySeries = new Map<number, { equipmentId: string; tag: string }>();
  for (const [k, id] of p.series) {
    const [equipmentId, tag] = k.split('|');
    bySeries.set(id, { equipmentId, tag });
  }
  for (const r of await repo.latestValues(q, [...bySeries.keys()])) {
    const s = bySeries.get(r.seriesId)!;
    const eq = p.registry.byEquipmentId(s.equipmentId);
    const tag = eq?.tags.get(s.tag);
    if (!eq || !tag) continue;
    const m = p.deriver.machine(eq.id);
    const ts = repo.epochMs(r.ts);
    m.lastSeen = Math.max(m.lastSeen, ts);
    if (tag.role !== 'online') m.lastData = Math.max(m.lastData ?? -Infinity, ts);
    if (tag.role === 'state') m.state = (r.txt ?? undefined) as PackmlState | undefined;
    else if (tag.role === 'mode') m.mode = (r.txt ?? 'Production') as Mode;
    else if (tag.role === 'online') m.online = r.num === 1;
    else if (tag.role === 'good' || tag.role === 'scrap') m.counters.set(tag.name, { value: r.num ?? 0, ts });
  }
}
