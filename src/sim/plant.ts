// Which machines the simulator runs, read from a plant file (docs/plant-file.md) or generated for load tests.
// Parsed leniently on purpose: the simulator must not depend on the database layer, and Takt's own import
// validates the same file strictly anyway.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SimCalendar } from './calendar.ts';
import type { DegradationSpec } from './degradation.ts';

export type SimProtocol = 'uns' | 'sparkplug';
export type ProtocolChoice = SimProtocol | 'mixed';

export interface ProcessParamSpec {
  name: string;
  target: number;
  min?: number;
  max?: number;
  unit?: string;
}

export interface MachineSpec {
  id: string;
  /** ISA-95 equipment path, e.g. acme/lakeside/moulding/imm-cell1/imm01: the UNS topic prefix. */
  path: string;
  /** Id of the enclosing area: the Sparkplug edge node, and the unit of MQTT connections. */
  area: string;
  /** Sparkplug device id (the machine id; made unique within its area if needed). */
  deviceId: string;
  equipmentClass?: string;
  productId?: string;
  idealCycleTimeS: number;
  setupTimeS: number;
  /** Numeric routing parameters only: each becomes a process-value tag. */
  parameters: ProcessParamSpec[];
  protocol: SimProtocol;
  /** The shift calendar of the plant file that applies (the nearest ancestor's `calendar`), if any. */
  calendar?: SimCalendar;
  /** Degradation mode (degradation.ts) from the machine's attribute `simWear`: a component wears, drifting one of its
   *  process values, then breaks down and is replaced. The simulator gives it a seed of its own. */
  degradation?: Omit<DegradationSpec, 'seed'>;
}

export const DEFAULT_IDEAL_CYCLE_S = 20;
export const SPARKPLUG_GROUP = 'takt';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

interface Node {
  entry: Obj;
  id: string;
  level: string;
  parent?: Node;
  parentRef?: string;
  path?: string;
}

/** Flattens nested and flat-form equipment into nodes with resolved paths (file order kept). */
function equipmentNodes(doc: Obj): Node[] {
  const nodes: Node[] = [];
  const walk = (e: Obj, parent: Node | undefined, topLevel: boolean) => {
    const n: Node = { entry: e, id: String(e.id ?? ''), level: String(e.level ?? ''), parent };
    if (topLevel && typeof e.parent === 'string') n.parentRef = e.parent;
    nodes.push(n);
    for (const c of arr(e.children)) walk(c, n, false);
  };
  for (const e of arr(doc.equipment)) walk(e, undefined, true);
  const byId = new Map<string, Node>();
  for (const n of nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  const pathOf = (n: Node, depth = 0): string => {
    if (n.path !== undefined) return n.path;
    if (depth > 64) throw new Error(`equipment '${n.id}': parent links form a cycle`);
    if (n.parentRef && !n.parent) {
      const ref = n.parentRef;
      n.parent = byId.get(ref) ?? nodes.find((o) => o !== n && pathOf(o, depth + 1) === ref);
      // A parent that is not in the file is an existing path in Takt's plant: keep it as the prefix.
      if (!n.parent) return (n.path = `${ref}/${n.id}`);
    }
    return (n.path = n.parent ? `${pathOf(n.parent, depth + 1)}/${n.id}` : n.id);
  };
  for (const n of nodes) pathOf(n);
  return nodes;
}

function secondsOf(prop: unknown): number | undefined {
  if (!isObj(prop)) return undefined;
  const v = num(prop.value);
  if (v === undefined || v <= 0) return undefined;
  const unit = String(prop.unit ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 0.001 : unit === 'min' ? 60 : unit === 'h' ? 3600 : 1;
  return v * factor;
}

interface OpChoice {
  productId: string;
  op: Obj;
}

/**
 * Machines (level 'machine') of a parsed plant file. Products: a workCenter routing binds to the machine at (or the
 * machines under) that path; otherwise the machine takes an equipmentClass routing, spreading the class's products
 * round-robin over its machines, so the demo plant runs both housings and the tag list does not depend on the seed.
 */
export function machinesFromPlant(doc: unknown, protocol: ProtocolChoice = 'mixed'): MachineSpec[] {
  if (!isObj(doc)) throw new Error('plant file: expected a mapping at the top level');
  const nodes = equipmentNodes(doc);
  // machines on OPC UA or EUROMAP 63 have simulators of their own (src/sim/opcua, src/sim/euromap63)
  const ownSimulator = (n: Node) => arr(n.entry.connections).some((c) => isObj(c) && (c.protocol === 'opcua' || c.protocol === 'euromap63'));
  const machines = nodes.filter((n) => n.level === 'machine' && !ownSimulator(n));
  const byWorkCenter: { path: string; choice: OpChoice }[] = [];
  const byClass = new Map<string, OpChoice[]>();
  for (const p of arr(doc.products)) {
    for (const op of arr(p.routing)) {
      const choice = { productId: String(p.id), op };
      if (typeof op.workCenter === 'string') byWorkCenter.push({ path: op.workCenter, choice });
      else if (typeof op.equipmentClass === 'string') {
        const list = byClass.get(op.equipmentClass) ?? [];
        list.push(choice);
        byClass.set(op.equipmentClass, list);
      }
    }
  }
  const calendars = new Map(
    arr(doc.calendars)
      .filter((c) => typeof c.id === 'string')
      .map((c) => [String(c.id), c as unknown as SimCalendar]),
  );
  const calendarOf = (n: Node | undefined): SimCalendar | undefined => {
    for (let x = n; x; x = x.parent) if (typeof x.entry.calendar === 'string') return calendars.get(x.entry.calendar);
    return undefined;
  };
  const roundRobin = new Map<string, number>();
  const areaOrder: string[] = [];
  const specs: MachineSpec[] = [];
  for (const m of machines) {
    const path = m.path!;
    let area: Node | undefined = m.parent;
    while (area && area.level !== 'area') area = area.parent;
    // Machines outside any area share one edge node named after the top of their path.
    const areaId = area ? area.id : path.split('/')[0];
    if (!areaOrder.includes(areaId)) areaOrder.push(areaId);
    const own = byWorkCenter.filter((w) => path === w.path || path.startsWith(`${w.path}/`)).map((w) => w.choice);
    const cls = typeof m.entry.equipmentClass === 'string' ? m.entry.equipmentClass : undefined;
    const candidates = own.length ? own : cls ? (byClass.get(cls) ?? []) : [];
    let choice: OpChoice | undefined;
    if (candidates.length) {
      const key = candidates.map((c) => `${c.productId}#${String(c.op.seq)}`).join('|');
      const k = roundRobin.get(key) ?? 0;
      roundRobin.set(key, k + 1);
      choice = candidates[k % candidates.length];
    }
    const props = isObj(m.entry.properties) ? m.entry.properties : {};
    const parameters: ProcessParamSpec[] = [];
    for (const p of arr(choice?.op.parameters)) {
      const target = num(p.target);
      if (target === undefined || typeof p.name !== 'string') continue; // numeric parameters only
      parameters.push({ name: p.name, target, min: num(p.min), max: num(p.max), unit: typeof p.unit === 'string' ? p.unit : undefined });
    }
    const attrs = isObj(m.entry.attributes) ? m.entry.attributes : {};
    const degradation = wearOf(attrs.simWear, parameters, path);
    specs.push({
      id: m.id,
      path,
      area: areaId,
      deviceId: m.id,
      equipmentClass: cls,
      productId: choice?.productId,
      idealCycleTimeS: secondsOf(props.idealCycleTime) ?? num(choice?.op.idealCycleTimeS) ?? DEFAULT_IDEAL_CYCLE_S,
      setupTimeS: num(choice?.op.setupTimeS) ?? 0,
      parameters,
      protocol: protocol === 'mixed' ? 'uns' : protocol,
      ...(calendarOf(m) ? { calendar: calendarOf(m) } : {}),
      ...(degradation ? { degradation } : {}),
      ...(protocol === 'mixed' && (attrs.simProtocol === 'uns' || attrs.simProtocol === 'sparkplug') ? { forced: attrs.simProtocol } : {}),
    } as MachineSpec);
  }
  if (protocol === 'mixed') assignMixed(specs, areaOrder);
  uniqueDeviceIds(specs);
  return specs;
}

/**
 * A machine's `simWear` attribute: `{ tag, lifeH, startWear?, lifeShape?, drift?, curve?, microStopFactor?, alarm? }`.
 * The tag must be one of the machine's numeric process values (else the wear would drift nothing): an error names it.
 */
function wearOf(v: unknown, parameters: ProcessParamSpec[], path: string): Omit<DegradationSpec, 'seed'> | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v) || typeof v.tag !== 'string' || !(num(v.lifeH)! > 0))
    throw new Error(`${path}: attribute simWear needs a tag and lifeH > 0 (hours of Execute time)`);
  const tag = v.tag;
  if (!parameters.some((p) => p.name === tag))
    throw new Error(`${path}: simWear tag '${tag}' is not one of its process values (${parameters.map((p) => p.name).join(', ') || 'none'})`);
  const out: Omit<DegradationSpec, 'seed'> = { tag, lifeH: num(v.lifeH)! };
  for (const k of ['startWear', 'lifeShape', 'drift', 'curve', 'microStopFactor'] as const) if (num(v[k]) !== undefined) out[k] = num(v[k]);
  if (typeof v.alarm === 'string') out.alarm = v.alarm;
  return out;
}

/**
 * Mixed mode, so that both paths are live: machines of the 1st, 3rd … area speak Sparkplug B except the first machine
 * of the area, the other areas speak UNS JSON. On the demo plant: imm02–04 Sparkplug, imm01 and the assembly line UNS.
 * A machine attribute `simProtocol: uns|sparkplug` overrides the rule.
 */
function assignMixed(specs: MachineSpec[], areaOrder: string[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    const forced = (s as MachineSpec & { forced?: SimProtocol }).forced;
    delete (s as MachineSpec & { forced?: SimProtocol }).forced;
    const first = !seen.has(s.area);
    seen.add(s.area);
    s.protocol = forced ?? (areaOrder.indexOf(s.area) % 2 === 0 && !first ? 'sparkplug' : 'uns');
  }
}

/** Sparkplug device ids must be unique per edge node: same-named machines in one area get the path below the area. */
function uniqueDeviceIds(specs: MachineSpec[]): void {
  const count = new Map<string, number>();
  for (const s of specs) count.set(`${s.area}/${s.id}`, (count.get(`${s.area}/${s.id}`) ?? 0) + 1);
  for (const s of specs) {
    if ((count.get(`${s.area}/${s.id}`) ?? 0) < 2) continue;
    const parts = s.path.split('/');
    const i = parts.indexOf(s.area);
    s.deviceId = parts.slice(i >= 0 ? i + 1 : 0).join('_');
  }
}

export function loadPlantFile(file: string, protocol: ProtocolChoice = 'mixed'): MachineSpec[] {
  const doc = parseYaml(readFileSync(file, 'utf8'));
  return machinesFromPlant(doc, protocol);
}

// Synthetic plants for load tests: N machines 'sim/area<k>/line<j>/m<i>', ten per line, five lines per area.
const PER_LINE = 10;
const LINES_PER_AREA = 5;

/** Tags every simulated machine publishes, in the shape of the plant file's tag declarations. */
export function machineTagDefs(spec: Pick<MachineSpec, 'parameters'>): Record<string, unknown>[] {
  return [
    { name: 'state', role: 'state', type: 'string', description: 'PackML state name' },
    { name: 'good', role: 'good', type: 'number', unit: 'pcs', description: 'cumulative good count' },
    { name: 'scrap', role: 'scrap', type: 'number', unit: 'pcs', description: 'cumulative scrap count' },
    { name: 'cycle_time', role: 'cycle_time', type: 'number', unit: 's', description: 'duration of the last cycle' },
    { name: 'alarm', role: 'alarm', type: 'string', description: "active alarm code, '' when none" },
    ...spec.parameters.map((p) => ({
      name: p.name,
      role: 'process',
      type: 'number',
      ...(p.unit ? { unit: p.unit } : {}),
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
    })),
  ];
}

function syntheticParams(tagsPerMachine: number): ProcessParamSpec[] {
  const out: ProcessParamSpec[] = [];
  for (let p = 1; p <= tagsPerMachine; p++) {
    const target = 20 * (1 + (p % 7)) + 10 * p;
    out.push({ name: `pv${p}`, target, min: target * 0.95, max: target * 1.05 });
  }
  return out;
}

/**
 * The plant file describing the synthetic machines, so Takt can load them before a load test: one equipment class
 * carrying the tag declarations, one product routed to it, and a Sparkplug connection on the machines that speak it.
 */
export function simulatedPlantFile(n: number, tagsPerMachine: number, protocol: ProtocolChoice = 'mixed'): object {
  const params = syntheticParams(tagsPerMachine);
  const areas: Obj[] = [];
  const perArea = PER_LINE * LINES_PER_AREA;
  for (let i = 1; i <= n; i++) {
    const k = Math.floor((i - 1) / perArea) + 1;
    const j = Math.floor(((i - 1) % perArea) / PER_LINE) + 1;
    if (!areas[k - 1]) areas[k - 1] = { id: `area${k}`, level: 'area', name: `Simulated area ${k}`, children: [] };
    const lines = areas[k - 1].children as Obj[];
    const line = lines[lines.length - 1];
    const lineId = `line${j}`;
    const target =
      line && line.id === lineId ? line : (lines[lines.push({ id: lineId, level: 'line', name: `Simulated line ${k}.${j}`, children: [] }) - 1] as Obj);
    (target.children as Obj[]).push({
      id: `m${i}`,
      level: 'machine',
      name: `Simulated machine ${i}`,
      equipmentClass: 'sim-machine',
      // Spread ideal cycle times over 10–30 s so machines do not all complete cycles in lockstep.
      properties: { idealCycleTime: { value: 10 + ((i * 7) % 21), unit: 's' } },
    });
  }
  const doc = {
    version: 1,
    name: `Takt simulator: ${n} synthetic machines`,
    equipmentClasses: [{ id: 'sim-machine', name: 'Simulated machine', tags: machineTagDefs({ parameters: params }) }],
    equipment: [{ id: 'sim', level: 'enterprise', name: 'Simulated plant', children: areas }],
    products: [
      {
        id: 'SIM-PART',
        name: 'Simulated part',
        routing: [
          {
            seq: 10,
            name: 'Simulated operation',
            equipmentClass: 'sim-machine',
            idealCycleTimeS: DEFAULT_IDEAL_CYCLE_S,
            setupTimeS: 600,
            parameters: params.map((p) => ({ name: p.name, target: p.target, min: p.min, max: p.max })),
          },
        ],
      },
    ],
  };
  // Declare the Sparkplug address on the machines that will speak it, so the host maps device → equipment.
  const specs = machinesFromPlant(doc, protocol);
  const sp = new Map(specs.filter((s) => s.protocol === 'sparkplug').map((s) => [s.path, s]));
  for (const area of areas)
    for (const line of area.children as Obj[])
      for (const m of line.children as Obj[]) {
        const s = sp.get(`sim/${String(area.id)}/${String(line.id)}/${String(m.id)}`);
        if (s) m.connections = [{ protocol: 'sparkplug', group: SPARKPLUG_GROUP, node: s.area, device: s.deviceId }];
      }
  return doc;
}

export function syntheticMachines(n: number, tagsPerMachine: number, protocol: ProtocolChoice = 'mixed'): MachineSpec[] {
  return machinesFromPlant(simulatedPlantFile(n, tagsPerMachine, protocol), protocol);
}
