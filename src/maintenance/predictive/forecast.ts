// Trend forecast of a process tag: a least-squares line through its recent points and the time at which the line —
// and its 95 % prediction band — crosses the tag's limit (time-to-threshold with an uncertainty band). Pure.
import { type DetectorResult, episodes, type Point } from './detectors.ts';

export interface LineFit {
  n: number;
  /** value at t = t0 (ms) */
  intercept: number;
  /** change per hour */
  slopePerH: number;
  /** residual standard deviation */
  s: number;
  /** the slope's t statistic (slope / its standard error); ±1e9 for an exact line, 0 when all points share one time */
  slopeT: number;
  t0: number;
  meanH: number;
  sxx: number;
}

export interface Forecast {
  fit: LineFit;
  /** the limit the trend heads for, or null when it heads for none (flat, or away from the limits) */
  limit: number | null;
  /** hours from the last point until the fitted line crosses the limit (null: not within the horizon) */
  hours: number | null;
  /** earliest hours: the band's near edge crosses (the 95 % prediction interval's) */
  earliestHours: number | null;
  /** latest hours: the band's far edge crosses; null when it does not within the horizon */
  latestHours: number | null;
  /** the line and band sampled from the first point to the horizon, for the chart */
  band: Array<{ ts: number; fit: number; lo: number; hi: number }>;
}

/** Two-sided 95 % Student t quantile for ν degrees of freedom (exact table to 30, Cornish–Fisher expansion beyond). */
export function t975(nu: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
    2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (nu < 1) return Number.POSITIVE_INFINITY;
  if (nu <= 30) return table[Math.floor(nu) - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2);
}

const HOUR = 3600_000;

/** Ordinary least squares of value on time (hours since the first point). Needs at least 3 points. */
export function fitLine(points: readonly Point[]): LineFit {
  const n = points.length;
  if (n < 3) throw new Error('a trend needs at least 3 points');
  const t0 = points[0].ts;
  const xs = points.map((p) => (p.ts - t0) / HOUR);
  const meanH = xs.reduce((s, x) => s + x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - meanH) ** 2;
    sxy += (xs[i] - meanH) * (points[i].value - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = meanY - slope * meanH;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (points[i].value - intercept - slope * xs[i]) ** 2;
  const s = Math.sqrt(sse / (n - 2));
  const se = sxx > 0 ? s / Math.sqrt(sxx) : 0;
  // a line without scatter: its slope is certain; ±1e9 stands for an infinite t (JSON has no Infinity)
  const slopeT = se > 0 ? slope / se : sxx > 0 && slope !== 0 ? Math.sign(slope) * 1e9 : 0;
  return { n, intercept, slopePerH: slope, s, slopeT, t0, meanH, sxx };
}

/** The fitted value and the 95 % prediction interval at hour x (since the first point). */
export function predict(fit: LineFit, x: number): { fit: number; lo: number; hi: number } {
  const y = fit.intercept + fit.slopePerH * x;
  const sxx = fit.sxx > 0 ? fit.sxx : Number.POSITIVE_INFINITY;
  const half = t975(fit.n - 2) * fit.s * Math.sqrt(1 + 1 / fit.n + (x - fit.meanH) ** 2 / sxx);
  return { fit: y, lo: y - half, hi: y + half };
}

/**
 * When the trend of the points crosses the limit it heads for, within `horizonH` hours after the last point, searched
 * on a grid of `steps` steps (the crossing hours are exact to horizonH/steps).
 */
export function forecast(points: readonly Point[], limits: { min?: number; max?: number }, horizonH: number, steps = 400): Forecast {
  const fit = fitLine(points);
  const lastH = (points[points.length - 1].ts - fit.t0) / HOUR;
  const limit = fit.slopePerH > 0 && limits.max !== undefined ? limits.max : fit.slopePerH < 0 && limits.min !== undefined ? limits.min : null;
  const up = limit !== null && limit === limits.max && fit.slopePerH > 0;
  // crossed(v): the value v is at or past the limit in the direction the trend heads
  const crossed = (v: number) => limit !== null && (up ? v >= limit : v <= limit);
  let hours: number | null = null;
  let earliestHours: number | null = null;
  let latestHours: number | null = null;
  const band: Forecast['band'] = [];
  const chartEvery = Math.max(1, Math.floor(steps / 40));
  for (let i = 0; i <= steps; i++) {
    const h = (horizonH * i) / steps;
    const p = predict(fit, lastH + h);
    if (hours === null && crossed(p.fit)) hours = h;
    if (earliestHours === null && crossed(up ? p.hi : p.lo)) earliestHours = h;
    if (latestHours === null && crossed(up ? p.lo : p.hi)) latestHours = h;
    if (i % chartEvery === 0) band.push({ ts: Math.round(fit.t0 + (lastH + h) * HOUR), ...p });
  }
  return { fit, limit, hours, earliestHours, latestHours, band };
}

export interface TrendParams {
  /** points in the moving window the line is fitted to */
  windowPoints: number;
  /** raise when the fitted line crosses the limit within this many hours */
  horizonH: number;
  /** … and the slope is significant: |slope t| at least this (e.g. 3) */
  minT: number;
}

/** Hours after the window's last point until its fitted line crosses the limit it heads for (∞ when none). */
export function hoursToLimit(fit: LineFit, lastH: number, limits: { min?: number; max?: number }): number {
  const y = fit.intercept + fit.slopePerH * lastH;
  const limit = fit.slopePerH > 0 ? limits.max : fit.slopePerH < 0 ? limits.min : undefined;
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, (limit - y) / fit.slopePerH);
}

/**
 * The trend alarm, point by point: a line through the last `windowPoints` points whose slope is significant (|t| ≥
 * minT) and that crosses a limit within horizonH hours. The statistic is the hours to the limit; the episode ends
 * when the forecast is beyond twice the horizon or the slope is no longer significant at half of minT.
 */
export function trend(points: readonly Point[], limits: { min?: number; max?: number }, p: TrendParams): DetectorResult {
  const stat: number[] = [];
  const sig: boolean[] = [];
  const normal: boolean[] = [];
  const w = Math.max(3, Math.floor(p.windowPoints));
  for (let i = 0; i < points.length; i++) {
    if (i + 1 < w) {
      stat.push(Number.POSITIVE_INFINITY);
      sig.push(false);
      normal.push(true);
      continue;
    }
    const win = points.slice(i + 1 - w, i + 1);
    const fit = fitLine(win);
    const hours = hoursToLimit(fit, (points[i].ts - fit.t0) / HOUR, limits);
    const t = Math.abs(fit.slopeT);
    stat.push(hours);
    sig.push(t >= p.minT && hours <= p.horizonH);
    normal.push(t < p.minT / 2 || hours > 2 * p.horizonH);
  }
  return episodes(
    (i) => sig[i],
    (i) => normal[i],
    points.length,
    stat,
  );
}
