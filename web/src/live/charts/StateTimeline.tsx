// The state timeline: one band of coloured intervals over the selected range (ECharts custom series), with the
// state, ISO 22400 bucket, start and duration in the tooltip. Intervals without data are hatched grey.
import { useMemo } from 'react';
import { html } from '../../platform/html.ts';
import { BUCKET_LABEL, classOfState, STATE_COLOURS, type StateClass } from '../states.ts';
import { formatDuration, formatTime } from '../time.ts';
import type { StateInterval } from '../types.ts';
import { echarts, type ChartOption, type CustomSeriesOption } from './echarts.ts';
import { EChart } from './EChart.tsx';
import './charts.css';

let hatch: HTMLCanvasElement | null = null;
/** Grey diagonal stripes for "no data", the same pattern the tiles use. */
function hatchPattern(): HTMLCanvasElement {
  if (hatch) return hatch;
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d');
  if (g) {
    g.fillStyle = STATE_COLOURS.offline.bg;
    g.fillRect(0, 0, 8, 8);
    g.strokeStyle = '#7d868f';
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(-2, 10);
    g.lineTo(10, -2);
    g.moveTo(-2, 2);
    g.lineTo(2, -2);
    g.moveTo(6, 10);
    g.lineTo(10, 6);
    g.stroke();
  }
  hatch = c;
  return c;
}

interface Item {
  value: [number, number, number];
  interval: StateInterval;
  cls: StateClass;
  /** Not reported by the server: a stretch without any data. */
  gap?: boolean;
}

const GAP_MS = 1000;

export function StateTimeline({ intervals, from, to }: { intervals: StateInterval[]; from: number; to: number }) {
  const option = useMemo<ChartOption>(() => {
    const items: Item[] = [];
    let covered = from;
    const gap = (s: number, e: number) => {
      if (e - s > GAP_MS)
        items.push({
          value: [s, e, 0],
          interval: { state: 'No data', bucket: 'unknown', start: new Date(s).toISOString(), end: new Date(e).toISOString() },
          cls: 'offline',
          gap: true,
        });
    };
    const sorted = [...intervals].sort((a, b) => a.start.localeCompare(b.start));
    for (const iv of sorted) {
      const s = Math.max(new Date(iv.start).getTime(), from);
      const e = Math.min(iv.end ? new Date(iv.end).getTime() : to, to);
      if (!(e > s)) continue;
      gap(covered, s);
      items.push({ value: [s, e, 0], interval: iv, cls: classOfState(iv.state, iv.bucket) });
      covered = Math.max(covered, e);
    }
    gap(covered, to);
    const series: CustomSeriesOption = {
      type: 'custom',
      id: 'states',
      encode: { x: [0, 1], y: 2 },
      data: items,
      animation: false,
      renderItem: (params, api) => {
        const item = items[params.dataIndex];
        const start = api.coord([api.value(0), api.value(2)]);
        const end = api.coord([api.value(1), api.value(2)]);
        const height = (api.size!([0, 1]) as number[])[1] * 0.78;
        const cs = params.coordSys as unknown as { x: number; y: number; width: number; height: number };
        const shape = echarts.graphic.clipRectByRect(
          { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 1), height },
          { x: cs.x, y: cs.y, width: cs.width, height: cs.height },
        );
        if (!shape) return null;
        const fill = item.cls === 'offline' ? { image: hatchPattern(), repeat: 'repeat' as const } : STATE_COLOURS[item.cls].bg;
        return { type: 'rect', shape, style: { fill, opacity: item.gap ? 0.45 : 1 } };
      },
    };
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 6, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (p: unknown) => {
          const item = items[(p as { dataIndex: number }).dataIndex];
          if (!item) return '';
          const iv = item.interval;
          if (item.gap) return html`<strong>No data</strong><br/>${formatTime(iv.start)} to ${formatTime(iv.end!)}`;
          const startMs = new Date(iv.start).getTime();
          const endMs = iv.end ? new Date(iv.end).getTime() : Date.now();
          // The state is whatever the machine reported: text, never markup.
          return html`<strong>${iv.state}</strong><br/>${BUCKET_LABEL[iv.bucket] ?? iv.bucket}<br/>from ${formatTime(iv.start)}${
            iv.end ? ` to ${formatTime(iv.end)}` : ' (now)'
          }<br/>for ${formatDuration(endMs - startMs)}`;
        },
      },
      xAxis: { type: 'time', min: from, max: to, axisLabel: { fontSize: 11, hideOverlap: true }, splitLine: { show: false } },
      yAxis: { type: 'category', data: ['State'], axisLabel: { show: false }, axisTick: { show: false }, axisLine: { show: false } },
      series: [series],
    };
  }, [intervals, from, to]);

  return <EChart option={option} className="echart echart-timeline" label="State timeline" testId="state-timeline" />;
}
