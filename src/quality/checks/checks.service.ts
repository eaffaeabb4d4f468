// Checks due at a station: the characteristics of the operation running there (its product and routing step) whose
// sampling plan says a check is due now (sampling.ts), the ones past their grace that block the station's production
// (execution asks `blocking` through its ChecksGate port), and the record of each check taken (a mark: the part count
// and lot when it was measured). Plans are edited here, audited.
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { StoredMeasurement } from '../model.ts';
import * as repo from './checks.repository.ts';
import type { StationWork } from './ports.ts';
import { dueCheck, type DueReason, type SamplingPlan } from './sampling.ts';

/** One check due at a station (GET /api/quality/checks/due). */
export interface CheckDue {
  characteristic: string;
  name: string;
  kind: 'variable' | 'attribute';
  chart: string;
  unit: string | null;
  nominal: number | null;
  lsl: number | null;
  usl: number | null;
  sampleSize: number;
  subgroupSize: number;
  reason: DueReason;
  dueSince: string | null;
  partsSince: number;
  overdue: boolean;
  blocking: boolean;
  /** the context a measurement of this check carries */
  equipment: string;
  orderId: string;
  operationSeq: number;
  lot: string | null;
}

export interface PlanView {
  characteristic: string;
  plan: SamplingPlan | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** The blocking checks as execution's ChecksGate port answers them. */
export interface BlockingCheck {
  characteristic: string;
  name: string;
  since: string | null;
}

export class ChecksService {
  constructor(
    private readonly db: Db,
    private readonly stations: StationWork | undefined,
    private readonly characteristicExists: (db: Db, id: string) => Promise<boolean>,
  ) {}

  async plan(id: string): Promise<PlanView> {
    if (!(await this.characteristicExists(this.db, id))) throw notFound('characteristic', id);
    const p = await repo.getPlan(this.db, id);
    return { characteristic: id, plan: p?.plan ?? null, updatedBy: p?.updatedBy ?? null, updatedAt: p?.updatedAt ?? null };
  }

  /** Sets (or with null removes) a characteristic's sampling plan: audited with the plan before and after. */
  async setPlan(actor: Actor, id: string, plan: SamplingPlan | null, reason: string | null): Promise<PlanView> {
    await this.db.transaction(async (tx) => {
      if (!(await this.characteristicExists(tx, id))) throw notFound('characteristic', id);
      const before = (await repo.getPlan(tx, id))?.plan ?? null;
      if (plan) await repo.putPlan(tx, id, plan, actor.name);
      else await repo.deletePlan(tx, id);
      await appendAudit(tx, actor, {
        action: plan ? 'set-sampling' : 'remove-sampling',
        entity: 'quality_sampling_plan',
        entityId: id,
        before,
        after: plan,
        reason,
      });
    });
    return this.plan(id);
  }

  /** The checks due at a station now, blocking ones first, then by how long they are due. */
  async due(station: string, now = Date.now()): Promise<CheckDue[]> {
    if (!this.stations || !(await repo.anyPlan(this.db))) return [];
    const at = await this.stations.current(station);
    const run = at.run;
    if (!run) return [];
    const planned = await repo.plannedFor(this.db, run.productId, run.seq);
    const marks = await repo.marksAt(
      this.db,
      at.equipmentId,
      planned.map((c) => c.id),
    );
    const out: CheckDue[] = [];
    for (const c of planned) {
      const d = dueCheck(c.plan, run, marks.get(c.id) ?? null, now);
      if (!d) continue;
      out.push({
        characteristic: c.id,
        name: c.name,
        kind: c.kind,
        chart: c.chart,
        unit: c.unit,
        nominal: c.nominal,
        lsl: c.lsl,
        usl: c.usl,
        sampleSize: c.plan.sampleSize,
        subgroupSize: c.subgroupSize,
        reason: d.reason,
        dueSince: d.dueSince === null ? null : new Date(d.dueSince).toISOString(),
        partsSince: d.partsSince,
        overdue: d.overdue,
        blocking: d.blocking,
        equipment: at.path,
        orderId: run.orderId,
        operationSeq: run.seq,
        lot: run.lot?.id ?? null,
      });
    }
    return out.sort(
      (a, b) =>
        Number(b.blocking) - Number(a.blocking) || (a.dueSince ?? '').localeCompare(b.dueSince ?? '') || a.characteristic.localeCompare(b.characteristic),
    );
  }

  /** The checks past their grace at a machine: its production actions are refused while there is one. */
  async blocking(equipmentId: string, now = Date.now()): Promise<BlockingCheck[]> {
    try {
      return (await this.due(equipmentId, now)).filter((c) => c.blocking).map((c) => ({ characteristic: c.characteristic, name: c.name, since: c.dueSince }));
    } catch (err) {
      // equipment that left the plant model has no checks
      if (err instanceof AppError && err.code === 'not_found') return [];
      throw err;
    }
  }

  /**
   * New measurements that name a station take the check there: a variable check is taken by `sampleSize` values of it
   * in one batch, an attribute check by one record of at least `sampleSize` units inspected (one record on a c chart,
   * which has no n). The mark keeps the operation's part count and lot at that moment.
   */
  async recorded(ms: StoredMeasurement[]): Promise<void> {
    if (!this.stations) return;
    const groups = new Map<string, StoredMeasurement[]>();
    for (const m of ms)
      if (m.equipment) groups.set(`${m.characteristic}\u0000${m.equipment}`, [...(groups.get(`${m.characteristic}\u0000${m.equipment}`) ?? []), m]);
    for (const group of groups.values()) {
      const { characteristic, equipment } = group[0];
      const plan = (await repo.getPlan(this.db, characteristic))?.plan;
      if (!plan || !taken(plan, group)) continue;
      let at: Awaited<ReturnType<StationWork['current']>>;
      try {
        at = await this.stations.current(equipment!);
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') continue; // a lab's or a retired machine's name: no station to mark
        throw err;
      }
      const last = group.reduce((a, b) => (b.id > a.id ? b : a));
      await repo.putMark(this.db, characteristic, at.equipmentId, {
        orderId: at.run?.orderId ?? null,
        seq: at.run?.seq ?? null,
        parts: at.run?.parts ?? 0,
        lot: at.run?.lot?.id ?? null,
        measurementId: last.id,
      });
    }
  }
}

/** Whether these measurements of one characteristic at one station make a complete check of the plan's sample. */
export function taken(plan: SamplingPlan, group: StoredMeasurement[]): boolean {
  const values = group.filter((m) => m.value !== null).length;
  if (values) return values >= plan.sampleSize;
  return group.some((m) => m.n === null || m.n >= plan.sampleSize);
}
