// The form of an OPC UA connection: endpoint and security, the monitored items (typed or picked by browsing the
// server), the methods Stop and Start call, and the parameters a download may write.
import { Button } from '../platform/components.tsx';
import { SelectField, TextField } from '../platform/forms.tsx';
import { ItemRow, kvEditor, type FieldsContext } from './ConnectionRows.tsx';
import type { ItemDraft, OpcuaDraft } from './connectionDrafts.ts';
import { OpcuaBrowser } from './OpcuaBrowser.tsx';
import { OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES } from './types.ts';

/** Called during the card's render, not mounted as a component: see `FieldsContext`. */
export function opcuaFields(d: OpcuaDraft, ctx: FieldsContext) {
  const { n, readOnly, err, set } = ctx;
  const items = d.items;
  const putItems = (next: ItemDraft[]) => set({ items: next });
  return (
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
        <TextField
          label="User name (optional)"
          value={d.username}
          onValue={(v) => set({ username: v })}
          readOnly={readOnly}
          error={err('username')}
          autoComplete="off"
          autoCapitalize="none"
        />
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
                <ItemRow
                  key={ii}
                  n={n}
                  ii={ii}
                  it={it}
                  e={e}
                  rowErr={rowErr}
                  readOnly={readOnly}
                  put={put}
                  onRemove={() => putItems(items.filter((_, xi) => xi !== ii))}
                />
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
          <TextField
            label="Stop: object id"
            value={d.stopObjectId}
            onValue={(v) => set({ stopObjectId: v })}
            readOnly={readOnly}
            error={err('methods.stop.objectId') ?? err('methods.stop')}
            autoCapitalize="none"
            spellCheck={false}
          />
          <TextField
            label="Stop: method id"
            value={d.stopMethodId}
            onValue={(v) => set({ stopMethodId: v })}
            readOnly={readOnly}
            error={err('methods.stop.methodId')}
            autoCapitalize="none"
            spellCheck={false}
          />
          <TextField
            label="Start: object id"
            value={d.startObjectId}
            onValue={(v) => set({ startObjectId: v })}
            readOnly={readOnly}
            error={err('methods.start.objectId') ?? err('methods.start')}
            autoCapitalize="none"
            spellCheck={false}
          />
          <TextField
            label="Start: method id"
            value={d.startMethodId}
            onValue={(v) => set({ startMethodId: v })}
            readOnly={readOnly}
            error={err('methods.start.methodId')}
            autoCapitalize="none"
            spellCheck={false}
          />
        </div>
        {err('methods') && <div className="field-error">{err('methods')}</div>}
      </div>
      {kvEditor(
        ctx,
        'parameters',
        d.parameters,
        'Writable parameters',
        'Parameter',
        'Node id',
        'Parameters a download may write: the name in the routing → the node to write it to.',
        'Add parameter',
      )}
    </>
  );
}
