// /maintenance/plans: every preventive plan with its machines — basis, last done, next due (a time, or the usage
// toward its due point with a progress bar) and status — and the form to create or edit one (maintenance, admin).
import { useState } from 'react';
import { Badge, Button, Empty, ErrorBanner, PageHeader } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource } from '../../platform/hooks.ts';
import { PlanForm } from './PlanForm.tsx';
import './plans.css';
import { BASIS_LABEL, STATUS_LABEL, STATUS_TONE, unitOf, type MachineDue, type Plan } from './types.ts';

const fmt = (n: number) => (Math.round(n * 100) / 100).toLocaleString('en');

function every(p: Plan): string {
  if (p.basis === 'condition') return `${p.counterTag} ${p.conditionOp} ${p.conditionLimit}`;
  return `every ${fmt(p.interval ?? 0)} ${unitOf(p)}${p.basis === 'cycles' || p.basis === 'tonnes' ? ` (${p.counterTag})` : ''}`;
}

function NextDue({ plan, m }: { plan: Plan; m: MachineDue }) {
  if (plan.basis === 'condition')
    return (
      <span>
        {m.due ? `met ${formatDateTime(m.due)}` : 'not met'}
        {m.lastValue && <small className="muted"> · now {fmt(m.lastValue.value)}</small>}
      </span>
    );
  const pct = Math.round(Math.min(1, m.progress ?? 0) * 100);
  const label =
    plan.basis === 'calendar'
      ? formatDateTime(m.due!)
      : `${fmt(m.usage ?? 0)} / ${fmt(m.dueAtUsage ?? 0)} ${unitOf(plan)}${m.due ? ` · reached ${formatDateTime(m.due)}` : ''}`;
  return (
    <div>
      <div>{label}</div>
      <div
        className={`pm-progress pm-${m.status}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={`${plan.id} ${m.equipment} toward due`}
      >
        <span style={{ width: `${pct}%` }} />
        <em>{pct} %</em>
      </div>
    </div>
  );
}

export function PlanList() {
  const list = useResource<Plan[]>('/maintenance/plans');
  const [editing, setEditing] = useState<Plan | 'new' | null>(null);
  return (
    <div className="page" data-testid="plan-list">
      <PageHeader
        title="Preventive plans"
        actions={
          <Button variant="primary" onClick={() => setEditing('new')}>
            New plan
          </Button>
        }
      />
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {list.data && list.data.length === 0 && <Empty title="No preventive plans">Create one for a machine or an equipment class.</Empty>}
      {list.data && list.data.length > 0 && (
        <div className="table-scroll">
          <table className="table plan-table">
            <thead>
              <tr>
                <th>Plan</th>
                <th>Basis</th>
                <th>Machine</th>
                <th>Last done</th>
                <th>Next due</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {list.data.flatMap((p) =>
                (p.machines.length ? p.machines : [null]).map((m, i) => (
                  <tr key={`${p.id}-${m?.equipmentId ?? 'none'}`} data-testid={`plan-row-${p.id}`}>
                    {i === 0 && (
                      <td rowSpan={Math.max(1, p.machines.length)}>
                        <button type="button" className="link" onClick={() => setEditing(p)}>
                          {p.id}
                        </button>{' '}
                        {p.name}
                        {!p.active && <Badge tone="neutral">inactive</Badge>}
                      </td>
                    )}
                    {i === 0 && (
                      <td rowSpan={Math.max(1, p.machines.length)}>
                        {BASIS_LABEL[p.basis]}
                        <br />
                        <small className="muted">{every(p)}</small>
                      </td>
                    )}
                    <td>{m ? m.equipment : `class ${p.equipmentClass}: no machines`}</td>
                    <td>{m?.lastDone ? `${formatDateTime(m.lastDone.at)}${m.lastDone.workOrderId ? ` (${m.lastDone.workOrderId})` : ''}` : '—'}</td>
                    <td>{m ? <NextDue plan={p} m={m} /> : '—'}</td>
                    <td>{m && <Badge tone={STATUS_TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge>}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <PlanForm
          plan={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      )}
    </div>
  );
}
