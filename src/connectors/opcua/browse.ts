// One level of a server's address space, for the UI's node picker (OPC UA Part 4 §5.8.2 Browse).
import { AttributeIds, BrowseDirection, DataType, NodeClass, NodeClassMask, ReferenceTypeIds, type ClientSession } from 'node-opcua';
import {
  certificateManager,
  createClient,
  errorText,
  identity,
  isConfigurationError,
  resolverFor,
  withTimeout,
  type OpcuaClientOptions,
  type OpcuaEndpointOptions,
} from './client.ts';
import type { NamespaceResolver } from './nodeids.ts';
import { withPinnedHost, type OutboundGuard } from '../../platform/net/outbound.ts';
import type { BrowseNode } from '../schemas.ts';

export type { BrowseNode };

export interface BrowseOptions extends OpcuaEndpointOptions, OpcuaClientOptions {
  /** Whole operation (connect, browse, disconnect) deadline; default 15 s. */
  timeoutMs?: number;
  /**
   * Where a browse may go. The HTTP route passes Takt's guard: an endpoint typed into a request must not probe
   * loopback, link-local or private addresses unless the allow-list opens them (issue #11 item 14). The endpoint's
   * host is resolved and checked, and the client connects to the checked address, not to a second DNS answer.
   */
  guard?: OutboundGuard;
}

const OPCUA_PORT = 4840;

const OBJECTS_FOLDER = 'i=85';
const MASK = NodeClassMask.Object | NodeClassMask.Variable | NodeClassMask.Method;

/** The children of `nodeId` (default: the Objects folder) over hierarchical references. */
export async function browseOpcua(endpoint: string, opts: BrowseOptions = {}, nodeId?: string): Promise<BrowseNode[]> {
  // before the try: a refusal is the caller's error (AppError), not a failed browse
  if (opts.guard) endpoint = withPinnedHost(endpoint, await opts.guard.check(endpoint, OPCUA_PORT));
  const cm = certificateManager(opts);
  const client = createClient(opts, cm, opts, false);
  const timeout = opts.timeoutMs ?? 15_000;
  try {
    await withTimeout(client.connect(endpoint), timeout, 'connect');
    const session = await withTimeout(client.createSession(identity(opts)), timeout, 'create session');
    try {
      return await withTimeout(browseChildren(session, nodeId ?? OBJECTS_FOLDER, opts.namespaceUri), timeout, 'browse');
    } finally {
      await withTimeout(session.close(), 3000, 'close session').catch(() => undefined);
    }
  } catch (err) {
    const e = new Error(`OPC UA browse of ${endpoint}: ${errorText(err)}`);
    (e as Error & { configuration?: boolean }).configuration = isConfigurationError(err);
    throw e;
  } finally {
    await withTimeout(client.disconnect(), 3000, 'disconnect').catch(() => undefined);
    await cm.dispose().catch(() => undefined);
  }
}

export async function browseChildren(session: ClientSession, nodeId: string, namespaceUri?: string): Promise<BrowseNode[]> {
  const resolver: NamespaceResolver = await resolverFor(session, namespaceUri);
  const children = await browseAll(session, resolver.resolve(nodeId));
  if (!children.length) return [];
  const ids = children.map((c) => c.nodeId.toString());
  // hasChildren: one batched Browse asking for a single reference per child.
  const grand = await session.browse(
    ids.map((id) => ({
      nodeId: id,
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: ReferenceTypeIds.HierarchicalReferences,
      includeSubtypes: true,
      nodeClassMask: MASK,
      resultMask: 0,
    })),
  );
  const vars = children.map((c, i) => (c.nodeClass === NodeClass.Variable ? i : -1)).filter((i) => i >= 0);
  const attrs = vars.length
    ? await session.read(
        vars.flatMap((i) => [
          { nodeId: ids[i], attributeId: AttributeIds.DataType },
          { nodeId: ids[i], attributeId: AttributeIds.AccessLevel },
        ]),
      )
    : [];
  const varInfo = new Map<number, { dataType?: string; writable?: boolean }>();
  vars.forEach((i, k) => {
    const dt = attrs[2 * k].value?.value as { namespace: number; value: unknown; toString(): string } | null;
    const access = attrs[2 * k + 1].value?.value;
    varInfo.set(i, {
      ...(dt
        ? {
            dataType:
              dt.namespace === 0 && typeof dt.value === 'number' && dt.value <= 25
                ? DataType[dt.value]
                : resolver.absolute(dt.namespace, dt.toString().replace(/^ns=\d+;/, '')),
          }
        : {}),
      ...(typeof access === 'number' ? { writable: (access & 0x02) !== 0 } : {}),
    });
  });
  return children.map((c, i) => {
    const id = c.nodeId;
    return {
      nodeId: resolver.absolute(id.namespace, id.toString().replace(/^ns=\d+;/, '')),
      browseName: c.browseName.name ?? '',
      displayName: c.displayName.text ?? c.browseName.name ?? '',
      nodeClass: (NodeClass[c.nodeClass] ?? 'Unspecified') as BrowseNode['nodeClass'],
      ...varInfo.get(i),
      hasChildren: (grand[i].references?.length ?? 0) > 0 || !!grand[i].continuationPoint?.length,
    };
  });
}

/** Browse with continuation points (Part 4 §5.8.3 BrowseNext), so large folders come back whole. */
async function browseAll(session: ClientSession, nodeId: string) {
  const first = await session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: ReferenceTypeIds.HierarchicalReferences,
    includeSubtypes: true,
    nodeClassMask: MASK,
    resultMask: 0x3f,
  });
  if (first.statusCode.isNotGood()) throw new Error(`browse ${nodeId}: ${first.statusCode.name}`);
  const refs = [...(first.references ?? [])];
  let cp = first.continuationPoint;
  while (cp?.length) {
    const next = await session.browseNext(cp, false);
    refs.push(...(next.references ?? []));
    cp = next.continuationPoint;
  }
  return refs;
}
