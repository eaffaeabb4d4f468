// A React host for one ECharts instance: created on mount, resized with its box, disposed on unmount. `option` is
// merged into the chart on every change (cheap for appended data); a new `shape` replaces the option wholesale.
import { useEffect, useRef } from 'react';
import { echarts, type ChartOption } from './echarts.ts';
import './charts.css';

export function EChart({
  option,
  shape,
  className,
  label,
  testId,
}: {
  option: ChartOption;
  /** Changes when series are added or removed, so stale ones do not linger. */
  shape?: string;
  className?: string;
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const lastShape = useRef<string | undefined>(undefined);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
      lastShape.current = undefined;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const replace = lastShape.current !== shape;
    lastShape.current = shape;
    c.setOption(option, { notMerge: replace, lazyUpdate: true });
  }, [option, shape]);

  return <div ref={box} className={className ?? 'echart'} role="img" aria-label={label} data-testid={testId} />;
}
