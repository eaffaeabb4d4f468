// What the checks ask of the shop floor, declared here by the consumer (docs/architecture.md "Modules and their
// ports"): the operation running at a station now, with its part count and last material lot. Execution answers it
// (ShopFloor.currentWork), wired in src/modules.ts; quality never reads execution's tables.
import type { RunAtStation } from './sampling.ts';

export interface StationNow {
  equipmentId: string;
  path: string;
  /** null: nothing runs at the station */
  run: (RunAtStation & { productId: string }) | null;
}

export interface StationWork {
  /** The station by equipment id or path (404 when the plant has no such equipment) and what runs there now. */
  current(station: string): Promise<StationNow>;
}
