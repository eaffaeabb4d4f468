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

/** Levels allowed for a record under `parent` and above its deepest-level child. */
export function allowedLevels(parent: Equipment | undefined, children: Equipment[] = []): Level[] {
  const min = parent ? LEVELS.indexOf(parent.level) + 1 : 0;
  const childIdx = children.map((c) => LEVELS.indexOf(c.level));
  const max = childIdx.length ? Math.min(...childIdx) - 1 : LEVELS.length - 1;
  return LEVELS.slice(min, max + 1);
}

/** The natural next level under a parent (area → line, line → workCenter, …). */
export function defaultChildLevel(parent: Equipment | undefined): Level {
  const allowed = allowedLevels(parent);
  return allowed[0] ?? 'machine';
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
