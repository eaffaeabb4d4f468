// Alarm codes → downtime reasons (/performance/alarm-reasons): a stop that begins with a machine alarm takes the
// reason mapped for that machine, else for its class, unless a person classified it. Admins and supervisors edit.
import { useMemo, useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import type { EquipmentItem, Reason } from './types.ts';

interface Mapping {
  scope: 'machine' | 'class';
  scopeId: string;
  path: string | null;
  alarmCode: string;
  reasonId: string;
}

export function AlarmReasons() {
  const mappings = useResource<Mapping[]>('/performance/alarm-reasons');
  const reasons = useResource<Reason[]>('/performance/reasons');
  const equipment = useResource<EquipmentItem[]>('/equipment');
  const classes = useResource<Array<{ id: string; name: string }>>('/equipment-classes');
  const machines = useMemo(() => (equipment.data ?? []).filter((e) => e.level === 'machine'), [equipment.data]);
  const leaves = useMemo(() => (reasons.data ?? []).filter((r) => r.parentId), [reasons.data]);
  const [scope, setScope] = useState<'machine' | 'class'>('class');
  const [target, setTarget] = useState('');
  const [code, setCode] = useState('');
  const [reasonId, setReasonId] = useState('');
  const save = useSubmit();
  const targets =
    scope === 'machine' ? machines.map((m) => ({ id: m.id, label: m.path })) : (classes.data ?? []).map((c) => ({ id: c.id, label: `${c.id} — ${c.name}` }));
  const chosenTarget = target || targets[0]?.id || '';
  const chosenReason = reasonId || leaves[0]?.id || '';
  const reasonName = (id: string) => reasons.data?.find((r) => r.id === id)?.name ?? id;

  const add = () =>
    save.run(async () => {
      await api('/performance/alarm-reasons', { method: 'PUT', body: { scope, target: chosenTarget, alarmCode: code.trim(), reasonId: chosenReason } });
      setCode('');
      await mappings.reload();
    });
  const remove = (m: Mapping) =>
    save.run(async () => {
      await api('/performance/alarm-reasons', { method: 'DELETE', query: { scope: m.scope, target: m.scopeId, alarmCode: m.alarmCode } });
      await mappings.reload();
    });

  return (
    <div className="page">
      <PageHeader title="Alarm codes → downtime reasons" subtitle="Stops that begin with a mapped alarm get their reason without asking the operator" />
      <p>
        <Link to="/performance">Back to the performance overview</Link>
      </p>
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <section className="card perf-section" data-testid="alarm-form">
        <h2>Map an alarm code</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="a-scope">For</label>
            <select id="a-scope" value={scope} onChange={(e) => (setScope(e.target.value as 'machine' | 'class'), setTarget(''))}>
              <option value="class">a machine class</option>
              <option value="machine">one machine (wins over its class)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="a-target">{scope === 'machine' ? 'Machine' : 'Class'}</label>
            <select id="a-target" value={chosenTarget} onChange={(e) => setTarget(e.target.value)}>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="a-code">Alarm code</label>
            <input id="a-code" value={code} onChange={(e) => setCode(e.target.value)} placeholder="E205" />
          </div>
          <div className="field">
            <label htmlFor="a-reason">Reason</label>
            <select id="a-reason" value={chosenReason} onChange={(e) => setReasonId(e.target.value)}>
              {leaves.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div className="row-end">
            <Button variant="primary" busy={save.busy} disabled={!code.trim() || !chosenTarget} onClick={() => void add()}>
              Save mapping
            </Button>
          </div>
        </div>
      </section>
      {!mappings.data && mappings.loading && <Spinner label="Loading mappings…" />}
      {mappings.error ? <ErrorBanner error={mappings.error} onRetry={mappings.reload} /> : null}
      {mappings.data && (
        <section className="card perf-section">
          <div className="table-scroll">
            <table className="table" data-testid="alarm-table">
              <thead>
                <tr>
                  <th>For</th>
                  <th>Alarm code</th>
                  <th>Reason</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {mappings.data.map((m) => (
                  <tr key={`${m.scope}|${m.scopeId}|${m.alarmCode}`}>
                    <td>{m.scope === 'machine' ? (m.path ?? m.scopeId) : `class ${m.scopeId}`}</td>
                    <td>{m.alarmCode}</td>
                    <td>{reasonName(m.reasonId)}</td>
                    <td>
                      <Button variant="ghost" onClick={() => void remove(m)}>
                        Remove
                      </Button>
                    </td>
                  </tr>
                ))}
                {mappings.data.length === 0 && (
                  <tr>
                    <td colSpan={4}>No mappings yet: every long stop asks the operator for its reason.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
