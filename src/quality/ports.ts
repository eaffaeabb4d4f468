// The ports quality receives for its closed loop (docs/architecture.md, "Modules and their ports"), defined here by
// the consumer: lots to hold, operations to hold, machines to stop, and what collect knows of a machine's data.
import type { ContextLookup, EquipmentDirectory } from '../collect/index.ts';
import type { MachineCommands } from '../connectors/index.ts';
import type { OperationHolds } from '../execution/index.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';

/** Lots on hold cannot be consumed (the ledger refuses them); implemented from the lots face (`lotHolds`). */
export interface LotHolds {
  hold(actor: Actor, lotId: string, reason: string): Promise<unknown>;
  /**
   * Releases a held lot inside the caller's transaction (quality's hold release: the lot, the hold row and their audit
   * entries land together or not at all); 409 when the lot is not on hold.
   */
  release(tx: Db, actor: Actor, lotId: string, reason: string): Promise<unknown>;
  /** The lots the operation consumed so far: the lots in production there. */
  consumedAt(orderId: string, seq: number): Promise<string[]>;
}

export type { OperationHolds };

/** Stopping a machine through its connector (the confirmed command path). */
export type MachineStop = MachineCommands;

/** Collect's registry (a mapped tag's machine must exist) and the context of a machine's data at an instant. */
export interface MachineData {
  directory: Pick<EquipmentDirectory, 'byEquipmentId' | 'byEquipmentPath'>;
  contexts: ContextLookup;
  /** Values as collect accepts them, before its flush, then their fate (the in-line fast path, inline/early.ts). */
  accepted?: AcceptedValues;
}

/** Collect's values as accepted into its buffer (before the flush); the listener may ask for each one's fate. */
export interface AcceptedValues {
  onAccepted(
    listener: (v: {
      equipmentId: string;
      tag: string;
      ts: number;
      value: number | string | boolean;
    }) => ((fate: { stored: boolean; reason?: string }) => void) | undefined,
  ): () => void;
}

/** Everything the closed loop needs; absent in an installation without machines (then only the SPC slice runs). */
export interface LoopDeps {
  lots: LotHolds;
  operations: OperationHolds;
  commands: MachineStop;
  machines: MachineData;
}
