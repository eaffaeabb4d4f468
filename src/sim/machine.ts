// Behaviour model of one virtual machine: pure and deterministic. Given a seed it produces the same tag changes for
// the same simulated time, whatever the wall clock does, so tests can run a shift in milliseconds and the live
// simulator only maps simulated time onto real time.
import { Degradation, type DegradationSpec } from './degradation.ts';
import { SimRng } from './rng.ts';
import type { ProcessParamSpec } from './plant.ts';

/** PackML states (ISA-TR88.00.02), by their names as published on the `state` tag. */
export type PackMLState =
  | 'Idle'
  | 'Starting'
  | 'Execute'
  | 'Completing'
  | 'Complete'
  | 'Resetting'
  | 'Holding'
  | 'Held'
  | 'Unholding'
  | 'Suspending'
  | 'Suspended'
  | 'Unsuspending'
  | 'Stopping'
  | 'Stopped'
  | 'Aborting'
  | 'Aborted'
  | 'Clearing';

export type SimValue = number | string;

export interface TagChange {
  /** Simulated epoch ms. */
  ts: number;
  tag: string;
  value: SimValue;
  /** Set on the good/scrap zeros of a deliberate counter reset (tests tell them apart from a bug). */
  reset?: true;
}

export interface TagInfo {
  name: string;
  type: 'string' | 'int' | 'double';
  unit?: string;
}

export interface MachineModelSpec {
  idealCycleTimeS: number;
  setupTimeS: number;
  parameters: ProcessParamSpec[];
}

export interface MachineOptions {
  seed: number;
  /** Simulated epoch ms at which the model starts. */
  startMs: number;
  counterResets?: boolean;
  /** Process values are sampled this often (simulated seconds, default 10) in every state. */
  sampleS?: number;
  /** Multiplies changeover durations (routing setupTimeS), e.g. 0.2 for a livelier demo. */
  setupScale?: number;
  /** Planned production time (calendar.ts), in simulated ms: a cycle starts only if it ends inside it; else Idle. */
  calendar?: (t: number) => { planned: boolean; until: number };
  /** Degradation mode (degradation.ts): a wearing component drifts a tag, adds micro-stops, then breaks down. */
  degradation?: DegradationSpec;
}

/** A machine starts up this long before planned time resumes after a break or between shifts. */
const STARTING_MS = 15_000;

/** Alarm codes a breakdown raises; the text is for people reading logs, only the code is published. */
export const ALARMS: Record<string, string> = {
  E101: 'heater band failure',
  E102: 'thermocouple break',
  E205: 'hydraulic pressure low',
  E230: 'drive overload',
  E310: 'tool protection tripped',
  E404: 'part not ejected / not removed',
  E512: 'safety gate fault',
};
const ALARM_CODES = Object.keys(ALARMS);

// Rates in simulated seconds of Execute time: chosen so a shift shows each kind of loss a few times per machine.
const MICROSTOP_MEAN_S = 15 * 60;
const BREAKDOWN_MTBF_S = 3 * 3600;
const CHANGEOVER_MEAN_S = 6 * 3600;
const COUNTER_RESET_MEAN_S = 4 * 3600;
const SCRAP_P = 0.02;
const SCRAP_P_OUT_OF_LIMITS = 0.25;
const SCRAP_P_STARTUP = 0.15; // start-up yield loss: the first shots after a start
const STARTUP_CYCLES = 3;
const SLOW_CYCLE_P = 0.04;
// Process values: a fast Ornstein–Uhlenbeck term around a slowly wandering mean (OU as well), so values mostly
// hover inside their limits but drift out for minutes now and then — what SPC and scrap rules need to see.
const FAST_TAU_S = 120;
const SLOW_TAU_S = 2 * 3600;
const FAST_SD = 1 / 3; // × half the tolerance band
const SLOW_SD = 0.25;

interface Phase {
  state: PackMLState;
  durMs: number;
  /** Alarm code to raise on entering the phase, or '' to clear it. */
  alarm?: string;
  resetCounters?: boolean;
}

interface Param {
  spec: ProcessParamSpec;
  half: number;
  decimals: number;
  fast: number; // deviation from the slow mean
  slow: number; // deviation of the slow mean from the target
  published?: number;
}

export interface MachineStats {
  stateMs: Partial<Record<PackMLState, number>>;
  cycles: number;
  microStops: number;
  breakdowns: number;
  changeovers: number;
  counterResets: number;
}
const round = (v: number, d: number) => Number(v.toFixed(d));

export class MachineModel {
  readonly tags: TagInfo[];
  private rng: SimRng;
  private t: number;
  private state: PackMLState = 'Execute';
  private stateSince: number;
  private phaseEnd = 0;
  private queue: Phase[] = [];
  private cycleMs = 0;
  private cyclesSinceStart = STARTUP_CYCLES;
  private nextSample: number;
  private paramT: number;
  private good: number;
  private scrap: number;
  private alarm = '';
  private lastCycleS: number;
  private params: Param[];
  private toMicro: number;
  private toBreakdown: number;
  private toChangeover: number;
  private toReset: number;
  private readonly sampleMs: number;
  private readonly wear?: Degradation;
  private readonly idealMs: number;
  private readonly st: MachineStats = { stateMs: {}, cycles: 0, microStops: 0, breakdowns: 0, changeovers: 0, counterResets: 0 };

  constructor(
    private readonly spec: MachineModelSpec,
    private readonly opts: MachineOptions,
  ) {
    this.rng = new SimRng(opts.seed);
    if (opts.degradation) this.wear = new Degradation(opts.degradation);
    this.t = this.stateSince = this.paramT = opts.startMs;
    this.idealMs = Math.max(0.1, spec.idealCycleTimeS) * 1000;
    this.sampleMs = (opts.sampleS ?? 10) * 1000;
    this.params = spec.parameters.map((p) => {
      const half = p.min !== undefined && p.max !== undefined && p.max > p.min ? (p.max - p.min) / 2 : Math.abs(p.target) * 0.05 || 1;
      const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(half)) + 2));
      return { spec: p, half, decimals, fast: this.rng.normal() * FAST_SD * half, slow: this.rng.normal() * SLOW_SD * half };
    });
    // A machine found mid-life: counters well above zero, and a random phase so machines do not cycle in lockstep.
    this.good = 1000 + this.rng.int(50_000);
    this.scrap = Math.floor(this.good * this.rng.uniform(0.01, 0.04));
    this.lastCycleS = round(spec.idealCycleTimeS, 3);
    this.startCycle(opts.startMs - this.rng.uniform(0, 0.95) * this.idealMs);
    // found outside planned time (or in a cycle that would end there): it waits Idle
    const wait = this.waitPhases(opts.startMs, this.phaseEnd);
    if (wait) {
      this.state = 'Idle';
      this.phaseEnd = opts.startMs + wait[0].durMs;
      this.queue = wait.slice(1);
    }
    this.nextSample = opts.startMs + this.rng.uniform(0, this.sampleMs);
    this.toMicro = this.rng.exp(MICROSTOP_MEAN_S * 1000);
    this.toBreakdown = this.rng.exp(BREAKDOWN_MTBF_S * 1000);
    this.toChangeover = this.rng.exp(CHANGEOVER_MEAN_S * 1000);
    this.toReset = this.rng.exp(COUNTER_RESET_MEAN_S * 1000);
    this.tags = [
      { name: 'state', type: 'string' },
      { name: 'good', type: 'int' },
      { name: 'scrap', type: 'int' },
      { name: 'cycle_time', type: 'double', unit: 's' },
      { name: 'alarm', type: 'string' },
      ...spec.parameters.map((p): TagInfo => ({ name: p.name, type: 'double', ...(p.unit ? { unit: p.unit } : {}) })),
    ];
  }

  /** Current simulated time (epoch ms). */
  get now(): number {
    return this.t;
  }

  get currentState(): PackMLState {
    return this.state;
  }

  get degradation(): Degradation | undefined {
    return this.wear;
  }

  /** Every tag's current value, stamped now: what a machine sends on (re)connect or in a Sparkplug birth. */
  snapshot(): TagChange[] {
    const ts = this.t;
    const out: TagChange[] = [
      { ts, tag: 'state', value: this.state },
      { ts, tag: 'good', value: this.good },
      { ts, tag: 'scrap', value: this.scrap },
      { ts, tag: 'cycle_time', value: this.lastCycleS },
      { ts, tag: 'alarm', value: this.alarm },
    ];
    for (const p of this.params) out.push({ ts, tag: p.spec.name, value: p.published ?? this.paramValue(p) });
    return out;
  }

  /** Advances simulated time to `toMs` and returns the tag changes in time order. */
  step(toMs: number): TagChange[] {
    const out: TagChange[] = [];
    for (;;) {
      const sampleFirst = this.nextSample <= this.phaseEnd;
      const next = sampleFirst ? this.nextSample : this.phaseEnd;
      if (next > toMs) break;
      this.t = next;
      if (sampleFirst) {
        this.sample(next, out);
        this.nextSample += this.sampleMs;
      } else this.endPhase(next, out);
    }
    if (toMs > this.t) this.t = toMs;
    return out;
  }

  stats(): MachineStats {
    const stateMs = { ...this.st.stateMs };
    stateMs[this.state] = (stateMs[this.state] ?? 0) + (this.t - this.stateSince);
    return { ...this.st, stateMs };
  }

  /**
   * A recipe download: setpoints `<parameter>.sp` (or the bare parameter name) become the parameters' new targets, so
   * the process values settle around them. Returns the setpoint tags to report back, or the reason for refusing.
   */
  applySetpoints(values: Record<string, unknown>, ts: number): { changes: TagChange[] } | { error: string } {
    const updates: Array<[Param, number]> = [];
    const programs: TagChange[] = [];
    for (const [key, v] of Object.entries(values)) {
      const name = key.endsWith('.sp') ? key.slice(0, -3) : key;
      const p = this.params.find((x) => x.spec.name === name);
      // a text setting (a test program, a label layout) is adopted and echoed as it is
      if (!p && typeof v === 'string' && v.length <= 200) {
        programs.push({ ts, tag: `${name}.sp`, value: v });
        continue;
      }
      if (!p) return { error: `unknown setpoint ${key}` };
      if (typeof v !== 'number' || !Number.isFinite(v)) return { error: `setpoint ${key} must be a number` };
      updates.push([p, v]);
    }
    const changes: TagChange[] = [...programs];
    for (const [p, v] of updates) {
      p.spec = { ...p.spec, target: v };
      changes.push({ ts, tag: `${p.spec.name}.sp`, value: v });
    }
    return { changes };
  }

  private paramValue(p: Param): number {
    const worn = this.wear && p.spec.name === this.wear.tag ? this.wear.offset(p.half) : 0;
    return round(p.spec.target + p.slow + p.fast + worn, p.decimals);
  }

  /** Exact OU update over dt, so the result does not depend on how often the model is stepped. */
  private advanceParams(t: number): void {
    const dt = (t - this.paramT) / 1000;
    if (dt <= 0) return;
    this.paramT = t;
    const af = Math.exp(-dt / FAST_TAU_S);
    const as = Math.exp(-dt / SLOW_TAU_S);
    for (const p of this.params) {
      p.fast = p.fast * af + FAST_SD * p.half * Math.sqrt(1 - af * af) * this.rng.normal();
      p.slow = p.slow * as + SLOW_SD * p.half * Math.sqrt(1 - as * as) * this.rng.normal();
    }
  }

  private outOfLimits(): boolean {
    return this.params.some((p) => {
      const v = this.paramValue(p);
      return (p.spec.min !== undefined && v < p.spec.min) || (p.spec.max !== undefined && v > p.spec.max);
    });
  }

  private sample(t: number, out: TagChange[]): void {
    this.advanceParams(t);
    for (const p of this.params) {
      const v = this.paramValue(p);
      if (v === p.published) continue; // report by exception, as machines with a deadband do
      p.published = v;
      out.push({ ts: t, tag: p.spec.name, value: v });
    }
  }

  private setState(s: PackMLState, t: number, out: TagChange[]): void {
    if (s === this.state) return;
    this.st.stateMs[this.state] = (this.st.stateMs[this.state] ?? 0) + (t - this.stateSince);
    this.state = s;
    this.stateSince = t;
    out.push({ ts: t, tag: 'state', value: s });
  }

  /**
   * Waiting phases when a cycle from `t` would not end inside planned time (calendar option): Idle until shortly
   * before planned time resumes, then Starting. Null when the cycle fits, or without a calendar.
   */
  private waitPhases(t: number, cycleEnd: number): Phase[] | null {
    const cal = this.opts.calendar;
    const c = cal?.(t);
    if (!cal || !c || (c.planned && cycleEnd <= c.until)) return null;
    const resume = c.planned ? cal(c.until).until : c.until;
    return [
      { state: 'Idle', durMs: Math.max(1, resume - STARTING_MS - t) },
      { state: 'Starting', durMs: STARTING_MS },
    ];
  }

  /** Starts the next cycle in Execute, or waits for planned time when it would not end inside it. */
  private runOrWait(t: number, out: TagChange[]): void {
    this.startCycle(t);
    const wait = this.waitPhases(t, this.phaseEnd);
    if (wait) {
      this.queue = wait;
      return this.enterNext(t, out);
    }
    this.setState('Execute', t, out);
  }

  private startCycle(t: number): void {
    // never faster than the ideal cycle time: the ideal (ISO 22400-2 PRI) is the best the machine can do, so a demo
    // whose parts come faster would show an effectiveness above 100 % (issue #12 item 6)
    let f = Math.max(1, 1 + 0.015 * this.rng.normal());
    if (this.rng.chance(SLOW_CYCLE_P)) f *= this.rng.uniform(1.1, 1.6); // sticky part, slow robot, operator late
    this.cycleMs = Math.round(this.idealMs * f);
    this.phaseEnd = Math.round(t) + this.cycleMs;
  }

  private resetCounters(t: number, out: TagChange[]): void {
    this.good = 0;
    this.scrap = 0;
    this.st.counterResets++;
    out.push({ ts: t, tag: 'good', value: 0, reset: true }, { ts: t, tag: 'scrap', value: 0, reset: true });
  }

  private endPhase(t: number, out: TagChange[]): void {
    if (this.state === 'Execute') this.endCycle(t, out);
    else this.enterNext(t, out);
  }

  private enterNext(t: number, out: TagChange[]): void {
    const next = this.queue.shift();
    if (!next) return this.runOrWait(t, out);
    this.setState(next.state, t, out);
    if (next.alarm !== undefined && next.alarm !== this.alarm) {
      this.alarm = next.alarm;
      out.push({ ts: t, tag: 'alarm', value: next.alarm });
    }
    if (next.resetCounters) this.resetCounters(t, out);
    if (next.state === 'Starting') this.cyclesSinceStart = 0;
    this.phaseEnd = t + Math.max(1, Math.round(next.durMs));
  }

  private endCycle(t: number, out: TagChange[]): void {
    this.advanceParams(t);
    const p = this.cyclesSinceStart < STARTUP_CYCLES ? SCRAP_P_STARTUP : this.outOfLimits() ? SCRAP_P_OUT_OF_LIMITS : SCRAP_P;
    this.cyclesSinceStart++;
    this.st.cycles++;
    this.lastCycleS = round(this.cycleMs / 1000, 3);
    out.push({ ts: t, tag: 'cycle_time', value: this.lastCycleS });
    if (this.rng.chance(p)) out.push({ ts: t, tag: 'scrap', value: ++this.scrap });
    else out.push({ ts: t, tag: 'good', value: ++this.good });
    this.toMicro -= this.cycleMs * (this.wear?.microStopRate ?? 1);
    this.toBreakdown -= this.cycleMs;
    this.toChangeover -= this.cycleMs;
    this.toReset -= this.cycleMs;
    if (this.opts.counterResets && this.toReset <= 0) {
      this.toReset = this.rng.exp(COUNTER_RESET_MEAN_S * 1000);
      this.resetCounters(t, out);
    }
    const phases = this.incident(t, this.wear?.run(this.cycleMs) ?? false);
    if (!phases) return this.runOrWait(t, out);
    this.queue = phases;
    this.enterNext(t, out);
  }

  /** The loss that interrupts production after this cycle, if any: breakdown before changeover before micro-stop. */
  private incident(t: number, wornOut: boolean): Phase[] | null {
    const r = this.rng;
    const s = (a: number, b: number) => r.uniform(a, b) * 1000;
    if (this.toBreakdown <= 0 || wornOut) {
      if (!wornOut) this.toBreakdown = r.exp(BREAKDOWN_MTBF_S * 1000);
      this.st.breakdowns++;
      const code = wornOut && this.wear ? this.wear.alarm : r.pick(ALARM_CODES);
      if (wornOut) this.wear?.replace(t); // the repair fits a new component (degradation.ts)
      const repairMs = Math.min(90 * 60_000, Math.max(2 * 60_000, r.logNormal(12 * 60_000, 0.7)));
      if (r.chance(0.4)) {
        // Operator holds the machine, fixes it, resumes the same order.
        return [
          { state: 'Holding', durMs: s(1, 3), alarm: code },
          { state: 'Held', durMs: repairMs },
          { state: 'Unholding', durMs: s(2, 5), alarm: '' },
        ];
      }
      return [
        { state: 'Aborting', durMs: s(1, 4), alarm: code },
        { state: 'Aborted', durMs: repairMs },
        { state: 'Clearing', durMs: s(10, 60), alarm: '' },
        { state: 'Stopped', durMs: s(5, 60) },
        { state: 'Resetting', durMs: s(5, 15) },
        { state: 'Idle', durMs: s(5, 60) },
        { state: 'Starting', durMs: s(10, 30) },
      ];
    }
    if (this.toChangeover <= 0) {
      this.toChangeover = r.exp(CHANGEOVER_MEAN_S * 1000);
      this.st.changeovers++;
      const setupS = this.spec.setupTimeS > 0 ? this.spec.setupTimeS * r.uniform(0.8, 1.3) : r.uniform(60, 180);
      return [
        { state: 'Completing', durMs: s(3, 8) },
        { state: 'Complete', durMs: s(30, 120) },
        { state: 'Stopping', durMs: s(2, 5) },
        { state: 'Stopped', durMs: setupS * 1000 * (this.opts.setupScale ?? 1) },
        // A new order starts: machines that count per order zero their counters here.
        { state: 'Resetting', durMs: s(5, 15), resetCounters: !!this.opts.counterResets },
        { state: 'Idle', durMs: s(10, 60) },
        { state: 'Starting', durMs: s(30, 90) },
      ];
    }
    if (this.toMicro <= 0) {
      this.toMicro = r.exp(MICROSTOP_MEAN_S * 1000);
      this.st.microStops++;
      // Starved or blocked for a few seconds: a minor stop with no alarm.
      return [
        { state: 'Suspending', durMs: s(0.3, 1) },
        { state: 'Suspended', durMs: Math.min(60_000, Math.max(2000, r.logNormal(8000, 0.6))) },
        { state: 'Unsuspending', durMs: s(0.3, 1) },
      ];
    }
    return null;
  }
}
