// Failure-rate view of a machine: a two-parameter Weibull fit of its times between failures by maximum likelihood
// (complete data). β < 1: failures come early (infant mortality), β ≈ 1: at random, β > 1: wear-out — the case
// where preventive or predictive work pays. Below MIN_FAILURES times the fit is not made and the reason says so.

export const MIN_FAILURES = 5;

export type WeibullFit = { ok: true; n: number; beta: number; eta: number; mtbf: number; b10: number } | { ok: false; n: number; reason: string };

/** Γ(z) for z > 0 (Lanczos, g = 7). */
export function gammaFn(z: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012,
    9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gammaFn(1 - z));
  const x = z - 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * t ** (x + 0.5) * Math.exp(-t) * a;
}

/**
 * MLE of β solves Σ xᵢ^β ln xᵢ / Σ xᵢ^β − 1/β − mean(ln xᵢ) = 0 (increasing in β; solved by bisection on ln β), then
 * η = (Σ xᵢ^β / n)^{1/β}. Times are in any unit > 0; η, MTBF = η Γ(1 + 1/β) and the B10 life come out in that unit.
 */
export function fitWeibull(times: readonly number[]): WeibullFit {
  const x = times.filter((t) => Number.isFinite(t) && t > 0);
  const n = x.length;
  if (n < MIN_FAILURES) return { ok: false, n, reason: `not enough failures (${n}); a Weibull fit needs at least ${MIN_FAILURES}` };
  const max = Math.max(...x);
  const u = x.map((t) => t / max); // scaled to ≤ 1 so x^β stays finite for large β
  if (u.every((v) => v === u[0])) return { ok: false, n, reason: `all ${n} times between failures are equal; no spread to fit` };
  const lnu = u.map(Math.log);
  const meanLn = lnu.reduce((s, v) => s + v, 0) / n;
  const g = (beta: number) => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const p = u[i] ** beta;
      a += p * lnu[i];
      b += p;
    }
    return a / b - 1 / beta - meanLn;
  };
  let lo = Math.log(0.01);
  let hi = Math.log(200);
  if (g(Math.exp(hi)) < 0) return { ok: false, n, reason: 'the times between failures are too regular to fit (β > 200)' };
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (g(Math.exp(mid)) > 0) hi = mid;
    else lo = mid;
  }
  const beta = Math.exp((lo + hi) / 2);
  const eta = max * (u.reduce((s, v) => s + v ** beta, 0) / n) ** (1 / beta);
  return { ok: true, n, beta, eta, mtbf: eta * gammaFn(1 + 1 / beta), b10: eta * (-Math.log(0.9)) ** (1 / beta) };
}
