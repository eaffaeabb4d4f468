// The ECharts host of the trace graph: created on mount, resized with its box; a click on a lot re-centres the trace.
import { useEffect, useRef } from 'react';
import { echarts, graphOption } from './graph.ts';
import type { Trace } from './types.ts';

export function TraceGraph({ trace, onPick }: { trace: Trace; onPick(lot: string): void }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      if (p.dataType === 'node' && typeof p.name === 'string') pick.current(p.name);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(graphOption(trace), { notMerge: true });
  }, [trace]);

  return <div ref={box} className="lots-graph" role="img" aria-label={`Genealogy graph, ${trace.nodes.length} lots`} data-testid="trace-graph" />;
}
