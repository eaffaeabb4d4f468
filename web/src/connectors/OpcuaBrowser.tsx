// A node picker for OPC UA connections: browses the server through Takt (GET /api/opcua/browse) and adds the
// variables the user picks as monitored items.
import { useState } from 'react';
import { api, errorMessage } from '../platform/api.ts';
import { Button } from '../platform/components.tsx';

export interface BrowseNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  dataType?: string;
  hasChildren: boolean;
}

interface Props {
  endpoint: string;
  securityMode?: string;
  securityPolicy?: string;
  username?: string;
  /** Equipment whose stored credentials the server may use for this endpoint. */
  equipmentId?: string;
  onPick(node: BrowseNode): void;
}

function NodeList({ parent, props, depth }: { parent?: string; props: Props; depth: number }) {
  const [nodes, setNodes] = useState<BrowseNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  if (nodes === null && error === null) {
    api<BrowseNode[]>('/api/opcua/browse', {
      query: {
        endpoint: props.endpoint,
        nodeId: parent,
        securityMode: props.securityMode,
        securityPolicy: props.securityPolicy,
        username: props.username || undefined,
        equipment: props.equipmentId,
      },
    }).then(setNodes, (err) => setError(errorMessage(err)));
    return (
      <div className="muted small" style={{ paddingLeft: depth * 16 }}>
        Browsing…
      </div>
    );
  }
  if (error)
    return (
      <div className="field-error" style={{ paddingLeft: depth * 16 }}>
        {error}
      </div>
    );
  if (!nodes?.length)
    return (
      <div className="muted small" style={{ paddingLeft: depth * 16 }}>
        No nodes here.
      </div>
    );
  return (
    <ul className="opcua-browse" style={{ listStyle: 'none', margin: 0, paddingLeft: depth ? 16 : 0 }} data-testid="opcua-browse-list">
      {nodes.map((n) => (
        <li key={n.nodeId}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center', minHeight: 36 }}>
            {n.hasChildren ? (
              <button type="button" className="link" aria-expanded={!!open[n.nodeId]} onClick={() => setOpen({ ...open, [n.nodeId]: !open[n.nodeId] })}>
                {open[n.nodeId] ? '▾' : '▸'} {n.displayName}
              </button>
            ) : (
              <span>{n.displayName}</span>
            )}
            <span className="muted small">
              {n.nodeClass}
              {n.dataType ? ` · ${n.dataType}` : ''}
            </span>
            {n.nodeClass === 'Variable' && (
              <Button onClick={() => props.onPick(n)} aria-label={`Add ${n.displayName} as a monitored item`}>
                + Add
              </Button>
            )}
          </div>
          {open[n.nodeId] && <NodeList parent={n.nodeId} props={props} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  );
}

export function OpcuaBrowser(props: Props) {
  const [shown, setShown] = useState(false);
  const ok = /^opc\.tcp:\/\/.+/.test(props.endpoint);
  return (
    <div className="browse-slot" data-testid="opcua-browse-slot">
      <Button disabled={!ok} onClick={() => setShown(!shown)} title={ok ? undefined : 'enter an opc.tcp:// endpoint first'}>
        {shown ? 'Close browser' : 'Browse server…'}
      </Button>
      {shown && ok && (
        <div
          className="opcua-browser"
          style={{ maxHeight: 360, overflow: 'auto', border: '1px solid var(--border, #ccc)', borderRadius: 6, padding: 8, marginTop: 8 }}
        >
          <NodeList props={props} depth={0} key={props.endpoint} />
        </div>
      )}
    </div>
  );
}
