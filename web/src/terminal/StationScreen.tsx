// One station's terminal: the machine's state and who is signed in, the queue when nothing runs, setup with the
// recipe download, production with live counts, and the result of a completion with its label. Refreshed every 2 s
// and at once on every shop-floor event.
import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../platform/api.ts';
import { hasRole, useAuth } from '../platform/auth.tsx';
import { Link } from '../platform/router.tsx';
import { classOfState, STATE_COLOURS } from '../live/states.ts';
import { AndonDialog } from './dialogs.tsx';
// corrective maintenance: the machine under repair, and calling maintenance from the andon
import { CallMaintenanceButton } from '../maintenance/CallMaintenance.tsx';
import { UnderRepairBadge, useUnderRepair } from '../maintenance/repair.tsx';
import { floorApi, opApi, stationApi, usePoll, useShopfloorStream } from './floor.ts';
import { CheckPrompt } from './CheckPrompt.tsx';
import { CompletedPanel } from './Label.tsx';
import { ProductionPanel } from './ProductionPanel.tsx';
import { SetupPanel } from './SetupPanel.tsx';
import type { CommandRecord, CompleteResult, OperationView, StationView } from './types.ts';
import { useNow } from '../live/time.ts';
import { formatDateTime } from '../platform/format.ts';
import { alarmText, hms, qty, secondsSince, useReasons } from './floor.ts';

export function StationScreen({ station }: { station: string }) {
  const { user, refresh } = useAuth();
  const [view, setView] = useState<StationView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [download, setDownload] = useState<{ key: string; record: CommandRecord | null } | null>(null);
  const [completed, setCompleted] = useState<CompleteResult | null>(null);
  const [andon, setAndon] = useState(false);
  const repairs = useUnderRepair();
  const seq = useRef(0);
  const now = useNow();
  const signedOut = useCallback(() => void refresh(), [refresh]);
  const andonReasons = useReasons('andon');
  const reasonLabel = (code: string) => andonReasons.find((r) => r.code === code)?.label ?? code;

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const v = await floorApi<StationView>(stationApi(station), {}, signedOut);
      if (mine === seq.current) {
        setView(v);
        setLoadError(null);
      }
    } catch (err) {
      if (mine === seq.current) setLoadError(errorMessage(err));
    }
  }, [station, signedOut]);
  usePoll(() => void load(), 2000, [load]);
  useShopfloorStream(() => void load());

  /** Runs an action; its API error is shown verbatim, large and red, until the next action. */
  const act = useCallback(
    async <T,>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
      setBusy(name);
      setError(null);
      try {
        const out = await fn();
        await load();
        return out;
      } catch (err) {
        setError(errorMessage(err));
        return undefined;
      } finally {
        setBusy(null);
      }
    },
    [load],
  );
  const post = useCallback(<T,>(path: string, body?: unknown) => floorApi<T>(path, { method: 'POST', body }, signedOut), [signedOut]);

  const signOut = async () => {
    try {
      await floorApi(`${stationApi(station)}/sign-out`, { method: 'POST' });
      await floorApi('/auth/logout', { method: 'POST' });
    } catch {
      /* signed out already */
    }
    await refresh();
  };

  if (!view)
    return (
      <div className="t-screen">
        {loadError ? (
          <div className="t-error" role="alert">
            {loadError} <Link to="/terminal">Choose another station</Link>
          </div>
        ) : (
          <div className="t-lead">Loading the station…</div>
        )}
      </div>
    );

  const s = view.station;
  const colours = STATE_COLOURS[classOfState(s.state, s.bucket as never)];
  const cur = view.current;
  const here = view.operators.some((o) => o.username === user?.username);
  const supervisor = hasRole(user, 'admin', 'supervisor');
  const opKey = (o: { orderId: string; seq: number }) => `${o.orderId}/${o.seq}`;

  const setup = (orderId: string, opSeq: number) =>
    act('setup', async () => {
      const r = await post<{ operation: OperationView; download: CommandRecord | null }>(opApi(orderId, opSeq, 'setup'), { equipment: s.path });
      setDownload({ key: `${orderId}/${opSeq}`, record: r.download });
      setCompleted(null);
    });

  return (
    <div className="t-screen">
      <header className="t-head" style={{ borderColor: colours.bg }}>
        <div className="t-head-main">
          <Link to="/terminal" className="t-back" aria-label="Choose another station">
            ‹
          </Link>
          <div>
            <h1 data-testid="station-name">{s.name}</h1>
            <UnderRepairBadge repair={repairs.byPath.get(s.path)} link={false} />
            <div className="t-sub">{s.path}</div>
          </div>
          <span className="t-state" style={{ background: colours.bg, color: colours.fg }} data-testid="machine-state">
            {s.state}
            {s.since ? ` · ${hms(secondsSince(s.since, now))}` : ''}
          </span>
        </div>
        <div className="t-head-side">
          <div className="t-who" data-testid="signed-in">
            {view.operators.length ? view.operators.map((o) => o.username).join(', ') : 'Nobody signed in'}
          </div>
          {!here && (
            <button type="button" className="t-btn" onClick={() => void act('sign-in', () => post(`${stationApi(station)}/sign-in`))}>
              Sign in here
            </button>
          )}
          <button type="button" className="t-btn t-btn-andon" onClick={() => setAndon(true)}>
            Andon
          </button>
          <CallMaintenanceButton equipment={s.path} className="t-btn t-btn-andon" onOpened={repairs.reload} />
          <button type="button" className="t-btn" onClick={() => void signOut()}>
            Sign out {user?.username}
          </button>
        </div>
      </header>

      {error && (
        <div className="t-error" role="alert" data-testid="terminal-error">
          {error}
          <button type="button" className="t-btn t-btn-small" onClick={() => setError(null)}>
            OK
          </button>
        </div>
      )}
      {loadError && <div className="t-warn">Connection problem: {loadError}. The screen shows the last known state.</div>}

      {view.andon.length > 0 && (
        <div className="t-calls" data-testid="station-andon">
          {view.andon.map((a) => (
            <div key={a.id} className={`t-call${a.acknowledgedAt ? ' t-call-ack' : ''}`}>
              <strong>Andon: {reasonLabel(a.reason)}</strong> {a.message && `– ${a.message}`} · raised by {a.raisedBy} {hms(secondsSince(a.raisedAt, now))} ago
              · {a.acknowledgedAt ? `acknowledged by ${a.acknowledgedBy}` : 'waiting for help'}
              {supervisor || a.raisedBy === user?.username ? (
                <button type="button" className="t-btn t-btn-small" onClick={() => void act('resolve', () => post(`/andon/${a.id}/resolve`))}>
                  Resolved
                </button>
              ) : null}
            </div>
          ))}
        </div>
      )}

      {view.alarms.length > 0 && (
        <div className="t-alarms" role="alert" data-testid="station-alarms">
          {view.alarms.map((a) => (
            <div key={a.id} className="t-alarm">
              <strong>Parameter alarm: {a.parameter}</strong> {alarmText(a)} · order {a.orderId}/{a.seq}
              <button
                type="button"
                className="t-btn t-btn-small"
                disabled={busy !== null}
                onClick={() => void act('ack', () => post(`/alarms/${a.id}/acknowledge`))}
              >
                Acknowledge
              </button>
            </div>
          ))}
        </div>
      )}

      {cur && <CheckPrompt station={s.path} onSaved={() => void load()} refreshKey={view} />}

      {completed && <CompletedPanel result={completed} station={s.path} onClose={() => setCompleted(null)} />}

      {cur && cur.phase === 'setup' && (
        <SetupPanel
          op={cur}
          download={download?.key === opKey(cur) ? download.record : undefined}
          supervisor={supervisor}
          busy={busy}
          onDownload={() =>
            void act('recipe', async () => setDownload({ key: opKey(cur), record: await post<CommandRecord>(opApi(cur.orderId, cur.seq, 'recipe')) }))
          }
          onStart={(override) => void act('start', () => post(opApi(cur.orderId, cur.seq, 'start'), override ? { override } : {}))}
          onPause={(reason) => act('pause', () => post(opApi(cur.orderId, cur.seq, 'pause'), { reason }))}
        />
      )}
      {cur && cur.phase !== 'setup' && (
        <ProductionPanel op={cur} hasCounter={s.hasCounter} busy={busy} now={now} act={act} post={post} onCompleted={(r) => setCompleted(r)} />
      )}
      {!cur && (
        <section className="t-panel" data-testid="queue">
          <h2>Queue</h2>
          {view.queue.length === 0 && <p className="t-lead">No released operations for this station.</p>}
          <ol className="t-queue">
            {view.queue.map((q) => (
              <li key={opKey(q)} className="t-queue-item">
                <div className="t-queue-text">
                  <div className="t-queue-title">
                    {q.productId} · {q.name}
                  </div>
                  <div className="t-sub">
                    Order {q.orderId} / {q.seq} · {qty(q.quantity)} {q.unit} · priority {q.priority}
                    {q.dueAt ? ` · due ${formatDateTime(q.dueAt)}` : ''} · setup {hms(q.setupTimeS)} · run {hms(q.runTimeS)}
                  </div>
                </div>
                <button
                  type="button"
                  className="t-btn t-btn-primary"
                  disabled={busy !== null}
                  onClick={() => void setup(q.orderId, q.seq)}
                  aria-label={`Set up ${q.orderId} / ${q.seq}`}
                >
                  {busy === 'setup' ? 'Setting up…' : 'Set up'}
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
      {andon && (
        <AndonDialog
          onClose={() => setAndon(false)}
          onRaise={async (reason, message) => {
            await post('/andon', { station: s.path, reason, message });
            await load();
          }}
        />
      )}
    </div>
  );
}
