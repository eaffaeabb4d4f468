// Live early-warning alerts of a plant/line: open alerts, newest first, refreshed on every raised/cleared/acknowledged
// event of the server's stream (/api/performance/alerts/stream); acknowledge marks an alert as seen by a person. An
// alert another module raised (a predictive-maintenance warning) names its source and links to its page.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { Link } from '../platform/router.tsx';
import type { Alert } from './types.ts';

type Status = 'connecting' | 'live' | 'reconnecting';

/** Open alerts at or below `equipment`, kept current from the live stream. */
function useLiveAlerts(equipment: string) {
  const [alerts, setAlerts] = useState<Alert[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<Status>('connecting');
  const seq = useRef(0);

  const reload = useCallback(async () => {
    if (!equipment) return;
    const mine = ++seq.current;
    try {
      const list = await api<Alert[]>('/performance/alerts', { query: { status: 'open', equipment } });
      if (mine === seq.current) setAlerts(list), setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  }, [equipment]);

  useEffect(() => {
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let disposed = false;
    let attempts = 0;
    const connect = () => {
      if (disposed) return;
      es = new EventSource('/api/performance/alerts/stream', { withCredentials: true });
      es.onopen = () => {
        attempts = 0;
        setStatus('live');
      };
      // the snapshot arrives on every (re)connect: reload so nothing missed while disconnected stays hidden
      es.addEventListener('snapshot', () => void reload());
      es.addEventListener('alert', () => void reload());
      es.onerror = () => {
        if (disposed) return;
        setStatus('reconnecting');
        if (es?.readyState === EventSource.CLOSED) {
          es.close();
          retry = setTimeout(connect, Math.min(30_000, 2000 * 2 ** attempts++));
        }
      };
    };
    void reload();
    connect();
    return () => {
      disposed = true;
      if (retry) clearTimeout(retry);
      es?.close();
    };
  }, [reload]);

  return { alerts, error, status, reload };
}

export function AlertsPanel({ equipment }: { equipment: string }) {
  const { alerts, error, status, reload } = useLiveAlerts(equipment);
  const [ackError, setAckError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const acknowledge = async (a: Alert) => {
    setBusy(a.id);
    setAckError(null);
    try {
      await api(`/performance/alerts/${a.id}/acknowledge`, { method: 'POST' });
      await reload();
    } catch (err) {
      setAckError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card perf-section" data-testid="perf-alerts">
      <div className="perf-head">
        <h2>
          Alerts <span className="badge">{status === 'live' ? 'live' : status}</span>
        </h2>
        <Link to="/performance/alert-rules">Early-warning rules</Link>
      </div>
      {error ? <ErrorBanner error={error} onRetry={() => void reload()} /> : null}
      {ackError ? <ErrorBanner error={ackError} /> : null}
      {alerts && alerts.length === 0 && <p className="perf-alarm">No open alerts.</p>}
      <div className="perf-alerts">
        {(alerts ?? []).map((a) => (
          <div key={a.id} className={`perf-alert sev-${a.severity}`} data-testid="perf-alert">
            <span className={`badge ${a.severity === 'critical' ? 'badge-danger' : 'badge-info'}`}>{a.severity}</span>
            <span className="msg">{a.message}</span>
            <span className="meta">
              {a.link ? (
                <Link to={a.link} data-testid="perf-alert-source">
                  {a.ruleName}
                </Link>
              ) : (
                a.ruleName
              )}{' '}
              · since {formatDateTime(a.raisedAt)}
              {a.acknowledgedBy ? ` · seen by ${a.acknowledgedBy}` : ''}
            </span>
            {!a.acknowledgedBy && (
              <Button onClick={() => void acknowledge(a)} busy={busy === a.id}>
                Acknowledge
              </Button>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
