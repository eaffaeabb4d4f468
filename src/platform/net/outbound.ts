// The outbound-address guard: where Takt may open a connection to an address that a user typed in (webhook URLs,
// OPC UA browse). Without it, an admin's URL field is a probe into the host and the plant network (SSRF, issue #11
// item 14): loopback services, cloud metadata at 169.254.169.254, the private LAN. The rule is checked on the
// *resolved* addresses — every one the name resolves to — and the connection is then made to the checked address
// (pinned), so a name that resolves to a public address at the check and to 127.0.0.1 a moment later (DNS
// rebinding) cannot slip through. An allow-list (TAKT_OUTBOUND_ALLOW / outboundAllow) opens ranges or hosts that a
// plant needs, typically its machine network. See docs/security.md.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from '../errors.ts';

type Family = 'ipv4' | 'ipv6';

/** Address classes refused by default (RFC 6890 special-purpose registries), with the name a refusal quotes. */
export const BLOCKED_RANGES: ReadonlyArray<readonly [string, number, Family, string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved or broadcast'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 96, 'ipv6', 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::', 48, 'ipv6', 'local-use NAT64'],
  ['100::', 64, 'ipv6', 'discard-only'],
  ['2001::', 32, 'ipv6', 'Teredo'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['fc00::', 7, 'ipv6', 'unique local (private)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local (deprecated)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const blocked = BLOCKED_RANGES.map(([net, prefix, family, label]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, family, label };
});

/** 16 bytes of an IPv6 address (any textual form). */
function v6Bytes(address: string): Buffer {
  let s = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const p = dotted[1]!.split('.').map(Number);
    s = `${s.slice(0, -dotted[1]!.length)}${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(parseInt(g || '0', 16), i * 2);
  });
  return out;
}

/**
 * The IPv4 address an IPv6 address carries and routes to: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and
 * 6to4 (2002:aabb:ccdd::/48). Such an address reaches the embedded IPv4 host, so it gets that host's verdict.
 */
export function embeddedIpv4(address: string): string | undefined {
  const b = v6Bytes(address);
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return [...b.subarray(12)].join('.');
  if (b.readUInt16BE(0) === 0x64 && b.readUInt16BE(2) === 0xff9b && zeros(4, 12)) return [...b.subarray(12)].join('.');
  if (b.readUInt16BE(0) === 0x2002) return [...b.subarray(2, 6)].join('.');
  return undefined;
}

/** Why an address is refused by default, or undefined for a public unicast address. */
export function blockedClass(address: string): string | undefined {
  const v = isIP(address.split('%')[0]!);
  if (v === 0) return 'not an IP address';
  if (v === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined) {
      const inner = blockedClass(v4);
      return inner && `${inner} (IPv4 ${v4} inside IPv6)`;
    }
  }
  const family: Family = v === 4 ? 'ipv4' : 'ipv6';
  const plain = address.split('%')[0]!;
  return blocked.find((b) => b.family === family && b.list.check(plain, family))?.label;
}

interface HostRule {
  host: string;
  port?: number;
}

export interface AllowList {
  ranges: BlockList;
  hosts: HostRule[];
  entries: string[];
}

/**
 * Parses the allow-list: comma-separated CIDRs (10.20.0.0/16, fd00::/8), single addresses (192.168.1.5), or
 * host[:port] (plc7.plant.local, 127.0.0.1:4840, [::1]:4840). A CIDR or bare address opens every port; host:port only
 * that port. Throws with the entry for anything else, so a typo stops the start rather than silently opening nothing.
 */
export function parseAllowList(spec: string | readonly string[] | undefined): AllowList {
  const entries = (typeof spec === 'string' ? spec.split(',') : (spec ?? [])).map((s) => s.trim()).filter(Boolean);
  const ranges = new BlockList();
  const hosts: HostRule[] = [];
  for (const e of entries) {
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(e);
    if (cidr) {
      const v = isIP(cidr[1]!);
      const prefix = Number(cidr[2]);
      if (v === 0 || prefix > (v === 4 ? 32 : 128)) throw new Error(`outbound allow-list entry '${e}': not a CIDR (address/prefix)`);
      ranges.addSubnet(cidr[1]!, prefix, v === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    if (isIP(e)) {
      ranges.addAddress(e, isIP(e) === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const hp = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(e);
    const port = hp?.[3] === undefined ? undefined : Number(hp[3]);
    if (!hp || (port !== undefined && (port < 1 || port > 65535)) || (hp[1] !== undefined && isIP(hp[1]) !== 6))
      throw new Error(`outbound allow-list entry '${e}': use a CIDR (10.0.0.0/8), an address, or host[:port]`);
    hosts.push({ host: (hp[1] ?? hp[2]!).toLowerCase().replace(/\.$/, ''), port });
  }
  return { ranges, hosts, entries };
}

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/** A target as a URL names it: host without brackets, lower-case; port as a number. */
function target(url: URL, defaultPort: number): { host: string; port: number } {
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  return { host, port: url.port ? Number(url.port) : defaultPort };
}

export class OutboundGuard {
  private allow: AllowList;

  constructor(
    allow: string | readonly string[] | undefined = undefined,
    /** Name resolution; tests swap it to map names to addresses without a DNS server. */
    private readonly resolve: (host: string) => Promise<PinnedAddress[]> = async (host) =>
      (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 })),
  ) {
    this.allow = parseAllowList(allow);
  }

  get entries(): readonly string[] {
    return this.allow.entries;
  }

  /** Opens one more entry at run time (the demo's own OPC UA simulator on loopback). */
  allowEntry(entry: string): void {
    this.allow = parseAllowList([...this.allow.entries, entry]);
  }

  private hostAllowed(host: string, port: number): boolean {
    return this.allow.hosts.some((h) => h.host === host && (h.port === undefined || h.port === port));
  }

  /** Why `address` (reached as host:port) is refused, or undefined when Takt may connect to it. */
  refusal(address: string, host: string, port: number): string | undefined {
    const why = blockedClass(address);
    if (why === undefined || this.hostAllowed(host, port)) return undefined;
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (this.allow.ranges.check(address, family)) return undefined;
    const v4 = family === 'ipv6' ? embeddedIpv4(address) : undefined;
    if (v4 !== undefined && this.allow.ranges.check(v4, 'ipv4')) return undefined;
    return why;
  }

  /**
   * Resolves the URL's host and checks every address it resolves to; answers the address to connect to. Throws
   * AppError 'unprocessable' naming the address and its class when any of them is refused, or when the name does
   * not resolve.
   */
  async check(rawUrl: string | URL, defaultPort: number): Promise<PinnedAddress> {
    const url = typeof rawUrl === 'string' ? new URL(rawUrl) : rawUrl;
    const { host, port } = target(url, defaultPort);
    let addresses: PinnedAddress[];
    const literal = isIP(host);
    if (literal) addresses = [{ address: host, family: literal as 4 | 6 }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (err) {
        throw new AppError(
          'unprocessable',
          `outbound connection to ${host} refused: the name does not resolve (${(err as { code?: string }).code ?? (err as Error).message})`,
        );
      }
      if (!addresses.length) throw new AppError('unprocessable', `outbound connection to ${host} refused: the name does not resolve`);
    }
    for (const a of addresses) {
      const why = this.refusal(a.address, host, port);
      if (why)
        throw new AppError(
          'unprocessable',
          `outbound connection to ${host}${literal ? '' : ` (${a.address})`} refused: ${why} address; an admin may open it with TAKT_OUTBOUND_ALLOW`,
          { reason: 'outbound_blocked', address: a.address, class: why },
        );
    }
    return addresses[0]!;
  }
}

/**
 * A `lookup` for node's http/https/net that always answers the address checked beforehand, so the connection goes
 * where the check looked (no second DNS answer). TLS still verifies the certificate against the URL's host name.
 */
export function pinnedLookup(pinned: PinnedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

/** The URL with its host replaced by the pinned address (for clients that take no lookup, such as node-opcua). */
export function withPinnedHost(rawUrl: string, pinned: PinnedAddress): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*@)?(\[[^\]]*\]|[^:/?#]*)(.*)$/i.exec(rawUrl);
  if (!m) return rawUrl;
  const host = pinned.family === 6 ? `[${pinned.address}]` : pinned.address;
  return `${m[1]}${m[2] ?? ''}${host}${m[4]}`;
}
