// Editor for a product's routing: an ordered list of operations with parameters and BOM lines.
import { Button } from '../platform/components.tsx';
import { errorFor, SelectField, TextAreaField, TextField, type FieldErrors, type Option } from '../platform/forms.tsx';
import { newOp, type BomDraft, type OpDraft, type ParamDraft } from './routingDraft.ts';

interface Choices {
  workCenters: Option[];
  classes: Option[];
  materials: Option[];
}

export function RoutingEditor({
  ops,
  onChange,
  readOnly,
  errors,
  choices,
}: {
  ops: OpDraft[];
  onChange(ops: OpDraft[]): void;
  readOnly: boolean;
  errors: FieldErrors;
  choices: Choices;
}) {
  const update = (i: number, patch: Partial<OpDraft>) => onChange(ops.map((o, n) => (n === i ? { ...o, ...patch } : o)));
  const move = (i: number, d: -1 | 1) => {
    const j = i + d;
    if (j < 0 || j >= ops.length) return;
    const next = [...ops];
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
  };
  return (
    <section className="routing" aria-label="Routing">
      <div className="section-head">
        <h3>Routing</h3>
        {!readOnly && (
          <Button variant="ghost" onClick={() => onChange([...ops, newOp(ops)])}>
            + Add operation
          </Button>
        )}
      </div>
      {errors.routing && <div className="field-error">{errors.routing}</div>}
      {ops.length === 0 && <div className="muted small">No operations. A product needs at least one to be produced.</div>}
      <ol className="op-list">
        {ops.map((op, i) => {
          const p = `routing.${i}`;
          return (
            <li key={op.key} className="op-card" aria-label={`Operation ${op.seq} ${op.name}`}>
              <div className="op-head">
                <span className="op-seq">{op.seq || '—'}</span>
                <span className="op-name">{op.name || 'New operation'}</span>
                {!readOnly && (
                  <span className="op-tools">
                    <button type="button" className="icon-btn" aria-label="Move up" disabled={i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </button>
                    <button type="button" className="icon-btn" aria-label="Move down" disabled={i === ops.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </button>
                    <button
                      type="button"
                      className="icon-btn"
                      aria-label={`Remove operation ${op.seq}`}
                      onClick={() => onChange(ops.filter((_, n) => n !== i))}
                    >
                      ×
                    </button>
                  </span>
                )}
              </div>
              <div className="form-grid">
                <TextField
                  label="Seq"
                  inputMode="numeric"
                  value={op.seq}
                  onValue={(v) => update(i, { seq: v })}
                  readOnly={readOnly}
                  error={errors[`${p}.seq`]}
                />
                <TextField label="Operation name" value={op.name} onValue={(v) => update(i, { name: v })} readOnly={readOnly} error={errors[`${p}.name`]} />
                <SelectField
                  label="Work center"
                  value={op.workCenter}
                  onValue={(v) => update(i, { workCenter: v })}
                  disabled={readOnly}
                  placeholder="Any"
                  options={withCurrent(choices.workCenters, op.workCenter)}
                  error={errors[`${p}.workCenter`]}
                />
                <SelectField
                  label="Equipment class"
                  value={op.equipmentClass}
                  onValue={(v) => update(i, { equipmentClass: v })}
                  disabled={readOnly}
                  placeholder="Any"
                  options={withCurrent(choices.classes, op.equipmentClass)}
                  error={errors[`${p}.equipmentClass`]}
                />
                <TextField
                  label="Ideal cycle time (s)"
                  inputMode="decimal"
                  value={op.idealCycleTimeS}
                  onValue={(v) => update(i, { idealCycleTimeS: v })}
                  readOnly={readOnly}
                  error={errors[`${p}.idealCycleTimeS`]}
                />
                <TextField
                  label="Setup time (s)"
                  inputMode="decimal"
                  value={op.setupTimeS}
                  onValue={(v) => update(i, { setupTimeS: v })}
                  readOnly={readOnly}
                  error={errors[`${p}.setupTimeS`]}
                />
              </div>
              <ParamTable
                rows={op.parameters}
                onChange={(parameters) => update(i, { parameters })}
                readOnly={readOnly}
                error={errorFor(errors, `${p}.parameters`)}
              />
              <BomTable
                rows={op.bom}
                onChange={(bom) => update(i, { bom })}
                readOnly={readOnly}
                error={errorFor(errors, `${p}.bom`)}
                materials={choices.materials}
              />
              <TextAreaField label="Work instructions" value={op.instructions} onValue={(v) => update(i, { instructions: v })} readOnly={readOnly} rows={2} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function withCurrent(options: Option[], current: string): Option[] {
  return !current || options.some((o) => o.value === current) ? options : [{ value: current, label: current }, ...options];
}

function ParamTable({ rows, onChange, readOnly, error }: { rows: ParamDraft[]; onChange(r: ParamDraft[]): void; readOnly: boolean; error?: string }) {
  const set = (i: number, patch: Partial<ParamDraft>) => onChange(rows.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className={`field${error ? ' has-error' : ''}`}>
      <legend>Process parameters</legend>
      {rows.length > 0 && (
        <div className="grid-rows param-grid">
          {['Name', 'Target', 'Min', 'Max', 'Unit', ''].map((h, k) => (
            <div key={k} className="grid-head">
              {h}
            </div>
          ))}
          {rows.map((r, i) => (
            <ParamRow key={i} r={r} i={i} set={set} readOnly={readOnly} remove={() => onChange(rows.filter((_, n) => n !== i))} />
          ))}
        </div>
      )}
      {!readOnly && (
        <Button variant="ghost" onClick={() => onChange([...rows, { name: '', target: '', min: '', max: '', unit: '' }])}>
          + Add parameter
        </Button>
      )}
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

function ParamRow({
  r,
  i,
  set,
  readOnly,
  remove,
}: {
  r: ParamDraft;
  i: number;
  set(i: number, p: Partial<ParamDraft>): void;
  readOnly: boolean;
  remove(): void;
}) {
  const cell = (k: keyof ParamDraft, label: string, mode?: 'decimal') => (
    <input aria-label={`Parameter ${i + 1} ${label}`} inputMode={mode} value={r[k]} readOnly={readOnly} onChange={(e) => set(i, { [k]: e.target.value })} />
  );
  return (
    <>
      {cell('name', 'name')}
      {cell('target', 'target', 'decimal')}
      {cell('min', 'min', 'decimal')}
      {cell('max', 'max', 'decimal')}
      {cell('unit', 'unit')}
      {readOnly ? (
        <div />
      ) : (
        <button type="button" className="icon-btn" aria-label={`Remove parameter ${i + 1}`} onClick={remove}>
          ×
        </button>
      )}
    </>
  );
}

function BomTable({
  rows,
  onChange,
  readOnly,
  error,
  materials,
}: {
  rows: BomDraft[];
  onChange(r: BomDraft[]): void;
  readOnly: boolean;
  error?: string;
  materials: Option[];
}) {
  const set = (i: number, patch: Partial<BomDraft>) => onChange(rows.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className={`field${error ? ' has-error' : ''}`}>
      <legend>Bill of materials</legend>
      {rows.length > 0 && (
        <div className="grid-rows bom-grid">
          {['Material', 'Quantity', 'Unit', ''].map((h, k) => (
            <div key={k} className="grid-head">
              {h}
            </div>
          ))}
          {rows.map((r, i) => (
            <BomRow key={i} r={r} i={i} set={set} readOnly={readOnly} materials={materials} remove={() => onChange(rows.filter((_, n) => n !== i))} />
          ))}
        </div>
      )}
      {!readOnly && (
        <Button variant="ghost" onClick={() => onChange([...rows, { materialId: '', quantity: '1', unit: '' }])}>
          + Add material
        </Button>
      )}
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

function BomRow({
  r,
  i,
  set,
  readOnly,
  materials,
  remove,
}: {
  r: BomDraft;
  i: number;
  set(i: number, p: Partial<BomDraft>): void;
  readOnly: boolean;
  materials: Option[];
  remove(): void;
}) {
  return (
    <>
      <select aria-label={`BOM line ${i + 1} material`} value={r.materialId} disabled={readOnly} onChange={(e) => set(i, { materialId: e.target.value })}>
        <option value="">Choose…</option>
        {withCurrent(materials, r.materialId).map((m) => (
          <option key={m.value} value={m.value}>
            {m.label}
          </option>
        ))}
      </select>
      <input
        aria-label={`BOM line ${i + 1} quantity`}
        inputMode="decimal"
        value={r.quantity}
        readOnly={readOnly}
        onChange={(e) => set(i, { quantity: e.target.value })}
      />
      <input aria-label={`BOM line ${i + 1} unit`} value={r.unit} readOnly={readOnly} onChange={(e) => set(i, { unit: e.target.value })} />
      {readOnly ? (
        <div />
      ) : (
        <button type="button" className="icon-btn" aria-label={`Remove BOM line ${i + 1}`} onClick={remove}>
          ×
        </button>
      )}
    </>
  );
}
