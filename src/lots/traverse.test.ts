import { describe, expect, it } from 'vitest';
import { traceToCsv, type Trace } from './trace.ts';
import { traverse, type Edge, type EdgeSource } from './traverse.ts';

/** An in-memory genealogy that counts the lots it is asked about. */
function graph(edges: Array<[string, string, number?]>) {
  const all: Edge[] = edges.map(([parent, child, q]) => ({ parent, child, quantity: q ?? 1 }));
  const asked: string[] = [];
  const source: EdgeSource = async (ids, d) => {
    asked.push(...ids);
    return all.filter((e) => ids.includes(d === 'backward' ? e.child : e.parent));
  };
  return { source, asked };
}

/** A layered DAG where every lot has `fanIn` parents among the previous layer's lots. */
function layered(layers: number, width: number, fanIn: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let l = 1; l < layers; l++) for (let i = 0; i < width; i++) for (let k = 0; k < fanIn; k++) out.push([`${l - 1}:${(i + k) % width}`, `${l}:${i}`]);
  return out;
}

describe('genealogy traversal', () => {
  it('walks back to the supplier lots with each lot once and its shortest depth', async () => {
    const { source } = graph([
      ['S1', 'A'],
      ['S2', 'A'],
      ['S2', 'B'],
      ['A', 'P'],
      ['B', 'P'],
      ['S1', 'P'],
      ['X', 'Y'],
    ]);
    const t = await traverse(['P'], 'backward', source);
    expect(Object.fromEntries(t.depth)).toEqual({ P: 0, A: 1, B: 1, S1: 1, S2: 2 });
    expect(t.edges.map((e) => `${e.parent}>${e.child}`).sort()).toEqual(['A>P', 'B>P', 'S1>A', 'S1>P', 'S2>A', 'S2>B']);
    expect(t.truncated).toBe(false);
  });

  it('walks forward from several start lots (a recall) without repeating shared descendants', async () => {
    const { source, asked } = graph([
      ['S1', 'A'],
      ['S2', 'A'],
      ['A', 'P'],
      ['S2', 'Q'],
    ]);
    const t = await traverse(['S1', 'S2'], 'forward', source);
    expect(Object.fromEntries(t.depth)).toEqual({ S1: 0, S2: 0, A: 1, Q: 1, P: 2 });
    expect(t.edges).toHaveLength(4);
    expect(asked.sort()).toEqual(['A', 'P', 'Q', 'S1', 'S2']);
  });

  it('asks about each lot once on a dense DAG (fan-in 5, depth 10), not once per path', async () => {
    const { source, asked } = graph(layered(11, 8, 5));
    const t = await traverse(['10:0'], 'backward', source);
    // the top lot, its 5 parents, then every lot of the 9 layers below (the windows overlap to the full width of 8)
    expect(t.depth.size).toBe(1 + 5 + 9 * 8);
    expect(asked).toHaveLength(t.depth.size);
    expect(new Set(asked).size).toBe(asked.length);
    // every lot above the bottom layer brings its 5 parent edges, each once
    expect(t.edges).toHaveLength((1 + 5 + 8 * 8) * 5);
  });

  it('stops at the depth limit and says so only when there was more', async () => {
    const { source } = graph([
      ['C', 'B'],
      ['B', 'A'],
    ]);
    const cut = await traverse(['A'], 'backward', source, { maxDepth: 1, maxNodes: 100 });
    expect([...cut.depth.keys()]).toEqual(['A', 'B']);
    expect(cut.truncated).toBe(true);
    expect(cut.truncatedReason).toMatch(/depth 1/);
    const exact = await traverse(['A'], 'backward', source, { maxDepth: 2, maxNodes: 100 });
    expect(exact.truncated).toBe(false);
    expect(exact.depth.size).toBe(3);
  });

  it('stops at the node limit and keeps no edge to a lot left out', async () => {
    const { source } = graph(layered(4, 10, 5));
    const t = await traverse(['3:0'], 'backward', source, { maxDepth: 50, maxNodes: 7 });
    expect(t.depth.size).toBe(7);
    expect(t.truncated).toBe(true);
    expect(t.truncatedReason).toMatch(/7 lots/);
    for (const e of t.edges) expect(t.depth.has(e.parent) && t.depth.has(e.child)).toBe(true);
  });

  it('survives a cycle in bad data', async () => {
    const { source } = graph([
      ['A', 'B'],
      ['B', 'A'],
    ]);
    const t = await traverse(['A'], 'backward', source);
    expect(t.depth.size).toBe(2);
  });
});

describe('trace CSV', () => {
  // Quoting and formula neutralisation belong to the shared writer (src/platform/csv.test.ts).
  it('lists the linked lots with quantities', () => {
    const node = (lot: string, depth: number, unit: string) => ({
      lot,
      materialId: 'M',
      quantity: 1,
      initialQuantity: 2,
      unit,
      status: 'available' as const,
      holdReason: null,
      location: null,
      supplier: null,
      supplierLot: null,
      received: depth > 0,
      orderId: null,
      seq: null,
      equipment: null,
      operator: null,
      madeAt: '2026-01-01T00:00:00.000Z',
      depth,
    });
    const t: Trace = {
      direction: 'backward',
      roots: ['P'],
      nodes: [node('P', 0, 'pcs'), node('R', 1, 'kg')],
      edges: [{ parent: 'R', child: 'P', quantity: 2.5 }],
      truncated: false,
      truncatedReason: null,
      limits: { maxDepth: 5, maxNodes: 5 },
    };
    const lines = traceToCsv(t).trim().split('\r\n');
    expect(lines[0]!.split(',')[0]).toBe('depth');
    expect(lines[1]).toMatch(/^0,P,.*,R \(2\.5 kg\)$/);
    expect(lines[2]).toMatch(/^1,R,.*,$/);
  });
});
