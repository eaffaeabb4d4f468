// Plant context for the live screens: equipment names along each machine's ISA-95 path (for grouping) and the
// machine's ideal cycle time from its `idealCycleTime` property.
import type { Equipment } from '../platform/types.ts';
import type { LiveMachine } from './types.ts';

export interface MachineGroup {
  /** Path of the equipment the machines hang under (work centre, line, cell or area). */
  key: string;
  /** Names from the area down, e.g. ["Injection moulding", "Moulding cell 1"]. */
  titles: string[];
  machines: LiveMachine[];
}

export interface AreaGroup {
  key: string;
  title: string;
  groups: MachineGroup[];
}

const parentPath = (path: string) => path.split('/').slice(0, -1).join('/');

/**
 * Groups machines by area and, within it, by the line / work centre / cell they belong to, following the paths.
 * Without the equipment list (still loading or not allowed) the path segments stand in for the names.
 */
export function groupMachines(machines: LiveMachine[], equipment: Equipment[] | undefined): AreaGroup[] {
  const byPath = new Map((equipment ?? []).map((e) => [e.path, e]));
  const areas = new Map<string, AreaGroup>();
  const sorted = [...machines].sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }));
  for (const m of sorted) {
    const segs = m.path.split('/');
    const ancestors: { path: string; name: string; level: string }[] = [];
    for (let i = 1; i < segs.length; i++) {
      const p = segs.slice(0, i).join('/');
      const e = byPath.get(p);
      ancestors.push({ path: p, name: e?.name ?? segs[i - 1], level: e?.level ?? (i === 1 ? 'enterprise' : i === 2 ? 'site' : 'area') });
    }
    // Area: the first ancestor at level area (or, without the model, the third segment); units below it.
    const areaIdx = ancestors.findIndex((a) => a.level === 'area');
    const ai = areaIdx >= 0 ? areaIdx : Math.min(2, ancestors.length - 1);
    const area = ancestors[ai] ?? { path: parentPath(m.path), name: parentPath(m.path) || 'Plant', level: 'area' };
    const unitKey = parentPath(m.path);
    let ag = areas.get(area.path);
    if (!ag) {
      ag = { key: area.path, title: area.name, groups: [] };
      areas.set(area.path, ag);
    }
    let g = ag.groups.find((x) => x.key === unitKey);
    if (!g) {
      g = { key: unitKey, titles: ancestors.slice(ai + 1).map((a) => a.name), machines: [] };
      ag.groups.push(g);
    }
    g.machines.push(m);
  }
  return [...areas.values()];
}

/** The ideal cycle time in seconds, from the `idealCycleTime` property (unit s, ms or min); null when absent. */
export function idealCycleTimeS(e: Equipment | undefined): number | null {
  const p = e?.properties?.idealCycleTime as { value?: unknown; unit?: string } | undefined;
  if (!p) return null;
  const v = typeof p.value === 'number' ? p.value : typeof p.value === 'string' ? Number(p.value) : NaN;
  if (!Number.isFinite(v) || v <= 0) return null;
  const unit = (p.unit ?? 's').toLowerCase();
  if (unit === 'ms') return v / 1000;
  if (unit === 'min') return v * 60;
  if (unit === 'h') return v * 3600;
  return v;
}

const DEFAULT_STALE_AFTER_S = 120;

/** After how long without data the server calls a machine stale (`staleAfterS` property, default 120 s). */
export function staleAfterMs(e: Equipment | undefined): number {
  const v = Number((e?.properties?.staleAfterS as { value?: unknown } | undefined)?.value);
  return (Number.isFinite(v) && v > 0 ? v : DEFAULT_STALE_AFTER_S) * 1000;
}

/**
 * The server marks a silent machine stale with its next sweep; until that event arrives (or when the stream is
 * stuck) the browser applies the same rule itself, with a little grace, so a silent machine never looks current.
 */
export function withClientStaleness(m: LiveMachine, afterMs: number, now: number): LiveMachine {
  if (m.stale || !m.lastSeen) return m;
  return now - new Date(m.lastSeen).getTime() > afterMs + 15_000 ? { ...m, stale: true } : m;
}
