// Editor for the `connections` of a piece of equipment: how Takt reaches the machine besides plain MQTT UNS (whose
// topic carries the path and needs no settings). One card per connection with a form for its protocol; the shapes
// follow `connectionSchema` in src/plant/schemas.ts. Values are edited as text drafts and turned into the JSON the
// server expects on save; the server's validation messages come back to the field they are about.
import { useState } from 'react';
import { Button } from '../platform/components.tsx';
import { SelectField, TextAreaField, TextField, type FieldErrors } from '../platform/forms.tsx';
import { OpcuaBrowser } from './OpcuaBrowser.tsx';
import { parseDecimal } from './TagsEditor.tsx';
import {
  OPCUA_SECURITY_MODES,
  OPCUA_SECURITY_POLICIES,
  PROTOCOL_LABELS,
  type Connection,
  type OpcuaConnection,
  type Protocol,
} from './types.ts';
import './connectors.css';

interface KV {
  key: string;
  value: string;
}
interface SparkplugDraft {
  protocol: 'sparkplug';
  group: string;
  node: string;
  device: string;
  metrics: KV[];
}
interface ItemDraft {
  nodeId: string;
  tag: string;
  samplingIntervalMs: string;
  deadband: string;
}
interface OpcuaDraft {
  protocol: 'opcua';
  endpoint: string;
  securityMode: string;
  securityPolicy: string;
  username: string;
  password: string;
  namespaceUri: string;
  samplingIntervalMs: string;
  items: ItemDraft[];
  stopObjectId: string;
  stopMethodId: string;
  startObjectId: string;
  startMethodId: string;
  parameters: KV[];
}
interface Euromap63Draft {
  protocol: 'euromap63';
  sessionDir: string;
  timezone: string;
  reportParameters: string;
  mapping: KV[];
  responseTimeoutS: string;
  pollIntervalMs: string;
}
/** A connection of a protocol this screen does not know yet: edited as JSON. */
interface RawDraft {
  protocol: 'raw';
  json: string;
}
export type ConnectionDraft = SparkplugDraft | OpcuaDraft | Euromap63Draft | RawDraft;

const PROTOCOLS: Protocol[] = ['opcua', 'sparkplug', 'euromap63'];

const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const kvRows = (r: Record<string, string> | undefined): KV[] => Object.entries(r ?? {}).map(([key, value]) => ({ key, value }));

export function emptyDraft(protocol: Protocol): ConnectionDraft {
  if (protocol === 'sparkplug') return { protocol, group: '', node: '', device: '', metrics: [] };
  if (protocol === 'euromap63')
    return { protocol, sessionDir: '', timezone: 'UTC', reportParameters: '', mapping: [], responseTimeoutS: '30', pollIntervalMs: '500' };
  return {
    protocol,
    endpoint: 'opc.tcp://',
    securityMode: 'None',
    securityPolicy: 'None',
    username: '',
    password: '',
    namespaceUri: '',
    samplingIntervalMs: '1000',
    items: [],
    stopObjectId: '',
    stopMethodId: '',
    startObjectId: '',
    startMethodId: '',
    parameters: [],
  };
}

export function toDrafts(conns: Connection[] | undefined): ConnectionDraft[] {
  return (conns ?? []).map((c): ConnectionDraft => {
    if (c.protocol === 'sparkplug') return { protocol: 'sparkplug', group: s(c.group), node: s(c.node), device: s(c.device), metrics: kvRows(c.metrics) };
    if (c.protocol === 'opcua')
      return {
        protocol: 'opcua',
        endpoint: s(c.endpoint),
        securityMode: c.securityMode ?? 'None',
        securityPolicy: c.securityPolicy ?? 'None',
        username: s(c.username),
        password: s(c.password),
        namespaceUri: s(c.namespaceUri),
        samplingIntervalMs: s(c.samplingIntervalMs ?? 1000),
        items: (c.items ?? []).map((i) => ({ nodeId: s(i.nodeId), tag: s(i.tag), samplingIntervalMs: s(i.samplingIntervalMs), deadband: s(i.deadband) })),
        stopObjectId: s(c.methods?.stop?.objectId),
        stopMethodId: s(c.methods?.stop?.methodId),
        startObjectId: s(c.methods?.start?.objectId),
        startMethodId: s(c.methods?.start?.methodId),
        parameters: kvRows(c.parameters),
      };
    if (c.protocol === 'euromap63')
      return {
        protocol: 'euromap63',
        sessionDir: s(c.sessionDir),
        timezone: s(c.timezone ?? 'UTC'),
        reportParameters: (c.reportParameters ?? []).join(', '),
        mapping: kvRows(c.mapping),
        responseTimeoutS: s(c.responseTimeoutS ?? 30),
        pollIntervalMs: s(c.pollIntervalMs ?? 500),
      };
    return { protocol: 'raw', json: JSON.stringify(c, null, 2) };
  });
}

/** Builds the connections to send; `errors` are keyed like the server's paths below `connections` (`0.endpoint`). */
export function fromDrafts(drafts: ConnectionDraft[]): { value: Connection[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const value: Connection[] = [];
  drafts.forEach((d, i) => {
    const p = (k: string) => `${i}.${k}`;
    const need = (k: string, v: string) => {
      if (!v.trim()) errors[p(k)] = 'required';
      return v.trim();
    };
    const opt = (v: string) => (v.trim() ? v.trim() : undefined);
    const int = (k: string, v: string, min: number, max: number, fallback?: number): number | undefined => {
      if (!v.trim()) return fallback;
      const n = parseDecimal(v);
      if (!Number.isInteger(n) || n < min || n > max) errors[p(k)] = `a whole number from ${min} to ${max}`;
      return n;
    };
    const record = (k: string, rows: KV[]): Record<string, string> | undefined => {
      const out: Record<string, string> = {};
      rows.forEach((r, n) => {
        if (!r.key.trim() && !r.value.trim()) return;
        if (!r.key.trim()) errors[p(`${k}.#${n}.key`)] = 'required';
        else if (r.key.trim() in out) errors[p(`${k}.#${n}.key`)] = 'listed twice';
        if (!r.value.trim()) errors[p(`${k}.#${n}.value`)] = 'required';
        out[r.key.trim()] = r.value.trim();
      });
      return Object.keys(out).length ? out : undefined;
    };
    if (d.protocol === 'raw') {
      try {
        value.push(JSON.parse(d.json) as Connection);
      } catch (err) {
        errors[p('json')] = `not valid JSON: ${(err as Error).message}`;
      }
      return;
    }
    if (d.protocol === 'sparkplug') {
      const c: Connection = { protocol: 'sparkplug', group: need('group', d.group), node: need('node', d.node) };
      if (opt(d.device)) c.device = opt(d.device);
      const metrics = record('metrics', d.metrics);
      if (metrics) c.metrics = metrics;
      value.push(c);
      return;
    }
    if (d.protocol === 'opcua') {
      const endpoint = need('endpoint', d.endpoint);
      if (endpoint && !/^opc\.tcp:\/\/.+/.test(endpoint)) errors[p('endpoint')] = 'an opc.tcp:// endpoint URL';
      const c: OpcuaConnection = {
        protocol: 'opcua',
        endpoint,
        securityMode: d.securityMode as OpcuaConnection['securityMode'],
        securityPolicy: d.securityPolicy as OpcuaConnection['securityPolicy'],
        samplingIntervalMs: int('samplingIntervalMs', d.samplingIntervalMs, 0, 3_600_000, 1000)!,
        items: [],
      };
      if (opt(d.username)) c.username = opt(d.username);
      if (d.password) c.password = d.password;
      if (opt(d.namespaceUri)) c.namespaceUri = opt(d.namespaceUri);
      d.items.forEach((it, n) => {
        if (!it.nodeId.trim() && !it.tag.trim() && !it.samplingIntervalMs.trim() && !it.deadband.trim()) return;
        const k = (f: string) => `items.${n}.${f}`;
        const item: OpcuaConnection['items'][number] = { nodeId: need(k('nodeId'), it.nodeId), tag: need(k('tag'), it.tag) };
        const si = int(k('samplingIntervalMs'), it.samplingIntervalMs, 0, 3_600_000);
        if (si !== undefined) item.samplingIntervalMs = si;
        if (it.deadband.trim()) {
          const db = parseDecimal(it.deadband);
          if (!Number.isFinite(db) || db < 0) errors[p(k('deadband'))] = '0 or more';
          item.deadband = db;
        }
        c.items.push(item);
      });
      const methods: NonNullable<OpcuaConnection['methods']> = {};
      for (const m of ['stop', 'start'] as const) {
        const objectId = m === 'stop' ? d.stopObjectId : d.startObjectId;
        const methodId = m === 'stop' ? d.stopMethodId : d.startMethodId;
        if (!objectId.trim() && !methodId.trim()) continue;
        methods[m] = { objectId: need(`methods.${m}.objectId`, objectId), methodId: need(`methods.${m}.methodId`, methodId) };
      }
      if (Object.keys(methods).length) c.methods = methods;
      const parameters = record('parameters', d.parameters);
      if (parameters) c.parameters = parameters;
      value.push(c);
      return;
    }
    const c: Connection = {
      protocol: 'euromap63',
      sessionDir: need('sessionDir', d.sessionDir),
      timezone: d.timezone.trim() || 'UTC',
      responseTimeoutS: 30,
      pollIntervalMs: int('pollIntervalMs', d.pollIntervalMs, 50, 60_000, 500)!,
    };
    if (d.responseTimeoutS.trim()) {
      const t = parseDecimal(d.responseTimeoutS);
      if (!(t > 0 && t <= 3600)) errors[p('responseTimeoutS')] = 'seconds, above 0 and up to 3600';
      c.responseTimeoutS = t;
    }
    const report = d.reportParameters
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (report.length) c.reportParameters = report;
    const mapping = record('mapping', d.mapping);
    if (mapping) c.mapping = mapping;
    value.push(c);
  });
  return { value, errors };
}

function summary(d: ConnectionDraft): string {
  if (d.protocol === 'sparkplug') return d.group || d.node ? `spBv1.0/${d.group || '…'}/${d.device ? 'D' : 'N'}DATA/${d.node || '…'}${d.device ? `/${d.device}` : ''}` : '';
  if (d.protocol === 'opcua') return `${d.endpoint}${d.items.length ? ` · ${d.items.length} item${d.items.length === 1 ? '' : 's'}` : ''}`;
  if (d.protocol === 'euromap63') return d.sessionDir;
  return '';
}

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

  /** Rows of `key → value` (Sparkplug metrics, OPC UA parameters, EUROMAP 63 mapping). */
  const kvEditor = (field: 'metrics' | 'parameters' | 'mapping', rows: KV[], title: string, keyLabel: string, valueLabel: string, hint: string, addLabel: string) => {
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
              const ve = err(`${field}.#${ri}.value`) ?? (k ? err(`${field}.${k}`) ?? err(`${field}.${k.replace(/\//g, '.')}`) : undefined);
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
  };

  let body;
  if (d.protocol === 'sparkplug') {
    body = (
      <>
        <div className="form-grid">
          <TextField label="Group" value={d.group} onValue={(v) => set({ group: v })} readOnly={readOnly} error={err('group')} autoCapitalize="none" />
          <TextField label="Edge node" value={d.node} onValue={(v) => set({ node: v })} readOnly={readOnly} error={err('node')} autoCapitalize="none" />
          <TextField
            label="Device (optional)"
            value={d.device}
            onValue={(v) => set({ device: v })}
            readOnly={readOnly}
            error={err('device')}
            autoCapitalize="none"
            hint="Empty: the edge node itself is the machine."
          />
        </div>
        {kvEditor('metrics', d.metrics, 'Metric names', 'Metric', 'Tag', "Unlisted metrics become the tag of the same name, with '/' and spaces turned into '.'.", 'Add metric')}
      </>
    );
  } else if (d.protocol === 'opcua') {
    const items = d.items;
    const putItems = (next: ItemDraft[]) => set({ items: next });
    body = (
      <>
        <div className="form-grid">
          <TextField
            label="Endpoint"
            value={d.endpoint}
            onValue={(v) => set({ endpoint: v })}
            readOnly={readOnly}
            error={err('endpoint')}
            autoCapitalize="none"
            spellCheck={false}
            placeholder="opc.tcp://10.0.4.21:4840"
            className="span-2"
          />
          <SelectField
            label="Security mode"
            value={d.securityMode}
            onValue={(v) => set({ securityMode: v })}
            disabled={readOnly}
            error={err('securityMode')}
            options={OPCUA_SECURITY_MODES.map((m) => ({ value: m, label: m }))}
          />
          <SelectField
            label="Security policy"
            value={d.securityPolicy}
            onValue={(v) => set({ securityPolicy: v })}
            disabled={readOnly}
            error={err('securityPolicy')}
            options={OPCUA_SECURITY_POLICIES.map((m) => ({ value: m, label: m }))}
          />
          <TextField label="User name (optional)" value={d.username} onValue={(v) => set({ username: v })} readOnly={readOnly} error={err('username')} autoComplete="off" autoCapitalize="none" />
          <TextField
            label="Password (optional)"
            type="password"
            value={d.password}
            onValue={(v) => set({ password: v })}
            readOnly={readOnly}
            error={err('password')}
            autoComplete="new-password"
          />
          <TextField
            label="Namespace URI (optional)"
            value={d.namespaceUri}
            onValue={(v) => set({ namespaceUri: v })}
            readOnly={readOnly}
            error={err('namespaceUri')}
            autoCapitalize="none"
            spellCheck={false}
            hint="What ns= in the node ids refers to; resolved to its index when connecting."
          />
          <TextField
            label="Sampling interval (ms)"
            inputMode="numeric"
            value={d.samplingIntervalMs}
            onValue={(v) => set({ samplingIntervalMs: v })}
            readOnly={readOnly}
            error={err('samplingIntervalMs')}
          />
        </div>
        <div>
          <div className="conn-sub-head">
            <h3 className="conn-sub">Monitored items</h3>
          </div>
          {!readOnly && (
            <OpcuaBrowser
              endpoint={d.endpoint}
              securityMode={d.securityMode}
              securityPolicy={d.securityPolicy}
              username={d.username}
              onPick={(node) =>
                putItems([
                  ...items,
                  { nodeId: node.nodeId, tag: node.browseName.replace(/^\d+:/, '').replace(/[^A-Za-z0-9_.:-]/g, '_'), samplingIntervalMs: '', deadband: '' },
                ])
              }
            />
          )}
          {items.length > 0 && (
            <div className="items-grid">
              <div className="grid-head ig-wide">Node id</div>
              <div className="grid-head">Tag</div>
              <div className="grid-head">Sampling (ms)</div>
              <div className="grid-head">Deadband</div>
              <div className="grid-head" />
              {items.map((it, ii) => {
                const k = (f: string) => `items.${ii}.${f}`;
                const put = (patch: Partial<ItemDraft>) => putItems(items.map((x, xi) => (xi === ii ? { ...x, ...patch } : x)));
                const e = { nodeId: err(k('nodeId')), tag: err(k('tag')), si: err(k('samplingIntervalMs')), db: err(k('deadband')) };
                const rowErr = err(`items.${ii}`);
                return (
                  <ItemRow key={ii} n={n} ii={ii} it={it} e={e} rowErr={rowErr} readOnly={readOnly} put={put} onRemove={() => putItems(items.filter((_, xi) => xi !== ii))} />
                );
              })}
            </div>
          )}
          {!readOnly && (
            <Button variant="ghost" onClick={() => putItems([...items, { nodeId: '', tag: '', samplingIntervalMs: '', deadband: '' }])}>
              + Add item
            </Button>
          )}
          {err('items') && <div className="field-error">{err('items')}</div>}
        </div>
        <div>
          <div className="conn-sub-head">
            <h3 className="conn-sub">Methods for commands</h3>
          </div>
          <div className="form-grid">
            <TextField label="Stop: object id" value={d.stopObjectId} onValue={(v) => set({ stopObjectId: v })} readOnly={readOnly} error={err('methods.stop.objectId') ?? err('methods.stop')} autoCapitalize="none" spellCheck={false} />
            <TextField label="Stop: method id" value={d.stopMethodId} onValue={(v) => set({ stopMethodId: v })} readOnly={readOnly} error={err('methods.stop.methodId')} autoCapitalize="none" spellCheck={false} />
            <TextField label="Start: object id" value={d.startObjectId} onValue={(v) => set({ startObjectId: v })} readOnly={readOnly} error={err('methods.start.objectId') ?? err('methods.start')} autoCapitalize="none" spellCheck={false} />
            <TextField label="Start: method id" value={d.startMethodId} onValue={(v) => set({ startMethodId: v })} readOnly={readOnly} error={err('methods.start.methodId')} autoCapitalize="none" spellCheck={false} />
          </div>
          {err('methods') && <div className="field-error">{err('methods')}</div>}
        </div>
        {kvEditor('parameters', d.parameters, 'Writable parameters', 'Parameter', 'Node id', 'Parameters a download may write: the name in the routing → the node to write it to.', 'Add parameter')}
      </>
    );
  } else if (d.protocol === 'euromap63') {
    body = (
      <>
        <div className="form-grid">
          <TextField
            label="Session folder"
            value={d.sessionDir}
            onValue={(v) => set({ sessionDir: v })}
            readOnly={readOnly}
            error={err('sessionDir')}
            spellCheck={false}
            placeholder="/mnt/imm01/session"
            hint="The machine's shared folder where Takt writes SESSnnnn.REQ and job files."
            className="span-2"
          />
          <TextField
            label="Machine time zone"
            value={d.timezone}
            onValue={(v) => set({ timezone: v })}
            readOnly={readOnly}
            error={err('timezone')}
            hint="EUROMAP 63 dates carry no offset, e.g. Europe/Berlin."
          />
          <TextField label="Response timeout (s)" inputMode="decimal" value={d.responseTimeoutS} onValue={(v) => set({ responseTimeoutS: v })} readOnly={readOnly} error={err('responseTimeoutS')} />
          <TextField label="Poll interval (ms)" inputMode="numeric" value={d.pollIntervalMs} onValue={(v) => set({ pollIntervalMs: v })} readOnly={readOnly} error={err('pollIntervalMs')} />
        </div>
        <TextAreaField
          label="Report parameters (optional)"
          value={d.reportParameters}
          onValue={(v) => set({ reportParameters: v })}
          readOnly={readOnly}
          rows={2}
          className="mono"
          error={err('reportParameters') ?? Object.entries(errors).find(([k]) => k.startsWith(`${index}.reportParameters.`) && used.add(k))?.[1]}
          hint="Variables of the per-shot report, separated by commas; empty: ActCntCyc, ActTimCyc and the mapped values."
        />
        {kvEditor('mapping', d.mapping, 'Variable mapping', 'EUROMAP 63 variable', 'Tag', 'ActCntCyc → good and ActTimCyc → cycle_time unless mapped here.', 'Add variable')}
      </>
    );
  } else {
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

function KvRow({
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

function ItemRow({
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
