// The create/edit form of a preventive plan (a dialog over the plans list): the machine or class, the basis with its
// interval, counter or condition, lead, tolerance, task list and estimate. The server checks the whole plan; its 400
// names the field, shown at that field.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { Button, ErrorBanner, Modal } from '../../platform/components.tsx';
import { errorFor, fieldErrors, num, orNull, SelectField, TextAreaField, TextField } from '../../platform/forms.tsx';
import { useSubmit } from '../../platform/hooks.ts';
import { BASIS_LABEL, type Plan, type PlanBasis } from './types.ts';

type Draft = Record<
  | 'name'
  | 'target'
  | 'equipment'
  | 'equipmentClass'
  | 'basis'
  | 'interval'
  | 'intervalUnit'
  | 'counterTag'
  | 'counterUnit'
  | 'tag'
  | 'op'
  | 'limit'
  | 'lead'
  | 'tolerance'
  | 'tasks'
  | 'estimateMinutes',
  string
>;

const draftOf = (p?: Plan): Draft => ({
  name: p?.name ?? '',
  target: p?.equipmentClass ? 'class' : 'machine',
  equipment: p?.equipment ?? '',
  equipmentClass: p?.equipmentClass ?? '',
  basis: p?.basis ?? 'calendar',
  interval: p?.interval == null ? '' : String(p.interval),
  intervalUnit: p?.intervalUnit ?? 'days',
  counterTag: p?.basis === 'condition' ? '' : (p?.counterTag ?? ''),
  counterUnit: p?.counterUnit ?? 'kg',
  tag: p?.basis === 'condition' ? (p.counterTag ?? '') : '',
  op: p?.conditionOp ?? 'above',
  limit: p?.conditionLimit == null ? '' : String(p.conditionLimit),
  lead: p ? String(p.lead) : '0',
  tolerance: p ? String(p.tolerance) : '0',
  tasks: p?.tasks ?? '',
  estimateMinutes: p?.estimateMinutes == null ? '' : String(p.estimateMinutes),
});

/** The request body: only the fields of the chosen basis. */
function bodyOf(d: Draft): Record<string, unknown> {
  const basis = d.basis as PlanBasis;
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    basis,
    lead: d.lead.trim() === '' ? 0 : num(d.lead),
    tolerance: d.tolerance.trim() === '' ? 0 : num(d.tolerance),
    tasks: d.tasks,
    estimateMinutes: d.estimateMinutes.trim() === '' ? null : num(d.estimateMinutes),
  };
  if (d.target === 'class') body.equipmentClass = orNull(d.equipmentClass);
  else body.equipment = orNull(d.equipment);
  if (basis === 'condition') body.condition = { tag: d.tag.trim(), op: d.op, limit: num(d.limit) };
  else body.interval = num(d.interval);
  if (basis === 'calendar') body.intervalUnit = d.intervalUnit;
  if ((basis === 'cycles' || basis === 'tonnes') && d.counterTag.trim() !== '') body.counterTag = d.counterTag.trim();
  if (basis === 'tonnes') body.counterUnit = d.counterUnit;
  return body;
}

export function PlanForm({ plan, onClose, onSaved }: { plan?: Plan; onClose(): void; onSaved(p: Plan): void }) {
  const [d, setD] = useState<Draft>(() => draftOf(plan));
  const submit = useSubmit();
  const errors = fieldErrors(submit.error);
  const set = (k: keyof Draft) => (v: string) => setD((x) => ({ ...x, [k]: v }));
  /** a field's value, its setter and the server's error for it (under `errorKey` when the API names it otherwise) */
  const field = (k: keyof Draft, errorKey: string = k) => ({ value: d[k], onValue: set(k), error: errorFor(errors, errorKey) });
  const basis = d.basis as PlanBasis;
  const unit = { calendar: 'days', cycles: 'cycles', hours: 'running hours', tonnes: 'tonnes', condition: '' }[basis];
  const save = () =>
    void submit.run(async () => {
      const saved = plan
        ? await api<Plan>(`/maintenance/plans/${plan.id}`, { method: 'PUT', body: bodyOf(d) })
        : await api<Plan>('/maintenance/plans', { method: 'POST', body: bodyOf(d) });
      onSaved(saved);
    });
  return (
    <Modal
      title={plan ? `Edit ${plan.id}` : 'New preventive plan'}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={submit.busy} onClick={save}>
            Save plan
          </Button>
        </>
      }
    >
      <form
        className="form-grid"
        data-testid="plan-form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <TextField label="Name" {...field('name')} required />
        <SelectField
          label="For"
          value={d.target}
          options={[
            { value: 'machine', label: 'One machine' },
            { value: 'class', label: 'Every machine of a class' },
          ]}
          onValue={set('target')}
        />
        {d.target === 'machine' ? (
          <TextField label="Machine (path or id)" {...field('equipment')} />
        ) : (
          <TextField label="Equipment class" {...field('equipmentClass')} />
        )}
        <SelectField
          label="Basis"
          value={d.basis}
          options={Object.entries(BASIS_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={set('basis')}
          error={errorFor(errors, 'basis')}
        />
        {basis !== 'condition' && <TextField label={`Every (${basis === 'calendar' ? d.intervalUnit : unit})`} inputMode="decimal" {...field('interval')} />}
        {basis === 'calendar' && (
          <SelectField
            label="Calendar unit"
            value={d.intervalUnit}
            options={[
              { value: 'days', label: 'Days' },
              { value: 'weeks', label: 'Weeks' },
            ]}
            onValue={set('intervalUnit')}
            error={errorFor(errors, 'intervalUnit')}
          />
        )}
        {(basis === 'cycles' || basis === 'tonnes') && (
          <TextField label="Counter tag" placeholder={basis === 'cycles' ? 'good' : 'material_kg'} {...field('counterTag')} />
        )}
        {basis === 'tonnes' && (
          <SelectField
            label="Counter unit"
            value={d.counterUnit}
            options={[
              { value: 'kg', label: 'kg' },
              { value: 't', label: 't' },
            ]}
            onValue={set('counterUnit')}
            error={errorFor(errors, 'counterUnit')}
          />
        )}
        {basis === 'condition' && (
          <>
            <TextField label="Tag" {...field('tag', 'condition')} />
            <SelectField
              label="Due when the tag is"
              value={d.op}
              options={[
                { value: 'above', label: 'above the limit' },
                { value: 'below', label: 'below the limit' },
              ]}
              onValue={set('op')}
            />
            <TextField label="Limit" inputMode="decimal" value={d.limit} onValue={set('limit')} />
          </>
        )}
        {basis !== 'condition' && (
          <>
            <TextField label={`Lead (${basis === 'calendar' ? 'days' : unit})`} inputMode="decimal" {...field('lead')} />
            <TextField label={`Tolerance ± (${basis === 'calendar' ? 'days' : unit})`} inputMode="decimal" {...field('tolerance')} />
          </>
        )}
        <TextField label="Estimate (minutes)" inputMode="decimal" {...field('estimateMinutes')} />
        <TextAreaField label="Tasks (checklist)" {...field('tasks')} rows={4} />
      </form>
      {Object.keys(errors).length === 0 && <ErrorBanner error={submit.error} />}
    </Modal>
  );
}
