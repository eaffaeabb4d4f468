// Process capability (Montgomery ch. 8; AIAG SPC manual): potential (Cp, Cpk) from the within-subgroup sigma the
// control chart estimates, performance (Pp, Ppk) from the overall sample standard deviation. An index that cannot be
// formed — one-sided spec for Cp/Pp, fewer than two values, a zero sigma — is null, never NaN or Infinity, so the API
// and the pages can show "—" instead of a number that means nothing.
import { MAX_MAGNITUDE, mean, sampleSd, SpcInputError } from './charts.ts';

export interface SpecLimits {
  lsl?: number | null;
  usl?: number | null;
}

export type WithinMethod = 'R̄/d2' | 's̄/c4' | 'MR̄/1.128';

export interface Capability {
  /** Number of individual values. */
  n: number;
  /** μ: the mean of all values. */
  mean: number | null;
  sigmaWithin: number | null;
  withinMethod: WithinMethod;
  /** s with n − 1. */
  sigmaOverall: number | null;
  lsl: number | null;
  usl: number | null;
  cp: number | null;
  cpk: number | null;
  cpl: number | null;
  cpu: number | null;
  pp: number | null;
  ppk: number | null;
  ppl: number | null;
  ppu: number | null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const ratio = (num: number, den: number | null): number | null => (den !== null && den > 0 ? finite(num / den) : null);
const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

export function checkSpec(spec: SpecLimits): { lsl: number | null; usl: number | null } {
  const lsl = spec.lsl ?? null;
  const usl = spec.usl ?? null;
  for (const [k, v] of [
    ['lsl', lsl],
    ['usl', usl],
  ] as const)
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) throw new SpcInputError(`${k} must be a finite number`);
  if (lsl !== null && usl !== null && !(lsl < usl)) throw new SpcInputError(`the lower spec limit (${lsl}) must be below the upper (${usl})`);
  return { lsl, usl };
}

/**
 * Cp = (USL − LSL)/6σw, Cpk = min(USL − μ, μ − LSL)/3σw; Pp and Ppk the same with s. With only one spec limit the
 * one-sided index on that side is Cpk (Ppk) and Cp (Pp) is null.
 */
export function capability(values: readonly number[], sigmaWithin: number | null, withinMethod: WithinMethod, spec: SpecLimits): Capability {
  const { lsl, usl } = checkSpec(spec);
  const n = values.length;
  const enough = n >= 2;
  const mu = n ? finite(mean(values)) : null;
  const sw = enough && sigmaWithin !== null ? finite(sigmaWithin) : null;
  const so = enough ? finite(sampleSd(values)) : null;
  const idx = (sigma: number | null) => {
    if (!enough || mu === null) return { p: null, pk: null, pl: null, pu: null };
    const pl = lsl !== null ? ratio(mu - lsl, sigma === null ? null : 3 * sigma) : null;
    const pu = usl !== null ? ratio(usl - mu, sigma === null ? null : 3 * sigma) : null;
    const p = lsl !== null && usl !== null ? ratio(usl - lsl, sigma === null ? null : 6 * sigma) : null;
    return { p, pk: minOf(pl, pu), pl, pu };
  };
  const w = idx(sw);
  const o = idx(so);
  return {
    n,
    mean: mu,
    sigmaWithin: sw,
    withinMethod,
    sigmaOverall: so,
    lsl,
    usl,
    cp: w.p,
    cpk: w.pk,
    cpl: w.pl,
    cpu: w.pu,
    pp: o.p,
    ppk: o.pk,
    ppl: o.pl,
    ppu: o.pu,
  };
}

export interface Histogram {
  bins: { from: number; to: number; count: number }[];
  lsl: number | null;
  usl: number | null;
  /** The axis to draw: the data's range widened to show both spec limits. */
  axis: { min: number; max: number } | null;
}

/**
 * Equal-width bins over the data's range (Sturges' ⌈log2 n⌉ + 1 unless given, at most 100); the last bin includes its
 * upper edge. The spec limits come along for the page to draw, and widen the axis, not the bins, so a far-off limit
 * does not squash the data into one bar.
 */
export function histogram(values: readonly number[], spec: SpecLimits, bins?: number): Histogram {
  const { lsl, usl } = checkSpec(spec);
  if (bins !== undefined && !(Number.isInteger(bins) && bins >= 1 && bins <= 100)) throw new SpcInputError('bins must be a whole number from 1 to 100');
  if (values.length === 0) return { bins: [], lsl, usl, axis: null };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || Math.abs(v) > MAX_MAGNITUDE) throw new SpcInputError(`histogram values must be finite numbers within ±${MAX_MAGNITUDE}`);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const axis = { min: Math.min(min, lsl ?? min), max: Math.max(max, usl ?? max) };
  if (min === max) return { bins: [{ from: min, to: max, count: values.length }], lsl, usl, axis };
  const k = bins ?? Math.min(100, Math.ceil(Math.log2(values.length)) + 1);
  const width = (max - min) / k;
  const out = Array.from({ length: k }, (_, i) => ({ from: min + i * width, to: i === k - 1 ? max : min + (i + 1) * width, count: 0 }));
  for (const v of values) out[Math.min(k - 1, Math.floor((v - min) / width))].count++;
  return { bins: out, lsl, usl, axis };
}
