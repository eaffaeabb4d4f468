// What the planner reads before a solve: the machines (leaf equipment with their inherited shift calendars), which of
// them are down now, the product families, and the released orders with their operations' shop-floor state.
import type { Db } from '../platform/db/database.ts';
import { LEVEL_RANK, type EquipmentLookup, type PublicEquipment } from '../plant/index.ts';
import type { PlanMachine, PlanOrder, PlantCalendar } from './model-map.ts';
import type { OrderBook } from '../execution/index.ts';
import type { DownBasis, MaintenancePlanning, RemainingBasis, RepairTimes, RunningProgress } from './ports.ts';
import { isInProgress, remainingS, type PlanOperation } from './model-map.ts';

/** The collect module's view of machine states (its MachineView port satisfies it). */
export interface MachineStateSource {
  machineStates(): Array<{ eq: { path: string }; bucket: string }>;
}

/** ISO 22400-2 ADET (down time): a breakdown or an interruption while an order runs. */
export const DOWN_BUCKETS = new Set(['adet']);

export interface Snapshot {
  machines: PlanMachine[];
  orders: PlanOrder[];
  /** Machines treated as down in this snapshot (path → until, ISO). */
  down: Record<string, string>;
  /** Why each down machine is down for as long as it is (path → basis, seconds, the work order whose estimate it is). */
  downBasis: Record<string, { basis: DownBasis; seconds: number; workOrderId?: string }>;
  /** Operations in progress: their remaining time and where it came from. */
  running: Array<{ orderId: string; seq: number; machine: string | null; remainingS: number; basis: RemainingBasis; remainingParts?: number }>;
  /** Maintenance windows in the horizon (path → [{workOrderId, start, end}], ISO). */
  maintenance: Record<string, Array<{ workOrderId: string; start: string; end: string }>>;
}

/** Optional sources of a snapshot: maintenance's windows and estimates, the machines' repair times. */
export interface SnapshotSources {
  maintenance?: MaintenancePlanning;
  repairTimes?: RepairTimes;
  running?: RunningProgress;
}

/**
 * A running operation's remaining time: once it produces (phase running or paused), the parts still to make × the
 * cycle time the machine reports, else the ideal one; in setup, or without counts, the clock (model-map.ts remainingS).
 */
export async function remainingTime(
  orderId: string,
  op: PlanOperation,
  now: number,
  running: RunningProgress | undefined,
): Promise<{ seconds: number; basis: RemainingBasis; remaining?: number }> {
  const clock = { seconds: remainingS(op, now), basis: 'clock' as const };
  if (!running || op.phase === 'setup') return clock;
  const p = await running.progress(orderId, op.seq).catch(() => null);
  if (!p || !Number.isFinite(p.remaining)) return clock;
  const observed = p.observedCycleTimeS !== null && p.observedCycleTimeS > 0 ? p.observedCycleTimeS : null;
  const cycle = observed ?? (p.idealCycleTimeS !== null && p.idealCycleTimeS > 0 ? p.idealCycleTimeS : null);
  if (cycle === null) return clock;
  return { seconds: Math.max(60, Math.round(p.remaining * cycle)), basis: observed !== null ? 'counted-observed' : 'counted-ideal', remaining: p.remaining };
}

/**
 * A down machine's repair time: its open corrective work order's estimate if one has it, else its MTTR from the stop
 * history, else the configured default (`downRepairS`).
 */
export async function repairTime(
  equipmentId: string,
  now: number,
  fallbackS: number,
  src: SnapshotSources,
): Promise<{ basis: DownBasis; seconds: number; workOrderId?: string }> {
  const estimate = await src.maintenance?.repairEstimate(equipmentId);
  if (estimate && estimate.seconds > 0) return { basis: 'work-order', seconds: estimate.seconds, workOrderId: estimate.workOrderId };
  const mttr = await src.repairTimes?.repairS(equipmentId, now);
  if (mttr != null && Number.isFinite(mttr) && mttr > 0) return { basis: 'mttr', seconds: Math.round(mttr) };
  return { basis: 'default', seconds: fallbackS };
}

export async function loadSnapshot(
  db: Db,
  plant: EquipmentLookup,
  states: MachineStateSource | undefined,
  book: OrderBook,
  now: number,
  opts: { downRepairS: number; extraDown?: string[]; horizonMs?: number },
  src: SnapshotSources = {},
): Promise<Snapshot> {
  const equipment = await plant.listEquipment();
  const calendars = new Map((await plant.listCodes('calendar')).map((c) => [c.id, c as unknown as PlantCalendar]));
  const products = await plant.listCodes('product');
  const familyOf = new Map(products.map((p) => [p.id, ((p as { family?: string | null }).family ?? null) || p.id]));
  const byId = new Map(equipment.map((e) => [e.id, e]));
  const hasChildren = new Set(equipment.map((e) => e.parentId).filter((x): x is string => !!x));
  const calendarOf = (e: PublicEquipment): PlantCalendar | null => {
    for (let x: PublicEquipment | undefined = e; x; x = x.parentId ? byId.get(x.parentId) : undefined)
      if (x.calendarId) return calendars.get(x.calendarId) ?? null;
    return null;
  };
  const downPaths = new Set(opts.extraDown ?? []);
  for (const s of states?.machineStates() ?? []) if (DOWN_BUCKETS.has(s.bucket)) downPaths.add(s.eq.path);
  const down: Record<string, string> = {};
  const downBasis: Snapshot['downBasis'] = {};
  const maintenance: Snapshot['maintenance'] = {};
  // every window up to a year ahead: the horizon is at most that long, and a longer one is not looked at
  const windows = (await src.maintenance?.plannedWindows(now, now + (opts.horizonMs ?? 366 * 86_400_000))) ?? [];
  const machines: PlanMachine[] = [];
  for (const e of equipment
    .filter((x) => !hasChildren.has(x.id) && LEVEL_RANK[x.level] >= LEVEL_RANK.workCenter)
    .sort((a, b) => a.path.localeCompare(b.path))) {
    const m: PlanMachine = { path: e.path, name: e.name, calendar: calendarOf(e) };
    if (downPaths.has(e.path)) {
      const r = await repairTime(e.id, now, opts.downRepairS, src);
      m.downUntil = now + r.seconds * 1000;
      down[e.path] = new Date(m.downUntil).toISOString();
      downBasis[e.path] = r;
    }
    const own = windows.filter((w) => w.equipmentId === e.id && w.end > now);
    if (own.length) {
      m.maintenance = own.map((w) => [w.start, w.end]);
      maintenance[e.path] = own.map((w) => ({ workOrderId: w.workOrderId, start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() }));
    }
    machines.push(m);
  }
  const orders = (await book.plannableOrders(db)).map((o) => ({ ...o, family: familyOf.get(o.productId) ?? o.productId }) as PlanOrder);
  const running: Snapshot['running'] = [];
  for (const o of orders)
    for (const op of o.operations) {
      if (!isInProgress(op)) continue;
      const r = await remainingTime(o.id, op, now, src.running);
      op.remainingS = r.seconds;
      running.push({
        orderId: o.id,
        seq: op.seq,
        machine: op.equipment,
        remainingS: r.seconds,
        basis: r.basis,
        ...(r.remaining === undefined ? {} : { remainingParts: r.remaining }),
      });
    }
  return { machines, orders, down, downBasis, running, maintenance };
}
