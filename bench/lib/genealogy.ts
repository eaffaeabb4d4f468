// A synthetic plant genealogy for bench:trace: supplier lots at the bottom, then layers of produced lots, each made
// from `fanIn` lots of the layer below picked from a window of lots made around the same time (a moulding shift draws
// on the resin lots delivered that week, not on any lot ever received).

export interface GenealogyShape {
  lots: number;
  /** layers including the supplier layer at the bottom (layer 0) */
  layers: number;
  fanIn: number;
  /** parents are picked among this many neighbouring lots of the layer below */
  window: number;
  seed: number;
}

/** mulberry32: small, fast, good enough to pick parents reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const layerSize = (s: GenealogyShape, layer: number) => Math.floor(s.lots / s.layers) + (layer < s.lots % s.layers ? 1 : 0);
export const lotId = (layer: number, i: number) => `G${String(layer).padStart(2, '0')}-${String(i).padStart(7, '0')}`;

/** The parents of lot `i` of `layer` (> 0): `fanIn` distinct lots of layer − 1 around the same position. */
export function parentsOf(s: GenealogyShape, layer: number, i: number, random: () => number): number[] {
  const below = layerSize(s, layer - 1);
  const here = layerSize(s, layer);
  const centre = Math.floor(((i + 0.5) * below) / here);
  const lo = Math.max(0, Math.min(below - s.window, centre - Math.floor(s.window / 2)));
  const span = Math.min(s.window, below);
  const picked = new Set<number>();
  while (picked.size < Math.min(s.fanIn, span)) picked.add(lo + Math.floor(random() * span));
  return [...picked];
}
