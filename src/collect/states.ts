// PackML machine states (ISA-TR88.00.02, V2022 numbering) and their ISO 22400-2 time buckets.
// See docs/standards.md §2. A machine without data is 'unknown' — never counted as running.

export const PACKML_STATES = [
  'Undefined',
  'Clearing',
  'Stopped',
  'Starting',
  'Idle',
  'Suspended',
  'Execute',
  'Stopping',
  'Aborting',
  'Aborted',
  'Holding',
  'Held',
  'Unholding',
  'Suspending',
  'Unsuspending',
  'Resetting',
  'Completing',
  'Complete',
] as const;
export type PackmlState = (typeof PACKML_STATES)[number];

/** The effective state also knows "no data": the source went offline or silent. */
export type MachineState = PackmlState | 'Unknown';

export const BUCKETS = ['apt', 'asut', 'adet', 'adot', 'pdot', 'unknown'] as const;
export type Bucket = (typeof BUCKETS)[number];

const BY_LOWER = new Map<string, PackmlState>(PACKML_STATES.map((s) => [s.toLowerCase(), s]));

/** A PackML state given by name (any case) or number (0–17); undefined if it is neither. */
export function parsePackmlState(v: unknown): PackmlState | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < PACKML_STATES.length) return PACKML_STATES[v];
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^\d+$/.test(t)) return parsePackmlState(Number(t));
    return BY_LOWER.get(t.toLowerCase());
  }
  return undefined;
}

/**
 * States that confirm a stop or start command (PackML, ISA-TR88.00.02): Stop is confirmed once the machine is down
 * (Stopped, or Aborted/Held when it went down another way), Start once it is starting or executing (Starting can last
 * minutes on a press that heats up). One rule for every protocol.
 */
export const COMMAND_CONFIRM_STATES: Readonly<Record<'stop' | 'start', readonly PackmlState[]>> = {
  stop: ['Stopped', 'Aborted', 'Held'],
  start: ['Starting', 'Execute'],
};

/**
 * The PackML state a reported value confirms a stop/start command with, or undefined. The value is read by
 * parsePackmlState — the very normaliser the collect pipeline stores states with — so a machine that reports
 * `STOPPED`, ` stopped ` or 2 confirms a stop exactly when the pipeline records it as Stopped.
 */
export function confirmsCommand(kind: 'stop' | 'start', reported: unknown): PackmlState | undefined {
  const s = parsePackmlState(reported);
  return s && COMMAND_CONFIRM_STATES[kind].includes(s) ? s : undefined;
}

export const MODES = ['Production', 'Maintenance', 'Manual', 'Setup'] as const;
export type Mode = (typeof MODES)[number];

/** PackML unit modes by name, or the common numbering 1 Production, 2 Maintenance, 3 Manual; 'Setup' as a user mode. */
export function parseMode(v: unknown): Mode | undefined {
  if (typeof v === 'number') return ({ 1: 'Production', 2: 'Maintenance', 3: 'Manual' } as Record<number, Mode>)[v];
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'changeover') return 'Setup';
  return MODES.find((m) => m.toLowerCase() === t) ?? (/^\d+$/.test(t) ? parseMode(Number(t)) : undefined);
}

/**
 * ISO 22400-2 bucket of a state. `orderRunning` says whether an order is on the unit; until the execution module
 * knows, a machine that is not idle is assumed to be working an order (a breakdown counts as ADET, not ADOT).
 */
export function bucketOf(state: MachineState, mode: Mode = 'Production', orderRunning = true): Bucket {
  if (state === 'Unknown' || state === 'Undefined') return 'unknown';
  if (mode === 'Maintenance') return 'pdot';
  if (mode === 'Setup') return 'asut';
  switch (state) {
    case 'Execute':
    case 'Completing':
      return 'apt';
    case 'Idle':
    case 'Complete':
      return 'adot';
    case 'Suspended': // starved/blocked: an interruption while an order runs, tracked by its state name as external
    case 'Suspending':
    case 'Unsuspending':
    case 'Holding':
    case 'Held':
    case 'Unholding':
    case 'Starting':
      return orderRunning ? 'adet' : 'adot';
    default: // Stopped, Stopping, Aborting, Aborted, Clearing, Resetting
      return orderRunning ? 'adet' : 'adot';
  }
}
