// Rework operations: a nonconformance's rework disposition adds an operation to the order that made the bad parts
// (quality receives this as its ReworkPort through src/modules.ts). The operation runs where the operation it reworks
// ran (its work centre, class and candidate machines), after the order's last operation, for the quantity to rework,
// and names the NCR (`reworkOf`), so planning, the terminal and the KPIs can tell it from the order's own operations.
// A completed or cancelled order takes none. Runs in the caller's transaction, so the NCR's disposition and the new
// operation land together.
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import * as repo from './execution.repository.ts';
import type { OrderStatus } from './model.ts';
import { checkWhole } from './units.ts';

export interface ReworkRequest {
  orderId: string;
  /** the nonconformance the rework answers (kept on the operation) */
  ncrId: string;
  quantity: number;
  reason: string;
  /** the operation whose work is redone (its machines and times are copied); null: the order's last operation */
  reworks?: number | null;
}

export interface AddedRework {
  orderId: string;
  seq: number;
  name: string;
  productId: string;
  status: OrderStatus;
  quantity: number;
  unit: string;
}

export interface ReworkOperations {
  add(tx: Db, actor: Actor, r: ReworkRequest): Promise<AddedRework>;
}

export const reworkOperations: ReworkOperations = {
  async add(tx, actor, r) {
    const order = await repo.getOrder(tx, r.orderId, true);
    if (!order) throw notFound('order', r.orderId);
    if (order.status === 'completed' || order.status === 'cancelled')
      throw new AppError('conflict', `order ${order.id} is ${order.status}: a rework operation cannot be added to it`);
    const ops = await repo.listOperations(tx, order.id);
    const last = ops.at(-1);
    const template = r.reworks == null ? last : ops.find((o) => o.seq === r.reworks);
    if (!template || !last) throw notFound('operation', `${order.id}/${r.reworks ?? 'last'}`);
    checkWhole(r.quantity, order.unit);
    const op = await repo.insertReworkOperation(
      tx,
      order.id,
      {
        seq: last.seq + 1,
        name: `Rework ${r.ncrId}: ${template.name}`.slice(0, 200),
        segmentId: null,
        workCenter: template.workCenter,
        equipmentClass: template.equipmentClass,
        candidates: template.candidates,
        quantity: r.quantity,
        unit: order.unit,
        materials: [],
        parameters: [],
        setupTimeS: template.setupTimeS,
        runTimeS: template.runTimeS,
        dueAt: order.dueAt,
        instructions: `Rework of ${template.name} (operation ${template.seq}) for ${r.ncrId}: ${r.reason}`.slice(0, 2000),
      },
      order.status === 'created' ? 'created' : 'released',
      r.ncrId,
    );
    await appendAudit(tx, actor, {
      action: 'add_rework',
      entity: 'production_order',
      entityId: order.id,
      after: { seq: op.seq, name: op.name, quantity: op.quantity, unit: op.unit, reworks: template.seq, reworkOf: r.ncrId, status: op.status },
      reason: r.reason,
    });
    return { orderId: order.id, seq: op.seq, name: op.name, productId: order.productId, status: op.status, quantity: op.quantity, unit: op.unit };
  },
};
