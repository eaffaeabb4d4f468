// Early-warning rules editor (/performance/alert-rules): what is watched where, the threshold in the unit a person
// thinks in (percent, minutes, percentage points), the trailing window, severity; admins and supervisors edit.
import { useMemo, useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ConfirmDialog, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import type { AlertRule, EquipmentItem } from './types.ts';

const KINDS: Array<[AlertRule['kind'], string]> = [
  ['kpi_below', 'KPI below a threshold'],
  ['kpi_above', 'KPI above a threshold'],
  ['state_longer_than', 'in a state longer than'],
  ['scrap_rising', 'scrap ratio rising'],
];
const METRICS: Array<[NonNullable<AlertRule['metric']>, string]> = [
  ['oee', 'OEE'],
  ['availability', 'Availability'],
  ['effectiveness', 'Effectiveness'],
  ['quality', 'Quality'],
  ['scrap_ratio', 'Scrap ratio'],
];
const STATES: Array<[string, string]> = [
  ['adet', 'down (any own or external stop)'],
  ['adot', 'idle (no order / no demand)'],
  ['unknown', 'no data / offline'],
  ['Held', 'Held'],
  ['Stopped', 'Stopped'],
  ['Aborted', 'Aborted'],
  ['Suspended', 'Suspended (starved / blocked)'],
  ['asut', 'setup'],
];

interface Draft {
  id: string | null;
  name: string;
  kind: AlertRule['kind'];
  metric: NonNullable<AlertRule['metric']>;
  state: string;
  equipment: string;
  /** In the unit shown: percent (KPIs), minutes (states), points (scrap rising). */
  threshold: string;
  hysteresis: string;
  windowMin: string;
  severity: AlertRule['severity'];
  enabled: boolean;
}

const unitOf = (kind: AlertRule['kind']) => (kind === 'state_longer_than' ? 'min' : kind === 'scrap_rising' ? 'points' : '%');
/** Stored value (ratio / seconds) → shown value, and back. */
const toShown = (kind: AlertRule['kind'], v: number) => String(+(kind === 'state_longer_than' ? v / 60 : v * 100).toFixed(3));
const toStored = (kind: AlertRule['kind'], v: number) => (kind === 'state_longer_than' ? v * 60 : v / 100);

const blank = (equipment: string): Draft => ({
  id: null,
  name: '',
  kind: 'kpi_below',
  metric: 'availability',
  state: 'adet',
  equipment,
  threshold: '85',
  hysteresis: '2',
  windowMin: '60',
  severity: 'warning',
  enabled: true,
});

const draftOf = (r: AlertRule): Draft => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  metric: r.metric ?? 'availability',
  state: r.state ?? 'adet',
  equipment: r.equipmentId,
  threshold: toShown(r.kind, r.threshold),
  hysteresis: toShown(r.kind, r.hysteresis),
  windowMin: String(r.windowS / 60),
  severity: r.severity,
  enabled: r.enabled,
});

function describeRule(r: AlertRule): string {
  const u = unitOf(r.kind);
  const th = `${toShown(r.kind, r.threshold)} ${u}`;
  if (r.kind === 'state_longer_than') return `${r.state} longer than ${th}`;
  if (r.kind === 'scrap_rising') return `scrap ratio up more than ${th} vs the ${r.windowS / 60} min before`;
  return `${r.metric} ${r.kind === 'kpi_below' ? '<' : '>'} ${th} over ${r.windowS / 60} min`;
}

export function AlertRules() {
  const rules = useResource<AlertRule[]>('/performance/alert-rules');
  const equipment = useResource<EquipmentItem[]>('/equipment');
  const scopes = useMemo(() => (equipment.data ?? []).filter((e) => ['site', 'area', 'line', 'workCenter', 'machine'].includes(e.level)), [equipment.data]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [remove, setRemove] = useState<AlertRule | null>(null);
  const save = useSubmit();
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  const submit = async () => {
    if (!draft) return;
    const ok = await save.run(async () => {
      const body = {
        name: draft.name,
        kind: draft.kind,
        metric: draft.kind === 'kpi_below' || draft.kind === 'kpi_above' ? draft.metric : null,
        state: draft.kind === 'state_longer_than' ? draft.state : null,
        equipment: draft.equipment,
        threshold: toStored(draft.kind, Number(draft.threshold)),
        hysteresis: toStored(draft.kind, Number(draft.hysteresis || 0)),
        windowS: Math.round(Number(draft.windowMin) * 60),
        severity: draft.severity,
        enabled: draft.enabled,
      };
      await api(draft.id ? `/performance/alert-rules/${draft.id}` : '/performance/alert-rules', { method: draft.id ? 'PUT' : 'POST', body });
    });
    if (ok) setDraft(null), await rules.reload();
  };

  const kpi = draft && (draft.kind === 'kpi_below' || draft.kind === 'kpi_above');
  return (
    <div className="page">
      <PageHeader
        title="Early-warning rules"
        subtitle="Rules on KPIs and machine states, evaluated every 30 s on the roll-ups; alerts show live on the performance overview"
        actions={
          <Button variant="primary" onClick={() => setDraft(blank(scopes[0]?.id ?? ''))}>
            New rule
          </Button>
        }
      />
      <p>
        <Link to="/performance">Back to the performance overview</Link>
      </p>
      {rules.error ? <ErrorBanner error={rules.error} onRetry={rules.reload} /> : null}
      {draft && (
        <section className="card perf-section" data-testid="rule-form">
          <h2>{draft.id ? 'Change rule' : 'New rule'}</h2>
          {save.error ? <ErrorBanner error={save.error} /> : null}
          <div className="form-grid">
            <div className="field">
              <label htmlFor="r-name">Name</label>
              <input id="r-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="r-kind">Watch</label>
              <select id="r-kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as Draft['kind'] })}>
                {KINDS.map(([k, l]) => (
                  <option key={k} value={k}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
            {kpi && (
              <div className="field">
                <label htmlFor="r-metric">KPI</label>
                <select id="r-metric" value={draft.metric} onChange={(e) => set({ metric: e.target.value as Draft['metric'] })}>
                  {METRICS.map(([k, l]) => (
                    <option key={k} value={k}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {draft.kind === 'state_longer_than' && (
              <div className="field">
                <label htmlFor="r-state">State</label>
                <select id="r-state" value={draft.state} onChange={(e) => set({ state: e.target.value })}>
                  {STATES.map(([k, l]) => (
                    <option key={k} value={k}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="field">
              <label htmlFor="r-eq">Machine, or every machine below</label>
              <select id="r-eq" value={draft.equipment} onChange={(e) => set({ equipment: e.target.value })}>
                {scopes.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.path} ({e.level})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="r-th">Threshold ({unitOf(draft.kind)})</label>
              <input id="r-th" inputMode="decimal" value={draft.threshold} onChange={(e) => set({ threshold: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="r-hy">Hysteresis ({unitOf(draft.kind)})</label>
              <input id="r-hy" inputMode="decimal" value={draft.hysteresis} onChange={(e) => set({ hysteresis: e.target.value })} />
              <span className="field-hint">how far back past the threshold before the alert clears</span>
            </div>
            {draft.kind !== 'state_longer_than' && (
              <div className="field">
                <label htmlFor="r-win">Window (min)</label>
                <input id="r-win" inputMode="numeric" value={draft.windowMin} onChange={(e) => set({ windowMin: e.target.value })} />
              </div>
            )}
            <div className="field">
              <label htmlFor="r-sev">Severity</label>
              <select id="r-sev" value={draft.severity} onChange={(e) => set({ severity: e.target.value as Draft['severity'] })}>
                <option value="info">info</option>
                <option value="warning">warning</option>
                <option value="critical">critical</option>
              </select>
            </div>
            <label className="switch">
              <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
            </label>
          </div>
          <div className="form-foot">
            <div className="form-buttons">
              <Button onClick={() => setDraft(null)}>Cancel</Button>
              <Button variant="primary" busy={save.busy} onClick={() => void submit()}>
                Save rule
              </Button>
            </div>
          </div>
        </section>
      )}
      {!rules.data && rules.loading && <Spinner label="Loading rules…" />}
      {rules.data && (
        <section className="card perf-section">
          <div className="table-scroll">
            <table className="table" data-testid="rules-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Condition</th>
                  <th>Where</th>
                  <th>Severity</th>
                  <th>Enabled</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rules.data.map((r) => (
                  <tr key={r.id}>
                    <td>{r.name}</td>
                    <td>{describeRule(r)}</td>
                    <td>{r.equipment?.path ?? '(deleted equipment)'}</td>
                    <td>{r.severity}</td>
                    <td>{r.enabled ? 'yes' : 'no'}</td>
                    <td>
                      <Button variant="ghost" onClick={() => setDraft(draftOf(r))}>
                        Edit
                      </Button>
                      <Button variant="ghost" onClick={() => setRemove(r)}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
                {rules.data.length === 0 && (
                  <tr>
                    <td colSpan={6}>No rules yet.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {remove && (
        <ConfirmDialog
          title={`Delete rule “${remove.name}”?`}
          message="Its alerts are deleted with it."
          onClose={() => setRemove(null)}
          onConfirm={async () => {
            await api(`/performance/alert-rules/${remove.id}`, { method: 'DELETE' });
            await rules.reload();
          }}
        />
      )}
    </div>
  );
}
