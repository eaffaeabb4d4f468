// The events performance publishes on the platform's bus (house rule 5), typed with its own words. Merged into the
// platform's EventMap.
import type { Severity } from './alert-rules.ts';

export interface PerformanceEvents {
  /** An early-warning alert of a performance rule was raised, cleared or acknowledged (committed). */
  'performance.alert': {
    id: string;
    ruleId: string;
    equipmentId: string;
    severity: Severity;
    state: 'raised' | 'cleared' | 'acknowledged';
    message: string;
    at: number;
  };
}

declare module '../platform/events.ts' {
  interface EventMap extends PerformanceEvents {}
}
