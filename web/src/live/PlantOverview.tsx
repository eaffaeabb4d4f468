// The plant overview (/live): every machine as a tile, grouped by area and line / work centre, updated live.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Empty, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import type { Equipment } from '../platform/types.ts';
import { Legend, StreamBadge, SummaryBar, useDisconnectedFor } from './common.tsx';
import { MachineTile } from './MachineTile.tsx';
import { useUnderRepair } from '../maintenance/repair.tsx';
import { groupMachines, idealCycleTimeS, staleAfterMs, withClientStaleness } from './plant.ts';
import { useLiveMachines } from './useLiveMachines.ts';

export function PlantOverview() {
  const live = useLiveMachines();
  const repairs = useUnderRepair();
  const equipment = useResource<Equipment[]>('/equipment');
  const root = useRef<HTMLDivElement>(null);
  const lost = useDisconnectedFor(live.disconnectedSince, 20_000);

  const byId = useMemo(() => new Map((equipment.data ?? []).map((e) => [e.id, e])), [equipment.data]);
  const ideals = useMemo(() => {
    const map = new Map<string, number | null>();
    for (const e of byId.values()) if (e.level === 'machine') map.set(e.id, idealCycleTimeS(e));
    return map;
  }, [byId]);
  // Re-check staleness every few seconds (the tiles' own clocks tick every second).
  const [checkAt, setCheckAt] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setCheckAt(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  const machines = useMemo(
    () => live.machines?.map((m) => withClientStaleness(m, staleAfterMs(byId.get(m.equipmentId)), checkAt)),
    [live.machines, byId, checkAt],
  );
  const areas = useMemo(() => groupMachines(machines ?? [], equipment.data), [machines, equipment.data]);

  const fullscreen = () => {
    const el = root.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void el.requestFullscreen?.().catch(() => undefined);
  };

  return (
    <div className="page live-page" ref={root} data-testid="live-overview">
      <PageHeader
        title={
          <>
            Live plant <StreamBadge status={live.status} />
          </>
        }
        subtitle="Machine states, counts of the current shift and cycle times as they happen."
        actions={
          <>
            <Link className="btn btn-secondary" to="/live/quarantine">
              Quarantine
            </Link>
            <Button onClick={fullscreen} title="Full screen for a shop-floor display">
              Full screen
            </Button>
          </>
        }
      />
      <ErrorBanner error={live.error} onRetry={() => void live.reload()} />
      {lost && (
        <div className="banner banner-warn" role="alert">
          The connection to the server is lost — the tiles show the last known data and may be out of date. Reconnecting…
        </div>
      )}
      {machines === undefined && !live.error ? (
        <Spinner label="Loading machines…" />
      ) : machines && machines.length === 0 ? (
        <Empty title="No machines yet">
          Add equipment at level <strong>machine</strong> in the <Link to="/plant/equipment">plant model</Link> and connect its data.
        </Empty>
      ) : (
        <>
          <div className={`live-bar${lost ? ' live-lost' : ''}`}>
            <SummaryBar machines={machines ?? []} lastKnown={lost} />
            <Legend />
          </div>
          <div className={`live-areas${lost ? ' live-lost' : ''}`}>
            {areas.map((area) => (
              <section key={area.key} className="live-area" aria-label={area.title}>
                <h2 className="live-area-title">{area.title}</h2>
                {area.groups.map((g) => (
                  <div key={g.key} className="live-group">
                    {g.titles.length > 0 && <h3 className="live-group-title">{g.titles.join(' › ')}</h3>}
                    <div className="tiles">
                      {g.machines.map((m) => (
                        <MachineTile key={m.equipmentId} machine={m} ideal={ideals.get(m.equipmentId) ?? null} repair={repairs.byId.get(m.equipmentId)} />
                      ))}
                    </div>
                  </div>
                ))}
              </section>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
