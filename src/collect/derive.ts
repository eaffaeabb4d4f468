// Derive: machine state intervals and part counts from the cleaned stream, per equipment, in time order.
// Pure and in memory; the pipeline writes what it returns. Late values (older than what was already derived) are
// stored as history and reported, so the derived records can be rebuilt from history rather than corrupted.
import { counterDelta } from './counters.ts';
import type { CleanValue } from './clean.ts';
import { bucketOf, type Bucket, type MachineState, type Mode, type PackmlState } from './states.ts';

export interface OpenInterval {
  equipmentId: string;
  start: number;
  state: MachineState;
  bucket: Bucket;
  contextKey: string | null;
}

export interface CountDelta {
  equipmentId: string;
  ts: number;
  kind: 'good' | 'scrap';
  delta: number;
  contextKey: string | null;
}

export interface Derived {
  /** Intervals to close: the open interval of the equipment that started at `start` ends at `end`. */
  closes: Array<{ equipmentId: string; start: number; end: number }>;
  /** Intervals to open (upsert by equipment + start). */
  opens: OpenInterval[];
  counts: CountDelta[];
  /** Equipment whose derived records must be rebuilt from history from this instant on (late data). */
  rebuilds: Map<string, number>;
  /** Online/offline changes decided here (staleness, data resuming): stored as `_online` values for replay. */
  online: Array<{ equipmentId: string; ts: number; online: boolean }>;
}

export const emptyDerived = (): Derived => ({ closes: [], opens: [], counts: [], rebuilds: new Map(), online: [] });

export interface LiveMachine {
  equipmentId: string;
  state?: PackmlState;
  mode: Mode;
  online: boolean;
  current?: OpenInterval;
  /** Receipt time of the latest data (for staleness). */
  lastSeen: number;
  /** The data's own timestamp of the latest value taken in time order (for silences in timestamped history). */
  lastData?: number;
  /** Inside a silence of the data (set only while its Unknown interval is opened). */
  silent?: boolean;
  counters: Map<string, { value: number; ts: number }>;
}

/** The state as it counts: a machine that is offline is 'Unknown', whatever it said last. */
export const effectiveState = (m: Pick<LiveMachine, 'state' | 'online' | 'silent'>): MachineState => (!m.online || m.silent || !m.state ? 'Unknown' : m.state);

export class Deriver {
  readonly machines = new Map<string, LiveMachine>();

  machine(equipmentId: string): LiveMachine {
    let m = this.machines.get(equipmentId);
    if (!m) {
      m = { equipmentId, mode: 'Production', online: true, lastSeen: 0, counters: new Map() };
      this.machines.set(equipmentId, m);
    }
    return m;
  }

  /** Applies one clean value; returns true if it arrived late (older than what was derived already). */
  apply(v: CleanValue, contextKey: string | null, out: Derived, contextKeyAt: (ts: number) => string | null = () => contextKey): boolean {
    const m = this.machine(v.eq.id);
    m.lastSeen = Math.max(m.lastSeen, v.obs.receivedAt);
    const role = v.tag.role;
    const silence = () => this.silence(m, v.ts, v.eq.staleAfterS * 1000, contextKeyAt, out);
    if (role === 'online' && v.value === true && !m.online && m.current && v.ts < m.current.start) return this.late(out, m.equipmentId, v.ts);
    if (role === 'state' || role === 'mode' || role === 'online') {
      if (m.current && v.ts < m.current.start) return this.late(out, m.equipmentId, v.ts);
      if (role !== 'online') silence();
      if (role === 'state') m.state = v.value as PackmlState;
      else if (role === 'mode') m.mode = v.value as Mode;
      else m.online = v.value as boolean;
      this.transition(m, v.ts, contextKey, out);
      return false;
    }
    const lastCount = role === 'good' || role === 'scrap' ? m.counters.get(v.tag.name) : undefined;
    if (!lastCount || v.ts >= lastCount.ts) silence();
    // data flowing again means a source that had gone quiet is back
    if (!m.online && (!m.current || v.ts >= m.current.start)) {
      m.online = true;
      out.online.push({ equipmentId: m.equipmentId, ts: v.ts, online: true });
      this.transition(m, v.ts, contextKey, out);
    }
    if (role === 'good' || role === 'scrap') {
      const last = m.counters.get(v.tag.name);
      if (last && v.ts < last.ts) return this.late(out, m.equipmentId, v.ts);
      const delta = counterDelta(last?.value, v.value as number, v.tag.rollover);
      m.counters.set(v.tag.name, { value: v.value as number, ts: v.ts });
      if (delta > 0) out.counts.push({ equipmentId: m.equipmentId, ts: v.ts, kind: role, delta, contextKey });
    }
    return false;
  }

  /**
   * Silence judged on the data's own timestamps (issue #12 item 3): when the next value in time order comes more than
   * the stale limit after the machine's previous one, the machine was Unknown from that previous value until this one —
   * the same rule the live sweep applies on arrival (offline from the time of the last data), so backfilled,
   * store-and-forward and late history get the same unknown time as live data. Not stored as `_online` values: a
   * rebuild finds the silences again from the stored data (values filling the hole later remove it).
   */
  private silence(m: LiveMachine, ts: number, limitMs: number, contextKeyAt: (ts: number) => string | null, out: Derived): void {
    const last = m.lastData;
    if (last !== undefined && ts <= last) return;
    m.lastData = ts;
    if (last === undefined || ts - last <= limitMs || !m.online || !m.current) return;
    const at = Math.max(last, m.current.start);
    if (at >= ts) return;
    m.silent = true;
    this.transition(m, at, contextKeyAt(at), out);
    m.silent = false;
    this.transition(m, ts, contextKeyAt(ts), out);
  }

  /** The source of this equipment went offline or came back (Sparkplug death/birth, staleness). */
  setOnline(equipmentId: string, online: boolean, at: number, contextKey: string | null, out: Derived): void {
    const m = this.machine(equipmentId);
    if (m.online === online) return;
    if (m.current && at < m.current.start) at = m.current.start;
    m.online = online;
    out.online.push({ equipmentId, ts: at, online });
    this.transition(m, at, contextKey, out);
  }

  /** Opens a new interval at ts when the effective state or bucket changed. */
  private transition(m: LiveMachine, ts: number, contextKey: string | null, out: Derived): void {
    const state = effectiveState(m);
    const bucket = bucketOf(state, m.mode);
    const cur = m.current;
    if (cur && cur.state === state && cur.bucket === bucket) return;
    const next: OpenInterval = { equipmentId: m.equipmentId, start: ts, state, bucket, contextKey };
    if (cur && cur.start < ts) out.closes.push({ equipmentId: m.equipmentId, start: cur.start, end: ts });
    // an interval that started at this very instant is replaced (upsert), not closed with zero length
    out.opens.push(next);
    m.current = next;
  }

  private late(out: Derived, equipmentId: string, ts: number): true {
    const prev = out.rebuilds.get(equipmentId);
    out.rebuilds.set(equipmentId, prev === undefined ? ts : Math.min(prev, ts));
    return true;
  }

  /** Machines silent for longer than their limit go offline from the time of their last data. */
  sweep(now: number, staleAfterMs: (equipmentId: string) => number, contextKeyAt: (equipmentId: string, ts: number) => string | null, out: Derived): string[] {
    const gone: string[] = [];
    for (const m of this.machines.values()) {
      if (!m.online || m.lastSeen === 0) continue;
      if (now - m.lastSeen > staleAfterMs(m.equipmentId)) {
        const at = Math.max(m.lastSeen, m.current?.start ?? 0);
        this.setOnline(m.equipmentId, false, at, contextKeyAt(m.equipmentId, at), out);
        gone.push(m.equipmentId);
      }
    }
    return gone;
  }
}

/** Replays a time-ordered history of state/mode/online values into intervals (used to rebuild after late data). */
export function replayIntervals(
  equipmentId: string,
  initial: { state?: PackmlState; mode?: Mode; online?: boolean },
  events: Array<{ ts: number; role: 'state' | 'mode' | 'online' | 'silent'; value: unknown }>,
  contextKeyAt: (ts: number) => string | null,
): { intervals: Array<OpenInterval & { end: number | null }>; final: Pick<LiveMachine, 'state' | 'mode' | 'online'> } {
  const m = { state: initial.state, mode: initial.mode ?? ('Production' as Mode), online: initial.online ?? true, silent: false };
  const intervals: Array<OpenInterval & { end: number | null }> = [];
  const push = (ts: number) => {
    const state = effectiveState(m);
    const bucket = bucketOf(state, m.mode);
    const last = intervals.at(-1);
    if (last && last.state === state && last.bucket === bucket) return;
    if (last && last.start === ts) intervals.pop();
    else if (last) last.end = ts;
    const prev = intervals.at(-1);
    if (prev && prev.state === state && prev.bucket === bucket) {
      prev.end = null;
      return;
    }
    intervals.push({ equipmentId, start: ts, end: null, state, bucket, contextKey: contextKeyAt(ts) });
  };
  if (events.length) push(events[0].ts);
  for (const e of events) {
    if (e.role === 'state') m.state = e.value as PackmlState;
    else if (e.role === 'mode') m.mode = e.value as Mode;
    else if (e.role === 'silent') m.silent = e.value as boolean;
    else m.online = e.value as boolean;
    push(e.ts);
  }
  return { intervals, final: { state: m.state, mode: m.mode, online: m.online } };
}
