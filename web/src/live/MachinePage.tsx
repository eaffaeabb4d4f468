// One machine live (/live/<equipment id>): state header, a chart per process value with its limits (the running
// recipe's while an operation runs, else the plant model's), the state timeline, its quarantined messages and its tags. The range is 1 h, 8 h or 24 h; new values are appended as they
// arrive, and everything is reloaded after a reconnect.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../platform/api.ts';
import { Empty, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { useResource } from '../platform/hooks.ts';
import { Link, navigate, useLocation } from '../platform/router.tsx';
import type { Equipment } from '../platform/types.ts';
import { StateTimeline } from './charts/StateTimeline.tsx';
import { useShopfloorStream } from '../terminal/floor.ts';
import { CommandsPanel } from './CommandsPanel.tsx';
import { chartLimits, type RunningOperation } from './limits.ts';
import { ConnectionHealthPanel } from './ConnectionHealth.tsx';
import { formatValue, TagChart, type SeriesPoint } from './charts/TagChart.tsx';
import { Legend, StreamBadge, useDisconnectedFor } from './common.tsx';
import { CycleTime, DataAge, formatCount, TimeInState } from './MachineTile.tsx';
import { idealCycleTimeS, staleAfterMs, withClientStaleness } from './plant.ts';
import { QuarantineTable } from './QuarantineTable.tsx';
// corrective maintenance: the machine under repair, and calling maintenance for it
import { CallMaintenanceButton } from '../maintenance/CallMaintenance.tsx';
import { UnderRepairBadge, useUnderRepair } from '../maintenance/repair.tsx';
import { BUCKET_LABEL, classOfMachine, machineWord, packmlTitle, stateWord, STATE_CLASS_LABEL } from './states.ts';
import type { LiveMachine, QuarantineEntry, StateInterval, TagInfo, TagPoint, ValueEvent } from './types.ts';
import { useLiveMachines } from './useLiveMachines.ts';

const RANGES = { '1h': 3600_000, '8h': 8 * 3600_000, '24h': 24 * 3600_000 } as const;
type RangeId = keyof typeof RANGES;
const ROLLUP_OVER_MS = 2 * 3600_000;
const TICK_MS = 2000;

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Tags shown as charts: process values and the cycle time, when numeric (or not yet seen). */
function isChartTag(t: TagInfo): boolean {
  if (t.role !== 'process' && t.role !== 'cycle_time') return false;
  return t.latest === null || toNumber(t.latest.value) !== null;
}

function showValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  return JSON.stringify(v);
}

export function MachinePage({ id }: { id: string }) {
  const { search } = useLocation();
  const rangeParam = search.get('range');
  const range: RangeId = rangeParam && rangeParam in RANGES ? (rangeParam as RangeId) : '1h';
  const rangeMs = RANGES[range];
  const rollup = rangeMs > ROLLUP_OVER_MS;

  const equipment = useResource<Equipment>(`/equipment/${encodeURIComponent(id)}`);
  const tags = useResource<TagInfo[]>(`/equipment/${encodeURIComponent(id)}/tags`);
  const eq = equipment.data;
  const ideal = idealCycleTimeS(eq);

  // The visible window slides with the clock.
  const [to, setTo] = useState(() => Date.now());
  const from = to - rangeMs;

  // Series live in a ref and are mutated in place; `version` tells the charts to redraw.
  const series = useRef(new Map<string, SeriesPoint[]>());
  const pendingValues = useRef<ValueEvent[]>([]);
  const latest = useRef(new Map<string, { ts: string | number; value: unknown }>());
  const [version, setVersion] = useState(0);
  const [valuesError, setValuesError] = useState<unknown>(null);
  const [valuesLoading, setValuesLoading] = useState(true);
  const [intervals, setIntervals] = useState<StateInterval[] | undefined>(undefined);
  const [statesError, setStatesError] = useState<unknown>(null);
  const loadSeq = useRef(0);
  const minuteCounts = useRef(new Map<string, number>());

  const chartTags = useMemo(() => (tags.data ?? []).filter(isChartTag).map((t) => (t.role === 'cycle_time' && !t.unit ? { ...t, unit: 's' } : t)), [tags.data]);
  const chartTagKey = chartTags.map((t) => t.tag).join('\u0000');

  // The operation running on the machine (its recipe's limits are what the parameter lock watches), re-read when an
  // operation on this machine changes.
  const station = useResource<{ current: RunningOperation | null }>(eq?.level === 'machine' ? `/stations/${encodeURIComponent(eq.path)}` : null);
  useShopfloorStream((e) => {
    if (e.type === 'operation' && eq && e.data.equipment === eq.path) void station.reload();
  }, eq?.level === 'machine');
  const running = station.data?.current ?? null;

  const loadHistory = useCallback(async () => {
    const mine = ++loadSeq.current;
    const now = Date.now();
    const q = { from: new Date(now - rangeMs).toISOString(), to: new Date(now).toISOString() };
    setValuesLoading(true);
    pendingValues.current = [];
    const base = `/equipment/${encodeURIComponent(id)}`;
    const [vals, states] = await Promise.allSettled([
      Promise.all(
        chartTags.map((t) => api<TagPoint[]>(`${base}/tags/${encodeURIComponent(t.tag)}/values`, { query: { ...q, rollup: rollup ? '1m' : undefined } })),
      ),
      api<StateInterval[]>(`${base}/states`, { query: q }),
    ]);
    if (mine !== loadSeq.current) return;
    if (vals.status === 'fulfilled') {
      const next = new Map<string, SeriesPoint[]>();
      chartTags.forEach((t, i) => {
        const pts: SeriesPoint[] = [];
        for (const p of vals.value[i]) {
          const v = toNumber(p.value);
          if (v === null) continue;
          const ms = new Date(p.ts).getTime();
          pts.push(rollup ? [ms, v, toNumber(p.min) ?? v, toNumber(p.max) ?? v] : [ms, v]);
        }
        next.set(t.tag, pts);
      });
      series.current = next;
      setValuesError(null);
    } else {
      setValuesError(vals.reason);
    }
    if (states.status === 'fulfilled') {
      setIntervals(states.value);
      setStatesError(null);
    } else {
      setStatesError(states.reason);
    }
    setValuesLoading(false);
    setTo(Date.now());
    setVersion((v) => v + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, rangeMs, rollup, chartTagKey]);

  useEffect(() => {
    if (tags.data) void loadHistory();
  }, [tags.data, loadHistory]);

  // Live values: buffered by the stream handler, applied on the tick.
  const applyValues = useCallback(() => {
    const batch = pendingValues.current;
    if (batch.length === 0) return false;
    pendingValues.current = [];
    for (const ev of batch) {
      const v = toNumber(ev.value);
      const pts = series.current.get(ev.tag);
      if (v === null || !pts) continue;
      const ms = new Date(ev.ts).getTime();
      const last = pts[pts.length - 1];
      if (!rollup) {
        if (!last || ms > last[0]) pts.push([ms, v]);
        continue;
      }
      // Long ranges show minute roll-ups: fold live values into the current minute.
      const minute = Math.floor(ms / 60_000) * 60_000;
      if (last && Math.floor(last[0] / 60_000) * 60_000 === minute) {
        const n = (minuteCounts.current.get(ev.tag) ?? 1) + 1;
        minuteCounts.current.set(ev.tag, n);
        last[1] = last[1] + (v - last[1]) / n;
        last[2] = Math.min(last[2] ?? v, v);
        last[3] = Math.max(last[3] ?? v, v);
      } else if (!last || ms > last[0]) {
        minuteCounts.current.set(ev.tag, 1);
        pts.push([minute, v, v, v]);
      }
    }
    return true;
  }, [rollup]);

  useEffect(() => {
    const t = setInterval(() => {
      const now = Date.now();
      applyValues();
      // Drop what slid out of the window (keep one point before it so the line enters from the edge).
      const cut = now - rangeMs;
      for (const pts of series.current.values()) {
        let i = 0;
        while (i < pts.length - 1 && pts[i + 1][0] < cut) i++;
        if (i > 0) pts.splice(0, i);
      }
      setTo(now);
      setVersion((v) => v + 1);
    }, TICK_MS);
    return () => clearInterval(t);
  }, [applyValues, rangeMs]);

  // Quarantine entries of this machine over the selected range.
  const qQuery = useMemo(() => (eq ? { equipment: eq.path, from: new Date(Date.now() - rangeMs).toISOString(), limit: 100 } : undefined), [eq, rangeMs]);
  const quarantine = useResource<QuarantineEntry[]>(eq ? '/quarantine' : null, qQuery);
  const qReloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (qReloadTimer.current) clearTimeout(qReloadTimer.current);
    },
    [],
  );

  const live = useLiveMachines(
    {
      onValue: (ev) => {
        if (ev.equipmentId !== id) return;
        pendingValues.current.push(ev);
        latest.current.set(ev.tag, { ts: ev.ts, value: ev.value });
      },
      onQuarantine: (q) => {
        if (!eq || q.equipmentPath !== eq.path || qReloadTimer.current) return;
        qReloadTimer.current = setTimeout(() => {
          qReloadTimer.current = null;
          void quarantine.reload();
        }, 1000);
      },
    },
    id,
  );
  const liveMachine = live.machines?.find((m) => m.equipmentId === id);
  const machine = liveMachine && withClientStaleness(liveMachine, staleAfterMs(eq), to);

  // Keep the timeline in step with state changes from the stream.
  const lastState = useRef<string | null>(null);
  useEffect(() => {
    if (!machine) return;
    const key = `${machine.state}|${machine.bucket}|${machine.since}`;
    if (lastState.current === key) return;
    lastState.current = key;
    setIntervals((prev) => {
      if (!prev) return prev;
      const open = prev[prev.length - 1];
      if (open && open.state === machine.state && open.bucket === machine.bucket) return prev;
      const next = prev.slice();
      const start = machine.since ?? new Date().toISOString();
      if (open && open.end === null) next[next.length - 1] = { ...open, end: start };
      next.push({ state: machine.state, bucket: machine.bucket, start: start, end: null });
      return next;
    });
  }, [machine]);

  // After a reconnect the history may have gaps: reload it.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (live.status === 'open') {
      if (wasOpen.current === false && loadSeq.current > 0) void loadHistory();
      wasOpen.current = true;
    } else if (live.status === 'reconnecting') {
      wasOpen.current = false;
    }
  }, [live.status, loadHistory]);

  const lost = useDisconnectedFor(live.disconnectedSince, 20_000);
  const repairs = useUnderRepair();

  if (equipment.error) {
    return (
      <div className="page">
        <ErrorBanner error={equipment.error} onRetry={() => void equipment.reload()} />
        <Link to="/live">Back to the plant overview</Link>
      </div>
    );
  }

  const setRange = (r: RangeId) => navigate(`/live/${encodeURIComponent(id)}${r === '1h' ? '' : `?range=${r}`}`, { replace: true });

  return (
    <div className="page live-page machine-page" data-testid="machine-page">
      <div className="crumbs">
        <Link to="/live">Live plant</Link>
        <span className="crumb-sep">›</span>
        <span>{eq?.path ?? machine?.path ?? id}</span>
      </div>
      <PageHeader
        title={
          <>
            {eq?.name ?? machine?.name ?? 'Machine'} <StreamBadge status={live.status} /> {eq && <UnderRepairBadge repair={repairs.byId.get(eq.id)} />}
          </>
        }
        actions={
          <>
            {eq?.level === 'machine' && <CallMaintenanceButton equipment={eq.path} onOpened={repairs.reload} />}
            <Link className="btn btn-secondary" to={`/plant/equipment/${encodeURIComponent(id)}`}>
              Open in plant editor
            </Link>
          </>
        }
      />
      {lost && (
        <div className="banner banner-warn" role="alert">
          The connection to the server is lost — what you see may be out of date. Reconnecting…
        </div>
      )}
      {machine ? (
        <MachineHeader machine={machine} ideal={ideal} />
      ) : live.machines ? (
        <Empty title="No live data for this equipment">Live data is shown for equipment at level machine.</Empty>
      ) : (
        <Spinner />
      )}

      {eq && <CommandsPanel eq={eq} />}
      {eq && <ConnectionHealthPanel equipmentId={eq.id} />}

      <section className="card live-section">
        <div className="live-section-head">
          <h2>History</h2>
          <div className="range-picker" role="group" aria-label="Time range">
            {(Object.keys(RANGES) as RangeId[]).map((r) => (
              <button
                key={r}
                type="button"
                className={`btn ${r === range ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={r === range}
                onClick={() => setRange(r)}
              >
                {r.replace('h', ' h')}
              </button>
            ))}
          </div>
        </div>
        <h3 className="live-sub">State timeline</h3>
        <ErrorBanner error={statesError} />
        {intervals ? (
          <>
            <StateTimeline intervals={intervals} from={from} to={to} />
            <Legend />
          </>
        ) : (
          !statesError && <Spinner label="Loading states…" />
        )}
        <h3 className="live-sub">Process values{rollup && <span className="muted small"> — per-minute average with min–max band</span>}</h3>
        <ErrorBanner error={tags.error ?? valuesError} onRetry={() => void (tags.error ? tags.reload() : loadHistory())} />
        {tags.data && chartTags.length === 0 ? (
          <p className="muted">This machine has no numeric process values.</p>
        ) : valuesLoading && version === 0 ? (
          <Spinner label="Loading values…" />
        ) : (
          <div className="tag-charts">
            {chartTags.map((t) => {
              const lim = chartLimits(t, running);
              return (
                <figure key={t.tag} className="tag-chart" data-testid="tag-chart" data-tag={t.tag} data-limits={lim.source}>
                  <figcaption>
                    <strong>{t.tag}</strong>
                    <span className="tag-latest">{formatValue(toNumber((latest.current.get(t.tag) ?? t.latest)?.value), t.unit)}</span>
                    {lim.source !== 'none' && (
                      <span className="muted small" data-testid="chart-limits">
                        {lim.label}: {lim.min ?? '—'} … {lim.max ?? '—'}
                        {t.unit ? ` ${t.unit}` : ''}
                      </span>
                    )}
                  </figcaption>
                  <TagChart
                    tag={t.tag}
                    unit={t.unit}
                    min={lim.min}
                    max={lim.max}
                    ideal={t.role === 'cycle_time' ? ideal : null}
                    points={series.current.get(t.tag) ?? []}
                    rollup={rollup}
                    from={from}
                    to={to}
                    version={version}
                  />
                </figure>
              );
            })}
          </div>
        )}
      </section>

      <section className="card live-section">
        <div className="live-section-head">
          <h2>Quarantine</h2>
          <Link to="/live/quarantine">All quarantined messages</Link>
        </div>
        <p className="muted small">Messages for this machine that were refused in the selected range.</p>
        <ErrorBanner error={quarantine.error} onRetry={() => void quarantine.reload()} />
        {quarantine.data && quarantine.data.length === 0 ? (
          <p className="muted">None — every message was accepted.</p>
        ) : quarantine.data ? (
          <QuarantineTable entries={quarantine.data} />
        ) : (
          !quarantine.error && <Spinner />
        )}
      </section>

      {tags.data && tags.data.length > 0 && (
        <section className="card live-section">
          <h2>Tags</h2>
          <div className="table-scroll">
            <table className="table" data-testid="tag-table">
              <thead>
                <tr>
                  <th>Tag</th>
                  <th>Role</th>
                  <th>Latest</th>
                  <th>At</th>
                  <th>Limits</th>
                </tr>
              </thead>
              <tbody>
                {tags.data.map((t) => {
                  const l = latest.current.get(t.tag) ?? t.latest;
                  return (
                    <tr key={t.tag}>
                      <td>
                        <code>{t.tag}</code>
                      </td>
                      <td>{t.role}</td>
                      <td>
                        {showValue(l?.value)}
                        {t.unit && l ? ` ${t.unit}` : ''}
                      </td>
                      <td className="nowrap">{l ? formatDateTime(new Date(l.ts).toISOString()) : '—'}</td>
                      <td>{t.min !== null || t.max !== null ? `${t.min ?? '—'} … ${t.max ?? '—'}` : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}

function MachineHeader({ machine, ideal }: { machine: LiveMachine; ideal: number | null }) {
  const cls = classOfMachine(machine);
  const offline = cls === 'offline';
  return (
    <div className="machine-head" data-testid="machine-head" data-state={machine.state}>
      <div className={`machine-state tile-${cls}`}>
        <div className="machine-state-name" title={packmlTitle(machine)} data-testid="machine-state">
          {machineWord(machine)}
        </div>
        <div className="machine-state-sub">
          {offline
            ? machine.state !== 'Unknown'
              ? `last known: ${stateWord(machine.state, machine.bucket)}`
              : STATE_CLASS_LABEL.offline
            : `${BUCKET_LABEL[machine.bucket] ?? machine.bucket} · PackML ${machine.state}`}
        </div>
      </div>
      <dl className="machine-stats">
        <div>
          <dt>In state for</dt>
          <dd>
            <TimeInState since={machine.since} />
          </dd>
        </div>
        <div>
          <dt>Good (shift)</dt>
          <dd>{formatCount(machine.good)}</dd>
        </div>
        <div>
          <dt>Scrap (shift)</dt>
          <dd className={machine.scrap > 0 ? 'scrap-some' : undefined}>{formatCount(machine.scrap)}</dd>
        </div>
        <div>
          <dt>Cycle / ideal</dt>
          <dd className="machine-cycle">
            <CycleTime actual={machine.cycleTime} ideal={ideal} />
          </dd>
        </div>
        <div>
          <dt>Data</dt>
          <dd className="machine-age">
            <DataAge machine={machine} />
          </dd>
        </div>
      </dl>
      {machine.alarm && (
        <div className="tile-alarm machine-alarm" role="status">
          <span aria-hidden="true">⚠</span> {machine.alarm}
        </div>
      )}
    </div>
  );
}
