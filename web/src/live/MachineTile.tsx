// One machine on the plant overview: state in its andon colour, time in state, shift counts, cycle time against
// the ideal, alarm, and how old its data is. Stale or offline machines are grey and hatched, never "running".
import { memo } from 'react';
import { Link } from '../platform/router.tsx';
import { classOfMachine, isOffline, machineWord, packmlTitle, stateWord, STATE_CLASS_LABEL } from './states.ts';
import { formatAge, formatDuration, since, useNow } from './time.ts';
import type { LiveMachine } from './types.ts';
import type { UnderRepair } from '../maintenance/types.ts';

const int = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? int.format(n) : '—';
}

export function formatSeconds(s: number | null | undefined): string {
  if (typeof s !== 'number' || !Number.isFinite(s)) return '—';
  return s >= 100 ? `${int.format(s)} s` : `${dec.format(s)} s`;
}

/** Ticks on its own so only this text re-renders every second, not the whole tile. */
export function TimeInState({ since: start }: { since: string | null }) {
  const now = useNow();
  return <>{start ? formatDuration(since(start, now)) : '—'}</>;
}

/** "data 4 s ago" while fresh; "No data for 3 min" when the machine went quiet. */
export function DataAge({ machine }: { machine: LiveMachine }) {
  const now = useNow();
  const offline = isOffline(machine);
  if (!machine.lastSeen) return <span className={offline ? 'age-stale' : undefined}>No data received yet</span>;
  const age = formatAge(since(machine.lastSeen, now));
  if (offline) return <span className="age-stale">No data for {age}</span>;
  return <span>data {age} ago</span>;
}

/** Cycle time against the ideal: plain when within 5 %, flagged when slower. */
export function CycleTime({ actual, ideal }: { actual: number | null; ideal: number | null }) {
  if (actual === null) return <>{ideal !== null ? <span className="muted">— / {formatSeconds(ideal)}</span> : '—'}</>;
  if (ideal === null) return <>{formatSeconds(actual)}</>;
  const ratio = actual / ideal;
  const slow = ratio > 1.05;
  return (
    <span className={slow ? 'cycle-slow' : 'cycle-ok'} title={`ideal ${formatSeconds(ideal)} · ${Math.round(ratio * 100)} % of ideal`}>
      {formatSeconds(actual)}
      <span className="cycle-ideal"> / {formatSeconds(ideal)}</span>
      {slow && <span className="cycle-delta"> +{Math.round((ratio - 1) * 100)} %</span>}
    </span>
  );
}

export const MachineTile = memo(function MachineTile({ machine, ideal, repair }: { machine: LiveMachine; ideal: number | null; repair?: UnderRepair }) {
  const cls = classOfMachine(machine);
  const offline = cls === 'offline';
  const label = machineWord(machine);
  const lastKnown = offline && machine.state !== 'Unknown' ? stateWord(machine.state, machine.bucket) : null;
  return (
    <Link
      to={`/live/${encodeURIComponent(machine.equipmentId)}`}
      className={`tile tile-${cls}`}
      data-testid="machine-tile"
      data-equipment-id={machine.equipmentId}
      data-path={machine.path}
      data-state={machine.state}
      data-stale={offline ? 'true' : 'false'}
      aria-label={`${machine.name}: ${offline ? 'no current data' : label}`}
    >
      <div className="tile-band">
        <div className="tile-name" title={machine.path}>
          {machine.name}
        </div>
        {repair && (
          <div className="tile-repair" data-testid="under-repair" title={`Under repair: work order ${repair.workOrder.id} — ${repair.workOrder.description}`}>
            Under repair · {repair.workOrder.id}
          </div>
        )}
        <div className="tile-state">
          <span className="tile-state-name" data-testid="tile-state" title={packmlTitle(machine)}>
            {label}
          </span>
          {!offline && (
            <span className="tile-time" title="Time in this state">
              <TimeInState since={machine.since} />
            </span>
          )}
        </div>
        {/* One state label a tile: the word above says it; only a machine without current data says more. */}
        {offline && <div className="tile-sub">{lastKnown ? <>last known: {lastKnown}</> : STATE_CLASS_LABEL.offline}</div>}
      </div>
      <dl className="tile-metrics">
        <div>
          <dt>Good</dt>
          <dd data-testid="tile-good">{formatCount(machine.good)}</dd>
        </div>
        <div>
          <dt>Scrap</dt>
          <dd className={machine.scrap > 0 ? 'scrap-some' : undefined}>{formatCount(machine.scrap)}</dd>
        </div>
        <div className="tile-cycle">
          <dt>Cycle / ideal</dt>
          <dd>
            <CycleTime actual={machine.cycleTime} ideal={ideal} />
          </dd>
        </div>
      </dl>
      {machine.alarm ? (
        <div className="tile-alarm" role="status">
          <span aria-hidden="true">⚠</span> {machine.alarm}
        </div>
      ) : null}
      <div className="tile-foot">
        <DataAge machine={machine} />
      </div>
    </Link>
  );
});
