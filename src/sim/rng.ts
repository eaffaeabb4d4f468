// Seeded pseudo-random numbers for the simulator. Math.random is never used: a run is reproducible from its seed,
// which is what makes hours of simulated behaviour testable event by event.

/** mulberry32: 32-bit state, fast, good enough statistically for a behaviour model (not for cryptography). */
export class SimRng {
  private s: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.s = (seed | 0) ^ 0x2545f491;
    // A few warm-up rounds so that neighbouring seeds (1, 2, 3 …) do not start with correlated outputs.
    for (let i = 0; i < 4; i++) this.u32();
  }

  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.float();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u <= 1e-12) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Exponentially distributed with the given mean (waiting times between independent incidents). */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Log-normal around a median: repair times are skewed, most short, a few very long. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** FNV-1a of a string mixed with a seed: each machine gets its own stream, so adding a machine changes no other. */
export function deriveSeed(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
