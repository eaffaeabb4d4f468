// What the planner reads before a solve: the machines (leaf equipment with their inherited shift calendars), which of
// them are down now, the product families, and the released orders with their operations' shop-floor state.
import type { Db } from '../platform/db/database.ts';
import { LEVEL_RANK, type EquipmentLookup, type PublicEquipment } from '../plant/index.ts';
import type { PlanMachine, PlanOrder, PlantCalendar } from './model-map.ts';
import type { OrderBook } from '../execution/index.ts';

/** The collect module's view of machine states (its MachineView port satisfies it). */
export interface MachineStateSource {
  machineStates(): Array<{ eq: { path: string }; bucket: string }>;
}

/** ISO 22400-2 ADET (down time): a breakdown or an interruption while an order runs. */
export const DOWN_BUCKETS = new Set(['adet']);

export interface Snapshot {
  machines: PlanMachine[];
  orders: PlanOrder[];
  /** Machines treated as down in this snapshot (path → until, epoch ms). */
  down: Record<string, string>;
}

export async function loadSnapshot(
  db: Db,
  plant: EquipmentLookup,
  states: MachineStateSource | undefined,
  book: OrderBook,
  now: number,
  opts: { downRepairS: number; extraDown?: string[] },
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
  const until = now + opts.downRepairS * 1000;
  const down: Record<string, string> = {};
  const machines: PlanMachine[] = equipment
    .filter((e) => !hasChildren.has(e.id) && LEVEL_RANK[e.level] >= LEVEL_RANK.workCenter)
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((e) => {
      const m: PlanMachine = { path: e.path, name: e.name, calendar: calendarOf(e) };
      if (downPaths.has(e.path)) {
        m.downUntil = until;
        down[e.path] = new Date(until).toISOString();
      }
      return m;
    });
  const orders = (await book.plannableOrders(db)).map((o) => ({ ...o, family: familyOf.get(o.productId) ?? o.productId }));
  return { machines, orders, down };
}
