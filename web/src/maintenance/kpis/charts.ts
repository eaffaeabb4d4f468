// ECharts options of the maintenance KPI page, from the server's figures only: preventive vs corrective work hours,
// and the backlog by age (orders and estimated hours).
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { LegendComponent, type LegendComponentOption } from 'echarts/components';
import { echarts, type ChartOption } from '../../live/charts/echarts.ts';
import type { MaintenanceKpiReport } from './types.ts';

echarts.use([BarChart, LegendComponent]);

export type MaintenanceChartOption = ChartOption & echarts.ComposeOption<BarSeriesOption | LegendComponentOption>;
export { EChart } from '../../live/charts/EChart.tsx';

const PREVENTIVE = '#2f6fb0';
const CORRECTIVE = '#c1121f';

/** Work hours of the period: preventive (planned) and corrective (unplanned) side by side. */
export function shareOption(k: MaintenanceKpiReport): MaintenanceChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v} h` : '—') },
    grid: { left: 56, right: 24, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: ['Preventive (planned)', 'Corrective (unplanned)'] },
    yAxis: { type: 'value', name: 'hours', min: 0 },
    series: [
      {
        name: 'work hours',
        type: 'bar',
        data: [
          { value: k.workHours.preventive, itemStyle: { color: PREVENTIVE } },
          { value: k.workHours.corrective, itemStyle: { color: CORRECTIVE } },
        ],
      },
    ],
  } as MaintenanceChartOption;
}

/** Open orders by age: their count (bars) and their estimated hours (second axis). */
export function backlogOption(k: MaintenanceKpiReport): MaintenanceChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 32, bottom: 32 },
    xAxis: { type: 'category', data: k.backlog.byAge.map((a) => a.age) },
    yAxis: [
      { type: 'value', name: 'orders', minInterval: 1, min: 0 },
      { type: 'value', name: 'hours', min: 0 },
    ],
    series: [
      { name: 'open orders', type: 'bar', data: k.backlog.byAge.map((a) => a.count), itemStyle: { color: PREVENTIVE } },
      { name: 'estimated hours', type: 'bar', yAxisIndex: 1, data: k.backlog.byAge.map((a) => a.estimatedHours), itemStyle: { color: '#e09f3e' } },
    ],
  } as MaintenanceChartOption;
}
