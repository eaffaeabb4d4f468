// Maintenance windows as planned downtime (ISO 22400-2 PDOT, not a failure): preventive work orders' planned windows
// (docs/maintenance.md "Maintenance in the plan and the KPIs"). Performance keeps them in memory per machine (its
// calendars add them to their planned downtime) and, when one is added, moved or dropped, marks the past hours it
// covered — before and after — for re-folding, as it does for late raw data.
import type { Querier } from '../platform/db/database.ts';
import { markRewritten } from './performance.repository.ts';
import type { PlantView } from './plant-view.ts';

/** Maintenance's windows (the consumer's port, bound in src/modules.ts). */
export interface MaintenanceWindowSource {
  /** Preventive work orders' planned windows overlapping [from, to), epoch ms: scheduled, in progress or carried out. */
  downtimeWindows(from: number, to: number): Promise<Array<{ workOrderId: string; equipmentId: string; start: number; end: number }>>;
}

interface Known {
  equipmentId: string;
  start: number;
  end: number;
}

const YEAR = 366 * 86_400_000;

export class MaintenanceWindows {
  private known = new Map<string, Known>();

  constructor(
    private readonly db: Querier,
    private readonly view: PlantView,
    private readonly source: MaintenanceWindowSource,
  ) {}

  /** Reads every window again; the hours of the ones that changed are marked for re-folding. Returns how many changed. */
  async refresh(now = Date.now()): Promise<number> {
    const list = await this.source.downtimeWindows(0, now + YEAR);
    const next = new Map<string, Known>(list.map((w) => [w.workOrderId, { equipmentId: w.equipmentId, start: w.start, end: w.end }]));
    const touched: Array<{ equipmentId: string; from: number; to: number }> = [];
    for (const [id, w] of this.known) {
      const n = next.get(id);
      if (!n || n.start !== w.start || n.end !== w.end || n.equipmentId !== w.equipmentId)
        touched.push({ equipmentId: w.equipmentId, from: w.start, to: w.end });
    }
    for (const [id, n] of next) {
      const w = this.known.get(id);
      if (!w || n.start !== w.start || n.end !== w.end || n.equipmentId !== w.equipmentId)
        touched.push({ equipmentId: n.equipmentId, from: n.start, to: n.end });
    }
    if (!touched.length) return 0;
    const perMachine = new Map<string, Array<{ start: number; end: number }>>();
    for (const w of next.values()) perMachine.set(w.equipmentId, [...(perMachine.get(w.equipmentId) ?? []), { start: w.start, end: w.end }]);
    this.view.setMaintenanceWindows(perMachine);
    this.known = next;
    // only machines performance knows (a window on a line or a tool is no machine's planned downtime)
    await markRewritten(
      this.db,
      touched.filter((t) => this.view.machine(t.equipmentId)),
      now,
    );
    return touched.length;
  }
}
