// A characteristic's sampling plan on its page (docs/quality.md, "Sampling and checks due"): how often a check is due
// at the station — every N parts, every T minutes, the first piece after setup, or per lot — and how many parts one
// check measures. Everyone sees it; quality engineers and admins set or remove it. The server checks every rule; its
// 400s are shown at their fields.
import { useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { errorFor, fieldErrors, SelectField, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';

type Plan =
  | { kind: 'parts'; everyParts: number; sampleSize: number; graceParts: number }
  | { kind: 'time'; everyMinutes: number; sampleSize: number; graceMinutes: number }
  | { kind: 'first-piece'; sampleSize: number; graceParts: number }
  | { kind: 'lot'; sampleSize: number; graceMinutes: number };

interface PlanView {
  characteristic: string;
  plan: Plan | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

function describe(p: Plan): string {
  const n = `${p.sampleSize} part${p.sampleSize === 1 ? '' : 's'}`;
  if (p.kind === 'parts') return `${n} every ${p.everyParts} parts${p.graceParts ? `, overdue ${p.graceParts} parts later` : ''}`;
  if (p.kind === 'time') return `${n} every ${p.everyMinutes} min${p.graceMinutes ? `, overdue ${p.graceMinutes} min later` : ''}`;
  if (p.kind === 'first-piece') return `${n} as first piece after each setup${p.graceParts ? `, overdue ${p.graceParts} parts later` : ''}`;
  return `${n} for each new lot${p.graceMinutes ? `, overdue ${p.graceMinutes} min later` : ''}`;
}

export function SamplingPanel({ characteristic, canEdit }: { characteristic: string; canEdit: boolean }) {
  const path = `/quality/characteristics/${encodeURIComponent(characteristic)}/sampling`;
  const view = useResource<PlanView>(path);
  const [editing, setEditing] = useState(false);
  const v = view.data;
  return (
    <section className="card q-section" data-testid="q-sampling" aria-label="Sampling">
      <div className="signatures-head">
        <h2>Sampling</h2>
        {canEdit && v && !editing && <Button onClick={() => setEditing(true)}>{v.plan ? 'Edit sampling' : 'Set sampling'}</Button>}
      </div>
      <ErrorBanner error={view.error} onRetry={() => void view.reload()} />
      {v && !editing && (
        <p data-testid="q-sampling-summary">
          {v.plan ? describe(v.plan) : 'No sampling plan: no check of this characteristic is due at the station.'}
          {v.plan && v.updatedBy && v.updatedAt && (
            <span className="q-muted">
              {' '}
              Set by {v.updatedBy}, {formatDateTime(v.updatedAt)}.
            </span>
          )}
        </p>
      )}
      {v && editing && (
        <SamplingForm
          path={path}
          plan={v.plan}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void view.reload();
          }}
        />
      )}
    </section>
  );
}

function SamplingForm({ path, plan, onCancel, onSaved }: { path: string; plan: Plan | null; onCancel(): void; onSaved(): void }) {
  const p = plan as Partial<Record<string, unknown>> | null;
  const str = (k: string, d: string) => (p && typeof p[k] === 'number' ? String(p[k]) : d);
  const [f, setF] = useState({
    kind: plan?.kind ?? 'parts',
    every: plan?.kind === 'time' ? str('everyMinutes', '60') : str('everyParts', '100'),
    sampleSize: str('sampleSize', '1'),
    grace: plan?.kind === 'time' || plan?.kind === 'lot' ? str('graceMinutes', '0') : str('graceParts', '0'),
  });
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const num = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  const byTime = f.kind === 'time' || f.kind === 'lot';
  const body = (): unknown => {
    const common = { kind: f.kind, sampleSize: num(f.sampleSize), [byTime ? 'graceMinutes' : 'graceParts']: num(f.grace) };
    if (f.kind === 'parts') return { ...common, everyParts: num(f.every) };
    if (f.kind === 'time') return { ...common, everyMinutes: num(f.every) };
    return common;
  };
  const put = (next: unknown) =>
    save.run(async () => {
      await api(path, { method: 'PUT', body: { plan: next } });
      onSaved();
    });
  return (
    <form
      data-testid="q-sampling-form"
      onSubmit={(e) => {
        e.preventDefault();
        void put(body());
      }}
    >
      <ErrorBanner error={save.error} />
      <div className="form-grid">
        <SelectField
          label="Frequency"
          value={f.kind}
          options={[
            { value: 'parts', label: 'Every N parts' },
            { value: 'time', label: 'Every T minutes' },
            { value: 'first-piece', label: 'First piece after setup' },
            { value: 'lot', label: 'Each new lot' },
          ]}
          onValue={(kind) => set({ kind: kind as Plan['kind'] })}
        />
        {(f.kind === 'parts' || f.kind === 'time') && (
          <TextField
            label={f.kind === 'parts' ? 'Every (parts)' : 'Every (minutes)'}
            inputMode="numeric"
            value={f.every}
            onValue={(every) => set({ every })}
            error={errorFor(errors, 'plan.everyParts') ?? errorFor(errors, 'plan.everyMinutes')}
          />
        )}
        <TextField
          label="Sample size"
          inputMode="numeric"
          value={f.sampleSize}
          onValue={(sampleSize) => set({ sampleSize })}
          error={errorFor(errors, 'plan.sampleSize')}
        />
        <TextField
          label={byTime ? 'Grace (minutes)' : 'Grace (parts)'}
          inputMode="numeric"
          value={f.grace}
          onValue={(grace) => set({ grace })}
          error={errorFor(errors, byTime ? 'plan.graceMinutes' : 'plan.graceParts')}
        />
      </div>
      <div className="row-end">
        <Button onClick={onCancel}>Cancel</Button>
        {plan && (
          <Button variant="danger" onClick={() => void put(null)} busy={save.busy}>
            Remove plan
          </Button>
        )}
        <Button type="submit" variant="primary" busy={save.busy}>
          Save sampling
        </Button>
      </div>
    </form>
  );
}
