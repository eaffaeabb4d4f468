// One machine: KPIs with the definitions used, the state timeline, the loss waterfall from POT to fully productive
// time, counts against target, and its stops with reasons (classify) and the Pareto.
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../platform/api.ts';
import { ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { formatDateTime } from '../platform/format.ts';
import { Link } from '../platform/router.tsx';
import { StateTimeline } from '../live/charts/StateTimeline.tsx';
import type { StateInterval } from '../live/types.ts';
import { EChart, type PerfChartOption } from './charts.ts';
import { Definitions, KpiTiles, PresetSelect, usePeriod, useTick, type PresetId } from './common.tsx';
import { hours, type KpiResult, type Pareto, type Reason, type Stop } from './types.ts';

function waterfall(r: KpiResult): PerfChartOption {
  const t = r.times;
  const l = r.sixBigLosses;
  const i = r.inputs;
  // POT → planned busy time → production time → fully productive time (ISO 22400-2 time model, Nakajima's losses)
  const steps: Array<[string, number, 'total' | 'loss']> = [
    ['POT', t.pot, 'total'],
    ['Planned down', t.pdot, 'loss'],
    ['PBT', t.pbt, 'total'],
    ['Idle (ADOT)', t.adot, 'loss'],
    ['No data', t.unknown, 'loss'],
    ['Failures', i.failureS, 'loss'],
    ['Minor stops', i.minorStopS, 'loss'],
    ['Starved/blocked', i.externalS, 'loss'],
    ['Setup', t.asut, 'loss'],
    ['APT', t.apt, 'total'],
    ['Reduced speed', Math.max(0, t.apt - i.idealS), 'loss'],
    ['Defects', l.processDefects, 'loss'],
    ['Fully productive', l.fullyProductive, 'total'],
  ];
  let level = 0;
  const base: number[] = [];
  const value: Array<{ value: number; itemStyle: { color: string } }> = [];
  for (const [, v, kind] of steps) {
    const h = v / 3600;
    if (kind === 'total') {
      level = h;
      base.push(0);
      value.push({ value: +h.toFixed(2), itemStyle: { color: '#0b7a3b' } });
    } else {
      level -= h;
      base.push(+Math.max(0, level).toFixed(2));
      value.push({ value: +h.toFixed(2), itemStyle: { color: '#c1121f' } });
    }
  }
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 50, right: 16, top: 20, bottom: 70 },
    xAxis: { type: 'category', data: steps.map((s) => s[0]), axisLabel: { rotate: 35 } },
    yAxis: { type: 'value', name: 'h' },
    series: [
      { type: 'bar', stack: 'w', data: base, itemStyle: { color: 'transparent' }, tooltip: { show: false } },
      { type: 'bar', stack: 'w', data: value, name: 'hours' },
    ],
  } as PerfChartOption;
}

export function MachineKpis({ id }: { id: string }) {
  const [preset, setPreset] = useState<PresetId>('8h');
  const now = useTick(20_000);
  const period = usePeriod(preset, now);
  const range = { equipment: id, from: period.from, to: period.to };
  const kpis = useResource<KpiResult>('/performance/kpis', range);
  const states = useResource<StateInterval[]>(`/equipment/${encodeURIComponent(id)}/states`, { from: period.from, to: period.to });
  const stops = useResource<Stop[]>('/performance/stops', range);
  const pareto = useResource<Pareto>('/performance/pareto', { ...range, by: 'reason' });
  const reasons = useResource<Reason[]>('/performance/reasons');
  const [saveError, setSaveError] = useState<string | null>(null);
  const r = kpis.data;
  const option = useMemo(() => (r ? waterfall(r) : undefined), [r]);

  const classify = async (s: Stop, reasonId: string) => {
    setSaveError(null);
    try {
      await api(`/performance/stops/${encodeURIComponent(s.equipmentId)}/${encodeURIComponent(s.start)}/reason`, { method: 'POST', body: { reasonId } });
      await Promise.all([stops.reload(), pareto.reload()]);
    } catch (err) {
      setSaveError(errorMessage(err));
    }
  };

  const ideal = r && r.counts.pq > 0 ? r.inputs.idealS / r.counts.pq : null;
  const target = r && ideal ? Math.floor(r.times.pbt / ideal) : null;
  return (
    <div className="page">
      <PageHeader
        title={r ? r.equipment.name : 'Machine'}
        subtitle={<Link to="/performance">← Performance overview</Link>}
        actions={<PresetSelect value={preset} onChange={setPreset} />}
      />
      {kpis.error ? <ErrorBanner error={kpis.error} onRetry={kpis.reload} /> : null}
      {!r && kpis.loading && <Spinner label="Computing KPIs…" />}
      {r && (
        <>
          <KpiTiles r={r} />
          <section className="card perf-section">
            <h2>States</h2>
            {states.data && <StateTimeline intervals={states.data} from={Date.parse(period.from)} to={Date.parse(period.to)} />}
          </section>
          <section className="card perf-section">
            <h2>Where the time went (POT → fully productive time)</h2>
            {option && <EChart option={option} shape="waterfall" className="perf-chart" label="Loss waterfall" testId="perf-waterfall" />}
          </section>
          <section className="card perf-section">
            <h2>Counts against target</h2>
            <p data-testid="perf-counts">
              Good {r.counts.gq}, scrap {r.counts.sq} — made {r.counts.pq}
              {target !== null ? ` of ${target} possible at ideal speed in ${hours(r.times.pbt)} planned busy time` : ' (no ideal cycle time known)'}.
            </p>
          </section>
          <section className="card perf-section">
            <h2>Stops</h2>
            {saveError && <ErrorBanner error={saveError} />}
            <div className="table-scroll">
              <table className="table" data-testid="perf-stops">
                <thead>
                  <tr>
                    <th>Start</th>
                    <th>Duration</th>
                    <th>Kind</th>
                    <th>States</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {(stops.data ?? []).map((s) => (
                    <tr key={s.start}>
                      <td>{formatDateTime(s.start)}</td>
                      <td>{hours(s.durationS)}</td>
                      <td>{s.kind === 'minor' ? 'minor stop' : 'failure'}</td>
                      <td>{s.states.join(' → ')}</td>
                      <td>
                        <select value={s.reasonId ?? ''} onChange={(e) => void classify(s, e.target.value)} aria-label="Reason">
                          <option value="">{s.needsReason ? '— needs a reason —' : '—'}</option>
                          {(reasons.data ?? [])
                            .filter((x) => x.parentId)
                            .map((x) => (
                              <option key={x.id} value={x.id}>
                                {x.name}
                              </option>
                            ))}
                        </select>
                        {s.alarmCode && (
                          <div className="perf-alarm" title="the alarm active when the stop began">
                            alarm {s.alarmCode}
                            {s.reasonSource === 'alarm' ? ' — reason mapped from the alarm code' : ''}
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
                  {stops.data?.length === 0 && (
                    <tr>
                      <td colSpan={5}>No stops in this period.</td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
            <h3>Downtime by reason</h3>
            <ul data-testid="perf-pareto">
              {(pareto.data?.rows ?? []).map((p) => (
                <li key={p.key}>
                  {p.key}: {hours(p.seconds)} ({p.stops} stops, {p.minorStops} minor) — cumulative {(p.cumulativeShare * 100).toFixed(0)} %
                </li>
              ))}
            </ul>
          </section>
          <Definitions r={r} />
        </>
      )}
    </div>
  );
}
