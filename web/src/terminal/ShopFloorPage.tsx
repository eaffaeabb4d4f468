// The supervisor's shop floor: every station with what runs on it (phase, counts, interruption, people), open andon
// calls with acknowledge / resolve, and open parameter alarms — live through the shop-floor stream, new calls
// highlighted without sound. A station's machine state comes from the same live machines as the Live plant (same
// words, colours and counts), so the two pages never tell different stories.
import { useCallback, useRef, useState } from 'react';
import { api, errorMessage } from '../platform/api.ts';
import { hasRole, useAuth } from '../platform/auth.tsx';
import { Button, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { Link } from '../platform/router.tsx';
import { countByClass } from '../live/common.tsx';
import { classOfMachine, machineWord, packmlTitle, STATE_COLOURS } from '../live/states.ts';
import type { LiveMachine } from '../live/types.ts';
import { useNow } from '../live/time.ts';
import { formatTime } from '../platform/format.ts';
import { alarmText, hms, PHASE_LABEL, qty, secondsSince, stationApi, stationUrl, usePoll, useReasons, useShopfloorStream } from './floor.ts';
import type { Alarm, AndonCall, StationView } from './types.ts';
// corrective maintenance: machines under repair, and calling maintenance for a station's machine
import { CallMaintenanceButton } from '../maintenance/CallMaintenance.tsx';
import { UnderRepairBadge, useUnderRepair } from '../maintenance/repair.tsx';

const NEW_FOR_MS = 60_000;

export function ShopFloorPage() {
  const { user } = useAuth();
  const repairs = useUnderRepair();
  const [stations, setStations] = useState<Array<{ view: StationView; machine: LiveMachine }> | null>(null);
  const [calls, setCalls] = useState<AndonCall[]>([]);
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const firstSeen = useRef(new Map<string, number>());
  const loaded = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const now = useNow();
  const andonReasons = useReasons('andon');

  const load = useCallback(async () => {
    try {
      const [machines, open, openAlarms] = await Promise.all([
        api<LiveMachine[]>('/live/machines'),
        api<AndonCall[]>('/andon', { query: { open: 'true' } }),
        api<Alarm[]>('/alarms', { query: { open: 'true' } }),
      ]);
      const views = await Promise.all(machines.map((m) => api<StationView>(stationApi(m.path)).catch(() => null)));
      const t = Date.now();
      // Calls already open when the page opened are not "new"; every later one is highlighted for a minute.
      for (const c of open) if (!firstSeen.current.has(c.id)) firstSeen.current.set(c.id, loaded.current ? t : 0);
      loaded.current = true;
      setStations(
        machines
          .flatMap((machine, i) => (views[i] ? [{ view: views[i], machine }] : []))
          .sort((a, b) => a.view.station.path.localeCompare(b.view.station.path, undefined, { numeric: true })),
      );
      setCalls(open);
      setAlarms(openAlarms);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  usePoll(() => void load(), 10_000, [load]);
  const live = useShopfloorStream(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void load();
    }, 300);
  });

  const step = async (path: string) => {
    setActionError(null);
    try {
      await api(path, { method: 'POST' });
      await load();
    } catch (err) {
      setActionError(err);
    }
  };
  const floorRole = hasRole(user, 'admin', 'supervisor', 'operator');

  if (!stations) return error ? <ErrorBanner error={error} onRetry={() => void load()} /> : <Spinner label="Loading the shop floor…" />;
  // Running is counted as on the Live plant (current data, a running state); orders are counted apart.
  const running = countByClass(stations.map((s) => s.machine)).run;
  const withOrder = stations.filter((s) => s.view.current).length;
  return (
    <div className="page">
      <PageHeader
        title="Shop floor"
        subtitle={`${running} of ${stations.length} machines running · ${withOrder} with an order · ${calls.length} open andon call${calls.length === 1 ? '' : 's'} · ${alarms.length} open alarm${alarms.length === 1 ? '' : 's'} · ${live ? 'live' : 'reconnecting…'}`}
      />
      {error ? <div className="banner banner-warn">Showing the last known state: {errorMessage(error)}</div> : null}
      <ErrorBanner error={actionError} />

      <section className="sf-section" data-testid="andon-calls">
        <h2>Andon calls</h2>
        {calls.length === 0 && <p className="muted">No open calls.</p>}
        {calls.map((c) => {
          const fresh = (firstSeen.current.get(c.id) ?? 0) > now - NEW_FOR_MS;
          return (
            <div key={c.id} className={`sf-call${fresh ? ' sf-new' : ''}${c.acknowledgedAt ? ' sf-ack' : ''}`} data-testid="andon-call">
              <div className="sf-call-text">
                <strong>{andonReasons.find((r) => r.code === c.reason)?.label ?? c.reason}</strong> at <Link to={stationUrl(c.station)}>{c.station}</Link>
                {c.orderId ? ` · order ${c.orderId}/${c.seq}` : ''}
                {c.message ? ` · “${c.message}”` : ''}
                <div className="muted small">
                  raised by {c.raisedBy} {hms(secondsSince(c.raisedAt, now))} ago
                  {c.acknowledgedAt ? ` · acknowledged by ${c.acknowledgedBy}` : ' · not acknowledged'}
                </div>
              </div>
              <div className="sf-call-actions">
                {!c.acknowledgedAt && (
                  <Button variant="primary" onClick={() => void step(`/andon/${c.id}/acknowledge`)}>
                    Acknowledge
                  </Button>
                )}
                {floorRole && <Button onClick={() => void step(`/andon/${c.id}/resolve`)}>Resolve</Button>}
              </div>
            </div>
          );
        })}
      </section>

      {alarms.length > 0 && (
        <section className="sf-section" data-testid="alarms">
          <h2>Parameter alarms</h2>
          {alarms.map((a) => (
            <div key={a.id} className="sf-alarm">
              <div className="sf-call-text">
                <strong>{a.parameter}</strong> {alarmText(a)} at <Link to={stationUrl(a.equipment)}>{a.equipment}</Link> · order {a.orderId}/{a.seq}
                <div className="small">
                  since {formatTime(a.raisedAt)}, last seen {formatTime(a.lastSeenAt)}
                </div>
              </div>
              {floorRole && <Button onClick={() => void step(`/alarms/${a.id}/acknowledge`)}>Acknowledge</Button>}
            </div>
          ))}
        </section>
      )}

      <section className="sf-grid" data-testid="stations">
        {stations.map(({ view: v, machine }) => {
          const s = v.station;
          const cls = classOfMachine(machine);
          const c = STATE_COLOURS[cls];
          const op = v.current;
          const pct = op && op.quantity > 0 ? Math.min(100, (op.good / op.quantity) * 100) : 0;
          return (
            <article
              key={s.path}
              className={`sf-station${v.andon.length ? ' sf-station-call' : ''}`}
              data-testid="station-card"
              data-path={s.path}
              data-class={cls}
              style={{ borderTopColor: c.bg }}
            >
              <div className="sf-station-head">
                <Link to={stationUrl(s.path)} className="sf-station-name">
                  {s.name}
                </Link>
                <span className="sf-state" data-testid="station-state" style={{ background: c.bg, color: c.fg }} title={packmlTitle(machine)}>
                  {machineWord(machine)}
                </span>
              </div>
              <UnderRepairBadge repair={repairs.byPath.get(s.path)} />
              {op ? (
                <>
                  <div>
                    <Link to={`/orders/${encodeURIComponent(op.orderId)}`}>{op.orderId}</Link> / {op.seq} {op.name} · {op.productName}
                  </div>
                  <div className="sf-phase">
                    <span className={`sf-phase-chip sf-phase-${op.phase}`}>{op.phase ? PHASE_LABEL[op.phase] : op.status}</span>
                    {op.pauseReason ? ` ${op.pauseReason}` : ''}
                    {op.interrupted ? <span className="sf-interrupted"> interrupted · down {hms(op.downtime?.seconds ?? 0)}</span> : null}
                  </div>
                  <div className="sf-counts">
                    <span className="sf-good">{qty(op.good)}</span> good · <span className="sf-scrap">{qty(op.scrap)}</span> scrap · of {qty(op.quantity)}{' '}
                    {op.unit}
                  </div>
                  <div className="sf-bar">
                    <div style={{ width: `${pct}%` }} />
                  </div>
                </>
              ) : (
                <div className={cls === 'run' ? 'sf-no-order' : 'muted'} data-testid="station-no-order">
                  {cls === 'run' ? 'Running without an order' : 'No order'} · {v.queue.length} in the queue
                </div>
              )}
              <div className="small muted">{v.operators.length ? `Signed in: ${v.operators.map((o) => o.username).join(', ')}` : 'Nobody signed in'}</div>
              {v.andon.length > 0 && (
                <div className="sf-call-count">
                  {v.andon.length} open call{v.andon.length === 1 ? '' : 's'}
                </div>
              )}
              {v.alarms.length > 0 && (
                <div className="sf-alarm-count">
                  {v.alarms.length} open alarm{v.alarms.length === 1 ? '' : 's'}
                </div>
              )}
              <div>
                <CallMaintenanceButton equipment={s.path} className="btn btn-secondary btn-sm" onOpened={repairs.reload} />
              </div>
            </article>
          );
        })}
      </section>
    </div>
  );
}
