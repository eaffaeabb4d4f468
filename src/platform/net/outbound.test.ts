import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKED_RANGES, blockedClass, embeddedIpv4, OutboundGuard, parseAllowList, withPinnedHost, type PinnedAddress } from './outbound.ts';

/** A representative of each blocked class: the network address, the last address, and a middle one. */
function samples(net: string, prefix: number, family: 'ipv4' | 'ipv6'): string[] {
  if (family === 'ipv4') {
    const base = net.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const size = 2 ** (32 - prefix);
    const fmt = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
    return [fmt(base), fmt(base + size - 1), fmt(base + Math.floor(size / 2))];
  }
  // IPv6: the network address and one with the low bits set inside the prefix
  const first = net.endsWith('::') ? `${net}` : net;
  const low = prefix <= 112 ? `${net.replace(/::$/, '')}${net.endsWith('::') ? '::' : ':'}${prefix <= 96 ? '1:2' : '2'}`.replace(/:::/, '::') : net;
  return [first, low];
}

const fakeDns =
  (map: Record<string, string[]>) =>
  async (host: string): Promise<PinnedAddress[]> => {
    const a = map[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('outbound address guard', () => {
  it('refuses every address of every blocked class, IPv4 and IPv6', () => {
    for (const [net, prefix, family, label] of BLOCKED_RANGES)
      for (const a of samples(net, prefix, family)) expect(blockedClass(a), `${a} (${label})`).toBeDefined();
  });

  it('refuses IPv4 classes through IPv4-mapped, NAT64 and 6to4 IPv6 forms', () => {
    for (const [net, prefix, family] of BLOCKED_RANGES.filter((r) => r[2] === 'ipv4'))
      for (const a of samples(net, prefix, family)) {
        expect(embeddedIpv4(`::ffff:${a}`)).toBe(a);
        expect(blockedClass(`::ffff:${a}`), `::ffff:${a}`).toBeDefined();
        expect(blockedClass(`64:ff9b::${a}`), `64:ff9b::${a}`).toBeDefined();
      }
    expect(blockedClass('::ffff:7f00:1')).toMatch(/loopback/);
    expect(blockedClass('2002:7f00:1::1')).toMatch(/loopback/);
    expect(blockedClass('fe80::1%eth0')).toMatch(/link-local/);
  });

  it('lets public unicast addresses through (checked, never connected to)', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])
      expect(blockedClass(a), a).toBeUndefined();
  });

  it('property: a random IPv4 address is refused exactly when it lies in a listed range', () => {
    const lists = BLOCKED_RANGES.filter((r) => r[2] === 'ipv4').map(([net, prefix]) => {
      const base = net.split('.').reduce((a, o) => a * 256 + Number(o), 0);
      return [base, base + 2 ** (32 - prefix)] as const;
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        const a = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
        const inRange = lists.some(([lo, hi]) => n >= lo && n < hi);
        expect(blockedClass(a) !== undefined).toBe(inRange);
        expect(blockedClass(`::ffff:${a}`) !== undefined).toBe(inRange);
      }),
      { numRuns: 1000 },
    );
  });

  it('checks every resolved address of a name; one blocked address refuses the name', async () => {
    const g = new OutboundGuard(
      '',
      fakeDns({
        'erp.example.com': ['93.184.216.34'],
        'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
        localhost: ['127.0.0.1', '::1'],
        'v6.example.com': ['::1'],
      }),
    );
    await expect(g.check('https://erp.example.com/hook', 443)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(g.check('https://mixed.example.com/hook', 443)).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringMatching(/10\.0\.0\.5.*private/),
    });
    await expect(g.check('http://localhost:8080/', 80)).rejects.toMatchObject({ message: expect.stringMatching(/loopback/) });
    await expect(g.check('http://v6.example.com/', 80)).rejects.toMatchObject({ message: expect.stringMatching(/loopback/) });
    await expect(g.check('http://nowhere.example.com/', 80)).rejects.toMatchObject({ message: expect.stringMatching(/does not resolve/) });
    await expect(g.check('http://[::ffff:169.254.169.254]/latest/meta-data', 80)).rejects.toMatchObject({ message: expect.stringMatching(/link-local/) });
    await expect(g.check('http://0x7f.1/', 80)).rejects.toMatchObject({ message: expect.stringMatching(/loopback/) });
    await expect(g.check('opc.tcp://[fe80::1]:4840', 4840)).rejects.toMatchObject({ message: expect.stringMatching(/link-local/) });
  });

  it('the allow-list opens CIDRs, addresses and host[:port]', async () => {
    const g = new OutboundGuard(
      '10.20.0.0/16, fd00::/8, 192.168.1.5, plc.plant.local:4840, [::1]:4841',
      fakeDns({ 'plc.plant.local': ['192.168.9.9'], localhost: ['127.0.0.1'] }),
    );
    await expect(g.check('opc.tcp://10.20.3.4:4840', 4840)).resolves.toMatchObject({ address: '10.20.3.4' });
    await expect(g.check('opc.tcp://10.21.3.4:4840', 4840)).rejects.toThrow(/private/);
    await expect(g.check('opc.tcp://[fd00::7]:4840', 4840)).resolves.toMatchObject({ family: 6 });
    await expect(g.check('http://192.168.1.5:9999/', 80)).resolves.toMatchObject({ address: '192.168.1.5' });
    await expect(g.check('http://[::ffff:192.168.1.5]/', 80)).resolves.toBeDefined();
    await expect(g.check('opc.tcp://plc.plant.local:4840', 4840)).resolves.toMatchObject({ address: '192.168.9.9' });
    await expect(g.check('opc.tcp://plc.plant.local:4841', 4840)).rejects.toThrow(/private/);
    await expect(g.check('opc.tcp://[::1]:4841', 4840)).resolves.toBeDefined();
    await expect(g.check('opc.tcp://[::1]:4842', 4840)).rejects.toThrow(/loopback/);
    g.allowEntry('localhost:1234');
    await expect(g.check('http://localhost:1234/', 80)).resolves.toMatchObject({ address: '127.0.0.1' });
    expect(g.entries).toContain('localhost:1234');
  });

  it('a bad allow-list entry is refused with its text', () => {
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'host:99999', 'ht tp', '[nothex]:1', '1.2.3/8'])
      expect(() => parseAllowList(bad), bad).toThrow(/allow-list entry/);
  });

  it('fuzz: allow-list parsing either accepts or throws its own message, never anything else', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.ipV4().map((a) => `${a}/${a.length % 33}`),
            fc.ipV6(),
            fc.domain(),
          ),
          { maxLength: 5 },
        ),
        (parts) => {
          try {
            parseAllowList(parts.join(','));
          } catch (err) {
            expect((err as Error).message).toMatch(/allow-list entry/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pins a URL to the checked address', () => {
    expect(withPinnedHost('opc.tcp://plc.local:4840/ua', { address: '10.0.0.1', family: 4 })).toBe('opc.tcp://10.0.0.1:4840/ua');
    expect(withPinnedHost('opc.tcp://u:p@plc.local:4840', { address: 'fd00::1', family: 6 })).toBe('opc.tcp://u:p@[fd00::1]:4840');
  });
});
