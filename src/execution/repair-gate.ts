// Maintenance's repairs, as execution sees them: a consumer-defined port (RepairGate), bound late in src/modules.ts
// once maintenance exists. A machine under repair (a corrective work order in progress) refuses setting up, starting
// and resuming an operation with 409 naming the work order; pausing, reporting and completing stay allowed.
// docs/maintenance.md "Corrective work orders".
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import * as run from './shopfloor.repository.ts';
import type { ShopFloorDeps } from './shopfloor.views.ts';

export interface RepairGate {
  /** The machine's repair in progress, or null when it is not under repair. */
  underRepair(equipmentId: string): Promise<{ workOrder: { id: string; description: string } } | null>;
}

/** Refuses with 409, naming the work order, when the machine is under repair; `what` is the refused action. */
export async function requireNotUnderRepair(gate: RepairGate | undefined, equipmentId: string, path: string, what: string): Promise<void> {
  if (!gate) return;
  const repair = await gate.underRepair(equipmentId);
  if (!repair) return;
  throw new AppError(
    'conflict',
    `${path} is under repair (work order ${repair.workOrder.id}: ${repair.workOrder.description}): ${what} waits until the repair is done`,
    { workOrder: repair.workOrder.id },
  );
}

/** The same check for the machine an operation is set up on (starting, resuming). */
export async function requireRunNotUnderRepair(deps: ShopFloorDeps, db: Db, orderId: string, seq: number, what: string): Promise<void> {
  if (!deps.repairs) return;
  const r = await run.getRun(db, orderId, seq);
  if (!r?.equipment) return;
  let equipmentId: string;
  try {
    equipmentId = deps.collect.equipment(r.equipment).id;
  } catch {
    return;
  }
  await requireNotUnderRepair(deps.repairs, equipmentId, r.equipment, what);
}
