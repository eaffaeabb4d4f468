// What a monitor, a warning and a reliability view are (API shapes, zod), and the analysis of one monitor's series:
// bucket means → the monitor's detector → the alarm episode at the end of the series, with its trend forecast.
import { z } from 'zod';
import { type Baseline, buckets, cusum, type DetectorResult, ewma, type Point } from './detectors.ts';
import { type Forecast, forecast, trend } from './forecast.ts';

export const MONITOR_METHODS = ['ewma', 'cusum', 'trend'] as const;
export type MonitorMethod = (typeof MONITOR_METHODS)[number];
export const WARNING_STATES = ['open', 'accepted', 'dismissed'] as const;
export type WarningState = (typeof WARNING_STATES)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const monitorParamsSchema = z
  .object({
    /** the detector runs on means of this many minutes */
    bucketMin: z.number().int().min(1).max(1440).default(60),
    /** hours of history each evaluation reads */
    lookbackH: z.number().min(1).max(2160).default(72),
    /** the in-control mean and σ of the bucket means; default: the limits' midpoint and a sixth of their distance */
    mean: finite.optional(),
    sd: z.number().positive().max(1e12).optional(),
    lambda: z.number().gt(0).max(1).default(0.1),
    L: z.number().positive().max(10).default(3.5),
    k: z.number().min(0).max(5).default(1),
    h: z.number().positive().max(100).default(8),
    /** the trend is fitted to the last trendPoints buckets and forecast horizonH hours ahead */
    trendPoints: z.number().int().min(3).max(1000).default(12),
    horizonH: z.number().positive().max(8760).default(24),
    minT: z.number().min(0).max(100).default(4),
  })
  .strict();
export type MonitorParams = z.infer<typeof monitorParamsSchema>;

export interface Monitor {
  id: string;
  equipmentId: string;
  equipment: string;
  tag: string;
  method: MonitorMethod;
  min: number | null;
  max: number | null;
  params: MonitorParams;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Analysis {
  baseline: Baseline;
  points: Array<Point & { stat: number | null; alarm: boolean }>;
  /** in an alarm episode at the last point */
  alarmNow: boolean;
  /** the current episode's onset (epoch ms), when alarmNow */
  onset: number | null;
  forecast: Forecast | null;
}

/** The monitor's baseline: its own mean and σ, else the limits' midpoint and a sixth of their distance. */
export function baselineOf(m: Pick<Monitor, 'min' | 'max' | 'params'>): Baseline {
  if (m.params.mean !== undefined && m.params.sd !== undefined) return { mean: m.params.mean, sd: m.params.sd };
  if (m.min !== null && m.max !== null) return { mean: m.params.mean ?? (m.min + m.max) / 2, sd: m.params.sd ?? (m.max - m.min) / 6 };
  throw new Error('a monitor with one limit needs params.mean and params.sd');
}

/** Runs the monitor's detector over its one-minute means (pure). */
export function analyse(m: Pick<Monitor, 'method' | 'min' | 'max' | 'params'>, minuteMeans: readonly Point[]): Analysis {
  const base = baselineOf(m);
  const limits = { ...(m.min !== null ? { min: m.min } : {}), ...(m.max !== null ? { max: m.max } : {}) };
  const pts = buckets(minuteMeans, m.params.bucketMin * 60_000);
  const xs = pts.map((p) => p.value);
  const p = m.params;
  const r: DetectorResult =
    m.method === 'ewma'
      ? ewma(xs, base, { lambda: p.lambda, L: p.L })
      : m.method === 'cusum'
        ? cusum(xs, base, { k: p.k, h: p.h })
        : trend(pts, limits, { windowPoints: p.trendPoints, horizonH: p.horizonH, minT: p.minT });
  const last = pts.length - 1;
  const alarmNow = last >= 0 && r.alarm[last];
  const onsetIdx = r.onsets.length ? r.onsets[r.onsets.length - 1] : -1;
  const window = pts.slice(-p.trendPoints);
  return {
    baseline: base,
    points: pts.map((x, i) => ({ ...x, stat: Number.isFinite(r.stat[i]) ? r.stat[i] : null, alarm: r.alarm[i] })),
    alarmNow,
    onset: alarmNow && onsetIdx >= 0 ? pts[onsetIdx].ts : null,
    forecast: window.length >= 3 ? forecast(window, limits, p.horizonH) : null,
  };
}
