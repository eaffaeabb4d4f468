// Downloading a product's parameter set to one machine: pick an operation of a routing that runs on it, check the
// values against the parameters' limits, and send them as one writeParameters command.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, ErrorBanner, Spinner } from '../platform/components.tsx';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import type { Equipment, Operation, ProcessParameter, Product } from '../platform/types.ts';
import { parseDecimal } from '../connectors/TagsEditor.tsx';
import type { Scalar } from '../connectors/types.ts';

/** An operation of a product's routing that can run on this machine. */
export interface Candidate {
  key: string;
  product: Product;
  op: Operation;
}

export function candidatesFor(eq: Equipment, products: Product[]): Candidate[] {
  const out: Candidate[] = [];
  for (const product of products)
    for (const op of product.routing ?? [])
      if (op.workCenter === eq.path || (eq.equipmentClass && op.equipmentClass === eq.equipmentClass))
        out.push({ key: `${product.id}\u0000${op.seq}`, product, op });
  return out.sort((a, b) => a.product.id.localeCompare(b.product.id) || a.op.seq - b.op.seq);
}

type ParamKind = 'number' | 'boolean' | 'string';
const kindOf = (p: ProcessParameter): ParamKind =>
  typeof p.target === 'boolean' ? 'boolean' : typeof p.target === 'number' || p.min !== undefined || p.max !== undefined ? 'number' : 'string';

/** The value to send for a parameter, or the reason it cannot be sent. */
export function checkParameter(p: ProcessParameter, text: string): { value?: Scalar; error?: string } {
  const kind = kindOf(p);
  if (kind === 'boolean') return { value: text === 'true' };
  if (kind === 'string') return text.trim() === '' ? { error: 'enter a value' } : { value: text };
  if (text.trim() === '') return { error: 'enter a value' };
  const n = parseDecimal(text);
  if (!Number.isFinite(n)) return { error: 'not a number' };
  const unit = p.unit ? ` ${p.unit}` : '';
  if (p.min !== undefined && n < p.min) return { error: `below the minimum ${p.min}${unit}` };
  if (p.max !== undefined && n > p.max) return { error: `above the maximum ${p.max}${unit}` };
  return { value: n };
}

export function ParameterDownload({
  eq,
  disabled,
  onSend,
  onClose,
}: {
  eq: Equipment;
  disabled: boolean;
  onSend(parameters: Record<string, Scalar>, reason: string): void;
  onClose(): void;
}) {
  const products = useResource<Product[]>('/products');
  const candidates = useMemo(() => candidatesFor(eq, products.data ?? []), [eq, products.data]);
  const [key, setKey] = useState('');
  const chosen = candidates.find((c) => c.key === key) ?? (candidates.length === 1 ? candidates[0] : undefined);
  const params = chosen?.op.parameters ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const loadedFor = useRef<string | null>(null);

  // Targets are filled in whenever another operation is picked.
  useEffect(() => {
    if (!chosen || loadedFor.current === chosen.key) return;
    loadedFor.current = chosen.key;
    const next: Record<string, string> = {};
    for (const p of chosen.op.parameters ?? []) next[p.name] = p.target === undefined ? '' : String(p.target);
    setValues(next);
    setTried(false);
  }, [chosen]);

  const checked = params.map((p) => ({ p, ...checkParameter(p, values[p.name] ?? '') }));
  const invalid = checked.some((c) => c.error);

  const submit = () => {
    setTried(true);
    if (!chosen || invalid || params.length === 0) return;
    const out: Record<string, Scalar> = {};
    for (const c of checked) out[c.p.name] = c.value!;
    const why = reason.trim() || `${chosen.product.id} op ${chosen.op.seq}`;
    onSend(out, why);
  };

  return (
    <div className="param-download" id="param-download" data-testid="param-download">
      <div className="param-download-head">
        <h3>Download parameter set</h3>
        <button type="button" className="icon-btn" aria-label="Close the parameter download" onClick={onClose}>
          ×
        </button>
      </div>
      <ErrorBanner error={products.error} onRetry={() => void products.reload()} />
      {products.loading && !products.data ? (
        <Spinner label="Loading products…" />
      ) : candidates.length === 0 ? (
        <p className="muted">
          No product's routing runs on this machine: an operation needs work centre <code>{eq.path}</code>
          {eq.equipmentClass ? (
            <>
              {' '}
              or equipment class <code>{eq.equipmentClass}</code>
            </>
          ) : null}
          .
        </p>
      ) : (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <SelectField
            label="Product and operation"
            value={chosen?.key ?? ''}
            onValue={setKey}
            placeholder={candidates.length === 1 ? undefined : 'Choose…'}
            options={candidates.map((c) => ({
              value: c.key,
              label: `${c.product.id} — ${c.product.name} · op ${c.op.seq} ${c.op.name}`,
            }))}
            className="param-product"
          />
          {chosen && params.length === 0 && <p className="muted">This operation has no process parameters.</p>}
          {chosen && params.length > 0 && (
            <div className="table-scroll">
              <table className="table param-table" data-testid="param-table">
                <thead>
                  <tr>
                    <th>Parameter</th>
                    <th>Value</th>
                    <th>Target</th>
                    <th>Min</th>
                    <th>Max</th>
                    <th>Unit</th>
                  </tr>
                </thead>
                <tbody>
                  {checked.map(({ p, error }) => {
                    const id = `param-${p.name}`;
                    const show = error && (tried || (values[p.name] ?? '') !== String(p.target ?? ''));
                    const kind = kindOf(p);
                    return (
                      <tr key={p.name} className={show ? 'has-error' : undefined}>
                        <th scope="row">
                          <label htmlFor={id}>
                            <code>{p.name}</code>
                          </label>
                        </th>
                        <td className="param-input">
                          {kind === 'boolean' ? (
                            <select id={id} value={values[p.name] ?? 'false'} onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))}>
                              <option value="true">true</option>
                              <option value="false">false</option>
                            </select>
                          ) : (
                            <input
                              id={id}
                              inputMode={kind === 'number' ? 'decimal' : undefined}
                              value={values[p.name] ?? ''}
                              aria-invalid={show ? true : undefined}
                              aria-describedby={show ? `${id}-err` : undefined}
                              onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))}
                            />
                          )}
                          {show && (
                            <div className="field-error" id={`${id}-err`} role="alert">
                              {error}
                            </div>
                          )}
                        </td>
                        <td className="num">{p.target === undefined ? '—' : String(p.target)}</td>
                        <td className="num">{p.min ?? '—'}</td>
                        <td className="num">{p.max ?? '—'}</td>
                        <td>{p.unit ?? ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {chosen && params.length > 0 && (
            <div className="form-foot">
              <TextField
                label="Reason (optional, kept in the audit trail)"
                value={reason}
                onValue={setReason}
                placeholder={`${chosen.product.id} op ${chosen.op.seq}`}
                className="grow"
              />
              <div className="form-buttons">
                <Button type="submit" variant="primary" disabled={disabled || (tried && invalid)}>
                  Send to machine
                </Button>
              </div>
            </div>
          )}
        </form>
      )}
    </div>
  );
}
