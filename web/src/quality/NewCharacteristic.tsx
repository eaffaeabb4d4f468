// "New characteristic": what to measure, on which product and step, and how it is charted. The server checks every
// rule (chart fits the kind, subgroup size fits the chart, LSL below USL, the step is on the product's routing); its
// 400 messages are shown at their fields, so this form repeats none of them.
import { useMemo, useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { ChipGroup, errorFor, fieldErrors, SelectField, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import type { Product } from '../platform/types.ts';
import { CHARTS, RULE_SETS, type Characteristic } from './types.ts';

type Kind = keyof typeof CHARTS;
type RuleSetId = keyof typeof RULE_SETS;

/** A number field as the API takes it: empty is "not given"; text that is no number goes as typed, for the server to refuse. */
const numberOrNull = (s: string): number | string | null => (s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s);

export function NewCharacteristic({ onCreated, onCancel }: { onCreated(c: Characteristic): void; onCancel(): void }) {
  const products = useResource<Product[]>('/products');
  const [f, setF] = useState({
    id: '',
    name: '',
    kind: 'variable' as Kind,
    product: '',
    operationSeq: '',
    unit: '',
    nominal: '',
    lsl: '',
    usl: '',
    chart: 'i-mr',
    subgroupSize: '1',
    ruleSet: 'nelson' as RuleSetId,
    rules: [...RULE_SETS.nelson] as number[],
  });
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const product = f.product || products.data?.[0]?.id || '';
  const steps = useMemo(() => products.data?.find((p) => p.id === product)?.routing ?? [], [products.data, product]);
  const variable = f.kind === 'variable';

  const submit = () =>
    save.run(async () => {
      const body = {
        id: f.id.trim(),
        name: f.name.trim(),
        kind: f.kind,
        product,
        operationSeq: f.operationSeq ? Number(f.operationSeq) : null,
        unit: f.unit.trim() || null,
        chart: f.chart,
        // attribute samples carry their own n: a subgroup size means nothing there
        subgroupSize: variable ? (numberOrNull(f.subgroupSize) ?? 1) : 1,
        ruleSet: f.ruleSet,
        rules: [...f.rules].sort((a, b) => a - b),
        ...(variable ? { nominal: numberOrNull(f.nominal), lsl: numberOrNull(f.lsl), usl: numberOrNull(f.usl) } : {}),
      };
      onCreated(await api<Characteristic>('/quality/characteristics', { method: 'POST', body }));
    });

  return (
    <section className="card q-section" data-testid="new-characteristic">
      <h2>New characteristic</h2>
      {save.error ? <ErrorBanner error={save.error} /> : null}
      {products.error ? <ErrorBanner error={products.error} onRetry={products.reload} /> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <TextField label="Id" value={f.id} onValue={(id) => set({ id })} error={errorFor(errors, 'id')} hint="letters, digits and _ . : -" required />
          <TextField label="Name" value={f.name} onValue={(name) => set({ name })} error={errorFor(errors, 'name')} required />
          <SelectField
            label="Kind"
            value={f.kind}
            options={[
              { value: 'variable', label: 'Variable (a measured value)' },
              { value: 'attribute', label: 'Attribute (defectives or defects counted)' },
            ]}
            onValue={(k) => {
              const kind = k as Kind;
              const chart = CHARTS[kind][0].value;
              set({ kind, chart, subgroupSize: chart === 'i-mr' ? '1' : f.subgroupSize });
            }}
            error={errorFor(errors, 'kind')}
          />
          <SelectField
            label="Product"
            value={product}
            options={(products.data ?? []).map((p) => ({ value: p.id, label: `${p.id} — ${p.name}` }))}
            onValue={(p) => set({ product: p, operationSeq: '' })}
            error={errorFor(errors, 'product')}
          />
          <SelectField
            label="Step"
            value={f.operationSeq}
            placeholder="any step (the whole product)"
            options={steps.map((o) => ({ value: String(o.seq), label: `${o.seq} ${o.name}` }))}
            onValue={(operationSeq) => set({ operationSeq })}
            error={errorFor(errors, 'operationSeq')}
          />
          <SelectField
            label="Chart"
            value={f.chart}
            options={CHARTS[f.kind].map((c) => ({ value: c.value, label: c.label }))}
            onValue={(chart) => set({ chart, subgroupSize: chart === 'i-mr' ? '1' : f.subgroupSize === '1' ? '5' : f.subgroupSize })}
            error={errorFor(errors, 'chart')}
          />
          {variable && (
            <TextField
              label="Subgroup size"
              inputMode="numeric"
              value={f.subgroupSize}
              onValue={(subgroupSize) => set({ subgroupSize })}
              error={errorFor(errors, 'subgroupSize')}
            />
          )}
          {variable && <TextField label="Unit" value={f.unit} onValue={(unit) => set({ unit })} error={errorFor(errors, 'unit')} placeholder="mm" />}
          {variable && (
            <TextField label="Nominal" inputMode="decimal" value={f.nominal} onValue={(nominal) => set({ nominal })} error={errorFor(errors, 'nominal')} />
          )}
          {variable && <TextField label="LSL" inputMode="decimal" value={f.lsl} onValue={(lsl) => set({ lsl })} error={errorFor(errors, 'lsl')} />}
          {variable && <TextField label="USL" inputMode="decimal" value={f.usl} onValue={(usl) => set({ usl })} error={errorFor(errors, 'usl')} />}
          <SelectField
            label="Rule set"
            value={f.ruleSet}
            options={[
              { value: 'nelson', label: 'Nelson (8 rules)' },
              { value: 'western-electric', label: 'Western Electric (4 rules)' },
            ]}
            onValue={(r) => set({ ruleSet: r as RuleSetId, rules: [...RULE_SETS[r as RuleSetId]] })}
            error={errorFor(errors, 'ruleSet')}
          />
        </div>
        <ChipGroup
          label="Rules"
          options={RULE_SETS[f.ruleSet].map((r) => ({ value: r as number, label: `Rule ${r}` }))}
          value={f.rules}
          onChange={(rules) => set({ rules })}
          error={errorFor(errors, 'rules')}
        />
        <div className="row-end">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.busy}>
            Create characteristic
          </Button>
        </div>
      </form>
    </section>
  );
}
