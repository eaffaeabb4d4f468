// The station terminal, loaded lazily and shown full screen without the office shell: /terminal (choose the
// station) and /terminal/<station path, URL-encoded>. Without a session it shows its own badge + PIN sign-in.
import { useEffect, useState } from 'react';
import { errorMessage } from '../platform/api.ts';
import { useAuth } from '../platform/auth.tsx';
import { Link, matchPath, navigate, useLocation } from '../platform/router.tsx';
import { classOfMachine, STATE_COLOURS } from '../live/states.ts';
import type { LiveMachine } from '../live/types.ts';
import { floorApi, stationUrl } from './floor.ts';
import { StationScreen } from './StationScreen.tsx';
import { TerminalSignIn } from './TerminalSignIn.tsx';
import './terminal.css';

function StationPicker() {
  const { refresh } = useAuth();
  const [machines, setMachines] = useState<LiveMachine[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    floorApi<LiveMachine[]>('/live/machines', {}, () => void refresh())
      .then((m) => setMachines([...m].sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }))))
      .catch((err) => setError(errorMessage(err)));
  }, [refresh]);
  const signOut = async () => {
    await floorApi('/auth/logout', { method: 'POST' }).catch(() => undefined);
    await refresh();
  };
  return (
    <div className="t-screen">
      <header className="t-head">
        <div className="t-head-main">
          <h1>Which station is this?</h1>
        </div>
        <div className="t-head-side">
          <Link to="/shopfloor" className="t-btn">
            Office view
          </Link>
          <button type="button" className="t-btn" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {error && <div className="t-error">{error}</div>}
      {!machines && !error && <div className="t-lead">Loading the machines…</div>}
      <div className="t-stations" data-testid="stations">
        {machines?.map((m) => {
          const c = STATE_COLOURS[classOfMachine(m)];
          return (
            <button key={m.path} type="button" className="t-station" onClick={() => navigate(stationUrl(m.path))}>
              <span className="t-station-name">{m.name}</span>
              <span className="t-sub">{m.path}</span>
              <span className="t-state" style={{ background: c.bg, color: c.fg }}>
                {m.state}
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}

export default function TerminalModule() {
  const { user } = useAuth();
  const { pathname } = useLocation();
  const m = matchPath('/terminal/:station', pathname);
  if (!user) return <div className="t-screen">{<TerminalSignIn station={m?.station} stationName={m?.station.split('/').pop()} />}</div>;
  if (m) return <StationScreen key={m.station} station={m.station} />;
  return <StationPicker />;
}
