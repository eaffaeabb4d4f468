// Bottleneck view (/performance/bottleneck): the machines of a line ranked by their constraint on throughput with
// the active period method — a stacked bar of active vs waiting time per machine, the ranking, and the method.
import { useMemo, useState } from 'react';
import { Empty, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { EChart, type PerfChartOption } from './charts.ts';
import { PresetSelect, usePeriod, useTick, type PresetId } from './common.tsx';
import { hours, pct, type BottleneckResult, type EquipmentItem } from './types.ts';

const num = (x: number | null, d = 0) => (x === null ? '—' : x.toFixed(d));

export function Bottleneck() {
  const equipment = useResource<EquipmentItem[]>('/equipment');
  const lines = useMemo(() => (equipment.data ?? []).filter((e) => ['line', 'workCenter', 'area'].includes(e.level)), [equipment.data]);
  const [scope, setScope] = useState('');
  const [preset, setPreset] = useState<PresetId>('24h');
  const now = useTick(60_000);
  const period = usePeriod(preset, now);
  const selected = scope || lines.find((e) => e.level === 'line')?.id || lines[0]?.id || '';
  const res = useResource<BottleneckResult>(selected ? '/performance/bottleneck' : null, { equipment: selected, from: period.from, to: period.to });
  const r = res.data;
  // a machine has something to rank only when it was active or waiting in the period; with none, there is no ranking
  const hasData = !!r && r.machines.some((m) => m.figures.activeShare !== null);

  const chart = useMemo<PerfChartOption>(() => {
    const rows = r?.machines ?? [];
    const share = (pick: (f: BottleneckResult['machines'][number]['figures']) => number) =>
      rows.map((m) => {
        const total = m.figures.activeS + m.figures.waitingS;
        return total > 0 ? +((pick(m.figures) / total) * 100).toFixed(1) : 0;
      });
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${v} %` },
      legend: { top: 0 },
      grid: { left: 150, right: 24, top: 30, bottom: 30 },
      xAxis: { type: 'value', max: 100, name: '%' },
      yAxis: { type: 'category', inverse: true, data: rows.map((m) => `${m.rank}. ${m.name}`) },
      series: [
        { name: 'Active (producing, setup, own stops)', type: 'bar', stack: 't', data: share((f) => f.activeS), itemStyle: { color: '#c1121f' } },
        { name: 'Starved / blocked', type: 'bar', stack: 't', data: share((f) => f.starvedOrBlockedS), itemStyle: { color: '#8fb3d9' } },
        { name: 'Idle (no work)', type: 'bar', stack: 't', data: share((f) => f.idleS), itemStyle: { color: '#cfd8e0' } },
      ],
    } as PerfChartOption;
  }, [r]);

  return (
    <div className="page">
      <PageHeader title="Bottleneck" subtitle="Which machine of a line constrains its throughput — active period method" />
      <p>
        <Link to="/performance">Back to the performance overview</Link>
      </p>
      <div className="perf-controls">
        <label>
          Line
          <select value={selected} onChange={(e) => setScope(e.target.value)} data-testid="bottleneck-scope">
            {lines.map((e) => (
              <option key={e.id} value={e.id}>
                {e.path} ({e.level})
              </option>
            ))}
          </select>
        </label>
        <PresetSelect value={preset} onChange={setPreset} />
      </div>
      {equipment.error ? <ErrorBanner error={equipment.error} /> : null}
      {res.error ? <ErrorBanner error={res.error} onRetry={res.reload} /> : null}
      {!r && res.loading && <Spinner label="Ranking machines…" />}
      {r && !hasData && (
        <section className="card perf-section" data-testid="bottleneck-no-data">
          <Empty title="No data to rank">
            {r.machines.length === 0
              ? `${r.equipment.name} has no machines.`
              : `None of the ${r.machines.length} machines of ${r.equipment.name} reported a state between ${formatDateTime(r.from)} and ${formatDateTime(r.to)}, so none can be named the bottleneck. Pick a longer period, or check the machines' connections on the live plant.`}
          </Empty>
        </section>
      )}
      {r && hasData && (
        <>
          <section className="card perf-section">
            <h2>Active and waiting time per machine</h2>
            <EChart option={chart} shape={`${r.machines.length}`} className="perf-chart" label="Active period share per machine" />
          </section>
          <section className="card perf-section">
            <h2>Ranking</h2>
            <div className="table-scroll">
              <table className="table perf-rank" data-testid="bottleneck-table">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Machine</th>
                    <th>Active share</th>
                    <th>Active</th>
                    <th>Starved / blocked</th>
                    <th>Idle</th>
                    <th>No data</th>
                    <th>Parts / planned h</th>
                    <th>Ideal parts / h</th>
                    <th>Loading</th>
                  </tr>
                </thead>
                <tbody>
                  {r.machines.map((m) => (
                    <tr key={m.id}>
                      <td>{m.rank}</td>
                      <td>
                        <Link to={`/performance/${m.id}`}>{m.name}</Link> {m.bottleneck && <span className="badge badge-danger">bottleneck</span>}
                      </td>
                      <td>{pct(m.figures.activeShare)}</td>
                      <td>{hours(m.figures.activeS)}</td>
                      <td>{hours(m.figures.starvedOrBlockedS)}</td>
                      <td>{hours(m.figures.idleS)}</td>
                      <td>{hours(m.figures.unknownS)}</td>
                      <td>{num(m.figures.throughputPerHour, 1)}</td>
                      <td>{num(m.figures.idealPerHour, 1)}</td>
                      <td>{pct(m.figures.loading)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
      {r && (
        <section className="card perf-section">
          <h2>How the ranking is made</h2>
          <ul className="perf-method" data-testid="bottleneck-method">
            {r.method.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
