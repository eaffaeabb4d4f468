// The trace as an ECharts graph: one column per depth (backward: sources to the left, the lot on the right; forward:
// the lot on the left, what it went into to the right), nodes coloured by status, supplier lots drawn as diamonds.
import { GraphChart, type GraphSeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { escapeHtml, htmlLines } from '../platform/html.ts';
import { qty, STATUS_COLOUR, STATUS_LABEL, type Trace, type TraceNode } from './types.ts';

echarts.use([GraphChart, TooltipComponent, CanvasRenderer]);

export type GraphOption = echarts.ComposeOption<GraphSeriesOption | TooltipComponentOption>;
export { echarts };

/** Above this many lots the labels would overlap: they show on hover only. */
const LABEL_LIMIT = 60;

export function describe(n: TraceNode): string {
  const made = n.received
    ? `received${n.supplier ? ` from ${n.supplier}` : ''}`
    : `made by ${n.orderId}/${n.seq ?? '?'}${n.equipment ? ` on ${n.equipment}` : ''}${n.operator ? ` by ${n.operator}` : ''}`;
  return [
    `${n.lot} — ${n.materialId}`,
    `${qty(n.quantity, n.unit)} of ${qty(n.initialQuantity, n.unit)} · ${STATUS_LABEL[n.status]}${n.holdReason ? ` (${n.holdReason})` : ''}`,
    n.supplierLot ? `supplier lot ${n.supplierLot}` : '',
    made,
  ]
    .filter(Boolean)
    .join('\n');
}

export function graphOption(t: Trace): GraphOption {
  const columns = new Map<number, TraceNode[]>();
  for (const n of t.nodes) columns.set(n.depth, [...(columns.get(n.depth) ?? []), n]);
  const maxDepth = Math.max(0, ...columns.keys());
  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const labels = t.nodes.length <= LABEL_LIMIT;
  const roots = new Set(t.roots);
  const data: NonNullable<GraphSeriesOption['data']> = [];
  for (const [depth, col] of columns) {
    col.sort((a, b) => a.lot.localeCompare(b.lot));
    const x = (t.direction === 'backward' ? maxDepth - depth : depth) * 220;
    col.forEach((n, i) => {
      data.push({
        id: n.lot,
        name: n.lot,
        x,
        y: (i - (col.length - 1) / 2) * (tallest > 40 ? 14 : 60),
        symbol: n.received ? 'diamond' : 'circle',
        symbolSize: roots.has(n.lot) ? 26 : n.received ? 18 : 14,
        itemStyle: {
          color: STATUS_COLOUR[n.status],
          borderColor: roots.has(n.lot) ? '#1d3557' : n.received ? '#333' : '#fff',
          borderWidth: roots.has(n.lot) || n.received ? 2 : 1,
        },
        label: { show: labels || roots.has(n.lot), position: 'bottom', distance: 6, lineHeight: 14, formatter: `${n.lot}\n${n.materialId}`, fontSize: 11 },
      });
    });
  }
  const byId = new Map(t.nodes.map((n) => [n.lot, n]));
  return {
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => {
        const item = Array.isArray(p) ? p[0] : p;
        if (!item) return '';
        const d = item.data as { id?: string; source?: string; target?: string; value?: number };
        // Suppliers, hold reasons, units and operators are typed by people: text, never markup.
        if (item.dataType === 'edge') return escapeHtml(`${d.source} → ${d.target}: ${qty(d.value ?? 0, byId.get(d.source ?? '')?.unit ?? '')}`);
        const n = byId.get(d.id ?? '');
        return n ? htmlLines(describe(n).split('\n')) : '';
      },
    },
    animation: false,
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        data,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 6,
        lineStyle: { color: '#9aa5b1', width: 1, opacity: t.edges.length > 2000 ? 0.3 : 0.8 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 2 } },
        links: t.edges.map((e) => ({ source: e.parent, target: e.child, value: e.quantity })),
      },
    ],
  };
}
