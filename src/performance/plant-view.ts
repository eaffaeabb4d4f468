// What performance needs from the plant model, loaded through the plant module's service: machines with their
// calendars (inherited from the nearest ancestor), the hierarchy for roll-ups to lines/areas/sites, and ideal cycle
// times (the routing of the product being run, else the machine's own `idealCycleTime` property).
import type { EquipmentLookup, Level, PublicEquipment, RoutingOperation } from '../plant/index.ts';
import { notFound } from '../platform/errors.ts';
import { calendarFn, type PlantCalendar } from './calendar-windows.ts';
import { conventionsFrom, type PlantConventions } from './conventions.ts';
import type { CalendarFn } from './time-model.ts';

/** What runs on a machine under an order/operation (from the execution module once it registers). */
export type ProductResolver = (q: { equipmentId: string; orderId: string | null; operationId: string | null }) => { productId: string; seq?: number } | null;

export interface MachineInfo {
  id: string;
  path: string;
  name: string;
  level: Level;
  equipmentClass: string | null;
  calendar: PlantCalendar | null;
  calendarId: string | null;
  idealCycleTimeS: number | null;
  /** The plant's time-model conventions for this machine (its own properties, else its nearest ancestor's). */
  conventions: PlantConventions;
  /** Its `commissionedAt` property (epoch ms), if set: its planned time starts there rather than at its first data. */
  commissionedAt: number | null;
  /** Tags carrying the machine's alarm code: the conventional `alarm`, and tags of role `alarm` (its own or its class's). */
  alarmTags: string[];
}

const UNIT_S: Record<string, number> = { s: 1, sec: 1, ms: 0.001, min: 60, h: 3600 };

/** The machine's own ideal cycle time from its `idealCycleTime` (or `idealCycleTimeS`) property, in seconds. */
export function machineIdealCycleTime(props: Record<string, unknown>): number | null {
  for (const [key, unitDefault] of [
    ['idealCycleTime', 's'],
    ['idealCycleTimeS', 's'],
  ] as const) {
    const p = props[key] as { value?: unknown; unit?: string } | undefined;
    const v = typeof p?.value === 'number' ? p.value : Number(p?.value);
    if (p && Number.isFinite(v) && v > 0) return v * (UNIT_S[p.unit ?? unitDefault] ?? 1);
  }
  return null;
}

/** The machine's `commissionedAt` property (an ISO 8601 date or instant, or epoch ms) in epoch ms, if set. */
export function machineCommissionedAt(props: Record<string, unknown>): number | null {
  const p = props.commissionedAt as { value?: unknown } | string | number | undefined;
  const v = typeof p === 'object' && p !== null ? p.value : p;
  const t = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
}

export class PlantView {
  private equipment: PublicEquipment[] = [];
  private byId = new Map<string, PublicEquipment>();
  private machinesById = new Map<string, MachineInfo>();
  private calendars = new Map<string, PlantCalendar>();
  private routings = new Map<string, RoutingOperation[]>();
  private calFns = new Map<string, CalendarFn>();
  /** Maintenance windows per machine id: planned downtime besides the calendar's (maintenance-windows.ts). */
  private maintenance = new Map<string, Array<{ start: number; end: number }>>();
  private resolver: ProductResolver | null = null;

  constructor(private readonly plant: EquipmentLookup) {}

  setProductResolver(r: ProductResolver | null): void {
    this.resolver = r;
  }

  async reload(): Promise<void> {
    this.equipment = await this.plant.listEquipment();
    this.byId = new Map(this.equipment.map((e) => [e.id, e]));
    const cals = (await this.plant.listCodes('calendar')) as unknown as Array<PlantCalendar & { id: string }>;
    this.calendars = new Map(cals.map((c) => [c.id, c]));
    const products = (await this.plant.listCodes('product')) as unknown as Array<{ id: string; routing: RoutingOperation[] }>;
    this.routings = new Map(products.map((p) => [p.id, p.routing ?? []]));
    const classes = (await this.plant.listCodes('equipmentClass')) as unknown as Array<{ id: string; tags?: Array<{ name: string; role?: string }> }>;
    const classAlarms = new Map(classes.map((c) => [c.id, (c.tags ?? []).filter((t) => t.role === 'alarm').map((t) => t.name)]));
    this.calFns = new Map();
    this.machinesById = new Map();
    for (const e of this.equipment) {
      if (e.level !== 'machine') continue;
      const calendarId = this.calendarIdOf(e);
      this.machinesById.set(e.id, {
        id: e.id,
        path: e.path,
        name: e.name,
        level: e.level,
        equipmentClass: e.equipmentClass,
        calendarId,
        calendar: calendarId ? (this.calendars.get(calendarId) ?? null) : null,
        idealCycleTimeS: machineIdealCycleTime(e.properties),
        conventions: this.conventionsOf(e),
        commissionedAt: machineCommissionedAt(e.properties),
        alarmTags: [
          ...new Set([
            'alarm',
            ...(e.equipmentClass ? (classAlarms.get(e.equipmentClass) ?? []) : []),
            ...e.tags.filter((t) => t.role === 'alarm').map((t) => t.name),
          ]),
        ],
      });
    }
  }

  /** Conventions in force for a piece of equipment: set as properties on it or an ancestor (nearest wins). */
  conventionsOf(e: PublicEquipment): PlantConventions {
    const chain: Array<Record<string, unknown>> = [];
    for (let x: PublicEquipment | undefined = e; x; x = x.parentId ? this.byId.get(x.parentId) : undefined) chain.push(x.properties);
    return conventionsFrom(chain);
  }

  private calendarIdOf(e: PublicEquipment | undefined): string | null {
    for (let x = e; x; x = x.parentId ? this.byId.get(x.parentId) : undefined) if (x.calendarId) return x.calendarId;
    return null;
  }

  machines(): MachineInfo[] {
    return [...this.machinesById.values()];
  }

  machine(id: string): MachineInfo | undefined {
    return this.machinesById.get(id);
  }

  /** Equipment by id or path. */
  find(idOrPath: string): PublicEquipment {
    const e = this.byId.get(idOrPath) ?? this.equipment.find((x) => x.path === idOrPath);
    if (!e) throw notFound('equipment', idOrPath);
    return e;
  }

  /** The machines at or below a piece of equipment (a machine: itself; a line: its machines …). */
  machinesUnder(e: PublicEquipment): MachineInfo[] {
    return this.machines().filter((m) => m.path === e.path || m.path.startsWith(`${e.path}/`));
  }

  /** The calendar of a piece of equipment (for grouping by shift/day at line level: the first machine's). */
  calendarOf(e: PublicEquipment): PlantCalendar | null {
    const id = this.calendarIdOf(e) ?? this.machinesUnder(e).find((m) => m.calendarId)?.calendarId ?? null;
    return id ? (this.calendars.get(id) ?? null) : null;
  }

  calendarFn(m: MachineInfo): CalendarFn {
    let f = this.calFns.get(m.id);
    if (!f) this.calFns.set(m.id, (f = withWindows(calendarFn(m.calendar, m.path), this.maintenance.get(m.id) ?? [])));
    return f;
  }

  /** Replaces the maintenance windows (per machine id); calendars are made again with them. */
  setMaintenanceWindows(windows: Map<string, Array<{ start: number; end: number }>>): void {
    this.maintenance = windows;
    this.calFns = new Map();
  }

  /** The product an order makes, when the execution module registered its resolver. */
  productOf(equipmentId: string, orderId: string): string | null {
    return this.resolver?.({ equipmentId, orderId, operationId: null })?.productId ?? null;
  }

  /** PRI of what a count was made under: the product's routing operation on this machine, else the machine's own. */
  idealCycleTime(m: MachineInfo, orderId: string | null, operationId: string | null): number | null {
    if (this.resolver && (orderId || operationId)) {
      const p = this.resolver({ equipmentId: m.id, orderId, operationId });
      const routing = p ? this.routings.get(p.productId) : undefined;
      if (p && routing) {
        const op =
          (p.seq !== undefined ? routing.find((o) => o.seq === p.seq) : undefined) ??
          routing.find((o) => o.workCenter === m.path) ??
          routing.find((o) => o.equipmentClass && o.equipmentClass === m.equipmentClass);
        if (op) return op.idealCycleTimeS;
      }
    }
    return m.idealCycleTimeS;
  }
}

/** A calendar whose planned downtime also holds the given windows (ISO 22400-2 PDOT: planned maintenance). */
function withWindows(fn: CalendarFn, windows: Array<{ start: number; end: number }>): CalendarFn {
  if (!windows.length) return fn;
  return (from, to) => {
    const w = fn(from, to);
    const inside = windows.filter((x) => x.end > from && x.start < to).map((x) => ({ start: Math.max(x.start, from), end: Math.min(x.end, to) }));
    return inside.length ? { pot: w.pot, planned: [...w.planned, ...inside] } : w;
  };
}
