// Plant / line overview: OEE and its three factors per machine for a period, and the trend per shift/day/week.
import { useMemo, useState } from 'react';
import { ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { AlertsPanel } from './AlertsPanel.tsx';
import { EChart, type PerfChartOption } from './charts.ts';
import { OrderGroups } from './OrderGroups.tsx';
import { Definitions, EffectivenessCell, FactorBar, KpiTiles, PresetSelect, usePeriod, useTick, type PresetId } from './common.tsx';
import { pct, type EquipmentItem, type KpiResult } from './types.ts';

export function Overview() {
  const equipment = useResource<EquipmentItem[]>('/equipment');
  const scopes = useMemo(() => (equipment.data ?? []).filter((e) => ['site', 'area', 'line', 'workCenter'].includes(e.level)), [equipment.data]);
  const [scope, setScope] = useState<string>('');
  const [preset, setPreset] = useState<PresetId>('24h');
  const [minorStops, setMinorStops] = useState('availability');
  const [idle, setIdle] = useState('iso');
  const now = useTick(20_000);
  const period = usePeriod(preset, now);
  const selected = scope || scopes[0]?.id || '';
  const kpis = useResource<KpiResult>(selected ? '/performance/kpis' : null, { equipment: selected, ...period, minorStops, idle });
  const r = kpis.data;

  const trend = useMemo<PerfChartOption>(() => {
    const g = r?.groups ?? [];
    const line = (name: string, pick: (x: (typeof g)[number]) => number | null) => ({
      name,
      type: 'line' as const,
      data: g.map((x) => (pick(x) === null ? null : +(pick(x)! * 100).toFixed(1))),
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 30, bottom: 40 },
      xAxis: { type: 'category', data: g.map((x) => x.label) },
      yAxis: { type: 'value', name: '%', min: 0 },
      series: [
        line('OEE', (x) => x.oee),
        line('Availability', (x) => x.availability),
        line('Effectiveness', (x) => x.effectiveness),
        line('Quality', (x) => x.quality),
      ],
    } as PerfChartOption;
  }, [r]);

  return (
    <div className="page">
      <PageHeader title="Performance" subtitle="ISO 22400-2 OEE and its factors, computed from machine states, counts and shift calendars" />
      <div className="perf-controls">
        <label>
          Plant / line
          <select value={selected} onChange={(e) => setScope(e.target.value)} data-testid="perf-scope">
            {scopes.map((e) => (
              <option key={e.id} value={e.id}>
                {e.path} ({e.level})
              </option>
            ))}
          </select>
        </label>
        <PresetSelect value={preset} onChange={setPreset} />
        <label>
          Minor stops
          <select value={minorStops} onChange={(e) => setMinorStops(e.target.value)}>
            <option value="availability">availability loss (ISO)</option>
            <option value="performance">speed loss (common practice)</option>
          </select>
        </label>
        <label>
          Idle / no demand
          <select value={idle} onChange={(e) => setIdle(e.target.value)}>
            <option value="iso">lowers availability (ISO)</option>
            <option value="exclude">excluded (common practice)</option>
          </select>
        </label>
      </div>
      <p className="perf-links">
        <Link to="/performance/bottleneck">Bottleneck of a line</Link> · <Link to="/performance/alert-rules">Early-warning rules</Link> ·{' '}
        <Link to="/performance/alarm-reasons">Alarm codes → reasons</Link>
      </p>
      {selected && <AlertsPanel equipment={selected} />}
      {equipment.error ? <ErrorBanner error={equipment.error} /> : null}
      {kpis.error ? <ErrorBanner error={kpis.error} onRetry={kpis.reload} /> : null}
      {!r && (kpis.loading || equipment.loading) && <Spinner label="Computing KPIs…" />}
      {r && (
        <>
          <KpiTiles r={r} />
          <section className="card perf-section">
            <h2>Machines</h2>
            <div className="table-scroll">
              <table className="table" data-testid="perf-machines">
                <thead>
                  <tr>
                    <th>Machine</th>
                    <th>OEE</th>
                    <th>Availability</th>
                    <th>Effectiveness</th>
                    <th>Quality</th>
                    <th>Good / scrap</th>
                    <th>No data</th>
                  </tr>
                </thead>
                <tbody>
                  {(r.machines ?? []).map((m) => (
                    <tr key={m.id}>
                      <td>
                        <Link to={`/performance/${m.id}`}>{m.name}</Link>
                      </td>
                      {[m.oee, m.availability, m.effectiveness, m.quality].map((v, i) => (
                        <td key={i}>
                          {i === 2 ? (
                            <EffectivenessCell r={m} bar />
                          ) : (
                            <>
                              {pct(v)}
                              <FactorBar value={v} />
                            </>
                          )}
                        </td>
                      ))}
                      <td>
                        {m.counts.gq} / {m.counts.sq}
                      </td>
                      <td>{m.times.pbt > 0 ? pct(m.times.unknown / m.times.pbt) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card perf-section">
            <h2>Trend per {period.group}</h2>
            <EChart option={trend} shape={`${preset}`} className="perf-chart" label="OEE trend" />
          </section>
          <OrderGroups equipment={selected} from={period.from} to={period.to} settings={{ minorStops, idle }} />
          <Definitions r={r} />
        </>
      )}
    </div>
  );
}
