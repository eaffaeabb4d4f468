// Shared bits of the performance pages: period presets, the KPI tiles, factor bars, the definitions used.
import { useEffect, useMemo, useState } from 'react';
import { pct, type Figures, type KpiResult } from './types.ts';

export const PRESETS = [
  { id: '8h', label: 'Last 8 hours', ms: 8 * 3_600_000, group: 'shift' },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000, group: 'shift' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, group: 'day' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, group: 'week' },
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];

/** Re-renders every `ms` (live refresh: the KPIs are recomputed by the server from its roll-ups). */
export function useTick(ms = 20_000): number {
  const [t, setT] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setT(Date.now()), ms);
    return () => clearInterval(h);
  }, [ms]);
  return t;
}

/** Query for a preset ending at `now` (rounded to the tick so the resource key is stable between ticks). */
export function usePeriod(preset: PresetId, now: number) {
  return useMemo(() => {
    const p = PRESETS.find((x) => x.id === preset)!;
    return { from: new Date(now - p.ms).toISOString(), to: new Date(now).toISOString(), group: p.group };
  }, [preset, now]);
}

export function PresetSelect({ value, onChange }: { value: PresetId; onChange(v: PresetId): void }) {
  return (
    <label>
      Period
      <select value={value} onChange={(e) => onChange(e.target.value as PresetId)}>
        {PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const tone = (x: number | null) => (x === null ? '#a3abb3' : x >= 0.85 ? '#0b7a3b' : x >= 0.6 ? '#f2a900' : '#c1121f');

export function FactorBar({ value }: { value: number | null }) {
  return (
    <div className="perf-bar" title={pct(value)}>
      <span style={{ width: `${Math.min(100, (value ?? 0) * 100)}%`, background: tone(value) }} />
    </div>
  );
}

/** The warning that an effectiveness above 100 % measures a too slow ideal cycle time, not a good machine. */
export const idealTooSlow = (r: Pick<Figures, 'warnings'>) => r.warnings?.find((w) => w.code === 'ideal_cycle_too_slow');

/** An effectiveness figure: flagged rather than shown as a good figure when it is above 100 % (issue #12 item 6). */
export function EffectivenessCell({ r, bar = false }: { r: Pick<Figures, 'effectiveness' | 'warnings'>; bar?: boolean }) {
  const w = idealTooSlow(r);
  if (w)
    return (
      <span className="perf-flag" title={w.message} data-testid="ideal-too-slow">
        {pct(r.effectiveness)} ⚠ ideal cycle time too slow
      </span>
    );
  return (
    <>
      {pct(r.effectiveness)}
      {bar && <FactorBar value={r.effectiveness} />}
    </>
  );
}

export function KpiTiles({ r }: { r: KpiResult }) {
  const f = r.definitions.formulas;
  const tiles: Array<[string, string, string]> = [
    ['OEE', pct(r.oee), f.oee],
    ['Availability', pct(r.availability), f.availability],
    ['Effectiveness', pct(r.effectiveness), f.effectiveness],
    ['Quality', pct(r.quality), f.quality],
    ['MTBF', r.mtbf === null ? '—' : `${Math.round(r.mtbf / 60)} min`, f.mtbf],
    ['MTTR', r.mttr === null ? '—' : `${Math.round(r.mttr / 60)} min`, f.mttr],
  ];
  const tooSlow = idealTooSlow(r);
  return (
    <div className="perf-kpis" data-testid="perf-kpis">
      {tiles.map(([label, v, d]) => (
        <div key={label} className="perf-kpi" title={label === 'Effectiveness' && tooSlow ? tooSlow.message : d}>
          <div className="d">{label}</div>
          <div className="v">{v}</div>
          {label === 'Effectiveness' && tooSlow ? (
            <div className="d perf-flag" data-testid="ideal-too-slow">
              ⚠ ideal cycle time too slow
            </div>
          ) : (
            <div className="d">{d}</div>
          )}
        </div>
      ))}
    </div>
  );
}

/** Which definition the numbers on the page use (ISO 22400-2 or the named common-practice alternative). */
export function Definitions({ r }: { r: KpiResult }) {
  return (
    <ul className="perf-defs" data-testid="perf-definitions">
      {r.definitions.text.map((t) => (
        <li key={t}>{t}</li>
      ))}
      <li>minor stop: a stop shorter than {r.definitions.minorStopThresholdS} s</li>
      <li>{r.definitions.formulas.outsidePot}</li>
    </ul>
  );
}
