// Editor for the `connections` of a piece of equipment: how Takt reaches the machine besides plain MQTT UNS (whose
// topic carries the path and needs no settings). One card per connection with a form for its protocol; the shapes
// follow `connectionSchema` in src/plant/schemas.ts. Values are edited as text drafts and turned into the JSON the
// server expects on save; the server's validation messages come back to the field they are about.
import { useState } from 'react';
import { Button } from '../platform/components.tsx';
import { SelectField, TextAreaField, type FieldErrors } from '../platform/forms.tsx';
import type { FieldsContext } from './ConnectionRows.tsx';
import { emptyDraft, PROTOCOLS, summary, type ConnectionDraft } from './connectionDrafts.ts';
import { euromap63Fields } from './Euromap63Fields.tsx';
import { opcuaFields } from './OpcuaFields.tsx';
import { sparkplugFields } from './SparkplugFields.tsx';
import { PROTOCOL_LABELS, type Protocol } from './types.ts';
import './connectors.css';

export { emptyDraft, fromDrafts, toDrafts, type ConnectionDraft } from './connectionDrafts.ts';

export function ConnectionsEditor({
  drafts,
  onChange,
  readOnly,
  errors,
  error,
}: {
  drafts: ConnectionDraft[];
  onChange(drafts: ConnectionDraft[]): void;
  readOnly?: boolean;
  /** Browser and server messages keyed below `connections` (`0.items.2.nodeId`). */
  errors: FieldErrors;
  error?: string;
}) {
  const [adding, setAdding] = useState<Protocol>('opcua');
  const update = (i: number, next: ConnectionDraft) => onChange(drafts.map((d, n) => (n === i ? next : d)));
  return (
    <fieldset className={`field conns-editor${error ? ' has-error' : ''}`} data-testid="connections-editor">
      <legend>Connections</legend>
      <div className="field-hint">
        MQTT UNS needs no connection: a machine publishing on <code>takt/v1/&lt;path&gt;/&lt;tag&gt;</code> is found by its path.
      </div>
      {drafts.length === 0 && <div className="muted small">No other connections.</div>}
      {drafts.length > 0 && (
        <ol className="conn-list">
          {drafts.map((d, i) => (
            <ConnectionCard
              key={i}
              index={i}
              draft={d}
              readOnly={readOnly}
              errors={errors}
              onChange={(next) => update(i, next)}
              onRemove={() => onChange(drafts.filter((_, n) => n !== i))}
            />
          ))}
        </ol>
      )}
      {!readOnly && (
        <div className="button-row">
          <select aria-label="Protocol of the new connection" value={adding} onChange={(e) => setAdding(e.target.value as Protocol)} style={{ width: 'auto' }}>
            {PROTOCOLS.map((p) => (
              <option key={p} value={p}>
                {PROTOCOL_LABELS[p]}
              </option>
            ))}
          </select>
          <Button onClick={() => onChange([...drafts, emptyDraft(adding)])}>+ Add connection</Button>
        </div>
      )}
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

function ConnectionCard({
  index,
  draft: d,
  readOnly,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  draft: ConnectionDraft;
  readOnly?: boolean;
  errors: FieldErrors;
  onChange(d: ConnectionDraft): void;
  onRemove(): void;
}) {
  // Every message this card shows is noted, so the ones no field claims are still listed at the bottom.
  const used = new Set<string>();
  const err = (path: string): string | undefined => {
    const key = `${index}.${path}`;
    used.add(key);
    return errors[key];
  };
  const set = (patch: Partial<ConnectionDraft>) => onChange({ ...d, ...patch } as ConnectionDraft);
  const n = index + 1;

  const ctx: FieldsContext = { index, n, readOnly, errors, used, err, set };

  let body;
  if (d.protocol === 'sparkplug') body = sparkplugFields(d, ctx);
  else if (d.protocol === 'opcua') body = opcuaFields(d, ctx);
  else if (d.protocol === 'euromap63') body = euromap63Fields(d, ctx);
  else {
    body = (
      <TextAreaField
        label="Settings (JSON)"
        value={d.json}
        onValue={(v) => set({ json: v })}
        readOnly={readOnly}
        rows={6}
        className="mono"
        error={err('json')}
        hint="This screen has no form for this protocol yet."
      />
    );
  }
  err('protocol');
  const protocolError = errors[`${index}.protocol`];
  const others = Object.entries(errors).filter(([k]) => (k === `${index}` || k.startsWith(`${index}.`)) && !used.has(k));

  return (
    <li className="conn-card" data-testid="connection-card" data-protocol={d.protocol}>
      <div className="conn-head">
        {d.protocol === 'raw' ? (
          <strong>Connection {n}</strong>
        ) : (
          <SelectField
            label={`Connection ${n}: protocol`}
            value={d.protocol}
            disabled={readOnly}
            error={protocolError}
            onValue={(v) => onChange(emptyDraft(v as Protocol))}
            options={PROTOCOLS.map((p) => ({ value: p, label: PROTOCOL_LABELS[p] }))}
          />
        )}
        <span className="conn-summary">{summary(d)}</span>
        {!readOnly && (
          <Button variant="danger" onClick={onRemove} aria-label={`Remove connection ${n}`}>
            Remove
          </Button>
        )}
      </div>
      {body}
      {others.length > 0 && (
        <ul className="conn-other" role="alert">
          {others.map(([k, m]) => (
            <li key={k}>
              <code>{k.slice(String(index).length + 1) || 'connection'}</code> {m}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
