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

/** The states each colour stands for, for the legend. */
export const STATE_CLASS_STATES: Record<StateClass, string> = {
  run: 'Execute, Completing',
  stop: 'Held, Aborted, Stopped (and their transitions)',
  wait: 'Suspended',
  setup: 'Starting, Unholding, setup mode',
  idle: 'Idle, Complete, Resetting, planned downtime',
  offline: 'Unknown, no recent data',
};

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
