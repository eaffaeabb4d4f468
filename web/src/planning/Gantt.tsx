// Gantt chart of a schedule version: one row per machine, one bar per operation coloured by its order's due-date risk,
// late orders outlined, the published plan as dashed ghost bars for comparison. A tap on a bar selects the operation
// (the move form beside the chart); dragging a bar to another time or machine moves it directly. Zoom by pinch or
// wheel, pan with the slider.
import { useEffect, useMemo, useRef } from 'react';
import { DataZoomComponent, GraphicComponent } from 'echarts/components';
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from 'echarts';
import { echarts, type ChartOption } from '../live/charts/echarts.ts';
import { html } from '../platform/html.ts';
import { formatDateTime } from '../platform/format.ts';
import { RISK_COLOUR, type Assignment } from './types.ts';

echarts.use([DataZoomComponent, GraphicComponent]);

export interface GanttProps {
  machines: Array<{ path: string; name: string; down: boolean }>;
  assignments: Assignment[];
  ghosts?: Assignment[];
  selected?: { orderId: string; seq: number } | null;
  onSelect(a: Assignment | null): void;
  /** A bar dropped on a machine row at a new start (ISO); only called for a real move. */
  onDrop?(a: Assignment, machine: string, start: string): void;
}

interface Drag {
  a: Assignment;
  /** pointer offset from the bar's start, in ms, and where the pointer went down */
  grabMs: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

const short = (path: string) => path.split('/').pop() ?? path;

export function Gantt({ machines, assignments, ghosts, selected, onSelect, onDrop }: GanttProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;
  const drop = useRef(onDrop);
  drop.current = onDrop;
  const rows = useMemo(() => machines.map((m) => m.path), [machines]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const byKey = useMemo(() => new Map(assignments.map((a) => [`${a.orderId}#${a.seq}`, a])), [assignments]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const d = p.data as { key?: string } | undefined;
      if (p.seriesId === 'plan' && d?.key) select.current(byKeyRef.current.get(d.key) ?? null);
    });
    // drag a bar: a preview follows the pointer; the drop becomes a move (time from the x, machine from the row)
    let drag: Drag | null = null;
    let shown = false;
    const toData = (x: number, y: number) => c.convertFromPixel({ gridIndex: 0 }, [x, y]) as number[];
    const preview = (x: number, y: number, text: string) => {
      shown = true;
      c.setOption({
        graphic: [
          {
            id: 'drag',
            type: 'group',
            silent: true,
            children: [
              {
                type: 'rect',
                shape: { x: x, y: y - drag!.height / 2, width: drag!.width, height: drag!.height, r: 3 },
                style: { fill: 'rgba(21,101,192,0.35)', stroke: '#1565c0', lineWidth: 2, lineDash: [5, 3] },
              },
              { type: 'text', style: { x: x + 4, y: y - drag!.height / 2 - 8, text, fill: '#0d47a1', fontSize: 12, fontWeight: 'bold' } },
            ],
          },
        ],
      });
    };
    const clear = () => {
      if (shown) c.setOption({ graphic: [{ id: 'drag', $action: 'remove' }] });
      shown = false;
    };
    c.on('mousedown', (p) => {
      const d = p.data as { key?: string } | undefined;
      const a = p.seriesId === 'plan' && d?.key ? byKeyRef.current.get(d.key) : undefined;
      const ev = p.event as unknown as { offsetX: number; offsetY: number } | undefined;
      if (!a || !ev || !drop.current || a.running) return;
      const [t] = toData(ev.offsetX, ev.offsetY);
      const x0 = c.convertToPixel({ gridIndex: 0 }, [Date.parse(a.start), 0]) as number[];
      const x1 = c.convertToPixel({ gridIndex: 0 }, [Date.parse(a.end), 0]) as number[];
      drag = { a, grabMs: t - Date.parse(a.start), x: ev.offsetX, y: ev.offsetY, width: Math.max(6, x1[0] - x0[0]), height: 18 };
    });
    const zr = c.getZr();
    zr.on('mousemove', (e) => {
      if (!drag) return;
      if (Math.abs(e.offsetX - drag.x) + Math.abs(e.offsetY - drag.y) < 6) return;
      const [t, row] = toData(e.offsetX, e.offsetY);
      const machine = rowsRef.current[Math.round(row)];
      const at = new Date(t - drag.grabMs);
      const ok = machine && drag.a.eligible.includes(machine);
      const startPx = (c.convertToPixel({ gridIndex: 0 }, [at.getTime(), Math.round(row)]) as number[])[0];
      preview(startPx, e.offsetY, ok ? `${short(machine)} · ${formatDateTime(at)}` : `${machine ? short(machine) : '–'} cannot run it`);
    });
    zr.on('mouseup', (e) => {
      const d = drag;
      drag = null;
      clear();
      if (!d || Math.abs(e.offsetX - d.x) + Math.abs(e.offsetY - d.y) < 6) return;
      const [t, row] = toData(e.offsetX, e.offsetY);
      const machine = rowsRef.current[Math.round(row)];
      if (machine) drop.current?.(d.a, machine, new Date(t - d.grabMs).toISOString());
    });
    zr.on('globalout', () => {
      drag = null;
      clear();
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  const byKeyRef = useRef(byKey);
  byKeyRef.current = byKey;

  const option = useMemo<ChartOption>(() => {
    const row = (path: string) => rows.indexOf(path);
    const sel = selected ? `${selected.orderId}#${selected.seq}` : '';
    const bar =
      (ghost: boolean) =>
      (params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
        const y = api.value(0) as number;
        const a = api.coord([api.value(1), y]);
        const b = api.coord([api.value(2), y]);
        const h = (api.size!([0, 1]) as number[])[1] * (ghost ? 0.8 : 0.55);
        const cs = params.coordSys as unknown as { x: number; y: number; width: number; height: number };
        const x0 = Math.max(a[0], cs.x);
        const x1 = Math.min(b[0], cs.x + cs.width);
        if (x1 <= x0) return null;
        const risk = api.value(3) as keyof typeof RISK_COLOUR;
        const key = api.value(4) as string;
        const label = api.value(5) as string;
        const rect = { x: x0, y: a[1] - h / 2, width: Math.max(2, x1 - x0), height: h };
        if (ghost) return { type: 'rect', shape: rect, style: { fill: 'rgba(0,0,0,0.03)', stroke: '#7a8590', lineWidth: 1, lineDash: [4, 3] }, silent: true };
        const isSel = key === sel;
        return {
          type: 'group',
          children: [
            {
              type: 'rect',
              shape: { ...rect, r: 3 },
              style: {
                fill: RISK_COLOUR[risk],
                stroke: isSel ? '#111' : risk === 'late' ? '#7f0000' : 'rgba(0,0,0,0.25)',
                lineWidth: isSel ? 3 : risk === 'late' ? 2 : 1,
              },
            },
            ...(rect.width > 46
              ? [
                  {
                    type: 'text' as const,
                    style: {
                      x: rect.x + 4,
                      y: a[1],
                      text: label,
                      fill: '#fff',
                      fontSize: 11,
                      verticalAlign: 'middle' as const,
                      width: rect.width - 8,
                      overflow: 'truncate' as const,
                    },
                  },
                ]
              : []),
          ],
        };
      };
    const data = (list: Assignment[]) =>
      list
        .filter((a) => row(a.machine) >= 0)
        .map((a) => ({
          key: `${a.orderId}#${a.seq}`,
          value: [row(a.machine), Date.parse(a.start), Date.parse(a.end), a.risk, `${a.orderId}#${a.seq}`, `${a.orderId}/${a.seq}`],
        }));
    const starts = assignments.map((a) => Date.parse(a.start));
    const ends = assignments.map((a) => Date.parse(a.end));
    const min = starts.length ? Math.min(...starts) : Date.now();
    const max = ends.length ? Math.max(...ends) : Date.now() + 86_400_000;
    return {
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const d = (p as { data?: { key?: string } }).data;
          const a = d?.key ? byKeyRef.current.get(d.key) : undefined;
          if (!a) return '';
          const t = (s: string) => formatDateTime(s);
          // Ids are restricted to code characters today; escaped all the same, so a looser id rule cannot open a hole.
          const flags = `${a.setupS ? ` · setup ${Math.round(a.setupS / 60)} min` : ''}${a.running ? ' · running' : ''}${a.pinned ? ' · pinned' : ''}`;
          return html`<b>${a.orderId} / ${a.seq}</b> ${a.productId ?? ''}<br/>${short(a.machine)}: ${t(a.start)} → ${t(a.end)}<br/>due ${a.dueAt ? t(a.dueAt) : '–'} · ${a.risk}${flags}`;
        },
      },
      grid: { left: 110, right: 16, top: 12, bottom: 56 },
      xAxis: { type: 'time', min: min - 3_600_000, max: max + 3_600_000, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: machines.map((m) => (m.down ? `⚠ ${m.name}` : m.name)),
        axisLabel: { width: 100, overflow: 'truncate' },
        splitLine: { show: true },
      },
      dataZoom: [
        // dragging moves bars, so the plot does not pan on drag: wheel or pinch zooms, the slider pans
        { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter', moveOnMouseMove: false },
        { type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', height: 22, bottom: 8 },
      ],
      series: [
        ...(ghosts ? [{ id: 'published', type: 'custom' as const, renderItem: bar(true), encode: { x: [1, 2], y: 0 }, data: data(ghosts), z: 1 }] : []),
        {
          id: 'plan',
          type: 'custom' as const,
          renderItem: bar(false),
          encode: { x: [1, 2], y: 0 },
          data: data(assignments),
          z: 2,
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: '#1565c0', type: 'solid' },
            label: { formatter: 'now' },
            data: [{ xAxis: Date.now() }],
          },
        },
      ],
    } as ChartOption;
  }, [rows, machines, assignments, ghosts, selected]);

  useEffect(() => {
    // replace the series, keep the zoom the user chose
    chart.current?.setOption(option, { replaceMerge: ['series'] });
  }, [option]);

  const height = Math.max(220, machines.length * 44 + 80);
  return <div ref={box} style={{ width: '100%', height }} role="img" aria-label="Gantt chart of the schedule per machine" data-testid="plan-gantt" />;
}
