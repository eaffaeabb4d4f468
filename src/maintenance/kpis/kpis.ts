// Maintenance KPIs over a period (docs/maintenance.md "Maintenance in the plan and the KPIs"), pure: planned vs
// unplanned maintenance share, preventive compliance and the backlog from the work orders; MTBF and MTTR come from
// performance's ISO 22400 figures of the same equipment and period (the ReliabilityFigures port).
import type { WorkOrderKind, WorkOrderStatus } from '../work-orders/model.ts';

/** What the KPIs read of a work order (epoch ms). */
export interface KpiWorkOrder {
  id: string;
  kind: WorkOrderKind;
  status: WorkOrderStatus;
  createdAt: number;
  startedAt: number | null;
  doneAt: number | null;
  plannedStart: number | null;
  plannedEnd: number | null;
  estimateMinutes: number | null;
}

/** Backlog age classes: [label, lower bound in days (inclusive), upper bound (exclusive)]. */
export const AGE_CLASSES: ReadonlyArray<readonly [string, number, number]> = [
  ['under 1 day', 0, 1],
  ['1–7 days', 1, 7],
  ['7–30 days', 7, 30],
  ['30 days or more', 30, Infinity],
];

const OPEN: ReadonlySet<WorkOrderStatus> = new Set(['requested', 'approved', 'scheduled', 'in_progress']);
const DAY = 86_400_000;
const H = 3_600_000;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const overlap = (a: number, b: number, from: number, to: number) => Math.max(0, Math.min(b, to) - Math.max(a, from));

export interface MaintenanceKpis {
  /** hours of work (from start to done, or to now while in progress) inside the period, by kind */
  workHours: { preventive: number; corrective: number };
  /** preventive hours / all work hours; null without work in the period */
  plannedShare: number | null;
  compliance: {
    /** preventive orders whose planned window ends in the period (cancelled ones not counted) */
    due: number;
    /** of those, done (or verified) by the end of their window */
    onTime: number;
    /** of those, not done by the end of their window (done late or still open) */
    late: string[];
    /** onTime / due; null when none was due */
    ratio: number | null;
  };
  backlog: {
    /** open orders (requested … in progress) now, whatever the period */
    count: number;
    /** their estimates summed, hours; `withoutEstimate` of them have none */
    estimatedHours: number;
    withoutEstimate: number;
    byAge: Array<{ age: string; count: number; estimatedHours: number }>;
    byKind: { preventive: number; corrective: number };
  };
}

/** The work-order KPIs of [from, to); `now` bounds work still in progress and is the backlog's instant. */
export function maintenanceKpis(orders: readonly KpiWorkOrder[], from: number, to: number, now: number): MaintenanceKpis {
  const end = Math.min(to, now);
  const workHours = { preventive: 0, corrective: 0 };
  for (const w of orders) {
    if (w.startedAt === null) continue;
    const stop = w.doneAt ?? (w.status === 'in_progress' ? now : null);
    if (stop === null) continue; // cancelled during the work: no end recorded
    workHours[w.kind] += overlap(w.startedAt, stop, from, end) / H;
  }
  const total = workHours.preventive + workHours.corrective;

  const due = orders.filter((w) => w.kind === 'preventive' && w.status !== 'cancelled' && w.plannedEnd !== null && w.plannedEnd >= from && w.plannedEnd < to);
  const onTime = due.filter((w) => w.doneAt !== null && w.doneAt <= w.plannedEnd! && (w.status === 'done' || w.status === 'verified'));
  const onTimeIds = new Set(onTime.map((w) => w.id));

  // the backlog is today's: the orders open now, aged from their creation to now
  const at = now;
  const open = orders.filter((w) => OPEN.has(w.status));
  const hours = (list: KpiWorkOrder[]) => r3(list.reduce((s, w) => s + (w.estimateMinutes ?? 0) / 60, 0));
  return {
    workHours: { preventive: r3(workHours.preventive), corrective: r3(workHours.corrective) },
    plannedShare: total > 0 ? r3(workHours.preventive / total) : null,
    compliance: {
      due: due.length,
      onTime: onTime.length,
      late: due.filter((w) => !onTimeIds.has(w.id)).map((w) => w.id),
      ratio: due.length ? r3(onTime.length / due.length) : null,
    },
    backlog: {
      count: open.length,
      estimatedHours: hours(open),
      withoutEstimate: open.filter((w) => w.estimateMinutes === null).length,
      byAge: AGE_CLASSES.map(([age, lo, hi]) => {
        const list = open.filter((w) => (at - w.createdAt) / DAY >= lo && (at - w.createdAt) / DAY < hi);
        return { age, count: list.length, estimatedHours: hours(list) };
      }),
      byKind: { preventive: open.filter((w) => w.kind === 'preventive').length, corrective: open.filter((w) => w.kind === 'corrective').length },
    },
  };
}
