// The collect pipeline: decode (in the connectors) → normalise & clean → de-duplicate → contextualise → derive →
// store (batched, one transaction per batch) → publish. submit() resolves only when its batch is committed, so
// connectors acknowledge messages (MQTT PUBACK) only for what is durably stored.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../platform/db/database.ts';
import type { EventBus } from '../platform/events.ts';
import { AcceptedTap } from './accepted.ts';
import { cleanObservation, type CleanValue } from './clean.ts';
import type { Contextualizer } from './context.ts';
import { Deriver, emptyDerived } from './derive.ts';
import { conflictReason, writeBatch, loadLiveState, type Batch, type Fate, type PendingValue, type RewriteListener } from './flush.ts';
import { isRowRefusal } from './isolate.ts';
import { collectHealth, type CollectHealth } from './health.ts';
import type { EquipmentRegistry } from './registry.ts';
import type { DecodeResult, ObservationSink, SourceStatus, TagValue } from './types.ts';
import type { QuarantineRow } from './collect.repository.ts';
import type { CollectMetrics } from './schemas.ts';

export interface PipelineOptions {
  /** Observations held in memory while the database is slow or away; beyond this, submit() waits (backpressure). */
  maxBuffered: number;
  /** Remembered (tag, timestamp) pairs for de-duplication, spread over the series (at least 16 per series). */
  dedupeCapacity: number;
  /** How often silent machines are checked for staleness. */
  sweepMs: number;
}

export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = { maxBuffered: 200_000, dedupeCapacity: 1_000_000, sweepMs: 1000 };

export type { CollectMetrics };

function newBatch(): Batch {
  let resolve!: () => void;
  const committed = new Promise<void>((r) => (resolve = r));
  return { values: [], quarantine: [], derived: emptyDerived(), contexts: new Map(), committed, commit: resolve, submits: 0, size: 0, sources: new Map() };
}

const clientOf = (input: DecodeResult) => input.observations[0]?.source.client ?? input.rejections[0]?.source.client ?? '';

export class CollectPipeline implements ObservationSink {
  readonly deriver = new Deriver();
  readonly metrics: CollectMetrics = {
    received: 0,
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    late: 0,
    buffered: 0,
    flushes: 0,
    flushErrors: 0,
    lastFlushMs: 0,
    lastFlushRows: 0,
    databaseAvailable: true,
    lastError: null,
    isolations: 0,
    refused: 0,
    conflicts: 0,
    failingAttempts: 0,
    failingSince: null,
  };
  private pending = newBatch();
  private flushing: Promise<void> | null = null;
  private spaceWaiters: Array<() => void> = [];
  private readonly seriesStates = new Map<string, Map<string, SeriesState>>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;
  readonly series = new Map<string, number>();
  /** Told inside each batch's transaction which stretches of derived history it wrote (CollectService.onRewritten). */
  readonly rewriteListeners: RewriteListener[] = [];
  /** Observations buffered per source client: one flooding device must not take the whole buffer. */
  private readonly perSource = new Map<string, number>();
  private readonly perSourceMax: number;
  private readonly recentPerSeries: number;
  /** Listeners of values accepted into the buffer, before the flush (port onAccepted, accepted.ts). */
  readonly accepted: AcceptedTap;

  constructor(
    private readonly database: Database,
    readonly registry: EquipmentRegistry,
    readonly contexts: Contextualizer,
    private readonly events: EventBus,
    private readonly log: FastifyBaseLogger,
    private readonly opts: PipelineOptions = DEFAULT_PIPELINE_OPTIONS,
  ) {
    this.recentPerSeries = Math.max(16, Math.floor(opts.dedupeCapacity / 1000));
    this.perSourceMax = Math.max(100, Math.floor(opts.maxBuffered / 4));
    this.accepted = new AcceptedTap(log);
  }

  async init(): Promise<void> {
    await loadLiveState(this.database, this);
    this.sweepTimer = setInterval(() => this.sweep(Date.now()), this.opts.sweepMs);
    this.sweepTimer.unref();
  }

  private contextKeyAt(equipmentId: string, ts: number, batch: Batch): string {
    const c = this.contexts.at(equipmentId, ts);
    batch.contexts.set(c.key, c);
    return c.key;
  }

  /** Resolves when everything in the batch is stored; one promise is shared by all messages of a batch. */
  submit(input: DecodeResult): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('collect pipeline stopped'));
    if (this.mustWait(input)) return this.submitWithOutcomes(input).then(() => undefined);
    return this.take(input, undefined).committed;
  }

  /** Like submit, and says per observation whether it was stored, a duplicate, or quarantined (and why). */
  async submitWithOutcomes(input: DecodeResult): Promise<Outcome[]> {
    if (this.stopped) throw new Error('collect pipeline stopped');
    // Backpressure: wait for room before taking more while the database is slow or away — overall, and per source so
    // that one device flooding the broker waits for its own backlog while the others go on.
    while (this.mustWait(input)) await new Promise<void>((r) => this.spaceWaiters.push(r));
    if (this.stopped) throw new Error('collect pipeline stopped');
    const outcomes: Outcome[] = [];
    await this.take(input, outcomes).committed;
    return outcomes;
  }

  private mustWait(input: DecodeResult): boolean {
    const n = input.observations.length + input.rejections.length;
    const mine = this.perSource.get(clientOf(input)) ?? 0;
    return (this.metrics.buffered + n > this.opts.maxBuffered && this.metrics.buffered > 0) || (mine + n > this.perSourceMax && mine > 0);
  }

  /** Cleans, de-duplicates, contextualises and derives into the pending batch (synchronously), and starts a write. */
  private take(input: DecodeResult, outcomes: Outcome[] | undefined): Batch {
    const n = input.observations.length + input.rejections.length;
    const client = clientOf(input);
    const b = this.pending;
    b.sources.set(client, (b.sources.get(client) ?? 0) + n);
    this.perSource.set(client, (this.perSource.get(client) ?? 0) + n);
    this.metrics.received += n;
    for (const r of input.rejections)
      this.quarantine(b, {
        receivedAt: r.receivedAt,
        protocol: r.source.protocol,
        source: r.source.client,
        topic: r.topic,
        equipmentPath: null,
        reason: r.reason,
        payload: r.payload,
      });
    for (const o of input.observations) {
      const res = cleanObservation(o, this.registry);
      if (!res.ok) {
        outcomes?.push({ status: 'quarantined', reason: res.reason });
        this.quarantine(b, {
          receivedAt: o.receivedAt,
          protocol: o.source.protocol,
          source: o.source.client,
          topic: o.topic,
          equipmentPath: res.equipmentPath ?? null,
          reason: res.reason,
          payload: JSON.stringify({ tag: o.tag, value: o.value ?? null, ts: o.ts ?? null, seq: o.seq ?? null }),
        });
        continue;
      }
      const r = this.accept(b, res.value);
      outcomes?.push(r);
    }
    b.size += n;
    b.submits++;
    this.metrics.buffered += n;
    this.kick();
    return b;
  }

  /** Per (equipment, tag): recent timestamps and sequence numbers with their values, the last stamp and the latest ts. */
  private seriesState(equipmentId: string, tag: string): SeriesState {
    let byTag = this.seriesStates.get(equipmentId);
    if (!byTag) this.seriesStates.set(equipmentId, (byTag = new Map()));
    let st = byTag.get(tag);
    if (!st) byTag.set(tag, (st = { recent: new Map(), unsettled: new Map(), seqs: new Map(), lastStamp: -Infinity, latest: -Infinity }));
    return st;
  }

  private accept(b: Batch, v: CleanValue): Outcome {
    const st = this.seriesState(v.eq.id, v.tag.name);
    if (v.obs.ts === undefined) {
      // stamped "now": two readings in the same millisecond stay apart by a microsecond
      if (v.ts <= st.lastStamp) v.ts = st.lastStamp + 0.001;
      st.lastStamp = v.ts;
      // without a source timestamp only the sender's sequence number can tell a resent message
      if (v.obs.seq !== undefined && v.obs.source.protocol !== 'sparkplug') {
        const seqKey = `${v.obs.source.client}#${v.obs.seq}`;
        if (st.seqs.get(seqKey) === v.value) {
          this.metrics.duplicates++;
          return DUPLICATE;
        }
        remember(st.seqs, seqKey, v.value, this.recentPerSeries);
      }
    }
    const seen = st.recent.get(v.ts);
    if (seen !== undefined) {
      if (seen === v.value) {
        this.metrics.duplicates++;
        // a copy of a value not yet written shares its fate: should the database quarantine that one, this one too
        const first = st.unsettled.get(v.ts);
        if (!first) return DUPLICATE;
        const copy: Outcome = { status: 'duplicate' };
        (first.copies ??= []).push(copy);
        return copy;
      }
      const reason = conflictReason(v.tag.name, seen, v.value, v.ts);
      this.metrics.conflicts++;
      this.quarantine(b, {
        receivedAt: v.obs.receivedAt,
        protocol: v.obs.source.protocol,
        source: v.obs.source.client,
        topic: v.obs.topic,
        equipmentPath: v.eq.path,
        reason,
        payload: JSON.stringify({ tag: v.tag.name, value: v.value, ts: v.ts, stored: seen }),
      });
      return { status: 'quarantined', reason };
    }
    remember(st.recent, v.ts, v.value, this.recentPerSeries);
    const ctxKey = this.contextKeyAt(v.eq.id, v.ts, b);
    const late = this.deriver.apply(v, ctxKey, b.derived, (ts) => this.contextKeyAt(v.eq.id, ts, b));
    if (late || v.ts < st.latest) this.metrics.late++;
    else st.latest = v.ts;
    // the answer is provisional: the database write says whether it was stored, a duplicate, or a conflict
    const outcome: Outcome = { status: 'accepted' };
    const origin = { receivedAt: v.obs.receivedAt, protocol: v.obs.source.protocol, source: v.obs.source.client, topic: v.obs.topic, equipmentPath: v.eq.path };
    const pending: PendingValue = {
      equipmentId: v.eq.id,
      tag: v.tag.name,
      ts: v.ts,
      num: v.num,
      txt: v.txt,
      contextKey: ctxKey,
      value: v.value,
      late,
      origin,
      outcome,
    };
    b.values.push(pending);
    st.unsettled.set(v.ts, pending);
    if (!late) pending.ticket = this.accepted.accepted({ equipmentId: v.eq.id, tag: v.tag.name, ts: v.ts, value: v.value });
    return outcome;
  }

  private quarantine(b: Batch, row: QuarantineRow): void {
    b.quarantine.push(row);
    this.metrics.quarantined++;
  }

  sourceStatus(s: SourceStatus): void {
    const eq = this.registry.byEquipmentPath(s.equipmentPath);
    if (!eq) return;
    const b = this.pending;
    this.deriver.setOnline(eq.id, s.online, s.at, this.contextKeyAt(eq.id, s.at, b), b.derived);
    this.kick();
  }

  private sweep(now: number): void {
    const b = this.pending;
    const gone = this.deriver.sweep(
      now,
      (id) => (this.registry.byEquipmentId(id)?.staleAfterS ?? 120) * 1000,
      (id, ts) => this.contextKeyAt(id, ts, b),
      b.derived,
    );
    if (gone.length) this.kick();
  }

  /** Starts a flush unless one is running; the running one picks up what arrived meanwhile when it ends. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      // work that arrived after the loop's last check but before it settled
      if (hasWork(this.pending) && !this.stopped) this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (hasWork(this.pending)) {
      const b = this.pending;
      this.pending = newBatch();
      let delay = 100;
      let careful = false;
      let result: Awaited<ReturnType<typeof writeBatch>>;
      for (;;) {
        const t0 = performance.now();
        try {
          result = await writeBatch(this.database, this, b, careful);
          this.metrics.flushes++;
          this.metrics.lastFlushMs = Math.round(performance.now() - t0);
          this.metrics.lastFlushRows = b.values.length;
          this.metrics.databaseAvailable = true;
          this.metrics.failingAttempts = 0;
          this.metrics.failingSince = null;
          break;
        } catch (err) {
          // The database refused some row of the batch: write it again part by part, at once, so the poison goes to
          // quarantine and the rest is stored (issue #11 item 3).
          if (!careful && isRowRefusal(err)) {
            careful = true;
            this.metrics.isolations++;
            this.log.warn({ err: (err as Error).message, rows: b.values.length }, 'collect: the database refused a row of a batch; isolating it');
            continue;
          }
          // Anything else (connection lost, schema, disk): keep the batch and its submitters waiting — nothing is
          // acknowledged until it is stored — and say so in /api/health.
          this.metrics.flushErrors++;
          this.metrics.failingAttempts++;
          this.metrics.failingSince ??= new Date().toISOString();
          this.metrics.databaseAvailable = false;
          this.metrics.lastError = (err as Error).message;
          this.log.warn({ err: (err as Error).message, retryInMs: delay, buffered: this.metrics.buffered }, 'collect: storing a batch failed; retrying');
          if (this.stopped) throw err;
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 5000);
        }
      }
      this.settle(b, result.fates);
      this.metrics.buffered -= b.size;
      for (const [client, n] of b.sources) {
        const left = (this.perSource.get(client) ?? 0) - n;
        if (left > 0) this.perSource.set(client, left);
        else this.perSource.delete(client);
      }
      b.quarantine = result.quarantine;
      b.values = b.values.filter((_, i) => result.fates[i].kind === 'stored');
      b.commit();
      for (const w of this.spaceWaiters.splice(0)) w();
      this.publish(b);
    }
  }

  /** After the commit: the answers, the counters and the duplicate memory follow what the database decided. */
  private settle(b: Batch, fates: Fate[]): void {
    b.values.forEach((v, i) => {
      const f = fates[i];
      const st = this.seriesStates.get(v.equipmentId)?.get(v.tag);
      if (st?.unsettled.get(v.ts) === v) st.unsettled.delete(v.ts);
      if (f.kind === 'stored') {
        this.metrics.stored++;
        v.ticket?.settle({ stored: true });
        return;
      }
      v.ticket?.settle({ stored: false, reason: f.kind === 'duplicate' ? `${v.tag}: the same value was stored for this instant before` : f.reason });
      if (f.kind === 'duplicate') {
        this.metrics.duplicates++;
        if (v.outcome) Object.assign(v.outcome, { status: 'duplicate' });
        return;
      }
      this.metrics.quarantined++;
      if (f.kind === 'conflict') this.metrics.conflicts++;
      else this.metrics.refused++;
      if (v.outcome) Object.assign(v.outcome, { status: 'quarantined', reason: f.reason });
      for (const c of v.copies ?? []) Object.assign(c, { status: 'quarantined', reason: `the same value was quarantined just before: ${f.reason}` });
      // remember what the database holds for the instant (a conflict), or nothing (a refused value was not stored)
      const recent = st?.recent;
      if (f.kind === 'conflict' && f.stored !== null) recent?.set(v.ts, f.stored);
      else if (recent?.get(v.ts) === v.value) recent.delete(v.ts);
    });
  }

  /** The collect section of /api/health: degraded while storing fails. */
  health(): CollectHealth {
    return collectHealth(this.metrics);
  }

  private publish(b: Batch): void {
    if (b.values.length)
      this.events.publish('collect.stored', {
        values: b.values.filter((v) => !v.late).map((v) => ({ equipmentId: v.equipmentId, tag: v.tag, ts: v.ts, value: v.value })),
      });
    const touched = new Set<string>([...b.derived.opens.map((o) => o.equipmentId), ...b.derived.rebuilds.keys()]);
    for (const id of touched) {
      const m = this.deriver.machines.get(id);
      if (m?.current)
        this.events.publish('collect.state', { equipmentId: id, state: m.current.state, bucket: m.current.bucket, since: m.current.start, online: m.online });
    }
    for (const c of b.derived.counts)
      this.events.publish('collect.counts', {
        equipmentId: c.equipmentId,
        ts: c.ts,
        kind: c.kind,
        delta: c.delta,
        shiftStart: b.contexts.get(c.contextKey ?? '')?.shiftStart ?? null,
      });
    for (const q of b.quarantine)
      this.events.publish('collect.quarantined', { receivedAt: q.receivedAt, equipmentPath: q.equipmentPath, reason: q.reason, topic: q.topic });
    for (const r of b.rewritten ?? []) if (r.rebuilt) this.events.publish('collect.rewritten', { equipmentId: r.equipmentId, from: r.from, to: r.to });
  }

  /** Waits until everything submitted so far is stored. */
  async drain(): Promise<void> {
    while (this.flushing || hasWork(this.pending)) {
      this.kick();
      await this.flushing;
    }
  }

  /** Stores what is buffered (giving up after a while if the database is away: unacknowledged data is resent). */
  async stop(timeoutMs = 10_000): Promise<void> {
    clearInterval(this.sweepTimer);
    await Promise.race([this.drain().catch(() => {}), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.stopped = true;
    this.accepted.abandon('collect stopped before storing it');
    for (const w of this.spaceWaiters.splice(0)) w();
  }
}

/** What became of one observation. */
export type Outcome = { status: 'accepted' } | { status: 'duplicate' } | { status: 'quarantined'; reason: string };
const DUPLICATE: Outcome = { status: 'duplicate' };

interface SeriesState {
  recent: Map<number, TagValue>;
  /** Values taken but not yet written, by ts: the database may still find them duplicate or conflicting. */
  unsettled: Map<number, PendingValue>;
  seqs: Map<string, TagValue>;
  lastStamp: number;
  latest: number;
}

/** Bounded memory of recent keys: the oldest goes first (Maps keep insertion order). */
function remember<K>(m: Map<K, TagValue>, k: K, v: TagValue, max: number): void {
  m.set(k, v);
  if (m.size > max) m.delete(m.keys().next().value as K);
}

const hasWork = (b: Batch) =>
  b.values.length > 0 ||
  b.quarantine.length > 0 ||
  b.derived.opens.length > 0 ||
  b.derived.closes.length > 0 ||
  b.derived.online.length > 0 ||
  b.derived.rebuilds.size > 0 ||
  b.submits > 0;
