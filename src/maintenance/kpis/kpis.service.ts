// Maintenance KPIs for a period and a piece of equipment (and everything below it): the work orders' figures
// (kpis.ts) with MTBF and MTTR from performance's stop history, asked through the consumer's port.
import type { AppContext } from '../../platform/context.ts';
import { rowsOf, sql } from '../../platform/db/database.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import type { MttrFigures } from '../technician/model.ts';
import type { WorkOrderKind, WorkOrderStatus } from '../work-orders/model.ts';
import { inEquipmentTree } from '../work-orders/work-orders.repository.ts';
import { maintenanceKpis, type KpiWorkOrder } from './kpis.ts';

/** Performance's ISO 22400 reliability of a piece of equipment over a period (bound in src/modules.ts). */
export interface ReliabilityFigures {
  /** MTBF and MTTR in seconds (null when the period gives none), and the failures they come from. */
  reliability(equipment: string, from: number, to: number): Promise<{ mtbfS: number | null; mttrS: number | null; failures: number } | null>;
}

/** The MTTR split of the corrective orders done in a period (the technician part of the module). */
export type RepairSplit = (
  scope: { equipmentId: string; path: string; below: true } | null,
  from: Date,
  to: Date,
) => Promise<{ repairs: number; mean: MttrFigures | null }>;

const DAY = 86_400_000;
const ms = (v: unknown) => (v == null ? null : new Date(v as string | Date).getTime());

export class MaintenanceKpiService {
  constructor(
    private readonly ctx: AppContext,
    private readonly plant: EquipmentLookup,
    private readonly reliability?: ReliabilityFigures,
    private readonly split?: RepairSplit,
  ) {}

  /** The KPIs of [from, to) for `equipment` (id or path) and below, or for the whole plant without one. */
  async kpis(q: { from?: number; to?: number; equipment?: string }, now = Date.now()) {
    const to = q.to ?? now;
    const from = q.from ?? to - 30 * DAY;
    if (!(to > from)) throw validationFailed('to must be after from', [{ path: 'querystring.to', message: 'must be after from' }]);
    if (to - from > 400 * DAY) throw validationFailed('at most 400 days per request', [{ path: 'querystring.to', message: 'period too long' }]);
    const eq = q.equipment
      ? await this.plant.getEquipment(q.equipment).catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'not_found')
            throw validationFailed(`equipment '${q.equipment}' does not exist`, [{ path: 'querystring.equipment', message: 'no such equipment' }]);
          throw err;
        })
      : undefined;
    const scope = eq ? sql`AND ${inEquipmentTree(eq)}` : sql``;
    const rows = await rowsOf<Record<string, unknown>>(
      this.ctx.db,
      sql`SELECT id, kind, status, created_at, started_at, done_at, planned_start, planned_end, estimate_minutes FROM maintenance_work_orders
          WHERE (status IN ('requested', 'approved', 'scheduled', 'in_progress') OR done_at >= ${new Date(from).toISOString()}::timestamptz
                 OR planned_end >= ${new Date(from).toISOString()}::timestamptz)
            AND created_at < ${new Date(Math.max(to, now)).toISOString()}::timestamptz ${scope}
          ORDER BY created_at, id LIMIT 50000`,
    );
    const orders: KpiWorkOrder[] = rows.map((r) => ({
      id: String(r.id),
      kind: r.kind as WorkOrderKind,
      status: r.status as WorkOrderStatus,
      createdAt: ms(r.created_at)!,
      startedAt: ms(r.started_at),
      doneAt: ms(r.done_at),
      plannedStart: ms(r.planned_start),
      plannedEnd: ms(r.planned_end),
      estimateMinutes: r.estimate_minutes == null ? null : Number(r.estimate_minutes),
    }));
    const figures = maintenanceKpis(orders, from, to, now);
    // MTBF and MTTR of the equipment, or without one of the plant's top equipment (when there is exactly one)
    const roots = eq ? [] : (await this.plant.listEquipment()).filter((e) => !e.parentId);
    const of = eq ?? (roots.length === 1 ? roots[0] : undefined);
    const rel = of && this.reliability ? await this.reliability.reliability(of.id, from, Math.min(to, now)) : null;
    // where the repair time went: the technician split of the corrective orders done in the period
    const split = this.split ? await this.split(eq ? { equipmentId: eq.id, path: eq.path, below: true } : null, new Date(from), new Date(to)) : null;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      equipment: eq ? { id: eq.id, path: eq.path, name: eq.name } : null,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      mtbfH: rel?.mtbfS == null ? null : Math.round((rel.mtbfS / 3600) * 1000) / 1000,
      mttrH: rel?.mttrS == null ? null : Math.round((rel.mttrS / 3600) * 1000) / 1000,
      failures: rel ? rel.failures : null,
      mttrSplit: {
        repairs: split?.repairs ?? 0,
        meanMinutes: split?.mean
          ? {
              total: r1(split.mean.totalMinutes),
              waitingForTechnician: r1(split.mean.waitingForTechnicianMinutes),
              repair: r1(split.mean.repairMinutes),
              waitingForParts: r1(split.mean.waitingForPartsMinutes),
              other: r1(split.mean.otherMinutes),
            }
          : null,
      },
      ...figures,
    };
  }
}
