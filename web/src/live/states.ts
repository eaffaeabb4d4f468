// Andon colours for PackML states: Execute green, stops red, starved/blocked amber, idle blue-grey, start-up and
// setup purple, no data grey with a hatch. A machine without fresh data is never shown as running.
import type { Bucket, LiveMachine } from './types.ts';

export type StateClass = 'run' | 'stop' | 'wait' | 'setup' | 'idle' | 'offline';

export const STATE_CLASS_ORDER: StateClass[] = ['run', 'stop', 'wait', 'setup', 'idle', 'offline'];

export const STATE_CLASS_LABEL: Record<StateClass, string> = {
  run: 'Running',
  stop: 'Stopped',
  wait: 'Starved / blocked',
  setup: 'Starting / setup',
  idle: 'Idle',
  offline: 'Offline / no data',
};

/** The states each colour stands for, for the legend, in the operators' words (PackML names in brackets). */
export const STATE_CLASS_STATES: Record<StateClass, string> = {
  run: 'Running, finishing (Execute, Completing)',
  stop: 'Stopped, fault, emergency stop (Stopped, Held, Aborted and their transitions)',
  wait: 'Waiting for material or the next station (Suspended)',
  setup: 'Starting, resuming, setup mode (Starting, Unholding)',
  idle: 'Idle, finished, resetting, planned downtime (Idle, Complete, Resetting)',
  offline: 'No recent data (Unknown)',
};

/**
 * What an operator calls a PackML state (ISA-TR88.00.02): the word on tiles, headers and the shop floor. The PackML
 * name is a secondary detail (tooltip, legend).
 */
const STATE_WORD: Record<string, string> = {
  Execute: 'Running',
  Completing: 'Finishing',
  Complete: 'Finished',
  Held: 'Fault',
  Holding: 'Fault',
  Unholding: 'Resuming',
  Suspended: 'Waiting',
  Suspending: 'Waiting',
  Unsuspending: 'Resuming',
  Stopped: 'Stopped',
  Stopping: 'Stopping',
  Aborted: 'Emergency stop',
  Aborting: 'Emergency stop',
  Clearing: 'Clearing fault',
  Starting: 'Starting',
  Resetting: 'Resetting',
  Idle: 'Idle',
  Undefined: 'No data',
  Unknown: 'No data',
};

/** The operator's word for a state: setup mode says so; a stop in planned downtime is a planned stop. */
export function stateWord(state: string, bucket?: Bucket | string): string {
  const word = STATE_WORD[state] ?? state;
  if (bucket === 'asut' && word !== 'No data') return 'Setup';
  if (bucket === 'pdot' && BY_STATE[state] !== 'run' && word !== 'No data') return 'Planned stop';
  return word;
}

const BY_STATE: Record<string, StateClass> = {
  Execute: 'run',
  Completing: 'run',
  Held: 'stop',
  Holding: 'stop',
  Aborted: 'stop',
  Aborting: 'stop',
  Stopped: 'stop',
  Stopping: 'stop',
  Clearing: 'stop',
  Suspended: 'wait',
  Suspending: 'wait',
  Unsuspending: 'wait',
  Starting: 'setup',
  Unholding: 'setup',
  Idle: 'idle',
  Complete: 'idle',
  Resetting: 'idle',
  Undefined: 'offline',
  Unknown: 'offline',
};

/** Colour class of a bare state (for timeline intervals and the legend). */
export function classOfState(state: string, bucket?: Bucket): StateClass {
  if (state === 'Unknown' || state === 'Undefined' || bucket === 'unknown') return 'offline';
  if (bucket === 'asut') return 'setup';
  return BY_STATE[state] ?? 'offline';
}

/** Whether the machine's data can be trusted as current. */
export function isOffline(m: Pick<LiveMachine, 'state' | 'online' | 'stale'>): boolean {
  return !m.online || m.stale || m.state === 'Unknown';
}

/**
 * The word a machine shows everywhere (live plant, machine page, shop floor): its state in plain words while its data
 * is current, "No data" when it went quiet, "Offline" when it is disconnected.
 */
export function machineWord(m: Pick<LiveMachine, 'state' | 'bucket' | 'online' | 'stale'>): string {
  if (isOffline(m)) return m.stale && m.online ? 'No data' : 'Offline';
  return stateWord(m.state, m.bucket);
}

/** The tooltip that names the PackML state behind the word. */
export function packmlTitle(m: Pick<LiveMachine, 'state' | 'bucket'>): string {
  return m.state === 'Unknown' ? 'PackML state: unknown (no data)' : `PackML state: ${m.state}`;
}

/** Colour class of a machine: stale or offline machines are grey whatever their last state was. */
export function classOfMachine(m: LiveMachine): StateClass {
  if (isOffline(m)) return 'offline';
  return classOfState(m.state, m.bucket);
}

/** Fill colours (also used by the ECharts timeline, which cannot read CSS variables). */
export const STATE_COLOURS: Record<StateClass, { bg: string; fg: string }> = {
  run: { bg: '#0b7a3b', fg: '#ffffff' },
  stop: { bg: '#c1121f', fg: '#ffffff' },
  wait: { bg: '#f2a900', fg: '#1a1300' },
  setup: { bg: '#6a3fb5', fg: '#ffffff' },
  idle: { bg: '#4b6478', fg: '#ffffff' },
  offline: { bg: '#a3abb3', fg: '#1b232b' },
};

export const BUCKET_LABEL: Record<Bucket, string> = {
  apt: 'Production (APT)',
  asut: 'Setup (ASUT)',
  adet: 'Unplanned stop (ADET)',
  adot: 'Idle (ADOT)',
  pdot: 'Planned downtime (PDOT)',
  unknown: 'No data',
};
