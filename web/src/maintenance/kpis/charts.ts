// ECharts options of the maintenance KPI page, from the server's figures only: preventive vs corrective work hours,
// the backlog by age (orders and estimated hours) and where the repair time went (the mean MTTR split).
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

/** The parts of the mean repair time, in the order they happen, with their colours. */
export const SPLIT_PARTS = [
  ['waitingForTechnician', 'Waiting for a technician', '#e09f3e'],
  ['repair', 'Repair', '#2f6fb0'],
  ['waitingForParts', 'Waiting for parts', '#c1121f'],
  ['other', 'Other', '#8d99ae'],
] as const;

/** The mean repair time as one stacked bar, minutes: waiting for a technician, repair, waiting for parts, other. */
export function splitOption(k: MaintenanceKpiReport): MaintenanceChartOption {
  const m = k.mttrSplit.meanMinutes;
  return {
    animation: false,
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v} min` : '—') },
    legend: { top: 0 },
    grid: { left: 24, right: 24, top: 32, bottom: 32, containLabel: true },
    xAxis: { type: 'value', name: 'minutes', min: 0 },
    yAxis: { type: 'category', data: ['mean repair'], show: false },
    series: SPLIT_PARTS.map(([key, name, color]) => ({ name, type: 'bar', stack: 'split', data: [m ? m[key] : 0], itemStyle: { color } })),
  } as MaintenanceChartOption;
}
