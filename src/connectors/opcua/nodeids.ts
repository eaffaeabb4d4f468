// Node ids as written in the plant model, resolved against the server's NamespaceArray at run time.
//
// Namespace indexes are not stable: a server may renumber its namespaces after an update or a restart. Only the
// namespace URI identifies a namespace (OPC UA Part 3 §8.2.2, Part 6 §5.3.1.10), so Takt resolves indexes each time
// it connects. Two notations are accepted in `items[].nodeId`, `methods` and `parameters`:
//
//   nsu=<uri>;s=Machine.State   the expanded form (Part 6 §5.3.1.11): <uri> is looked up in the NamespaceArray.
//   ns=<n>;s=Machine.State      with `namespaceUri` set: any n ≠ 0 means "the index of namespaceUri", whatever n is
//                               (write ns=1 by convention); ns=0 stays the OPC UA namespace (i=2258 …).
//                               Without `namespaceUri` the index is taken as written.
//   i=2258, s=Foo               no ns= prefix: namespace 0 (Part 6 §5.3.1.10).
//
// An identifier may be numeric (i=), string (s=), GUID (g=) or opaque (b=).

export interface ParsedNodeId {
  /** Namespace URI of an `nsu=` id. */
  nsu?: string;
  /** Namespace index as written (0 when absent). */
  ns: number;
  /** The identifier part, e.g. 's=Machine.State'. */
  id: string;
}

const ID_RE = /^(?:([igsb])=)(.*)$/s;

export function parseNodeId(text: string): ParsedNodeId {
  const t = text.trim();
  let rest = t;
  let nsu: string | undefined;
  let ns = 0;
  const mu = /^nsu=([^;]*);(.*)$/s.exec(rest);
  if (mu) {
    nsu = /%[0-9A-Fa-f]{2}/.test(mu[1]) ? decodeURIComponent(mu[1]) : mu[1];
    rest = mu[2];
  } else {
    const mi = /^ns=(\d+);(.*)$/s.exec(rest);
    if (mi) {
      ns = Number(mi[1]);
      rest = mi[2];
    }
  }
  if (!ID_RE.test(rest)) throw new Error(`node id '${text}': expected [ns=<n>;|nsu=<uri>;](i|s|g|b)=<identifier>`);
  if (/^i=/.test(rest) && !/^i=\d+$/.test(rest)) throw new Error(`node id '${text}': a numeric identifier (i=) must be an unsigned integer`);
  if (!Number.isSafeInteger(ns) || ns > 65535) throw new Error(`node id '${text}': namespace index above 65535`);
  return { nsu, ns, id: rest };
}

/** Checks a node id's syntax without a server (for settings validation). Returns an error message or null. */
export function nodeIdError(text: string): string | null {
  try {
    parseNodeId(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export class NamespaceResolver {
  /**
   * @param namespaceArray the server's NamespaceArray (Server_NamespaceArray, ns=0;i=2255), read after connecting
   * @param namespaceUri the settings' namespaceUri that `ns=<n>` refers to, if any
   */
  constructor(
    private readonly namespaceArray: string[],
    private readonly namespaceUri?: string,
  ) {}

  private indexOf(uri: string): number {
    const i = this.namespaceArray.indexOf(uri);
    if (i < 0) throw new Error(`namespace '${uri}' is not in the server's NamespaceArray`);
    return i;
  }

  /** The node id in the `ns=<index>;…` form node-opcua understands, for this server session. */
  resolve(text: string): string {
    const p = parseNodeId(text);
    let ns = p.ns;
    if (p.nsu !== undefined) ns = this.indexOf(p.nsu);
    else if (this.namespaceUri && ns !== 0) ns = this.indexOf(this.namespaceUri);
    else if (ns >= this.namespaceArray.length) throw new Error(`node id '${text}': the server has no namespace ${ns}`);
    return ns === 0 ? p.id : `ns=${ns};${p.id}`;
  }

  /** The node id of a browse result, written with its namespace URI so it stays valid across index changes. */
  absolute(ns: number, id: string): string {
    if (ns === 0) return id;
    const uri = this.namespaceArray[ns];
    return uri === undefined ? `ns=${ns};${id}` : `nsu=${uri};${id}`;
  }
}
