// How the machine is connected, refreshed every 5 s: MQTT (UNS and Sparkplug over the broker) and each connector
// started from its plant-model connections (OPC UA, EUROMAP 63 …) with its state, data age, counters and last error.
import { useEffect } from 'react';
import { ErrorBanner, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { formatDateTime } from '../platform/format.ts';
import { PROTOCOL_LABELS, type Connection, type ConnectionsHealth, type ConnectorHealth, type ConnectorState } from '../connectors/types.ts';
import { formatAge, formatDuration, useNow } from './time.ts';

const REFRESH_MS = 5000;

const STATE_LABEL: Record<ConnectorState, string> = {
  connected: 'Connected',
  connecting: 'Connecting',
  stale: 'Stale (no answer)',
  backoff: 'Retrying',
  failed: 'Failed',
  stopped: 'Stopped',
};

const protocolLabel = (p: string) => PROTOCOL_LABELS[p as Connection['protocol']] ?? p;

function where(c: Connection): string {
  if (c.protocol === 'sparkplug') return `${c.group}/${c.node}${c.device ? `/${c.device}` : ''}`;
  if (c.protocol === 'opcua') return c.endpoint;
  if (c.protocol === 'euromap63') return c.sessionDir;
  return '';
}

function Age({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span className="muted">never</span>;
  const ms = now - new Date(iso).getTime();
  return <span title={formatDateTime(iso)}>{formatAge(ms)} ago</span>;
}

export function ConnectionHealthPanel({ equipmentId }: { equipmentId: string }) {
  const health = useResource<ConnectionsHealth>(`/equipment/${encodeURIComponent(equipmentId)}/connections`);
  const reload = health.reload;
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);
  const now = useNow();
  const h = health.data;

  // A configured connection without a running connector still gets a row, so a typo does not hide it.
  const connectors: (ConnectorHealth | { protocol: string; target: string; missing: true })[] = h ? [...h.connectors] : [];
  if (h) {
    const running = new Map<string, number>();
    for (const c of h.connectors) running.set(c.protocol, (running.get(c.protocol) ?? 0) + 1);
    for (const c of h.configured) {
      if (c.protocol === 'sparkplug') continue; // over the MQTT broker: shown with MQTT
      const n = running.get(c.protocol) ?? 0;
      if (n > 0) running.set(c.protocol, n - 1);
      else connectors.push({ protocol: c.protocol, target: where(c), missing: true });
    }
  }
  const sparkplug = h?.configured.filter((c) => c.protocol === 'sparkplug') ?? [];

  return (
    <section className="card live-section" data-testid="connection-health" aria-labelledby="conn-health-title">
      <div className="live-section-head">
        <h2 id="conn-health-title">Connections</h2>
        <span className="muted small">refreshed every 5 s</span>
      </div>
      {health.error !== undefined && <ErrorBanner error={health.error} onRetry={() => void reload()} />}
      {!h && !health.error && <Spinner label="Loading connections…" />}
      {h && (
        <ul className="conn-health">
          <li
            className={`conn-h ${h.mqtt.broker?.connected ? (h.mqtt.online ? 'ch-connected' : 'ch-idle') : 'ch-failed'}`}
            data-testid="conn-mqtt"
            data-state={h.mqtt.online ? 'online' : 'offline'}
          >
            <div className="conn-h-head">
              <span className="conn-h-dot" aria-hidden="true" />
              <strong>{sparkplug.length ? 'MQTT · Sparkplug B' : 'MQTT · UNS'}</strong>
              <span className="conn-h-state">
                {!h.mqtt.broker ? 'No broker' : !h.mqtt.broker.connected ? 'Broker down' : h.mqtt.online ? 'Online' : 'No data'}
              </span>
            </div>
            <dl className="conn-h-stats">
              <div>
                <dt>Last data</dt>
                <dd>
                  <Age iso={h.mqtt.lastData} now={now} />
                </dd>
              </div>
              <div>
                <dt>Broker</dt>
                <dd>{h.mqtt.broker ? `${h.mqtt.broker.mode}${h.mqtt.broker.connected ? '' : ' (disconnected)'}` : 'not running'}</dd>
              </div>
              {h.mqtt.broker && (
                <div className="conn-h-wide">
                  <dt>{sparkplug.length ? 'Sparkplug' : 'URL'}</dt>
                  <dd>
                    <code>{sparkplug.length ? sparkplug.map(where).join(', ') : h.mqtt.broker.url}</code>
                  </dd>
                </div>
              )}
            </dl>
          </li>
          {connectors.map((c, i) =>
            'missing' in c ? (
              <li key={`m${i}`} className="conn-h ch-failed" data-testid="conn-connector" data-state="not_running">
                <div className="conn-h-head">
                  <span className="conn-h-dot" aria-hidden="true" />
                  <strong>{protocolLabel(c.protocol)}</strong>
                  <span className="conn-h-state">Not running</span>
                </div>
                <p className="small conn-h-target">
                  <code>{c.target}</code>
                </p>
                <p className="small muted">Configured in the plant model, but the server runs no connector for it.</p>
              </li>
            ) : (
              <li key={i} className={`conn-h ch-${c.state}`} data-testid="conn-connector" data-state={c.state}>
                <div className="conn-h-head">
                  <span className="conn-h-dot" aria-hidden="true" />
                  <strong>{protocolLabel(c.protocol)}</strong>
                  <span className="conn-h-state">
                    {STATE_LABEL[c.state] ?? c.state}
                    {c.state === 'connected' && c.connectedSince ? ` for ${formatDuration(now - new Date(c.connectedSince).getTime())}` : ''}
                  </span>
                </div>
                <p className="small conn-h-target">
                  <code>{c.target}</code>
                </p>
                <dl className="conn-h-stats">
                  <div>
                    <dt>Last data</dt>
                    <dd>
                      <Age iso={c.lastDataAt} now={now} />
                    </dd>
                  </div>
                  <div>
                    <dt>Received</dt>
                    <dd>{c.received.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Errors</dt>
                    <dd className={c.errors > 0 ? 'scrap-some' : undefined}>{c.errors.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Reconnects</dt>
                    <dd>{c.reconnects.toLocaleString()}</dd>
                  </div>
                </dl>
                {c.lastError && (
                  <div className="conn-h-error" role={c.state === 'failed' ? 'alert' : undefined}>
                    <span className="muted small">Last error</span> {c.lastError}
                  </div>
                )}
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  );
}
