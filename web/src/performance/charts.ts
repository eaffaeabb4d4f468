// ECharts for performance: the live module's core set (line, custom, grid, tooltip) plus bars and a legend.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { LegendComponent, type LegendComponentOption } from 'echarts/components';
import { echarts, type ChartOption } from '../live/charts/echarts.ts';

echarts.use([BarChart, LegendComponent]);

export type PerfChartOption = ChartOption & echarts.ComposeOption<BarSeriesOption | LegendComponentOption>;
export { EChart } from '../live/charts/EChart.tsx';
