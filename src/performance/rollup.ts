// Roll-ups: the time model per machine per hour (and per day), folded from collect's raw history by a watermark
// that follows the clock, and re-folded for the past hours that late data touched (marked in perf_dirty inside
// collect's own transactions through its onRewritten port, see index.ts). KPIs for a period read whole
// hours/days from the roll-ups and compute the partial edges and the current hour from raw, so they equal a
// from-raw computation (test: rollup.test.ts).
import type { CollectHistory } from '../collect/index.ts';
import type { Database, Querier } from '../platform/db/database.ts';
import { fromCommissioning } from './calendar-windows.ts';
import { firstInside, intersect, union, type Span } from './intervals.ts';
import * as repo from './performance.repository.ts';
import type { MachineInfo, PlantView } from './plant-view.ts';
import { addTotals, computeTimeModel, pbtWindows, stopsOf, zeroTotals, type CalendarFn, type CountRow, type TimeTotals } from './time-model.ts';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** An hour is folded once it is this far in the past: a collect transaction started in it has committed by then. */
export const SETTLE_MS = 120_000;
const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

export interface RollupOptions {
  minorStopThresholdS: number;
  now?: () => number;
  /** Progress of long folds (initial build, rebuild after a master-data change). */
  progress?: (done: number, total: number) => void;
}

/** Calendar windows computed once for a range and sliced for each hour inside it. */
function cachedCalendar(fn: CalendarFn, a: number, b: number): CalendarFn {
  const w = fn(a, b);
  const pot = union(w.pot);
  const planned = union(w.planned);
  return (from, to) => {
    if (from < a || to > b) return fn(from, to);
    const clip: Span[] = [{ start: from, end: to }];
    return { pot: intersect(pot, clip), planned: intersect(planned, clip) };
  };
}

export class Rollup {
  private chain: Promise<unknown> = Promise.resolve();
  /** Hours to re-fold at the next fold, per machine: a stop still going on and still short (until it ends or grows),
   *  the hour counting a failure still going on, or one whose length a later range learnt. */
  private provisional = new Map<string, Set<number>>();
  /** Hours counting a failure that ended, whose length a later range learnt: re-folded before the fold returns. */
  private learnt = new Map<string, Set<number>>();
  readonly now: () => number;
  /** First raw data per machine (its commissioning unless the plant model sets a date), loaded by each fold. */
  private firstData: Map<string, number> | undefined;
  /** The commissioning each machine's folded hours were computed with (to re-fold when it changes). */
  private foldedCommissioning = new Map<string, number>();

  constructor(
    private readonly database: Database,
    private readonly plant: PlantView,
    /** collect's history port: the raw history every figure is folded from */
    readonly history: CollectHistory,
    private readonly opts: RollupOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Runs fold work one at a time (a read that needs the roll-ups current waits for the running fold). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  // ------------------------------------------------------------------------------------- time model per machine

  /**
   * When a machine's planned time starts (issue #12 item 6): its `commissionedAt` property if set, else its first
   * data; Infinity while it has neither (never commissioned: no planned time at all).
   */
  commissioning(m: MachineInfo): number {
    return m.commissionedAt ?? this.firstData?.get(m.id) ?? Infinity;
  }

  /** The machine's calendar from its commissioning on (calendar-windows.ts). */
  calendarFn(m: MachineInfo): CalendarFn {
    return fromCommissioning(this.plant.calendarFn(m), this.commissioning(m));
  }

  private async loadFirstData(q: Querier = this.database): Promise<void> {
    this.firstData = await this.history.firstData(
      q,
      this.plant.machines().map((m) => m.id),
    );
  }

  private countRows(m: MachineInfo, counts: repo.RawCount[]): CountRow[] {
    const cache = new Map<string, number | null>();
    return counts.map((c) => {
      const key = `${c.orderId}|${c.operationId}`;
      let ict = cache.get(key);
      if (ict === undefined) cache.set(key, (ict = this.plant.idealCycleTime(m, c.orderId, c.operationId)));
      return { ts: c.ts, kind: c.kind, delta: c.delta, idealCycleTimeS: ict };
    });
  }

  /** Totals of one machine over [from, to) from its raw history. */
  private modelOf(m: MachineInfo, h: repo.RawHistory, from: number, to: number, now: number, calendar = this.calendarFn(m)): TimeTotals {
    return computeTimeModel({
      from,
      to,
      now,
      states: h.states,
      counts: this.countRows(m, h.counts),
      calendar,
      minorStopThresholdS: this.opts.minorStopThresholdS,
    });
  }

  private tailMs = () => this.opts.minorStopThresholdS * 1000;

  /** Each machine's plant conventions, by which the raw intervals are re-bucketed as they load (conventions.ts). */
  readonly conventions = (id: string) => this.plant.machine(id)?.conventions;

  /** Totals per machine over [from, to) computed from raw data only (the reference the roll-ups must match). */
  async fromRaw(machines: MachineInfo[], from: number, to: number, q: Querier = this.database): Promise<Map<string, TimeTotals>> {
    const now = this.now();
    if (!this.firstData) await this.loadFirstData(q);
    const out = new Map<string, TimeTotals>();
    for (let i = 0; i < machines.length; i += 50) {
      const chunk = machines.slice(i, i + 50);
      const raw = await repo.loadRaw(
        this.history,
        q,
        chunk.map((m) => m.id),
        from,
        Math.min(to, now),
        this.tailMs(),
        this.conventions,
      );
      for (const m of chunk) out.set(m.id, this.modelOf(m, raw.get(m.id)!, from, to, now));
    }
    return out;
  }

  /** Hour rows [a, b) of one machine from its raw history (loaded for the range). */
  hourRows(m: MachineInfo, h: repo.RawHistory, a: number, b: number, now: number): Array<{ equipmentId: string; hour: number; t: TimeTotals }> {
    const calendar = cachedCalendar(this.calendarFn(m), a - DAY, b + DAY);
    const stops = stopsOf(h.states, now, this.opts.minorStopThresholdS);
    const last = h.states.at(-1);
    const open = last && last.end === null ? stops.get(last) : undefined;
    const markIn = (set: Map<string, Set<number>>, t: number) => set.set(m.id, (set.get(m.id) ?? new Set<number>()).add(floorTo(t, HOUR)));
    const mark = (t: number) => markIn(this.provisional, t);
    if (open?.minor && open.start < b) mark(open.start);
    // A failure's whole restoration time (failureWholeS) is held by the hour that counts it (its first second of
    // planned busy time). Re-fold that hour when it lies before this range while the failure reaches into it (the
    // range may have learnt how long it lasts), and while the failure still goes on (it grows).
    for (const stop of new Set(stops.values())) {
      if (stop.minor || stop.end <= a || stop.start >= b) continue;
      const ongoing = stop === open;
      const first = firstInside(pbtWindows(calendar(stop.start, stop.end)).pbt, stop.start, stop.end);
      if (first === undefined || first >= b) continue;
      if (ongoing)
        mark(first); // next fold
      else if (first < a) markIn(this.learnt, first); // this fold (foldNow), so a read right after sees it
    }
    const counts = this.countRows(m, h.counts);
    const rows: Array<{ equipmentId: string; hour: number; t: TimeTotals }> = [];
    let si = 0;
    let ci = 0;
    for (let hour = a; hour < b; hour += HOUR) {
      const end = hour + HOUR;
      while (si < h.states.length && (h.states[si].end ?? now) <= hour) si++;
      let sj = si;
      while (sj < h.states.length && h.states[sj].start < end) sj++;
      while (ci < counts.length && counts[ci].ts < hour) ci++;
      let cj = ci;
      while (cj < counts.length && counts[cj].ts < end) cj++;
      const t = computeTimeModel({
        from: hour,
        to: end,
        now,
        states: h.states.slice(si, sj),
        counts: counts.slice(ci, cj),
        calendar,
        minorStopThresholdS: this.opts.minorStopThresholdS,
        stops,
      });
      rows.push({ equipmentId: m.id, hour, t });
    }
    return rows;
  }

  /** Folds whole hours [a, b) of these machines into perf_hour and their days into perf_day. */
  private async foldRange(machines: MachineInfo[], a: number, b: number): Promise<void> {
    const now = this.now();
    const step = 7 * DAY;
    for (let i = 0; i < machines.length; i += 20) {
      const chunk = machines.slice(i, i + 20);
      for (let s = a; s < b; s += step) {
        const e = Math.min(b, s + step);
        const raw = await repo.loadRaw(
          this.history,
          this.database,
          chunk.map((m) => m.id),
          s,
          e,
          this.tailMs(),
          this.conventions,
        );
        const rows = chunk.flatMap((m) => this.hourRows(m, raw.get(m.id)!, s, e, now));
        const days = new Map<string, { equipmentId: string; day: number }>();
        for (const r of rows) days.set(`${r.equipmentId}|${floorTo(r.hour, DAY)}`, { equipmentId: r.equipmentId, day: floorTo(r.hour, DAY) });
        await this.database.transaction(async (q) => {
          await repo.upsertHours(q, rows);
          await repo.refreshDays(q, [...days.values()]);
        });
      }
      this.opts.progress?.(Math.min(i + 20, machines.length), machines.length);
    }
  }

  // ------------------------------------------------------------------------------------- the fold job

  /** Brings the roll-ups up to date: late data first, then the watermark to the last settled hour. */
  fold(): Promise<void> {
    return this.serial(() => this.foldNow());
  }

  /** Forgets the roll-ups and builds them again (the calendar, routings or machines changed). */
  rebuild(): Promise<void> {
    return this.serial(async () => {
      await this.database.transaction((q) => repo.clearRollups(q));
      await this.foldNow();
    });
  }

  /** Re-folds these past hours of their machines (widened by the minor-stop threshold) inside the folded range. */
  private async refold(hours: Array<{ equipmentId: string; hour: number }>, fs: repo.FoldState): Promise<void> {
    const byMachine = new Map<string, number[]>();
    for (const d of hours) if (d.hour >= fs.from && d.hour < fs.until) byMachine.set(d.equipmentId, [...(byMachine.get(d.equipmentId) ?? []), d.hour]);
    for (const [id, hs] of byMachine) {
      const m = this.plant.machine(id);
      if (!m) continue;
      // a stop within the minor-stop threshold of a change may have changed its class (minor ↔ failure)
      for (const [a, b] of contiguous(hs)) {
        const lo = Math.max(fs.from, floorTo(a - this.tailMs(), HOUR));
        const hi = Math.min(fs.until, ceilTo(b + this.tailMs(), HOUR));
        await this.foldRange([m], lo, hi);
      }
    }
  }

  /** Re-folds the hours whose failures' whole length was learnt by the folds just done (each step goes further back). */
  private async refoldLearnt(fs: repo.FoldState): Promise<void> {
    for (let guard = 0; this.learnt.size && guard < 100; guard++) {
      const hours = [...this.learnt].flatMap(([equipmentId, hs]) => [...hs].map((hour) => ({ equipmentId, hour })));
      this.learnt.clear();
      await this.refold(hours, fs);
    }
    this.learnt.clear();
  }

  private async foldNow(): Promise<void> {
    const machines = this.plant.machines();
    const target = floorTo(this.now() - SETTLE_MS, HOUR);
    let fs = await repo.readFold(this.database);
    if (!fs) {
      const earliest = await this.history.earliestData(this.database);
      const start = Math.min(target, earliest === undefined ? target : floorTo(earliest, HOUR));
      fs = { from: start, until: start };
      await repo.writeFold(this.database, fs);
    }
    // a machine's commissioning moved (its first data arrived, or earlier data came late): the hours between the old
    // and the new instant change between outside and planned. After a start, the hours before it are folded again
    // once (roll-ups from an older version counted them as unknown).
    await this.loadFirstData();
    for (const m of machines) {
      const c = this.commissioning(m);
      const prev = this.foldedCommissioning.get(m.id);
      this.foldedCommissioning.set(m.id, c);
      if (prev === c || (prev === undefined && !Number.isFinite(c))) continue;
      const lo = Math.max(fs.from, prev === undefined ? fs.from : floorTo(Math.min(prev, c), HOUR));
      const hi = Math.min(fs.until, ceilTo(prev === undefined ? c : Math.max(prev, c), HOUR));
      if (lo < hi) await this.foldRange([m], lo, hi);
    }
    // late data: recompute the past hours it touched
    const dirty = await repo.readDirty(this.database);
    for (const [equipmentId, hours] of this.provisional) for (const hour of hours) dirty.hours.push({ equipmentId, hour });
    this.provisional.clear();
    if (dirty.hours.length) {
      const earliest = Math.min(...dirty.hours.map((d) => d.hour));
      if (earliest < fs.from) {
        await this.foldRange(machines, earliest, fs.from);
        fs = { ...fs, from: earliest };
        await repo.writeFold(this.database, fs);
      }
      await this.refold(dirty.hours, fs);
      await repo.deleteDirty(this.database, dirty.maxId);
    }
    if (fs.until < target) {
      for (let s = fs.until; s < target; s = Math.min(target, s + 7 * DAY)) {
        const e = Math.min(target, s + 7 * DAY);
        await this.foldRange(machines, s, e);
        fs = { ...fs, until: e };
        await repo.writeFold(this.database, fs);
      }
    }
    await this.refoldLearnt(fs);
  }

  // ------------------------------------------------------------------------------------- reads

  /**
   * Totals per machine over [from, to): whole hours inside the folded range from the roll-ups, the rest from raw.
   * `fresh` folds pending late data first, so a read sees every committed change.
   */
  async totals(machines: MachineInfo[], from: number, to: number, fresh = true): Promise<Map<string, TimeTotals>> {
    if (fresh) await this.fold();
    const now = this.now();
    const end = Math.max(from, Math.min(to, now));
    const fs = await repo.readFold(this.database);
    const out = new Map<string, TimeTotals>(machines.map((m) => [m.id, zeroTotals()]));
    const merge = (m: Map<string, TimeTotals>) => {
      for (const [id, t] of m) addTotals(out.get(id)!, t);
    };
    const a = fs ? Math.max(ceilTo(from, HOUR), fs.from) : Infinity;
    const b = fs ? Math.min(floorTo(end, HOUR), fs.until) : -Infinity;
    if (!(a < b)) {
      merge(await this.fromRaw(machines, from, end));
      return out;
    }
    let da = ceilTo(a, DAY);
    let db = floorTo(b, DAY);
    if (db <= da) da = db = a;
    merge(
      await repo.sumRollups(
        this.database,
        machines.map((m) => m.id),
        a,
        b,
        da,
        db,
      ),
    );
    if (from < a) merge(await this.fromRaw(machines, from, a));
    if (b < end) merge(await this.fromRaw(machines, b, end));
    return out;
  }
}

/** Sorted hour starts → [start, end) runs of consecutive hours. */
function contiguous(hours: number[]): Array<[number, number]> {
  const sorted = [...new Set(hours)].sort((x, y) => x - y);
  const out: Array<[number, number]> = [];
  for (const h of sorted) {
    const last = out.at(-1);
    if (last && last[1] === h) last[1] = h + HOUR;
    else out.push([h, h + HOUR]);
  }
  return out;
}
