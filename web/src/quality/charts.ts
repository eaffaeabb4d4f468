// ECharts options of the SPC page, built from the server's analysis only (no statistic is computed here): the control
// chart with its centre line and limits per point, the spec limits, violations marked with their rule numbers; the
// R/S/MR chart; the histogram with the spec limits. The live module's core set plus scatter and a legend.
import { ScatterChart, type ScatterSeriesOption } from 'echarts/charts';
import { LegendComponent, type LegendComponentOption } from 'echarts/components';
import { echarts, type ChartOption, type CustomSeriesOption } from '../live/charts/echarts.ts';
import { formatDateTime, formatTime } from '../platform/format.ts';
import type { ChartView } from './types.ts';

echarts.use([ScatterChart, LegendComponent]);

export type SpcChartOption = ChartOption & echarts.ComposeOption<ScatterSeriesOption | LegendComponentOption>;
export { EChart } from '../live/charts/EChart.tsx';

type Detail = NonNullable<ChartView['detail']>;
interface Line {
  ts: string;
  value: number | null;
  centerLine: number;
  ucl: number;
  lcl: number;
}

const RED = '#c1121f';
const SPEC = '#7b2cbf';
const FLAG = '#d97706';
const round = (x: number) => +x.toPrecision(6);

/** Labels of a time axis: the time of day when the window is within one day, else date and time. */
function timeLabels(ts: string[]): string[] {
  const span = ts.length ? Date.parse(ts[ts.length - 1]) - Date.parse(ts[0]) : 0;
  return ts.map((t) => (span < 86_400_000 ? formatTime(t) : formatDateTime(t)));
}

/** One control chart: the statistic, its CL/UCL/LCL as steps (they may vary with n), and the violations at their points. */
export function controlOption(
  name: string,
  points: Line[],
  violations: { index: number; rules: number[] }[],
  spec?: { lsl: number | null; usl: number | null },
  flagged: number[] = [],
): SpcChartOption {
  const labels = timeLabels(points.map((p) => p.ts));
  const limit = (key: 'centerLine' | 'ucl' | 'lcl', label: string, color: string, dashed: boolean) => ({
    name: label,
    type: 'line' as const,
    step: 'middle' as const,
    symbol: 'none',
    lineStyle: { color, width: 1.5, type: dashed ? ('dashed' as const) : ('solid' as const) },
    itemStyle: { color },
    data: points.map((p) => round(p[key])),
    z: 1,
  });
  // the axis spans the points and limits, and a spec limit when it is near them: a far-off one (a wide tolerance on a
  // tight process) would squash the chart into a line, so it is left to the capability figures and the histogram
  const ys = points.flatMap((p) => [p.value, p.ucl, p.lcl]).filter((y): y is number => y !== null && Number.isFinite(y));
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  const near = (y: number | null | undefined): y is number => y != null && y >= lo - (hi - lo) && y <= hi + (hi - lo);
  const specLines = [...(near(spec?.lsl) ? [{ yAxis: spec.lsl, name: 'LSL' }] : []), ...(near(spec?.usl) ? [{ yAxis: spec.usl, name: 'USL' }] : [])];
  for (const l of specLines) {
    lo = Math.min(lo, l.yAxis);
    hi = Math.max(hi, l.yAxis);
  }
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 48, top: 32, bottom: 40 },
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: ys.length ? { type: 'value', min: round(lo - pad), max: round(hi + pad) } : { type: 'value', scale: true },
    series: [
      {
        name,
        type: 'line',
        data: points.map((p) => (p.value === null ? null : round(p.value))),
        symbol: 'circle',
        symbolSize: 6,
        lineStyle: { color: '#2f6fb0' },
        itemStyle: { color: '#2f6fb0' },
        z: 3,
        markLine: specLines.length
          ? {
              symbol: 'none',
              silent: true,
              lineStyle: { color: SPEC, type: 'dotted', width: 1.5 },
              label: { formatter: '{b}', position: 'end', color: SPEC },
              data: specLines,
            }
          : undefined,
      },
      limit('centerLine', 'CL', '#0b7a3b', false),
      limit('ucl', 'UCL', RED, true),
      limit('lcl', 'LCL', RED, true),
      {
        name: 'Violation',
        type: 'scatter',
        symbolSize: 14,
        itemStyle: { color: RED, borderColor: '#fff', borderWidth: 1 },
        label: { show: true, position: 'top', color: RED, fontWeight: 'bold', formatter: (p: { data: unknown }) => (p.data as [number, number, string])[2] },
        data: violations.filter((v) => points[v.index]?.value != null).map((v) => [v.index, round(points[v.index].value as number), v.rules.join(',')]),
        z: 4,
      },
      // measurements stored with a flag (a gauge overdue when taken): a hollow orange diamond around the point
      ...(flagged.length
        ? [
            {
              name: 'Gauge overdue',
              type: 'scatter',
              symbol: 'diamond',
              symbolSize: 16,
              itemStyle: { color: 'rgba(0,0,0,0)', borderColor: FLAG, borderWidth: 2 },
              data: flagged.filter((i) => points[i]?.value != null).map((i) => [i, round(points[i].value as number)]),
              z: 5,
            },
          ]
        : []),
    ],
  } as SpcChartOption;
}

/** The points the flagged measurements belong to: a measurement's point is the first at or after its time. */
export function flaggedAt(points: { ts: string }[], flagged: { ts: string }[]): number[] {
  const at = new Set<number>();
  for (const f of flagged) {
    const t = Date.parse(f.ts);
    const i = points.findIndex((p) => Date.parse(p.ts) >= t);
    if (i >= 0) at.add(i);
  }
  return [...at].sort((a, b) => a - b);
}

/** The primary chart's violations grouped per point: one marker per point, labelled with every rule it completes. */
export function violationsAt(detail: Detail, chart: 'primary' | 'secondary'): { index: number; rules: number[] }[] {
  const byIndex = new Map<number, number[]>();
  for (const v of detail.violations) {
    if (v.chart !== chart) continue;
    const rules = byIndex.get(v.index) ?? [];
    if (!rules.includes(v.rule)) rules.push(v.rule);
    byIndex.set(v.index, rules);
  }
  return [...byIndex].map(([index, rules]) => ({ index, rules: rules.sort((a, b) => a - b) }));
}

/** The histogram: bars at their true edges on a value axis, widened to the spec limits, which are drawn. */
export function histogramOption(h: NonNullable<Detail['histogram']>, unit: string | null): SpcChartOption {
  const specLines = [...(h.lsl != null ? [{ xAxis: h.lsl, name: 'LSL' }] : []), ...(h.usl != null ? [{ xAxis: h.usl, name: 'USL' }] : [])];
  const pad = h.axis ? (h.axis.max - h.axis.min || Math.abs(h.axis.max) || 1) * 0.05 : 0;
  const bars: CustomSeriesOption = {
    name: 'Values',
    type: 'custom',
    renderItem: (_params, api) => {
      const lo = api.coord([api.value(0), api.value(2)]);
      const hi = api.coord([api.value(1), 0]);
      return {
        type: 'rect',
        shape: { x: lo[0], y: lo[1], width: Math.max(1, hi[0] - lo[0] - 1), height: hi[1] - lo[1] },
        style: { fill: '#2f6fb0' },
      };
    },
    encode: { x: [0, 1], y: 2 },
    data: h.bins.map((b) => [b.from, b.to, b.count]),
    markLine: specLines.length
      ? { symbol: 'none', silent: true, lineStyle: { color: SPEC, type: 'dotted', width: 1.5 }, label: { formatter: '{b}', color: SPEC }, data: specLines }
      : undefined,
  };
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: unknown }) => {
        const [a, b, n] = p.data as number[];
        return `${round(a)} … ${round(b)}: ${n}`;
      },
    },
    grid: { left: 48, right: 32, top: 24, bottom: 40 },
    xAxis: { type: 'value', name: unit ?? '', min: h.axis ? round(h.axis.min - pad) : undefined, max: h.axis ? round(h.axis.max + pad) : undefined },
    yAxis: { type: 'value', name: 'count', minInterval: 1 },
    series: [bars],
  } as SpcChartOption;
}
