// The breakdown threshold (migration 0028): a stop this long opens a corrective work order by itself. One setting for
// the plant, optionally overridden per machine; changed only as a whole (PUT /api/maintenance/settings), audited.
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import { rowsOf, sql } from '../../platform/db/database.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';

export const SETTINGS_ENTITY = 'maintenance.breakdown_settings';
const PLANT = '*';

/** Ten minutes: longer than the usual minor stops, short enough that a technician is called during the shift. */
export const DEFAULT_THRESHOLD_S = 600;
export const MIN_THRESHOLD_S = 10;
export const MAX_THRESHOLD_S = 604_800;

export interface MachineThreshold {
  /** the machine's ISA-95 path */
  equipment: string;
  equipmentId: string;
  thresholdS: number;
  enabled: boolean;
}

export interface BreakdownSettings {
  thresholdS: number;
  enabled: boolean;
  machines: MachineThreshold[];
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface BreakdownSettingsInput {
  thresholdS: number;
  enabled: boolean;
  machines: Array<{ equipment: string; thresholdS: number; enabled: boolean }>;
}

type Row = { scope_key: string; threshold_s: number; enabled: boolean; updated_by: string; updated_at: string | Date };

export class BreakdownSettingsService {
  private cache: Map<string, { thresholdS: number; enabled: boolean }> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly plant: EquipmentLookup,
  ) {}

  private async rows(): Promise<Row[]> {
    return rowsOf<Row>(this.ctx.db, sql`SELECT * FROM maintenance_breakdown_settings ORDER BY scope_key`);
  }

  async get(): Promise<BreakdownSettings> {
    const rows = await this.rows();
    const plant = rows.find((r) => r.scope_key === PLANT);
    const machines: MachineThreshold[] = [];
    for (const r of rows.filter((x) => x.scope_key !== PLANT)) {
      const path = await this.plant
        .getEquipment(r.scope_key)
        .then((e) => e.path)
        .catch(() => r.scope_key); // a machine removed from the plant model keeps its row until the next PUT
      machines.push({ equipment: path, equipmentId: r.scope_key, thresholdS: Number(r.threshold_s), enabled: Boolean(r.enabled) });
    }
    const latest = rows.reduce<Row | undefined>((a, b) => (!a || new Date(b.updated_at) > new Date(a.updated_at) ? b : a), undefined);
    return {
      thresholdS: plant ? Number(plant.threshold_s) : DEFAULT_THRESHOLD_S,
      enabled: plant ? Boolean(plant.enabled) : true,
      machines: machines.sort((a, b) => a.equipment.localeCompare(b.equipment)),
      updatedBy: latest?.updated_by ?? null,
      updatedAt: latest ? new Date(latest.updated_at).toISOString() : null,
    };
  }

  /** The threshold that applies to a machine: its own, else the plant's (disabled: no automatic orders). */
  async thresholdFor(equipmentId: string): Promise<{ thresholdS: number; enabled: boolean }> {
    if (!this.cache) {
      const rows = await this.rows();
      this.cache = new Map(rows.map((r) => [r.scope_key, { thresholdS: Number(r.threshold_s), enabled: Boolean(r.enabled) }]));
    }
    const plant = this.cache.get(PLANT) ?? { thresholdS: DEFAULT_THRESHOLD_S, enabled: true };
    const own = this.cache.get(equipmentId);
    if (!plant.enabled) return { ...plant, enabled: false };
    return own ?? plant;
  }

  /** Replaces the settings: the plant's and every machine override (a machine not listed has none any more). */
  async put(actor: Actor, input: BreakdownSettingsInput): Promise<BreakdownSettings> {
    const resolved: Array<{ id: string; thresholdS: number; enabled: boolean }> = [];
    for (const [i, m] of input.machines.entries()) {
      const eq = await this.plant.getEquipment(m.equipment).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found')
          throw validationFailed(`equipment '${m.equipment}' does not exist`, [
            { path: `machines.${i}.equipment`, message: 'no such equipment in the plant model' },
          ]);
        throw err;
      });
      if (eq.level !== 'machine')
        throw validationFailed(`'${eq.path}' is a ${eq.level}, not a machine`, [{ path: `machines.${i}.equipment`, message: 'not a machine' }]);
      if (resolved.some((r) => r.id === eq.id))
        throw validationFailed(`'${eq.path}' is listed twice`, [{ path: `machines.${i}.equipment`, message: 'listed twice' }]);
      resolved.push({ id: eq.id, thresholdS: m.thresholdS, enabled: m.enabled });
    }
    const before = await this.get();
    await this.ctx.db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM maintenance_breakdown_settings`);
      for (const r of [{ id: PLANT, thresholdS: input.thresholdS, enabled: input.enabled }, ...resolved])
        await tx.execute(
          sql`INSERT INTO maintenance_breakdown_settings (scope_key, threshold_s, enabled, updated_by) VALUES (${r.id}, ${r.thresholdS}, ${r.enabled}, ${actor.name})`,
        );
      await appendAudit(tx, actor, { action: 'update', entity: SETTINGS_ENTITY, entityId: 'breakdown', before, after: input });
    });
    this.cache = undefined;
    return this.get();
  }
}
