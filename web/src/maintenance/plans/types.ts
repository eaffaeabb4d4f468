// Preventive plans as the API answers them (GET /api/maintenance/plans; docs/maintenance.md "Preventive plans").
import type { PlanBasis, PlanStatus, PlanWithDue } from '../../../../src/maintenance/index.ts';

export type { MachineDue, PlanBasis, PlanStatus } from '../../../../src/maintenance/index.ts';

/** A plan as the API answers it, with each machine's due figures (the server's own types). */
export type Plan = PlanWithDue;

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
