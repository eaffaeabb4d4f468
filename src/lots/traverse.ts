// The genealogy walk written out level by level with a visited set: every lot is expanded once, so the cost is the
// size of the answer, not the number of paths (a plain `WITH RECURSIVE … UNION ALL` walks every path: fan-in^depth).
// The trace itself runs the same walk inside PostgreSQL in one round trip (lots.repository.ts `walk`); this version
// is the reference the integration test checks that query against (random DAG, mixed depths, both databases).

import { z } from 'zod';

export const DIRECTIONS = ['backward', 'forward'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const edgeSchema = z.object({ parent: z.string(), child: z.string(), quantity: z.number() });
export type Edge = z.infer<typeof edgeSchema>;

/** Returns the edges that touch `ids` on the side the walk goes: their parents (backward) or children (forward). */
export type EdgeSource = (ids: string[], direction: Direction) => Promise<Edge[]>;

export const traverseLimitsSchema = z.object({
  /** levels below (backward) or above (forward) the start lots */
  maxDepth: z.number(),
  /** lots in the answer, start lots included */
  maxNodes: z.number(),
});
export type TraverseLimits = z.infer<typeof traverseLimitsSchema>;

export interface Traversal {
  /** every lot reached, with the fewest steps from a start lot */
  depth: Map<string, number>;
  edges: Edge[];
  truncated: boolean;
  truncatedReason: string | null;
}

export const DEFAULT_LIMITS: TraverseLimits = { maxDepth: 50, maxNodes: 20_000 };

/**
 * `onLevel` hears each level's new lots as soon as they are known (the start lots first), so a caller can fetch their
 * details while the walk goes on to the next level.
 */
export async function traverse(
  start: string[],
  direction: Direction,
  source: EdgeSource,
  limits: TraverseLimits = DEFAULT_LIMITS,
  onLevel?: (ids: string[], depth: number) => void,
): Promise<Traversal> {
  const depth = new Map<string, number>();
  const edges: Edge[] = [];
  let frontier: string[] = [];
  for (const id of start) {
    if (depth.has(id)) continue;
    depth.set(id, 0);
    frontier.push(id);
  }
  let truncatedReason: string | null = null;
  onLevel?.(frontier, 0);
  for (let level = 0; frontier.length; level++) {
    const found = await source(frontier, direction);
    if (level >= limits.maxDepth) {
      if (found.length)
        truncatedReason = `stopped at depth ${limits.maxDepth}: lots at that depth have further ${direction === 'backward' ? 'parents' : 'children'}`;
      break;
    }
    const next: string[] = [];
    for (const e of found) {
      const other = direction === 'backward' ? e.parent : e.child;
      if (!depth.has(other)) {
        if (depth.size >= limits.maxNodes) {
          truncatedReason = `stopped at ${limits.maxNodes} lots: the genealogy goes on beyond`;
          continue;
        }
        depth.set(other, level + 1);
        next.push(other);
      }
      edges.push(e);
    }
    if (next.length) onLevel?.(next, level + 1);
    if (truncatedReason && depth.size >= limits.maxNodes) break;
    frontier = next;
  }
  return { depth, edges, truncated: truncatedReason !== null, truncatedReason };
}
