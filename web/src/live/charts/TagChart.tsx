// One small chart per process value: the values over the selected range (per-minute average with its min–max band
// for long ranges), the tag's limits as red mark lines, and the ideal for the cycle time.
import { useMemo } from 'react';
import { html } from '../../platform/html.ts';
import { formatTime } from '../time.ts';
import type { ChartOption, LineSeriesOption } from './echarts.ts';
import { EChart } from './EChart.tsx';

/** [epoch ms, value (or minute average), min, max]; min/max only for roll-ups. */
export type SeriesPoint = [number, number, number?, number?];

export interface TagChartProps {
  tag: string;
  unit: string | null;
  min: number | null;
  max: number | null;
  /** An extra reference line (the ideal cycle time). */
  ideal?: number | null;
  points: SeriesPoint[];
  rollup: boolean;
  from: number;
  to: number;
  /** Bumped whenever `points` changed in place. */
  version: number;
}

const num = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

export function formatValue(v: number | null | undefined, unit: string | null): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return unit ? `${num.format(v)} ${unit}` : num.format(v);
}

export function TagChart({ tag, unit, min, max, ideal, points, rollup, from, to, version }: TagChartProps) {
  const option = useMemo<ChartOption>(() => {
    const marks: { yAxis: number; name: string; lineStyle?: object; label?: object }[] = [];
    if (min !== null) marks.push({ yAxis: min, name: 'min', label: { formatter: `min ${num.format(min)}` } });
    if (max !== null) marks.push({ yAxis: max, name: 'max', label: { formatter: `max ${num.format(max)}` } });
    if (ideal != null)
      marks.push({
        yAxis: ideal,
        name: 'ideal',
        lineStyle: { color: '#0b7a3b', type: 'dashed' },
        label: { formatter: `ideal ${num.format(ideal)}`, color: '#0b7a3b' },
      });
    // Limits far from the data (a sensor's full range, say) would squash the curve into a flat line: the axis
    // stretches to a limit only when it is within two data spans; the caption always states the limits.
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      lo = Math.min(lo, p[2] ?? p[1]);
      hi = Math.max(hi, p[3] ?? p[1]);
    }
    const span = hi > lo ? hi - lo : Math.abs(hi) * 0.1 || 1;
    const limits = [min, max, ideal].filter((v): v is number => typeof v === 'number' && (points.length === 0 || (v >= lo - 2 * span && v <= hi + 2 * span)));
    const main: LineSeriesOption = {
      id: 'value',
      name: tag,
      type: 'line',
      showSymbol: points.length < 40,
      symbolSize: 4,
      sampling: 'lttb',
      data: points.map((p) => [p[0], p[1]]),
      lineStyle: { width: 1.6, color: '#0a5bb5' },
      itemStyle: { color: '#0a5bb5' },
      animation: false,
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { color: '#c1121f', type: 'dashed', width: 1.2 },
        label: { position: 'insideEndTop', color: '#c1121f', fontSize: 11 },
        data: marks,
        animation: false,
      },
    };
    const series: LineSeriesOption[] = [];
    if (rollup) {
      // The min–max band: an invisible lower line and the range stacked on it with a fill.
      series.push(
        {
          id: 'band-low',
          type: 'line',
          stack: 'band',
          symbol: 'none',
          silent: true,
          lineStyle: { opacity: 0 },
          data: points.map((p) => [p[0], p[2] ?? p[1]]),
          animation: false,
        },
        {
          id: 'band-range',
          type: 'line',
          stack: 'band',
          symbol: 'none',
          silent: true,
          lineStyle: { opacity: 0 },
          areaStyle: { color: 'rgba(10, 91, 181, 0.16)' },
          data: points.map((p) => [p[0], (p[3] ?? p[1]) - (p[2] ?? p[1])]),
          animation: false,
        },
      );
    }
    series.push(main);
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 22, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        confine: true,
        formatter: (params: unknown) => {
          const list = (Array.isArray(params) ? params : [params]) as { seriesId?: string; dataIndex: number }[];
          const hit = list.find((p) => p.seriesId === 'value') ?? list[0];
          const p = hit ? points[hit.dataIndex] : undefined;
          if (!p) return '';
          // The unit is set by supervisors (machine, class, plant file): never markup (docs/security.md).
          const range = rollup && p[2] !== undefined ? html`<br/>min ${formatValue(p[2], unit)} · max ${formatValue(p[3], unit)}` : '';
          return html`${formatTime(p[0])}<br/><strong>${rollup ? 'avg ' : ''}${formatValue(p[1], unit)}</strong>` + range;
        },
      },
      xAxis: {
        type: 'time',
        min: from,
        max: to,
        axisLabel: { fontSize: 11, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: unit ?? undefined,
        nameTextStyle: { fontSize: 11, align: 'left' },
        // The padded ends are rarely round numbers: label the ticks inside only.
        axisLabel: { fontSize: 11, showMinLabel: false, showMaxLabel: false },
        min: (e: { min: number; max: number }) => padded(Math.min(e.min, ...limits), Math.max(e.max, ...limits), 'low'),
        max: (e: { min: number; max: number }) => padded(Math.min(e.min, ...limits), Math.max(e.max, ...limits), 'high'),
      },
      series,
    };
    // `version` stands for in-place changes of `points`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tag, unit, min, max, ideal, rollup, from, to, version, points]);

  return (
    <div className="chart-box">
      <EChart
        option={option}
        shape={rollup ? 'rollup' : 'raw'}
        label={`${tag} over time${min !== null || max !== null ? `, limits ${min ?? '—'} to ${max ?? '—'}` : ''}`}
        testId={`tag-chart-${tag}`}
      />
      {points.length === 0 && <div className="chart-empty">No values in this range</div>}
    </div>
  );
}

/** A little room around the data and the limits so the mark lines are not glued to the frame. */
function padded(lo: number, hi: number, side: 'low' | 'high'): number {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return side === 'low' ? 0 : 1;
  const span = hi - lo || Math.abs(hi) * 0.1 || 1;
  const v = side === 'low' ? lo - span * 0.08 : hi + span * 0.08;
  const step = 10 ** Math.floor(Math.log10(span)) / 2;
  const r = side === 'low' ? Math.floor(v / step) * step : Math.ceil(v / step) * step;
  return Number(r.toPrecision(12));
}
