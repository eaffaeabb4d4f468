// Editor for `properties: {name: {value, unit?}}` as rows, plus a JSON editor for free attributes.
import { Button } from '../platform/components.tsx';
import type { Properties } from '../platform/types.ts';

export interface PropRow {
  name: string;
  value: string;
  unit: string;
}

export function toRows(props: Properties | undefined): PropRow[] {
  return Object.entries(props ?? {}).map(([name, p]) => ({
    name,
    // no value (null, as the demo's class properties are) is an empty field, not `""` or `null`
    value: p?.value === null || p?.value === undefined ? '' : typeof p.value === 'string' ? p.value : JSON.stringify(p.value),
    unit: p?.unit ?? '',
  }));
}

/** Numbers and booleans typed as text are stored as such; an empty field is no value (null); the rest stays a string. */
function parseValue(s: string): unknown {
  const t = s.trim();
  if (t === '') return null;
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return s;
    }
  }
  return s;
}

export function fromRows(rows: PropRow[]): Properties {
  const out: Properties = {};
  for (const r of rows) {
    const name = r.name.trim();
    if (!name) continue;
    out[name] = r.unit.trim() ? { value: parseValue(r.value), unit: r.unit.trim() } : { value: parseValue(r.value) };
  }
  return out;
}

export function PropertiesEditor({
  rows,
  onChange,
  readOnly,
  error,
}: {
  rows: PropRow[];
  onChange(rows: PropRow[]): void;
  readOnly?: boolean;
  error?: string;
}) {
  const update = (i: number, patch: Partial<PropRow>) => onChange(rows.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className={`field${error ? ' has-error' : ''}`}>
      <legend>Properties</legend>
      {rows.length === 0 && <div className="muted small">No properties.</div>}
      {rows.length > 0 && (
        <div className="grid-rows props-grid">
          <div className="grid-head">Name</div>
          <div className="grid-head">Value</div>
          <div className="grid-head">Unit</div>
          <div />
          {rows.map((r, i) => (
            <PropRowInputs key={i} row={r} index={i} readOnly={readOnly} onChange={update} onRemove={() => onChange(rows.filter((_, n) => n !== i))} />
          ))}
        </div>
      )}
      {!readOnly && (
        <Button variant="ghost" onClick={() => onChange([...rows, { name: '', value: '', unit: '' }])}>
          + Add property
        </Button>
      )}
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

function PropRowInputs({
  row,
  index,
  readOnly,
  onChange,
  onRemove,
}: {
  row: PropRow;
  index: number;
  readOnly?: boolean;
  onChange(i: number, patch: Partial<PropRow>): void;
  onRemove(): void;
}) {
  return (
    <>
      <input aria-label={`Property ${index + 1} name`} value={row.name} readOnly={readOnly} onChange={(e) => onChange(index, { name: e.target.value })} />
      <input
        aria-label={`Property ${index + 1} value`}
        value={row.value}
        placeholder="—"
        readOnly={readOnly}
        onChange={(e) => onChange(index, { value: e.target.value })}
      />
      <input aria-label={`Property ${index + 1} unit`} value={row.unit} readOnly={readOnly} onChange={(e) => onChange(index, { unit: e.target.value })} />
      {readOnly ? (
        <div />
      ) : (
        <button type="button" className="icon-btn" aria-label={`Remove property ${index + 1}`} onClick={onRemove}>
          ×
        </button>
      )}
    </>
  );
}

/** Parses the attributes JSON text; returns an error message instead of throwing. */
export function parseAttributes(text: string): { value?: Record<string, unknown>; error?: string } {
  if (!text.trim()) return { value: {} };
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'Attributes must be a JSON object, e.g. {"vendor": "Engel"}' };
    return { value: v as Record<string, unknown> };
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}` };
  }
}
