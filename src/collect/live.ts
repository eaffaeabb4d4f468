// The live projection for browsers: one tile per machine (state, time in state, shift counts, last cycle, alarm,
// staleness), kept current from the pipeline's events and pushed to subscribers at most once a second per machine.
import type { EventBus, EventMap } from '../platform/events.ts';
import * as repo from './collect.repository.ts';
import type { CollectService } from './collect.service.ts';
import type { Database } from '../platform/db/database.ts';
import type { MachineTile } from './schemas.ts';

export type { MachineTile };

interface Extra {
  shiftStart: number;
  good: number;
  scrap: number;
  cycleTime: number | null;
  alarm: string | null;
}

export type LiveEvent =
  | { type: 'machine'; data: MachineTile }
  | { type: 'value'; data: EventMap['collect.stored']['values'][number] }
  | { type: 'quarantine'; data: EventMap['collect.quarantined'] }
  /** Takt is shutting down: streams end so browsers reconnect to the next instance at once. */
  | { type: 'end'; data: null };

const DAY = 86_400_000;

export class LiveView {
  private extra = new Map<string, Extra>();
  private dirty = new Set<string>();
  private listeners = new Set<(e: LiveEvent) => void>();
  private timer?: NodeJS.Timeout;
  private unsubscribers: Array<() => void> = [];

  constructor(
    private readonly collect: CollectService,
    private readonly events: EventBus,
    private readonly database: Database,
  ) {}

  /** Without a shift, counts run from local midnight UTC of the day. */
  private shiftStartOf(equipmentId: string, now: number): number {
    return this.collect.contexts.at(equipmentId, now).shiftStart ?? now - (now % DAY);
  }

  async start(): Promise<void> {
    const now = Date.now();
    const machines = this.collect.machineStates();
    const starts = new Map<number, string[]>();
    for (const { eq } of machines) {
      const s = this.shiftStartOf(eq.id, now);
      this.extra.set(eq.id, { shiftStart: s, good: 0, scrap: 0, cycleTime: null, alarm: null });
      starts.set(s, [...(starts.get(s) ?? []), eq.id]);
    }
    for (const [from, ids] of starts) {
      const wanted = new Set(ids);
      for (const r of await repo.countsSince(this.database, from)) {
        const x = this.extra.get(r.equipmentId);
        if (x && wanted.has(r.equipmentId)) x[r.kind as 'good' | 'scrap'] = Number(r.total);
      }
    }
    const series: number[] = [];
    const owner = new Map<number, { id: string; role: string }>();
    for (const { eq } of machines)
      for (const t of eq.tags.values())
        if (t.role === 'cycle_time' || t.role === 'alarm') {
          const sid = this.collect.pipeline.series.get(`${eq.id}|${t.name}`);
          if (sid !== undefined) series.push(sid), owner.set(sid, { id: eq.id, role: t.role });
        }
    for (const r of await repo.latestValues(this.database, series)) {
      const o = owner.get(r.seriesId)!;
      const x = this.extra.get(o.id)!;
      if (o.role === 'cycle_time') x.cycleTime = r.num;
      else x.alarm = r.txt || null;
    }
    this.unsubscribers.push(
      this.events.subscribe('collect.state', (e) => this.dirty.add(e.equipmentId)),
      this.events.subscribe('collect.counts', (e) => this.onCount(e)),
      this.events.subscribe('collect.stored', (e) => this.onValues(e)),
      this.events.subscribe('collect.quarantined', (e) => this.emit({ type: 'quarantine', data: e })),
    );
    this.timer = setInterval(() => this.flush(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribers) u();
    this.emit({ type: 'end', data: null });
    this.listeners.clear();
  }

  private extraOf(id: string): Extra {
    let x = this.extra.get(id);
    if (!x) this.extra.set(id, (x = { shiftStart: this.shiftStartOf(id, Date.now()), good: 0, scrap: 0, cycleTime: null, alarm: null }));
    return x;
  }

  private onCount(e: EventMap['collect.counts']): void {
    const x = this.extraOf(e.equipmentId);
    const start = e.shiftStart ?? e.ts - (e.ts % DAY);
    if (start > x.shiftStart) Object.assign(x, { shiftStart: start, good: 0, scrap: 0 });
    if (start === x.shiftStart) x[e.kind] += e.delta;
    this.dirty.add(e.equipmentId);
  }

  private onValues(e: EventMap['collect.stored']): void {
    for (const v of e.values) {
      const eq = this.collect.registry.byEquipmentId(v.equipmentId);
      const role = eq?.tags.get(v.tag)?.role;
      if (role === 'cycle_time') this.extraOf(v.equipmentId).cycleTime = v.value as number;
      else if (role === 'alarm') this.extraOf(v.equipmentId).alarm = String(v.value) || null;
      this.dirty.add(v.equipmentId);
      if (this.listeners.size) this.emit({ type: 'value', data: v });
    }
  }

  private flush(): void {
    const now = Date.now();
    // a new shift resets the counts even before its first part
    for (const [id, x] of this.extra) {
      const s = this.shiftStartOf(id, now);
      if (s > x.shiftStart) Object.assign(x, { shiftStart: s, good: 0, scrap: 0 }), this.dirty.add(id);
    }
    if (!this.listeners.size) return this.dirty.clear();
    const tiles = new Map(this.tiles(now).map((t) => [t.equipmentId, t]));
    for (const id of this.dirty) {
      const t = tiles.get(id);
      if (t) this.emit({ type: 'machine', data: t });
    }
    this.dirty.clear();
  }

  tiles(now = Date.now()): MachineTile[] {
    return this.collect.machineStates().map(({ eq, m, state, bucket, since }) => {
      const x = this.extra.get(eq.id);
      const lastSeen = m?.lastSeen ? m.lastSeen : null;
      return {
        equipmentId: eq.id,
        path: eq.path,
        name: eq.name,
        state,
        bucket,
        since: since === null ? null : new Date(since).toISOString(),
        online: m?.online ?? false,
        lastSeen: lastSeen === null ? null : new Date(lastSeen).toISOString(),
        stale: lastSeen === null || now - lastSeen > eq.staleAfterS * 1000 || state === 'Unknown',
        good: x?.good ?? 0,
        scrap: x?.scrap ?? 0,
        cycleTime: x?.cycleTime ?? null,
        alarm: x?.alarm ?? null,
      };
    });
  }

  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }
}
