// The ports predictive maintenance receives (consumer-defined; src/modules.ts and src/maintenance/index.ts bind them):
// a process tag's collected values, a machine's stop history, the early-warning path, and opening a work order.
import type { Actor } from '../../platform/auth/principal.ts';
import type { Point } from './detectors.ts';

/** A tag's collected values as one-minute means (collect's roll-up), in time order. */
export interface TagReader {
  minuteMeans(equipmentId: string, tag: string, from: number, to: number): Promise<Point[]>;
}

/** A machine's failure stops (performance's stops of kind 'failure'), epoch ms, in time order. */
export interface StopHistory {
  failures(equipmentId: string, from: number, to: number): Promise<Array<{ start: number; end: number }>>;
}

/**
 * The plant's early-warning path (performance's alerts): a warning is an alert there — stored, listed, published live —
 * from when it is raised until a person decides on it (accepted or dismissed) or its episode ends (back to normal).
 */
export interface EarlyWarning {
  raise(w: {
    id: string;
    monitorId: string;
    equipmentId: string;
    tag: string;
    method: string;
    message: string;
    /** the last bucket mean */
    value: number | null;
    /** the limit the value heads for (the forecast's, else the monitor's) */
    limit: number | null;
    at: number;
  }): Promise<void>;
  /** Ends the warning's alert; `by` is the person who decided on it (null: its episode ended). */
  clear(w: { id: string; at: number; by: string | null; reason: string }): Promise<void>;
}

/** Opens the work order a person accepts from a warning. */
export interface WorkOrderOpener {
  open(
    actor: Actor,
    input: { equipment: string; kind: 'corrective' | 'preventive'; description: string; origin: 'predictive'; planId: string },
  ): Promise<{ id: string }>;
}

export interface PredictiveDeps {
  tags: TagReader;
  stops: StopHistory;
  earlyWarning: EarlyWarning;
}
