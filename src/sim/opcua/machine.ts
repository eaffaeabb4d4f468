// The behaviour behind the simulated OPC UA machine: the shared MachineModel (PackML states, cycles, counters,
// drifting process values) plus what an OPC UA machine adds — Stop/Start methods and writable setpoints the
// machine adopts. Pure apart from the clock it is given, so it is testable without a server.
import { MachineModel, type PackMLState, type TagChange } from '../machine.ts';

export type SimValue = number | string;

/** A tag change stamped with the wall-clock instant it happens (epoch ms). */
export interface WallChange {
  tag: string;
  value: SimValue;
  wallTs: number;
}

/** Writable setpoints: name → [default, min, max]. Values outside the range are refused (BadOutOfRange). */
export const SETPOINTS = {
  SetMeltTemperature: [230, 180, 300],
  SetHoldingTime: [4, 0.5, 20],
} as const satisfies Record<string, readonly [number, number, number]>;
export type SetpointName = keyof typeof SETPOINTS;

/** Tags the machine object exposes (besides setpoints), as the MachineModel names them. */
export const MACHINE_TAGS = ['state', 'good', 'scrap', 'cycle_time', 'alarm', 'meltTemperature', 'mouldTemperature', 'injectionPressure'] as const;
export type MachineTag = (typeof MACHINE_TAGS)[number];

// PackML (ISA-TR88.00.02): Stop is accepted in every state but Stopped/Stopping (and the abort branch, where the
// machine is already down); Start leaves Idle. The simulator lets Start leave Stopped/Aborted/Complete directly
// (it folds Reset into Start) so tests need one method per direction.
const STOP_REFUSED: PackMLState[] = ['Stopping', 'Stopped', 'Aborting', 'Aborted'];
const START_FROM: PackMLState[] = ['Stopped', 'Idle', 'Aborted', 'Complete'];
/** How long the transient states Stopping/Starting last, in simulated ms. */
const TRANSITION_MS = 2000;

export interface CommandOutcome {
  ok: boolean;
  reason?: string;
}

/** The simulated press's ideal cycle (s): the demo plant's idealCycleTime of the machine it stands for matches it. */
export const OPCUA_SIM_CYCLE_S = 20;

export class OpcuaSimMachine {
  private readonly model: MachineModel;
  private readonly values = new Map<string, SimValue>();
  private readonly setpoints = new Map<SetpointName, number>();
  /** Simulated ms = simStart + (wall − wallStart − pausedWall) × speed while running. */
  private simNow: number;
  private lastWall: number;
  /** Commanded state overriding the model's (Stopping/Stopped/Starting); null while the model runs. */
  private override: { state: PackMLState; until: number | null; after: PackMLState | null } | null = null;

  constructor(private readonly opts: { seed: number; speed: number; wallNow: number }) {
    this.simNow = opts.wallNow;
    this.lastWall = opts.wallNow;
    this.model = new MachineModel(
      {
        idealCycleTimeS: OPCUA_SIM_CYCLE_S,
        setupTimeS: 600,
        parameters: [
          { name: 'meltTemperature', target: 230, min: 220, max: 240, unit: '°C' },
          { name: 'mouldTemperature', target: 45, min: 40, max: 50, unit: '°C' },
          { name: 'injectionPressure', target: 900, min: 850, max: 950, unit: 'bar' },
        ],
      },
      // Process values sampled every simulated second, so a test at speed 10 sees several changes a second.
      { seed: opts.seed, startMs: opts.wallNow, sampleS: 1 },
    );
    for (const [k, v] of Object.entries(SETPOINTS)) this.setpoints.set(k as SetpointName, v[0]);
    for (const c of this.model.snapshot()) this.values.set(c.tag, this.adjust(c.tag, c.value));
  }

  get(tag: MachineTag): SimValue {
    return this.values.get(tag) ?? (tag === 'state' || tag === 'alarm' ? '' : 0);
  }

  getSetpoint(name: SetpointName): number {
    return this.setpoints.get(name)!;
  }

  /** Adopts a setpoint; refuses values outside the machine's range. */
  setSetpoint(name: SetpointName, value: number): CommandOutcome {
    const [, min, max] = SETPOINTS[name];
    if (!Number.isFinite(value) || value < min || value > max) return { ok: false, reason: `${name} must be within ${min}…${max}` };
    this.setpoints.set(name, value);
    return { ok: true };
  }

  stop(wallNow: number): CommandOutcome {
    const s = this.get('state') as PackMLState;
    if (STOP_REFUSED.includes(s)) return { ok: false, reason: `cannot stop in state ${s}` };
    this.override = { state: 'Stopping', until: this.simNow + TRANSITION_MS, after: 'Stopped' };
    this.pending.push({ tag: 'state', value: 'Stopping', wallTs: wallNow });
    return { ok: true };
  }

  start(wallNow: number): CommandOutcome {
    const s = this.get('state') as PackMLState;
    if (!START_FROM.includes(s)) return { ok: false, reason: `cannot start in state ${s}` };
    this.override = { state: 'Starting', until: this.simNow + TRANSITION_MS, after: null };
    this.pending.push({ tag: 'state', value: 'Starting', wallTs: wallNow });
    return { ok: true };
  }

  private pending: WallChange[] = [];

  /** Advances to the wall instant `wallNow` and returns the changes since the last call, in time order. */
  advance(wallNow: number): WallChange[] {
    const dWall = Math.max(0, wallNow - this.lastWall);
    const from = this.simNow;
    const to = from + dWall * this.opts.speed;
    const wallAt = (simTs: number) => Math.min(wallNow, this.lastWall + (simTs - from) / this.opts.speed);
    const out: WallChange[] = this.pending.map((c) => ({ ...c, value: this.adjust(c.tag, c.value) }));
    this.pending = [];
    const o = this.override;
    if (o && o.until !== null && o.until <= to) {
      // The transition ends: Stopping → Stopped (model stays paused), Starting → the model runs again.
      const ts = wallAt(o.until);
      if (o.after) {
        this.override = { state: o.after, until: null, after: null };
        out.push({ tag: 'state', value: o.after, wallTs: ts });
      } else {
        // The model was paused (its clock frozen), so it resumes where it stopped without replaying the pause.
        this.override = null;
        out.push({ tag: 'state', value: this.model.currentState, wallTs: ts });
      }
    }
    // While stopped the model is frozen and process values keep their last value.
    if (!this.override) {
      // Model time runs only while the machine runs; its clock is kept in step with ours.
      const modelTo = this.model.now + (to - from);
      const base = this.model.now;
      for (const c of this.model.step(modelTo)) out.push(this.toWall(c, base, from, wallAt));
    }
    this.simNow = to;
    this.lastWall = wallNow;
    for (const c of out) this.values.set(c.tag, c.value);
    return out;
  }

  private toWall(c: TagChange, modelBase: number, simBase: number, wallAt: (s: number) => number): WallChange {
    return { tag: c.tag, value: this.adjust(c.tag, c.value), wallTs: wallAt(simBase + (c.ts - modelBase)) };
  }

  /** The machine adopts its setpoints: melt temperature follows SetMeltTemperature, cycle time SetHoldingTime. */
  private adjust(tag: string, value: SimValue): SimValue {
    if (typeof value !== 'number') return value;
    if (tag === 'meltTemperature') return Number((value + this.getSetpoint('SetMeltTemperature') - SETPOINTS.SetMeltTemperature[0]).toFixed(2));
    if (tag === 'cycle_time') return Number((value + this.getSetpoint('SetHoldingTime') - SETPOINTS.SetHoldingTime[0]).toFixed(3));
    return value;
  }
}
