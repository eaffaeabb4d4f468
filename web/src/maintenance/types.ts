// How the maintenance pages show the server's records (the shapes themselves are the server's: src/maintenance/index.ts).
export type { WorkOrder, WorkOrderDetail, WorkOrderStatus, WorkOrderStep } from '../../../src/maintenance/index.ts';

export const WO_STATUS_LABEL = {
  requested: 'Requested',
  approved: 'Approved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  done: 'Done',
  verified: 'Verified',
  cancelled: 'Cancelled',
} as const;
export const WO_STATUS_TONE = {
  requested: 'warn',
  approved: 'info',
  scheduled: 'info',
  in_progress: 'danger',
  done: 'ok',
  verified: 'ok',
  cancelled: 'neutral',
} as const;
export const WO_KIND_LABEL = { corrective: 'Corrective', preventive: 'Preventive' } as const;
export const WO_PRIORITY_LABEL = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' } as const;
export const WO_ORIGIN_LABEL = { manual: 'By hand', breakdown: 'Breakdown', plan: 'Preventive plan', predictive: 'Predictive warning' } as const;
export type { UnderRepair } from '../../../src/maintenance/index.ts';
export { canMove, TRANSITIONS as WO_TRANSITIONS } from '../../../src/maintenance/work-orders/model.ts';
