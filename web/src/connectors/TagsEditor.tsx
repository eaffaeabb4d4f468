// Editor for the `tags` of a machine or an equipment class: name, role, type, unit, limits, counter rollover and a
// description per tag. A table on wide forms; each tag becomes a small card of labelled fields on narrow ones.
import type { ReactNode } from 'react';
import { Button } from '../platform/components.tsx';
import type { FieldErrors } from '../platform/forms.tsx';
import { TAG_ROLES, TAG_TYPES, type TagDef, type TagRole, type TagType } from './types.ts';
import './connectors.css';

export interface TagRow {
  name: string;
  role: string;
  type: string;
  unit: string;
  min: string;
  max: string;
  rollover: string;
  description: string;
}

const ROLE_LABELS: Record<TagRole, string> = {
  state: 'state (PackML)',
  mode: 'mode',
  good: 'good count',
  scrap: 'scrap count',
  cycle_time: 'cycle time',
  alarm: 'alarm',
  online: 'online',
  process: 'process value',
};

const TAG_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const EMPTY: TagRow = { name: '', role: '', type: '', unit: '', min: '', max: '', rollover: '', description: '' };

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function toTagRows(tags: TagDef[] | undefined): TagRow[] {
  return (tags ?? []).map((t) => ({
    name: t.name ?? '',
    role: t.role ?? '',
    type: t.type ?? '',
    unit: t.unit ?? '',
    min: str(t.min),
    max: str(t.max),
    rollover: str(t.rollover),
    description: t.description ?? '',
  }));
}

/** A decimal typed with a comma or a point; NaN when it is not a number. */
export function parseDecimal(s: string): number {
  const t = s.trim().replace(',', '.');
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

const isBlank = (r: TagRow) => Object.values(r).every((v) => v.trim() === '');

/** The tag list to send, and the problems found in the browser (keyed like the server's paths: `0.min`). */
export function fromTagRows(rows: TagRow[]): { value: TagDef[]; errors: FieldErrors } {
  const value: TagDef[] = [];
  const errors: FieldErrors = {};
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    if (isBlank(r)) return;
    const name = r.name.trim();
    if (!name) errors[`${i}.name`] = 'a tag needs a name';
    else if (!TAG_NAME.test(name)) errors[`${i}.name`] = 'letters, digits and _ . : - only';
    else if (seen.has(name)) errors[`${i}.name`] = `'${name}' is declared twice`;
    seen.set(name, i);
    const t: TagDef = { name };
    if (r.role) t.role = r.role as TagRole;
    if (r.type) t.type = r.type as TagType;
    if (r.unit.trim()) t.unit = r.unit.trim();
    for (const k of ['min', 'max'] as const) {
      if (!r[k].trim()) continue;
      const n = parseDecimal(r[k]);
      if (Number.isFinite(n)) t[k] = n;
      else errors[`${i}.${k}`] = 'not a number';
    }
    if (t.min !== undefined && t.max !== undefined && t.min > t.max) errors[`${i}.min`] = 'min is above max';
    if (r.rollover.trim()) {
      const n = parseDecimal(r.rollover);
      if (Number.isInteger(n) && n > 0) t.rollover = n;
      else errors[`${i}.rollover`] = 'a whole number above 0';
    }
    if (r.description.trim()) t.description = r.description.trim();
    value.push(t);
  });
  return { value, errors };
}

/**
 * `errors` holds the browser's and the server's messages, keyed relative to the list (`3.name`). Rows that are left
 * completely empty are dropped on save.
 */
export function TagsEditor({
  rows,
  onChange,
  readOnly,
  errors,
  error,
  inherited,
}: {
  rows: TagRow[];
  onChange(rows: TagRow[]): void;
  readOnly?: boolean;
  errors: FieldErrors;
  /** An error for the list as a whole. */
  error?: string;
  /** Tags that come from the equipment class (shown, not edited here). */
  inherited?: { from: string; tags: TagDef[] };
}) {
  const update = (i: number, patch: Partial<TagRow>) => onChange(rows.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  const cell = (i: number, key: keyof TagRow, label: string, input: (props: { id: string; 'aria-invalid'?: boolean }) => ReactNode, className = '') => {
    const err = errors[`${i}.${key}`];
    const id = `tag-${i}-${key}`;
    return (
      <div className={`tg-cell tg-${key}${err ? ' has-error' : ''} ${className}`}>
        <label className="tg-label" htmlFor={id}>
          {label}
          <span className="visually-hidden"> of tag {i + 1}</span>
        </label>
        {input({ id, 'aria-invalid': err ? true : undefined })}
        {err && (
          <div className="field-error" role="alert">
            {err}
          </div>
        )}
      </div>
    );
  };
  return (
    <fieldset className={`field tags-editor${error ? ' has-error' : ''}`} data-testid="tags-editor">
      <legend>Tags</legend>
      {inherited && inherited.tags.length > 0 && (
        <div className="field-hint">
          From the class <strong>{inherited.from}</strong>: {inherited.tags.map((t) => t.name).join(', ')}. A tag of the same name here overrides the class's.
        </div>
      )}
      {rows.length === 0 && <div className="muted small">No tags{inherited?.tags.length ? ' of its own' : ''}.</div>}
      {rows.length > 0 && (
        <div className="tg-table">
          <div className="tg-row tg-head" aria-hidden="true">
            <div>Name</div>
            <div>Role</div>
            <div>Type</div>
            <div>Unit</div>
            <div>Min</div>
            <div>Max</div>
            <div>Rollover</div>
            <div>Description</div>
            <div />
          </div>
          {rows.map((r, i) => (
            <div className="tg-row" key={i} data-testid="tag-row">
              {cell(i, 'name', 'Name', (p) => (
                <input
                  {...p}
                  value={r.name}
                  readOnly={readOnly}
                  autoCapitalize="none"
                  spellCheck={false}
                  onChange={(e) => update(i, { name: e.target.value })}
                />
              ))}
              {cell(i, 'role', 'Role', (p) => (
                <select {...p} value={r.role} disabled={readOnly} onChange={(e) => update(i, { role: e.target.value })}>
                  <option value="">process value (default)</option>
                  {TAG_ROLES.map((role) => (
                    <option key={role} value={role}>
                      {ROLE_LABELS[role]}
                    </option>
                  ))}
                </select>
              ))}
              {cell(i, 'type', 'Type', (p) => (
                <select {...p} value={r.type} disabled={readOnly} onChange={(e) => update(i, { type: e.target.value })}>
                  <option value="">any</option>
                  {TAG_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              ))}
              {cell(i, 'unit', 'Unit', (p) => (
                <input {...p} value={r.unit} readOnly={readOnly} onChange={(e) => update(i, { unit: e.target.value })} />
              ))}
              {cell(i, 'min', 'Min', (p) => (
                <input {...p} inputMode="decimal" value={r.min} readOnly={readOnly} onChange={(e) => update(i, { min: e.target.value })} />
              ))}
              {cell(i, 'max', 'Max', (p) => (
                <input {...p} inputMode="decimal" value={r.max} readOnly={readOnly} onChange={(e) => update(i, { max: e.target.value })} />
              ))}
              {cell(i, 'rollover', 'Rollover', (p) => (
                <input
                  {...p}
                  inputMode="numeric"
                  value={r.rollover}
                  readOnly={readOnly}
                  title="Counters: the value at which the machine's counter wraps to 0 (e.g. 65536); empty: detect"
                  onChange={(e) => update(i, { rollover: e.target.value })}
                />
              ))}
              {cell(i, 'description', 'Description', (p) => (
                <input {...p} value={r.description} readOnly={readOnly} onChange={(e) => update(i, { description: e.target.value })} />
              ))}
              <div className="tg-remove">
                {!readOnly && (
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Remove tag ${i + 1}${r.name ? ` (${r.name})` : ''}`}
                    onClick={() => onChange(rows.filter((_, n) => n !== i))}
                  >
                    ×
                  </button>
                )}
              </div>
            </div>
          ))}
        </div>
      )}
      {!readOnly && (
        <Button variant="ghost" onClick={() => onChange([...rows, { ...EMPTY }])}>
          + Add tag
        </Button>
      )}
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

/** Errors under `prefix.` with the prefix taken off (`tags.2.name` → `2.name`). */
export function errorsUnder(errors: FieldErrors, prefix: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
  return out;
}
