// The events execution publishes on the platform's bus (house rule 5), typed with execution's own words. Orders and
// operations share one status set (migrations/0006_execution.sql). Merged into the platform's EventMap.
import type { OrderStatus } from './model.ts';

/** The phase of a running operation at its station; null when it is not running. */
export type OperationPhase = 'setup' | 'running' | 'paused';

export interface ExecutionEvents {
  /** An operation changed on the shop floor (committed): status/phase, the machine it runs on. */
  'execution.operation': { orderId: string; seq: number; status: OrderStatus; phase: OperationPhase | null; equipment: string | null; action: string };
  /** An order's status changed (released, running, completed, cancelled). */
  'execution.order': { orderId: string; status: OrderStatus; action: string };
  /** An andon call was raised, acknowledged or resolved. */
  'execution.andon': { id: string; station: string; state: 'raised' | 'acknowledged' | 'resolved'; reason: string };
  /** A parameter-lock alarm was raised, acknowledged, or closed when its operation completed. */
  'execution.alarm': {
    id: string;
    orderId: string;
    seq: number;
    equipment: string;
    parameter: string;
    kind: 'out_of_limits' | 'setpoint_changed';
    state: 'raised' | 'acknowledged' | 'closed';
  };
}

declare module '../platform/events.ts' {
  interface EventMap extends ExecutionEvents {}
}
