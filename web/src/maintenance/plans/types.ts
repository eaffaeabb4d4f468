// Preventive plans as the API answers them (GET /api/maintenance/plans; docs/maintenance.md "Preventive plans").
export type PlanBasis = 'calendar' | 'cycles' | 'hours' | 'tonnes' | 'condition';
export type PlanStatus = 'ok' | 'soon' | 'due' | 'overdue';

export interface DoneRecord {
  equipmentId: string;
  workOrderId: string | null;
  at: string;
  usage: number | null;
  onTime: boolean | null;
  by: string;
}

export interface MachineDue {
  equipmentId: string;
  equipment: string;
  status: PlanStatus;
  due: string | null;
  dueAtUsage: number | null;
  usage: number | null;
  progress: number | null;
  lastDone: DoneRecord | null;
  lastValue: { ts: string; value: number } | null;
}

export interface Plan {
  id: string;
  name: string;
  equipment: string | null;
  equipmentClass: string | null;
  basis: PlanBasis;
  interval: number | null;
  intervalUnit: 'days' | 'weeks' | null;
  counterTag: string | null;
  counterUnit: 'kg' | 't' | null;
  rollover: number | null;
  conditionOp: 'above' | 'below' | null;
  conditionLimit: number | null;
  lead: number;
  tolerance: number;
  tasks: string;
  estimateMinutes: number | null;
  active: boolean;
  startAt: string;
  version: number;
  machines: MachineDue[];
}

export const BASIS_LABEL: Record<PlanBasis, string> = {
  calendar: 'Calendar',
  cycles: 'Cycles (shots)',
  hours: 'Running hours',
  tonnes: 'Tonnes processed',
  condition: 'Condition',
};

export const STATUS_LABEL: Record<PlanStatus, string> = { ok: 'Not due', soon: 'Within lead', due: 'Due', overdue: 'Overdue' };
export const STATUS_TONE: Record<PlanStatus, string> = { ok: 'ok', soon: 'warn', due: 'warn', overdue: 'danger' };

/** The unit of a plan's interval, lead and tolerance. */
export function unitOf(p: Pick<Plan, 'basis' | 'intervalUnit'>): string {
  return { calendar: p.intervalUnit === 'weeks' ? 'weeks' : 'days', cycles: 'cycles', hours: 'h', tonnes: 't', condition: '' }[p.basis];
}
