import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpcuaMachine, type OpcuaMachineHandle } from '../../sim/opcua/index.ts';
import { Backoff } from '../connector.ts';
import { createOpcuaConnector, type OpcuaConnector } from './index.ts';
import { MemorySink, opcuaSettings, tempPki, testContext, waitFor } from './testkit.ts';

let m: OpcuaMachineHandle;
const pkiDir = tempPki();
const connectors: OpcuaConnector[] = [];

beforeAll(async () => {
  m = await startOpcuaMachine({ speed: 20, seed: 3, name: 'imm02' });
}, 30_000);

afterAll(async () => {
  for (const c of connectors) await c.stop();
  await m?.stop();
  rmSync(pkiDir, { recursive: true, force: true });
});

function connector(extra: Record<string, unknown> = {}, stallTimeoutMs?: number) {
  const settings = opcuaSettings({
    endpoint: m.endpoint,
    namespaceUri: m.namespaceUri,
    samplingIntervalMs: 50,
    items: [
      { nodeId: 'ns=1;s=imm02.State', tag: 'state' },
      { nodeId: 'ns=1;s=imm02.MouldTemperature', tag: 'mouldTemperature' },
    ],
    ...extra,
  });
  const c = createOpcuaConnector(settings, testContext('acme/plant/moulding/imm02'), { pkiDir, backoff: new Backoff(100, 500), stallTimeoutMs });
  connectors.push(c);
  return c;
}

describe('OPC UA connector faults', () => {
  it('comes back after the server restarts: values flow again, health and source status show the reconnect', async () => {
    const sink = new MemorySink();
    const c = connector();
    await c.start(sink);
    await waitFor(() => sink.of('mouldTemperature').length > 0, 15_000, 'first values');
    await m.restart();
    await waitFor(() => sink.statuses.some((s) => !s.online), 10_000, 'offline status');
    const lost = sink.statuses.find((s) => !s.online)!;
    expect(lost).toMatchObject({ equipmentPath: 'acme/plant/moulding/imm02', source: { protocol: 'opcua' } });
    const before = sink.observations.length;
    await waitFor(() => c.health().state === 'connected' && c.health().reconnects > 0, 20_000, 'reconnected');
    await waitFor(() => sink.observations.length > before + 3, 10_000, 'values after the restart');
    // The re-created subscription sends every item's current value again, so the state is current.
    await waitFor(() => sink.observations.slice(before).some((o) => o.tag === 'state'), 5000, 'state after restart');
    expect(sink.statuses.at(-1)).toMatchObject({ online: true });
    expect(c.health().lastError).toBeTruthy();
    await c.stop();
    expect(c.health().state).toBe('stopped');
  }, 40_000);

  it('rebuilds the subscription when the restarted server renumbered its namespaces', async () => {
    const sink = new MemorySink();
    const c = connector();
    await c.start(sink);
    await waitFor(() => sink.of('state').length > 0, 15_000, 'first values');
    m.setFault('renumberNamespaces', true);
    try {
      await m.restart();
      const before = sink.observations.length;
      await waitFor(() => c.health().lastError?.includes('NamespaceArray changed'), 15_000, 'namespace change detected').catch((e) => {
        throw e;
      });
      await waitFor(() => sink.observations.slice(before).some((o) => o.tag === 'state'), 15_000, 'state after the rebuild');
      await waitFor(() => c.health().state === 'connected', 5000, 'connected');
      // Values stay under their own tags: the state is text, the mould temperature a number around 45 °C.
      for (const o of sink.observations.slice(before)) {
        if (o.tag === 'state') expect(typeof o.value).toBe('string');
        else expect(Math.abs((o.value as number) - 45)).toBeLessThan(20);
      }
      expect(sink.rejections).toHaveLength(0);
    } finally {
      m.setFault('renumberNamespaces', false);
      await c.stop();
    }
  }, 40_000);

  it('gives up on a repair that takes too long and reconnects with its own backoff once the server is back', async () => {
    const sink = new MemorySink();
    const c = connector({}, 1500);
    await c.start(sink);
    await waitFor(() => sink.of('state').length > 0, 15_000, 'first values');
    const restarted = m.restart(4000);
    await waitFor(() => c.health().lastError?.includes('no data or keep-alive'), 10_000, 'stall detected');
    expect(['backoff', 'connecting']).toContain(c.health().state);
    await restarted;
    const before = sink.observations.length;
    await waitFor(() => c.health().state === 'connected', 15_000, 'connected again');
    await waitFor(() => sink.observations.slice(before).some((o) => o.tag === 'state'), 10_000, 'values again');
    expect(sink.statuses.filter((s) => s.online)).toHaveLength(2);
    await c.stop();
  }, 40_000);

  it('a refused session (wrong password) backs off with a clear lastError, never throws; right credentials work', async () => {
    const sink = new MemorySink();
    const bad = connector({ username: m.user.username, password: 'wrong' });
    await bad.start(sink);
    await waitFor(() => bad.health().errors >= 2, 15_000, 'refusals');
    const h = bad.health();
    expect(['failed', 'backoff', 'connecting']).toContain(h.state);
    expect(h.lastError).toMatch(/BadUserAccessDenied|BadIdentityToken/);
    expect(h.target).not.toContain('wrong');
    expect(sink.observations).toHaveLength(0);
    await bad.stop();

    const good = connector({ username: m.user.username, password: m.user.password });
    const sink2 = new MemorySink();
    await good.start(sink2);
    await waitFor(() => sink2.of('state').length > 0, 15_000, 'values with the right password');
    await waitFor(() => good.health().state === 'connected', 5000, 'connected');
    await good.stop();
  }, 40_000);

  it('keeps retrying while the server refuses every session and recovers once it accepts them again', async () => {
    m.setFault('refuseSessions', true);
    const sink = new MemorySink();
    const c = connector();
    await c.start(sink);
    await waitFor(() => c.health().errors >= 2, 15_000, 'refusals');
    expect(c.health().state).not.toBe('connected');
    expect(c.health().lastError).toMatch(/Bad[A-Za-z]+/);
    m.setFault('refuseSessions', false);
    await waitFor(() => c.health().state === 'connected', 15_000, 'connected after the fault cleared');
    await waitFor(() => sink.of('state').length > 0, 5000, 'values');
    await c.stop();
  }, 40_000);

  it('connects with SignAndEncrypt / Basic256Sha256 and a user', async () => {
    const sink = new MemorySink();
    const c = connector({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', username: m.user.username, password: m.user.password });
    await c.start(sink);
    await waitFor(() => sink.of('state').length > 0, 20_000, 'values over a secure channel');
    await c.stop();
  }, 30_000);

  it('a security policy the server does not offer → failed with a clear lastError, still retrying', async () => {
    const c = connector({ securityMode: 'Sign', securityPolicy: 'Aes256_Sha256_RsaPss' });
    await c.start(new MemorySink());
    await waitFor(() => c.health().errors >= 2, 15_000, 'refusals');
    expect(c.health().state).toBe('failed');
    expect(c.health().lastError).toContain('no endpoint with security Sign / Aes256_Sha256_RsaPss');
    await c.stop();
  });

  it('reports a namespace the server does not have', async () => {
    const c = connector({ namespaceUri: 'urn:nowhere' });
    await c.start(new MemorySink());
    await waitFor(() => c.health().errors >= 1, 10_000, 'error');
    expect(c.health().lastError).toContain('urn:nowhere');
    await c.stop();
  });
});
