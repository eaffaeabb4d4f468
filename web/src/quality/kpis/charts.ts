// ECharts options of the quality KPI page, built from the server's figures only (no KPI is computed here): the defect
// Pareto (bars by defect code, the cumulative share as a line on a 0–100 % axis) and bars of a rate per machine or
// product. The live module's core set plus bars and a legend.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { LegendComponent, type LegendComponentOption } from 'echarts/components';
import { echarts, type ChartOption } from '../../live/charts/echarts.ts';
import type { KpiReport } from '../types.ts';

echarts.use([BarChart, LegendComponent]);

export type KpiChartOption = ChartOption & echarts.ComposeOption<BarSeriesOption | LegendComponentOption>;
export { EChart } from '../../live/charts/EChart.tsx';

const BAR = '#2f6fb0';
const LINE = '#c1121f';
const pct = (x: number) => +(x * 100).toFixed(2);

/** The Pareto: quantity bars largest first and the cumulative share, which ends at 100 %. */
export function paretoOption(rows: KpiReport['pareto'], unit = 'scrap'): KpiChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 32, bottom: 64 },
    xAxis: { type: 'category', data: rows.map((r) => r.defect), axisLabel: { rotate: rows.length > 5 ? 30 : 0 } },
    yAxis: [
      { type: 'value', name: unit, minInterval: 1 },
      { type: 'value', name: 'cumulative', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
    ],
    series: [
      { name: unit, type: 'bar', data: rows.map((r) => +r.quantity.toPrecision(6)), itemStyle: { color: BAR } },
      {
        name: 'cumulative %',
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => pct(r.cumulative)),
        symbol: 'circle',
        lineStyle: { color: LINE },
        itemStyle: { color: LINE },
      },
    ],
  } as KpiChartOption;
}

/** Rates (0…1, null: not known) per machine or product as percentage bars, one series per rate. */
export function rateBarsOption(labels: string[], series: Array<{ name: string; values: Array<number | null>; color: string }>): KpiChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v} %` : '—') },
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 32, bottom: 64 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: labels.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value} %' } },
    series: series.map((s) => ({ name: s.name, type: 'bar', data: s.values.map((v) => (v === null ? null : pct(v))), itemStyle: { color: s.color } })),
  } as KpiChartOption;
}
