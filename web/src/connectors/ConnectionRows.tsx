// Shared pieces of the connection forms: the context each protocol's fields are rendered with, the `key → value`
// editor (Sparkplug metrics, OPC UA parameters, EUROMAP 63 mapping) and the grid rows it and the OPC UA items use.
import { Button } from '../platform/components.tsx';
import type { FieldErrors } from '../platform/forms.tsx';
import type { ConnectionDraft, ItemDraft, KV } from './connectionDrafts.ts';

/**
 * What a protocol's fields need from their card. The fields are rendered by plain functions called during the card's
 * render (not as components), so every message they look up through `err` is noted in `used` before the card lists
 * the ones no field claimed.
 */
export interface FieldsContext {
  /** The connection's index in the list. */
  index: number;
  /** Its number as shown (index + 1). */
  n: number;
  readOnly?: boolean;
  errors: FieldErrors;
  used: Set<string>;
  err(path: string): string | undefined;
  set(patch: Partial<ConnectionDraft>): void;
}

/** Rows of `key → value` (Sparkplug metrics, OPC UA parameters, EUROMAP 63 mapping). */
export function kvEditor(
  { n, readOnly, err, set }: FieldsContext,
  field: 'metrics' | 'parameters' | 'mapping',
  rows: KV[],
  title: string,
  keyLabel: string,
  valueLabel: string,
  hint: string,
  addLabel: string,
) {
  const put = (next: KV[]) => set({ [field]: next } as Partial<ConnectionDraft>);
  return (
    <div>
      <div className="conn-sub-head">
        <h3 className="conn-sub">{title}</h3>
      </div>
      <div className="field-hint">{hint}</div>
      {rows.length > 0 && (
        <div className="kv-grid">
          <div className="grid-head">{keyLabel}</div>
          <div className="grid-head">{valueLabel}</div>
          <div />
          {rows.map((r, ri) => {
            // The server names an entry by its key, with any '/' in it read as a separator ('a/b' → 'a.b'); what it
            // refuses there is almost always the value (a tag name, a node id), so its message goes under the value.
            const k = r.key.trim();
            const ke = err(`${field}.#${ri}.key`);
            const ve = err(`${field}.#${ri}.value`) ?? (k ? (err(`${field}.${k}`) ?? err(`${field}.${k.replace(/\//g, '.')}`)) : undefined);
            return (
              <KvRow
                key={ri}
                row={r}
                keyLabel={`${keyLabel} ${ri + 1} of connection ${n}`}
                valueLabel={`${valueLabel} ${ri + 1} of connection ${n}`}
                keyError={ke}
                valueError={ve}
                readOnly={readOnly}
                onChange={(next) => put(rows.map((x, xi) => (xi === ri ? next : x)))}
                onRemove={() => put(rows.filter((_, xi) => xi !== ri))}
              />
            );
          })}
        </div>
      )}
      {!readOnly && (
        <Button variant="ghost" onClick={() => put([...rows, { key: '', value: '' }])}>
          + {addLabel}
        </Button>
      )}
      {err(field) && <div className="field-error">{err(field)}</div>}
    </div>
  );
}

export function KvRow({
  row,
  keyLabel,
  valueLabel,
  keyError,
  valueError,
  readOnly,
  onChange,
  onRemove,
}: {
  row: KV;
  keyLabel: string;
  valueLabel: string;
  keyError?: string;
  valueError?: string;
  readOnly?: boolean;
  onChange(r: KV): void;
  onRemove(): void;
}) {
  return (
    <>
      <div>
        <input
          aria-label={keyLabel}
          className={keyError ? 'has-error-input' : undefined}
          aria-invalid={keyError ? true : undefined}
          value={row.key}
          readOnly={readOnly}
          autoCapitalize="none"
          spellCheck={false}
          onChange={(e) => onChange({ ...row, key: e.target.value })}
        />
        {keyError && <div className="cell-error">{keyError}</div>}
      </div>
      <div>
        <input
          aria-label={valueLabel}
          className={valueError ? 'has-error-input' : undefined}
          aria-invalid={valueError ? true : undefined}
          value={row.value}
          readOnly={readOnly}
          autoCapitalize="none"
          spellCheck={false}
          onChange={(e) => onChange({ ...row, value: e.target.value })}
        />
        {valueError && <div className="cell-error">{valueError}</div>}
      </div>
      {readOnly ? (
        <div />
      ) : (
        <button type="button" className="icon-btn" aria-label={`Remove ${keyLabel}`} onClick={onRemove}>
          ×
        </button>
      )}
    </>
  );
}

export function ItemRow({
  n,
  ii,
  it,
  e,
  rowErr,
  readOnly,
  put,
  onRemove,
}: {
  n: number;
  ii: number;
  it: ItemDraft;
  e: { nodeId?: string; tag?: string; si?: string; db?: string };
  rowErr?: string;
  readOnly?: boolean;
  put(patch: Partial<ItemDraft>): void;
  onRemove(): void;
}) {
  const label = (what: string) => `${what} of item ${ii + 1} of connection ${n}`;
  const input = (what: string, key: keyof ItemDraft, error: string | undefined, extra: Record<string, string> = {}) => (
    <div className={key === 'nodeId' ? 'ig-wide' : undefined}>
      <input
        aria-label={label(what)}
        className={error ? 'has-error-input' : undefined}
        aria-invalid={error ? true : undefined}
        value={it[key]}
        readOnly={readOnly}
        autoCapitalize="none"
        spellCheck={false}
        placeholder={what === 'Sampling interval' ? 'default' : what === 'Deadband' ? 'none' : what === 'Tag' ? undefined : 'ns=2;s=Machine.Temperature'}
        onChange={(ev) => put({ [key]: ev.target.value })}
        {...extra}
      />
      {error && <div className="cell-error">{error}</div>}
      {key === 'nodeId' && rowErr && <div className="cell-error">{rowErr}</div>}
    </div>
  );
  return (
    <>
      {input('Node id', 'nodeId', e.nodeId)}
      {input('Tag', 'tag', e.tag)}
      {input('Sampling interval', 'samplingIntervalMs', e.si, { inputMode: 'numeric' })}
      {input('Deadband', 'deadband', e.db, { inputMode: 'decimal' })}
      {readOnly ? (
        <div />
      ) : (
        <button type="button" className="icon-btn" aria-label={`Remove item ${ii + 1} of connection ${n}`} onClick={onRemove}>
          ×
        </button>
      )}
    </>
  );
}
