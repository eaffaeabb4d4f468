// The ports planning receives from maintenance and performance (docs/architecture.md "Modules and their ports"),
// defined here by the consumer and bound late in src/modules.ts (maintenance is made after planning).

/** Maintenance's planned windows and repair estimates (docs/planning.md "What goes into a plan"). */
export interface MaintenancePlanning {
  /** Preventive work orders' planned windows (scheduled or in progress) overlapping [from, to), epoch ms, by equipment id. */
  plannedWindows(from: number, to: number): Promise<Array<{ workOrderId: string; equipmentId: string; start: number; end: number }>>;
  /** The open corrective work order's repair estimate of a machine (by equipment id), or null when none has one. */
  repairEstimate(equipmentId: string): Promise<{ workOrderId: string; seconds: number } | null>;
}

/** How long a machine's repair takes from its stop history (today: performance's MTTR; later perhaps its repair part). */
export interface RepairTimes {
  /** Mean time to repair of a machine (by equipment id) over the recent past, seconds; null without failures. */
  repairS(equipmentId: string, now: number): Promise<number | null>;
}

/** Where a down machine's repair time came from. */
export type DownBasis = 'work-order' | 'mttr' | 'default';

/** Execution's live counts of an operation in progress (the shop floor's view of it). */
export interface RunningProgress {
  /**
   * Parts still to make (planned quantity − good counted, machine and hand) and the cycle times to make them at: the
   * routing's ideal one and the one the machine last reported; null when the operation is unknown.
   */
  progress(orderId: string, seq: number): Promise<{ remaining: number; idealCycleTimeS: number | null; observedCycleTimeS: number | null } | null>;
}

/** Where a running operation's remaining time came from: its counted parts at the observed or the ideal cycle time, or the clock. */
export type RemainingBasis = 'counted-observed' | 'counted-ideal' | 'clock';
