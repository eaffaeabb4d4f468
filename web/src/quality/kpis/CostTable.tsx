// The cost table the cost of poor quality is priced from: a scrapped unit's cost and a reworked unit's cost per product
// (or material). Everyone reads it; quality engineers and admins set and remove costs. The server checks every value
// (a known product or material, non-negative costs, an ISO 4217 currency) and its 400s are shown at their fields.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { useUser } from '../../platform/auth.tsx';
import { Button, ErrorBanner } from '../../platform/components.tsx';
import { errorFor, fieldErrors, TextField } from '../../platform/forms.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { canEditQuality, type QualityCost } from '../types.ts';

/** A number as the API takes it: empty is "not given"; text that is no number goes as typed, for the server to refuse. */
const numberOrNull = (s: string): number | string | null => (s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s);

export function CostTable({ onChanged }: { onChanged(): void }) {
  const user = useUser();
  const costs = useResource<QualityCost[]>('/quality/costs');
  const [f, setF] = useState({ product: '', unitCost: '', reworkCost: '', currency: 'EUR' });
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const editor = canEditQuality(user);
  const done = () => {
    void costs.reload();
    onChanged();
  };
  const submit = () =>
    save.run(async () => {
      const body = { unitCost: numberOrNull(f.unitCost), reworkCost: numberOrNull(f.reworkCost), currency: f.currency.trim() };
      await api<QualityCost>(`/quality/costs/${encodeURIComponent(f.product.trim())}`, { method: 'PUT', body });
      setF({ product: '', unitCost: '', reworkCost: '', currency: f.currency });
      done();
    });
  const remove = (product: string) =>
    save.run(async () => {
      await api(`/quality/costs/${encodeURIComponent(product)}`, { method: 'DELETE' });
      done();
    });

  return (
    <section className="card q-section" data-testid="kpi-costs">
      <h2>Costs of poor quality per unit</h2>
      {costs.error ? <ErrorBanner error={costs.error} onRetry={costs.reload} /> : null}
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>Product or material</th>
              <th>Scrapped unit</th>
              <th>Reworked unit</th>
              <th>Set by</th>
              {editor ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {(costs.data ?? []).map((c) => (
              <tr key={c.product}>
                <td>{c.product}</td>
                <td>
                  {c.unitCost} {c.currency}
                </td>
                <td>{c.reworkCost === null ? '—' : `${c.reworkCost} ${c.currency}`}</td>
                <td>
                  {c.updatedBy} <span className="q-muted">{formatDateTime(c.updatedAt)}</span>
                </td>
                {editor ? (
                  <td>
                    <Button onClick={() => void remove(c.product)} disabled={save.busy}>
                      Remove
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
            {costs.data?.length === 0 && (
              <tr>
                <td colSpan={editor ? 5 : 4}>No costs set: the cost of poor quality is not known.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {editor ? (
        <form
          className="q-freeze"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <TextField
            label="Product or material"
            value={f.product}
            onValue={(product) => setF({ ...f, product })}
            error={errorFor(errors, 'product')}
            required
          />
          <TextField
            label="Scrapped unit cost"
            value={f.unitCost}
            onValue={(unitCost) => setF({ ...f, unitCost })}
            error={errorFor(errors, 'unitCost')}
            required
          />
          <TextField
            label="Reworked unit cost"
            value={f.reworkCost}
            onValue={(reworkCost) => setF({ ...f, reworkCost })}
            error={errorFor(errors, 'reworkCost')}
          />
          <TextField
            label="Currency"
            value={f.currency}
            onValue={(currency) => setF({ ...f, currency })}
            error={errorFor(errors, 'currency')}
            hint="ISO 4217, e.g. EUR"
          />
          <Button variant="primary" type="submit" disabled={save.busy}>
            Set cost
          </Button>
        </form>
      ) : null}
    </section>
  );
}
