// The events maintenance publishes on the platform's bus (house rule 5), merged into the platform's EventMap. Live
// pages and the shop floor refresh on them; a machine with a work order in progress is "under repair".
import type { WorkOrderKind, WorkOrderStatus } from './work-orders/model.ts';

export interface MaintenanceEvents {
  /** A work order was opened, changed status or changed what it says (window, estimate: then from = status) (committed). */
  'maintenance.workOrder': {
    id: string;
    equipmentId: string;
    kind: WorkOrderKind;
    status: WorkOrderStatus;
    from: WorkOrderStatus | null;
    by: string;
  };
  /** A predictive warning was raised, accepted (workOrderId set) or dismissed (committed). */
  'maintenance.warning': {
    id: string;
    monitorId: string;
    equipmentId: string;
    state: 'raised' | 'accepted' | 'dismissed';
    workOrderId: string | null;
    at: number;
  };
}

declare module '../platform/events.ts' {
  interface EventMap extends MaintenanceEvents {}
}
