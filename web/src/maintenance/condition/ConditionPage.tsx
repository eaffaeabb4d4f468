// /maintenance/condition: the condition monitors with their charts and forecasts, the open predictive warnings
// (accept: a work order is opened with the evidence; dismiss: not raised again for the same episode), and the
// failure-rate (Weibull) view of each monitored machine.
import { useState } from 'react';
import { api, errorMessage } from '../../platform/api.ts';
import { Badge, Button, Empty, ErrorBanner, PageHeader } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource } from '../../platform/hooks.ts';
import { type BandPoint, type ChartPoint, ConditionChart } from './ConditionChart.tsx';

interface Monitor {
  id: string;
  equipment: string;
  equipmentId: string;
  tag: string;
  method: string;
  min: number | null;
  max: number | null;
  enabled: boolean;
}
interface Chart {
  monitor: Monitor;
  analysis: {
    points: ChartPoint[];
    alarmNow: boolean;
    forecast: { limit: number | null; hours: number | null; earliestHours: number | null; latestHours: number | null; band: BandPoint[] } | null;
  };
}
interface Warning {
  id: string;
  monitorId: string;
  message: string;
  episodeStart: string;
  raisedAt: string;
  state: string;
}
interface Reliability {
  equipment: string;
  failures: number;
  weibull: { ok: true; beta: number; eta: number; mtbf: number; b10: number } | { ok: false; reason: string };
  reading: string;
}

const hours = (h: number | null) => (h === null ? 'beyond the horizon' : `${h.toFixed(1)} h`);

function MonitorCard({ id }: { id: string }) {
  const chart = useResource<Chart>(`/maintenance/monitors/${id}`);
  if (!chart.data) return <ErrorBanner error={chart.error} onRetry={() => void chart.reload()} />;
  const { monitor: m, analysis: a } = chart.data;
  const f = a.forecast;
  return (
    <section className="card" data-testid="monitor-card">
      <h3>
        {m.equipment} · {m.tag} <Badge tone={a.alarmNow ? 'danger' : 'ok'}>{a.alarmNow ? 'drifting' : 'normal'}</Badge>{' '}
        <span className="muted">
          {m.method.toUpperCase()}, limits {m.min ?? '–'} … {m.max ?? '–'}
        </span>
      </h3>
      <ConditionChart label={`${m.tag} of ${m.equipment}`} points={a.points} band={f?.band ?? []} min={m.min} max={m.max} />
      <p data-testid="forecast">
        {f?.limit != null
          ? `Trend reaches ${f.limit} in ${hours(f.hours)} (95 % band ${hours(f.earliestHours)} – ${hours(f.latestHours)}).`
          : 'The trend heads for no limit.'}
      </p>
    </section>
  );
}

function ReliabilityRow({ equipment }: { equipment: string }) {
  const r = useResource<Reliability>('/maintenance/reliability', { equipment });
  if (!r.data) return null;
  const w = r.data.weibull;
  return (
    <tr data-testid="reliability-row">
      <td>{r.data.equipment}</td>
      <td>{r.data.failures}</td>
      <td>{w.ok ? w.beta.toFixed(2) : '–'}</td>
      <td>{w.ok ? `${w.eta.toFixed(1)} h` : '–'}</td>
      <td>{r.data.reading}</td>
    </tr>
  );
}

export function ConditionPage() {
  const monitors = useResource<Monitor[]>('/maintenance/monitors');
  const warnings = useResource<Warning[]>('/maintenance/warnings', { state: 'open' });
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const decide = async (id: string, action: 'accept' | 'dismiss') => {
    setBusy(id);
    setError('');
    try {
      const body = action === 'accept' ? { kind: 'preventive' } : { reason: window.prompt('Why dismiss this warning?') || 'dismissed on the condition page' };
      await api(`/maintenance/warnings/${id}/${action}`, { method: 'POST', body });
      await warnings.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy('');
    }
  };
  const machines = [...new Set((monitors.data ?? []).map((m) => m.equipment))];
  return (
    <div className="page" data-testid="condition-page">
      <PageHeader title="Condition monitoring" subtitle="Drift and trend of process tags, predictive warnings, failure rates" />
      <ErrorBanner error={monitors.error ?? warnings.error} onRetry={() => void (monitors.reload(), warnings.reload())} />
      {error && <p className="error">{error}</p>}
      <h2>Open warnings</h2>
      {warnings.data && warnings.data.length === 0 && <Empty title="No open warnings">No monitor is drifting, or every warning was decided.</Empty>}
      {warnings.data && warnings.data.length > 0 && (
        <table className="table" data-testid="warnings">
          <thead>
            <tr>
              <th>Since</th>
              <th>Warning</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {warnings.data.map((w) => (
              <tr key={w.id}>
                <td>{formatDateTime(w.episodeStart)}</td>
                <td>{w.message}</td>
                <td>
                  <Button variant="primary" busy={busy === w.id} onClick={() => void decide(w.id, 'accept')}>
                    Accept (work order)
                  </Button>{' '}
                  <Button busy={busy === w.id} onClick={() => void decide(w.id, 'dismiss')}>
                    Dismiss
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Monitors</h2>
      {monitors.data && monitors.data.length === 0 && <Empty title="No monitors">Add one with POST /api/maintenance/monitors.</Empty>}
      {(monitors.data ?? []).map((m) => (
        <MonitorCard key={m.id} id={m.id} />
      ))}
      {machines.length > 0 && (
        <>
          <h2>Failure rate per machine</h2>
          <table className="table" data-testid="reliability">
            <thead>
              <tr>
                <th>Machine</th>
                <th>Failures (365 d)</th>
                <th>Weibull β</th>
                <th>η</th>
                <th>Reading</th>
              </tr>
            </thead>
            <tbody>
              {machines.map((e) => (
                <ReliabilityRow key={e} equipment={e} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
