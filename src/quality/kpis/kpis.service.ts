// Quality KPIs of a window (first pass yield, scrap and rework rates, cost of poor quality, defect Paretos) and the
// cost table they are priced from. Produced quantities come from execution through the YieldSource port, rework from
// the nonconformances' dispositions through the ReworkSource port (absent: rework "not recorded", never 0).
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import type { Window } from '../quality.service.ts';
import { computeKpis, type KpiFigures } from './formulas.ts';
import * as repo from './kpis.repository.ts';
import type { KpiFilter, QualityCost, ReworkSource, YieldSource } from './model.ts';

/** GET /api/quality/kpis: the window and filters asked for, and the figures. */
export type KpiReport = { window: Window; filter: { product: string | null; machine: string | null; order: string | null } } & KpiFigures;

export interface CostInput {
  unitCost: number;
  reworkCost: number | null;
  currency: string;
}

export interface KpiPorts {
  yields: YieldSource;
  /** the nonconformances' rework dispositions; until wired, rework is not recorded */
  rework?: ReworkSource;
}

export class QualityKpis {
  constructor(
    private readonly db: Db,
    private readonly plant: EquipmentLookup,
    private readonly ports: KpiPorts,
  ) {}

  async report(w: Window, filter: KpiFilter): Promise<KpiReport> {
    const [groups, rework, costs, attributes] = await Promise.all([
      this.ports.yields.completed(w, filter),
      this.ports.rework ? this.ports.rework.reworked(w, filter) : Promise.resolve(null),
      repo.listCosts(this.db),
      repo.attributeDefects(this.db, w, filter),
    ]);
    const figures = computeKpis(groups, rework, new Map(costs.map((c) => [c.product, c])), attributes);
    return { window: w, filter: { product: filter.product ?? null, machine: filter.machine ?? null, order: filter.order ?? null }, ...figures };
  }

  costs(): Promise<QualityCost[]> {
    return repo.listCosts(this.db);
  }

  async cost(product: string): Promise<QualityCost> {
    const c = await repo.getCost(this.db, product);
    if (!c) throw notFound('quality cost of', product);
    return c;
  }

  /** Sets a product's (or material's) costs; the code must be one the plant model knows. */
  async setCost(actor: Actor, product: string, input: CostInput, reason: string | null): Promise<QualityCost> {
    await this.checkItem(product);
    return this.db.transaction(async (tx) => {
      const before = await repo.getCost(tx, product, true);
      const after = await repo.upsertCost(tx, { product, ...input, updatedBy: actor.name });
      await appendAudit(tx, actor, { action: before ? 'update' : 'create', entity: 'quality_cost', entityId: product, before, after, reason });
      return after;
    });
  }

  async removeCost(actor: Actor, product: string, reason: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.getCost(tx, product, true);
      if (!before) throw notFound('quality cost of', product);
      await repo.deleteCost(tx, product);
      await appendAudit(tx, actor, { action: 'delete', entity: 'quality_cost', entityId: product, before, reason });
    });
  }

  private async checkItem(code: string): Promise<void> {
    for (const entity of ['product', 'material'] as const) {
      const found = await this.plant.getCode(entity, code).then(
        () => true,
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'not_found') return false;
          throw err;
        },
      );
      if (found) return;
    }
    throw validationFailed(`product: '${code}' is neither a product nor a material of the plant model`, [
      { path: 'product', message: `'${code}' is neither a product nor a material of the plant model` },
    ]);
  }
}
