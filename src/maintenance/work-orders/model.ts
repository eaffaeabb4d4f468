// Work orders' words: kinds, statuses and the allowed moves between them (docs/maintenance.md "Work orders").
// The life cycle follows EN 13306's maintenance management steps: a request is approved, scheduled into a window,
// carried out, completed and then verified by someone other than the one who did it, or cancelled before it is done.

export const WORK_ORDER_KINDS = ['corrective', 'preventive'] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];

export const WORK_ORDER_STATUSES = ['requested', 'approved', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export const WORK_ORDER_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type WorkOrderPriority = (typeof WORK_ORDER_PRIORITIES)[number];

export const WORK_ORDER_ORIGINS = ['manual', 'breakdown', 'plan', 'predictive'] as const;
export type WorkOrderOrigin = (typeof WORK_ORDER_ORIGINS)[number];

/** Statuses in which the work is not finished: the machine's open work. */
export const OPEN_STATUSES: readonly WorkOrderStatus[] = ['requested', 'approved', 'scheduled', 'in_progress'];

/**
 * The moves allowed from each status. A breakdown may be started straight from requested or approved (a technician
 * at a stopped machine does not wait for a schedule); verification needs the work done; cancelling is possible until
 * the work is done.
 */
export const TRANSITIONS: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  requested: ['approved', 'in_progress', 'cancelled'],
  approved: ['scheduled', 'in_progress', 'cancelled'],
  scheduled: ['in_progress', 'approved', 'cancelled'],
  in_progress: ['done', 'cancelled'],
  done: ['verified', 'in_progress'],
  verified: [],
  cancelled: [],
};

export const canMove = (from: WorkOrderStatus, to: WorkOrderStatus): boolean => TRANSITIONS[from].includes(to);

export interface WorkOrderStep {
  from: WorkOrderStatus | null;
  to: WorkOrderStatus;
  by: string;
  at: string;
  reason: string | null;
}

export interface WorkOrder {
  id: string;
  kind: WorkOrderKind;
  /** the equipment's ISA-95 path */
  equipment: string;
  equipmentId: string;
  description: string;
  status: WorkOrderStatus;
  priority: WorkOrderPriority;
  origin: WorkOrderOrigin;
  stopId: string | null;
  /** ISO: when the stop it answers began */
  stopStart: string | null;
  alarmCode: string | null;
  stopReason: string | null;
  planId: string | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  estimateMinutes: number | null;
  assignee: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  doneAt: string | null;
  verifiedAt: string | null;
  version: number;
}

export interface WorkOrderDetail extends WorkOrder {
  steps: WorkOrderStep[];
}
