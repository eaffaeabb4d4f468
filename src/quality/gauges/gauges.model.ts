// Gauges and their calibration (docs/quality.md "Gauges and calibration"): the register's records and the rules that
// say when a gauge may measure. Pure: the service reads the rows, these decide.
import { addDays } from '../dates.ts';

export const GAUGE_STATUSES = ['in-service', 'out-of-service'] as const;
export type GaugeStatus = (typeof GAUGE_STATUSES)[number];
export const ON_OVERDUE = ['refuse', 'flag'] as const;
export type OnOverdue = (typeof ON_OVERDUE)[number];
export const CALIBRATION_RESULTS = ['pass', 'fail'] as const;
export type CalibrationResult = (typeof CALIBRATION_RESULTS)[number];
/** What a flagged measurement carries. */
export const GAUGE_FLAG = 'gauge-overdue';

export interface Gauge {
  id: string;
  name: string;
  type: string | null;
  location: string | null;
  intervalDays: number;
  lastCalibrated: string | null;
  dueOn: string | null;
  lastResult: CalibrationResult | null;
  status: GaugeStatus;
  onOverdue: OnOverdue;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type GaugeInput = Pick<Gauge, 'id' | 'name' | 'type' | 'location' | 'intervalDays' | 'status' | 'onOverdue'> & { lastCalibrated: string | null };

export interface Calibration {
  id: number;
  gauge: string;
  calibratedOn: string;
  result: CalibrationResult;
  calibratedBy: string;
  certificate: string | null;
  recordedBy: string;
  recordedAt: string;
}

/** A gauge as the list shows it: where it stands today. */
export type GaugeState = 'ok' | 'due-soon' | 'overdue' | 'failed' | 'out-of-service' | 'not-calibrated';

export function stateOf(g: Pick<Gauge, 'dueOn' | 'lastResult' | 'status'>, day: string, soonDays: number): GaugeState {
  if (g.status === 'out-of-service') return 'out-of-service';
  if (g.lastResult === 'fail') return 'failed';
  if (g.dueOn === null) return 'not-calibrated';
  // the due day is the last day the gauge measures
  if (g.dueOn < day) return 'overdue';
  return g.dueOn <= addDays(day, soonDays) ? 'due-soon' : 'ok';
}

/** Null when the gauge may measure on this day; else why not, naming the gauge and its due date. */
export function unusable(g: Gauge, day: string): string | null {
  const label = `gauge ${g.id} (${g.name})`;
  switch (stateOf(g, day, 0)) {
    case 'out-of-service':
      return `${label} is out of service`;
    case 'failed':
      return `${label} failed its calibration${g.lastCalibrated ? ` (last passed ${g.lastCalibrated})` : ''}: it measures again once a calibration passes`;
    case 'not-calibrated':
      return `${label} has no calibration on record`;
    case 'overdue':
      return `${label} was due for calibration on ${g.dueOn}`;
    default:
      return null;
  }
}

/**
 * The gauge after a calibration: a pass on or after the last one moves the last calibration to its day and the due
 * date an interval later; a fail takes the gauge out of use (its due date stays); an older record only joins the
 * history (it cannot move the due date back).
 */
export function afterCalibration(g: Gauge, c: { calibratedOn: string; result: CalibrationResult }): Pick<Gauge, 'lastCalibrated' | 'dueOn' | 'lastResult'> {
  const keep = { lastCalibrated: g.lastCalibrated, dueOn: g.dueOn, lastResult: g.lastResult };
  if (g.lastCalibrated !== null && c.calibratedOn < g.lastCalibrated) return keep;
  if (c.result === 'fail') return { ...keep, lastResult: 'fail' };
  return { lastCalibrated: c.calibratedOn, dueOn: addDays(c.calibratedOn, g.intervalDays), lastResult: 'pass' };
}
