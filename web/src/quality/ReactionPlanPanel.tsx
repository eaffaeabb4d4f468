// The reaction plan (OCAP) of one characteristic on its page (docs/quality.md, "Reaction plans"): what triggers it —
// a value out of spec, which of the characteristic's SPC rules — and what it does: alarm, hold (the lot and the
// operation) or stop (the machine too). Everyone sees it; quality engineers and admins edit it. The server checks
// every rule; its 400s are shown at their fields.
import { useEffect, useState } from 'react';
import { api } from '../platform/api.ts';
import { Badge, Button, ErrorBanner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { ChipGroup, errorFor, fieldErrors, SelectField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';

type ReactionAction = 'alarm' | 'hold' | 'stop';

export interface ReactionPlan {
  characteristic: string;
  onSpec: boolean;
  rules: number[];
  action: ReactionAction;
  updatedBy: string;
  updatedAt: string;
}

const ACTION_LABEL: Record<ReactionAction, string> = {
  alarm: 'Alarm: record the reaction and tell quality',
  hold: 'Hold: also hold the lot in production and the operation',
  stop: 'Stop: also stop the machine',
};
const ACTION_TONE = { alarm: 'warn', hold: 'danger', stop: 'danger' } as const;

/** The plan of a characteristic whose SPC rules are `rules` (the ones a plan can react to). */
export function ReactionPlanPanel({ characteristic, rules, canEdit }: { characteristic: string; rules: number[]; canEdit: boolean }) {
  const path = `/quality/characteristics/${encodeURIComponent(characteristic)}/reaction-plan`;
  const plan = useResource<ReactionPlan | null>(path);
  const [editing, setEditing] = useState(false);
  const p = plan.data;
  return (
    <section className="card q-section" data-testid="q-reaction-plan" aria-label="Reaction plan">
      <div className="signatures-head">
        <h2>Reaction plan</h2>
        {canEdit && !editing && plan.data !== undefined && <Button onClick={() => setEditing(true)}>{p ? 'Edit plan' : 'Set a plan'}</Button>}
      </div>
      <ErrorBanner error={plan.error} onRetry={() => void plan.reload()} />
      {plan.data === null && !editing && <p className="q-muted">No reaction plan: out-of-spec values and rule violations are charted, nothing more.</p>}
      {p && !editing && (
        <p data-testid="q-reaction-plan-summary">
          <Badge tone={ACTION_TONE[p.action]}>{p.action}</Badge> on {triggersOf(p)}.{' '}
          <span className="q-muted">
            Set by {p.updatedBy}, {formatDateTime(p.updatedAt)}.
          </span>
        </p>
      )}
      {editing && plan.data !== undefined && (
        <PlanForm
          path={path}
          plan={plan.data}
          rules={rules}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void plan.reload();
          }}
        />
      )}
    </section>
  );
}

function triggersOf(p: Pick<ReactionPlan, 'onSpec' | 'rules'>): string {
  const t = [p.onSpec ? 'a value out of spec' : '', p.rules.length ? `SPC rule${p.rules.length > 1 ? 's' : ''} ${p.rules.join(', ')}` : ''].filter(Boolean);
  return t.length ? t.join(' or ') : 'nothing (no trigger chosen)';
}

function PlanForm({ path, plan, rules, onCancel, onSaved }: { path: string; plan: ReactionPlan | null; rules: number[]; onCancel(): void; onSaved(): void }) {
  const [f, setF] = useState({ onSpec: plan?.onSpec ?? true, rules: plan?.rules ?? [], action: plan?.action ?? ('alarm' as ReactionAction) });
  useEffect(() => setF({ onSpec: plan?.onSpec ?? true, rules: plan?.rules ?? [], action: plan?.action ?? 'alarm' }), [plan]);
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const submit = () =>
    save.run(async () => {
      await api(path, { method: 'PUT', body: { onSpec: f.onSpec, rules: [...f.rules].sort((a, b) => a - b), action: f.action } });
      onSaved();
    });
  // the characteristic's own rules, and any the plan names already (so none is dropped silently)
  const offered = [...new Set([...rules, ...(plan?.rules ?? [])])].sort((a, b) => a - b);
  return (
    <form
      data-testid="q-reaction-plan-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ErrorBanner error={save.error} />
      <SelectField
        label="Action"
        value={f.action}
        options={(['alarm', 'hold', 'stop'] as const).map((a) => ({ value: a, label: ACTION_LABEL[a] }))}
        onValue={(action) => setF((x) => ({ ...x, action: action as ReactionAction }))}
        error={errorFor(errors, 'action')}
      />
      <ChipGroup
        label="Triggers"
        options={[{ value: 'spec', label: 'Out of spec' }]}
        value={f.onSpec ? ['spec'] : []}
        onChange={(v) => setF((x) => ({ ...x, onSpec: v.includes('spec') }))}
        error={errorFor(errors, 'onSpec')}
      />
      <ChipGroup
        label="SPC rules"
        options={offered.map((r) => ({ value: r, label: `Rule ${r}` }))}
        value={f.rules}
        onChange={(next) => setF((x) => ({ ...x, rules: next }))}
        error={errorFor(errors, 'rules')}
      />
      <p className="q-muted">Reacts to {triggersOf(f)}.</p>
      <div className="row-end">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={save.busy}>
          Save plan
        </Button>
      </div>
    </form>
  );
}
