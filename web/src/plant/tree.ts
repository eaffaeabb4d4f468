// Builds the equipment hierarchy from the flat list the server returns.
import { LEVELS, type Equipment, type Level } from '../platform/types.ts';

export interface TreeNode {
  eq: Equipment;
  children: TreeNode[];
  depth: number;
}

export function buildTree(list: Equipment[]): TreeNode[] {
  const byId = new Map<string, TreeNode>();
  for (const eq of list) byId.set(eq.id, { eq, children: [], depth: 0 });
  const roots: TreeNode[] = [];
  for (const node of byId.values()) {
    const parent = node.eq.parentId ? byId.get(node.eq.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (nodes: TreeNode[], depth: number) => {
    nodes.sort((a, b) => a.eq.name.localeCompare(b.eq.name, undefined, { numeric: true }));
    for (const n of nodes) {
      n.depth = depth;
      sort(n.children, depth + 1);
    }
  };
  sort(roots, 0);
  return roots;
}

/** Ids of the ancestors of `id`, nearest last. */
export function ancestors(list: Equipment[], id: string | undefined): string[] {
  const byId = new Map(list.map((e) => [e.id, e]));
  const out: string[] = [];
  let cur = id ? byId.get(id) : undefined;
  const seen = new Set<string>();
  while (cur?.parentId && !seen.has(cur.parentId)) {
    seen.add(cur.parentId);
    out.unshift(cur.parentId);
    cur = byId.get(cur.parentId);
  }
  return out;
}

/**
 * ISA-95 ranks as the server checks them: line and work centre share a rank; a child must rank
 * strictly below its parent (so a machine may sit under a line, a work centre or a cell).
 */
export const LEVEL_RANK: Record<Level, number> = { enterprise: 0, site: 1, area: 2, line: 3, workCenter: 3, cell: 4, machine: 5 };

/** Levels allowed for a record under `parent` and above all of its children. */
export function allowedLevels(parent: Equipment | undefined, children: Equipment[] = []): Level[] {
  const min = parent ? LEVEL_RANK[parent.level] : -1;
  const max = children.length ? Math.min(...children.map((c) => LEVEL_RANK[c.level])) : Infinity;
  return LEVELS.filter((l) => LEVEL_RANK[l] > min && LEVEL_RANK[l] < max);
}

const NATURAL_CHILD: Record<Level, Level> = {
  enterprise: 'site',
  site: 'area',
  area: 'line',
  line: 'machine',
  workCenter: 'machine',
  cell: 'machine',
  machine: 'machine',
};

/** The natural next level under a parent (area → line, line → machine, …). */
export function defaultChildLevel(parent: Equipment | undefined): Level {
  if (!parent) return 'enterprise';
  const allowed = allowedLevels(parent);
  return allowed.includes(NATURAL_CHILD[parent.level]) ? NATURAL_CHILD[parent.level] : (allowed[0] ?? 'machine');
}

/** Equipment that `eq` may be moved under: ranks above it, and not itself or one of its descendants. */
export function possibleParents(eq: Equipment, list: Equipment[]): Equipment[] {
  const below = new Set<string>([eq.id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of list) if (e.parentId && below.has(e.parentId) && !below.has(e.id)) below.add(e.id), (grew = true);
  }
  return list.filter((p) => !below.has(p.id) && LEVEL_RANK[p.level] < LEVEL_RANK[eq.level]);
}

/** Filters the tree to nodes matching `q` (name, extId, path) plus their ancestors. */
export function filterTree(nodes: TreeNode[], q: string): TreeNode[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return nodes;
  const walk = (ns: TreeNode[]): TreeNode[] =>
    ns.flatMap((n) => {
      const kids = walk(n.children);
      const hit = `${n.eq.name} ${n.eq.extId} ${n.eq.path}`.toLowerCase().includes(needle);
      return hit || kids.length ? [{ ...n, children: hit && !kids.length ? n.children : kids }] : [];
    });
  return walk(nodes);
}
