// The events performance publishes on the platform's bus (house rule 5), typed with its own words. Merged into the
// platform's EventMap.
import type { Severity } from './alert-rules.ts';

export interface PerformanceEvents {
  /** An early-warning alert was raised, cleared or acknowledged (committed): a performance rule's (ruleId: the rule's id)
   *  or another module's (ruleId: its source, e.g. `maintenance.monitor:<monitor id>`; docs/performance.md). */
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
