// What the pipeline knows about the plant: equipment by path and the tags each may publish, built from the plant
// model once and rebuilt when it changes, so a lookup per message is two Map reads.
import type { Connection, PublicEquipment, TagDef, TagRole } from '../plant/index.ts';

export interface ResolvedTag extends TagDef {
  role: TagRole;
}

export interface RegisteredEquipment {
  id: string;
  path: string;
  level: string;
  name: string;
  calendarId: string | null;
  tags: Map<string, ResolvedTag>;
  connections: Connection[];
  /** Seconds without any data after which the machine counts as offline ('Unknown'). */
  staleAfterS: number;
}

/** Tags every piece of equipment may publish without declaring them (the UNS convention). */
export const CONVENTIONAL_TAGS: Record<string, TagRole> = {
  state: 'state',
  mode: 'mode',
  good: 'good',
  scrap: 'scrap',
  cycle_time: 'cycle_time',
  alarm: 'alarm',
  _online: 'online',
};

export const DEFAULT_STALE_AFTER_S = 120;

export interface ClassTags {
  id: string;
  tags: TagDef[];
}

export class EquipmentRegistry {
  private byPath = new Map<string, RegisteredEquipment>();
  private byId = new Map<string, RegisteredEquipment>();
  private bySparkplug = new Map<string, RegisteredEquipment>();

  constructor(equipment: PublicEquipment[] = [], classes: ClassTags[] = []) {
    this.load(equipment, classes);
  }

  load(equipment: PublicEquipment[], classes: ClassTags[]): void {
    const classTags = new Map(classes.map((c) => [c.id, c.tags ?? []]));
    const byId = new Map(equipment.map((e) => [e.id, e]));
    const calendarOf = (e: PublicEquipment | undefined): string | null => {
      for (let x = e; x; x = x.parentId ? byId.get(x.parentId) : undefined) if (x.calendarId) return x.calendarId;
      return null;
    };
    this.byPath = new Map();
    this.byId = new Map();
    this.bySparkplug = new Map();
    for (const e of equipment) {
      const tags = new Map<string, ResolvedTag>();
      for (const [name, role] of Object.entries(CONVENTIONAL_TAGS)) tags.set(name, { name, role });
      for (const t of [...(e.equipmentClass ? (classTags.get(e.equipmentClass) ?? []) : []), ...(e.tags ?? [])])
        tags.set(t.name, { ...t, role: t.role ?? CONVENTIONAL_TAGS[t.name] ?? 'process' });
      const stale = Number((e.properties?.staleAfterS as { value?: unknown } | undefined)?.value);
      const reg: RegisteredEquipment = {
        id: e.id,
        path: e.path,
        level: e.level,
        name: e.name,
        calendarId: calendarOf(e),
        tags,
        connections: e.connections ?? [],
        staleAfterS: Number.isFinite(stale) && stale > 0 ? stale : DEFAULT_STALE_AFTER_S,
      };
      this.byPath.set(e.path, reg);
      this.byId.set(e.id, reg);
      for (const c of reg.connections) if (c.protocol === 'sparkplug') this.bySparkplug.set(sparkplugKey(c.group, c.node, c.device), reg);
    }
  }

  byEquipmentPath = (path: string) => this.byPath.get(path);
  byEquipmentId = (id: string) => this.byId.get(id);
  all = () => [...this.byId.values()];

  /** Sparkplug edge node/device → equipment, as mapped in the plant model (never guessed). */
  bySparkplugId(group: string, node: string, device?: string): RegisteredEquipment | undefined {
    return this.bySparkplug.get(sparkplugKey(group, node, device));
  }

  /** The tag a Sparkplug metric feeds: the mapping's name, else the metric name with '/' and spaces as '.'. */
  sparkplugMetricTag(eq: RegisteredEquipment, metric: string): string {
    for (const c of eq.connections) if (c.protocol === 'sparkplug' && c.metrics?.[metric]) return c.metrics[metric];
    return metric.replace(/[/\s]+/g, '.');
  }
}

const sparkplugKey = (group: string, node: string, device?: string) => `${group}\u0000${node}\u0000${device ?? ''}`;
