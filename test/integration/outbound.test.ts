// Outbound addresses (issue #11 item 14) on PGlite and PostgreSQL: webhooks (create, change, test ping, delivery) and
// OPC UA browse refuse every blocked address class — IPv4, IPv6, IPv4-mapped IPv6, a name that resolves to it — before
// any connection is made; an allow-listed host:port works; a ping answers status and time, never the receiver's body.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_RANGES } from '../../src/platform/net/outbound.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

/** One address per blocked class, as a URL host: the network address of the range (IPv6 in brackets). */
const classHosts = BLOCKED_RANGES.map(([net, , family, label]) => ({ label, host: family === 'ipv6' ? `[${net}]` : net }));
/** The same IPv4 classes written as IPv4-mapped IPv6, and names that resolve to loopback. */
const mappedHosts = BLOCKED_RANGES.filter((r) => r[2] === 'ipv4').map(([net, , , label]) => ({ label: `${label} (mapped)`, host: `[::ffff:${net}]` }));
const nameHosts = [{ label: 'localhost', host: 'localhost' }];

/** A random address inside a random blocked range (IPv4, IPv4-mapped, or IPv6 in one of the private classes). */
const blockedHost = fc.oneof(
  fc.tuple(fc.constantFrom(...BLOCKED_RANGES.filter((r) => r[2] === 'ipv4')), fc.nat()).map(([[net, prefix], n]) => {
    const base = net.split('.').reduce((a, o) => a * 256 + Number(o), 0) + (n % 2 ** (32 - prefix));
    return [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.');
  }),
  fc
    .tuple(fc.constantFrom('fd', 'fc', 'fe80', 'ff02'), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 4 }))
    .map(([p, g]) => `[${p === 'fd' || p === 'fc' ? `${p}00` : p}::${g.map((x) => x.toString(16)).join(':')}]`),
  fc
    .ipV4()
    .filter((a) => a.startsWith('127.'))
    .map((a) => `[::ffff:${a}]`),
);

for (const kind of DB_KINDS) {
  describe(`outbound addresses on ${kind}`, () => {
    let t: TestServer;
    let rx: Server;
    let rxPort = 0;
    const rxHits: string[] = [];
    let tcp: TcpServer;
    let tcpPort = 0;
    let tcpConnections = 0;

    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'GET', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      return { status: res.statusCode, json: () => res.json(), body: res.body };
    };

    beforeAll(async () => {
      rx = createHttpServer((req, res) => {
        rxHits.push(req.url!);
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('secret page of the receiver'));
      });
      await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
      rxPort = (rx.address() as AddressInfo).port;
      tcp = createTcpServer((s) => {
        tcpConnections++;
        s.destroy();
      });
      await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
      tcpPort = (tcp.address() as AddressInfo).port;
      // only the receiver's own host:port is opened; everything else special stays refused
      t = await startTestServer({ db: kind, demo: false, listen: false, outboundAllow: `127.0.0.1:${rxPort}` });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      rx?.close();
      tcp?.close();
    });

    it('webhook create refuses every blocked class (v4, v6, mapped, a name resolving to loopback)', async () => {
      for (const { label, host } of [...classHosts, ...mappedHosts, ...nameHosts]) {
        const res = await call('POST', '/api/webhooks', { name: `blocked ${label} ${host}`, url: `http://${host}:${rxPort}/hook`, format: 'json' });
        expect(res.status, `${host} (${label}): ${res.body}`).toBe(422);
        expect(res.json().error.message).toMatch(/refused/);
      }
      expect((await call('GET', '/api/webhooks')).json()).toEqual([]);
      expect(rxHits).toEqual([]);
    });

    it('an allow-listed host:port works and the ping reports status and time only, never the body', async () => {
      const created = await call('POST', '/api/webhooks', { name: 'local erp', url: `http://127.0.0.1:${rxPort}/ok`, format: 'json' });
      expect(created.status, created.body).toBe(201);
      const ping = await call('POST', `/api/webhooks/${created.json().id}/test`);
      expect(ping.status, ping.body).toBe(200);
      expect(Object.keys(ping.json()).sort()).toEqual(['error', 'ms', 'ok', 'statusCode']);
      expect(ping.json()).toMatchObject({ ok: true, statusCode: 200, error: null });
      expect(ping.body).not.toContain('secret page');
      expect(rxHits).toEqual(['/ok']);
      // the same address on another port, or the same port under another name, is still refused
      expect((await call('PATCH', `/api/webhooks/${created.json().id}`, { url: `http://127.0.0.1:${rxPort + 1}/ok` })).status).toBe(422);
      expect((await call('PATCH', `/api/webhooks/${created.json().id}`, { url: `http://localhost:${rxPort}/ok` })).status).toBe(422);
      expect((await call('DELETE', `/api/webhooks/${created.json().id}`)).status).toBe(204);
    });

    it('webhook change and test ping refuse every blocked class; a public address passes the check', async () => {
      // a public address is accepted at create (checked only: the test machine never connects out)
      const w = await call('POST', '/api/webhooks', { name: 'public erp', url: 'https://93.184.216.34/hook', format: 'json' });
      expect(w.status, w.body).toBe(201);
      const id = w.json().id as string;
      for (const { label, host } of [...classHosts, ...mappedHosts, ...nameHosts]) {
        const url = `http://${host}:${rxPort}/changed`;
        expect((await call('PATCH', `/api/webhooks/${id}`, { url })).status, `${host} (${label})`).toBe(422);
        // a URL already stored (e.g. before the allow-list was narrowed) is refused at ping time, unconnected
        await t.sql('UPDATE erp_webhooks SET url = $1 WHERE id = $2', [url, id]);
        const ping = await call('POST', `/api/webhooks/${id}/test`);
        expect(ping.status, `${host} (${label}): ${ping.body}`).toBe(422);
      }
      expect(rxHits.filter((p) => p === '/changed')).toEqual([]);
      expect((await call('DELETE', `/api/webhooks/${id}`)).status).toBe(204);
    });

    it('OPC UA browse refuses every blocked class before connecting', async () => {
      for (const { label, host } of [...classHosts, ...mappedHosts, ...nameHosts]) {
        const port = host === 'localhost' || host.includes('127.0.0.0') ? tcpPort : 4840;
        const res = await call('GET', `/api/opcua/browse?endpoint=${encodeURIComponent(`opc.tcp://${host}:${port}`)}`);
        expect(res.status, `${host} (${label}): ${res.body}`).toBe(422);
        expect(res.json().error.details).toMatchObject({ reason: 'outbound_blocked' });
      }
      for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', 'localhost', '[::1]']) {
        const res = await call('GET', `/api/opcua/browse?endpoint=${encodeURIComponent(`opc.tcp://${host}:${tcpPort}/ua`)}`);
        expect(res.status, host).toBe(422);
      }
      expect(tcpConnections).toBe(0);
    });

    it('fuzz: random addresses inside blocked ranges are refused for webhooks and browse', async () => {
      await fc.assert(
        fc.asyncProperty(blockedHost, fc.integer({ min: 1, max: 65535 }), async (host, port) => {
          const wh = await call('POST', '/api/webhooks', { name: `fuzz ${host}:${port}`, url: `http://${host}:${port}/x`, format: 'json' });
          expect(wh.status, `${host}: ${wh.body}`).toBe(422);
          const br = await call('GET', `/api/opcua/browse?endpoint=${encodeURIComponent(`opc.tcp://${host}:${port}`)}`);
          expect(br.status, `${host}: ${br.body}`).toBe(422);
        }),
        { numRuns: 40 },
      );
      expect(tcpConnections).toBe(0);
    });
  });
}
