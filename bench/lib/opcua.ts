// Throughput of the OPC UA connector next to a bare node-opcua subscription, against one simulated server whose
// bench variables all change every sampling interval. The server runs in a child process; both clients run at the
// same time in this process, so they share the server and the CPU.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { AttributeIds, ClientMonitoredItemGroup, OPCUACertificateManager, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import type { DecodeResult, ObservationSink } from '../../src/collect/index.ts';
import { Backoff } from '../../src/connectors/index.ts';
import { createOpcuaConnector, NamespaceResolver } from '../../src/connectors/opcua/index.ts';
import { connectionSchema } from '../../src/plant/index.ts';
import { OpcuaSimServer } from '../../src/sim/opcua/index.ts';

export interface OpcuaBenchResult {
  connectorValuesPerS: number;
  bareValuesPerS: number;
  /** What the server produces: items × 1000 / samplingIntervalMs. */
  offeredValuesPerS: number;
}

const T0 = performance.now();
const log = (s: string) => process.stderr.write(`[bench:opcua +${((performance.now() - T0) / 1000).toFixed(1)} s] ${s}\n`);

export interface OpcuaBenchOptions {
  items: number;
  seconds: number;
  samplingIntervalMs?: number;
  /** Run the server in this process (quick smoke runs; the server then competes with the clients for the CPU). */
  inProcess?: boolean;
}

export async function benchOpcua(opts: OpcuaBenchOptions): Promise<OpcuaBenchResult> {
  const interval = opts.samplingIntervalMs ?? 100;
  const pki = mkdtempSync(join(tmpdir(), 'takt-opcua-bench-'));
  log(`starting a server with ${opts.items} variables changing every ${interval} ms`);
  const { server, stop } = opts.inProcess ? await startServerHere(opts.items, interval) : await startServerProcess(opts.items, interval);
  log(`server at ${server.endpoint}`);
  let connectorCount = 0;
  let bareCount = 0;
  const sink: ObservationSink = {
    async submit(b: DecodeResult) {
      connectorCount += b.observations.length;
    },
    sourceStatus() {},
  };
  const settings = connectionSchema.parse({
    protocol: 'opcua',
    endpoint: server.endpoint,
    namespaceUri: server.namespaceUri,
    samplingIntervalMs: interval,
    items: server.bench.map((nodeId, i) => ({ nodeId, tag: `v${i}` })),
  });
  if (settings.protocol !== 'opcua') throw new Error('unreachable');
  const ctx = {
    equipmentId: 'bench01',
    equipmentPath: 'bench/opcua/bench01',
    log: pino({ level: 'silent' }) as unknown as FastifyBaseLogger,
    now: () => Date.now(),
  };
  const connector = createOpcuaConnector(settings, ctx, { pkiDir: join(pki, 'connector'), backoff: new Backoff(200, 2000), requestTimeoutMs: 30_000 });
  const cm = new OPCUACertificateManager({ rootFolder: join(pki, 'bare'), automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true });
  const bare = OPCUAClient.create({ endpointMustExist: false, clientCertificateManager: cm, connectionStrategy: { maxRetry: 0 }, transportTimeout: 30_000 });
  try {
    await connector.start(sink);
    await bare.connect(server.endpoint);
    const session = await bare.createSession();
    const ns = (await session.read({ nodeId: 'i=2255', attributeId: AttributeIds.Value })).value.value as string[];
    const resolver = new NamespaceResolver(ns);
    const sub = await session.createSubscription2({
      requestedPublishingInterval: Math.min(1000, Math.max(50, interval)),
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 60,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
    });
    for (let i = 0; i < server.bench.length; i += 500) {
      const group = ClientMonitoredItemGroup.create(
        sub,
        server.bench.slice(i, i + 500).map((id) => ({ nodeId: resolver.resolve(id), attributeId: AttributeIds.Value })),
        { samplingInterval: interval, queueSize: 10, discardOldest: true },
        TimestampsToReturn.Both,
      );
      group.on('changed', () => bareCount++);
    }
    const deadline = Date.now() + 60_000;
    while ((connectorCount === 0 || bareCount === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    log(`both clients receive (connector: ${connector.health().state}); warming up 1 s`);
    await new Promise((r) => setTimeout(r, 1000));
    const c0 = connectorCount;
    const b0 = bareCount;
    const t0 = performance.now();
    for (let s = 1; s <= opts.seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      log(`${s}/${opts.seconds} s: connector ${connectorCount - c0}, bare ${bareCount - b0} values`);
    }
    const dt = (performance.now() - t0) / 1000;
    const result = {
      connectorValuesPerS: Math.round((connectorCount - c0) / dt),
      bareValuesPerS: Math.round((bareCount - b0) / dt),
      offeredValuesPerS: Math.round((opts.items * 1000) / interval),
    };
    log(`connector ${result.connectorValuesPerS}/s, bare ${result.bareValuesPerS}/s, offered ${result.offeredValuesPerS}/s`);
    await session.close().catch(() => undefined);
    return result;
  } finally {
    log('stopping');
    await connector.stop();
    await bare.disconnect().catch(() => undefined);
    await cm.dispose().catch(() => undefined);
    await stop();
    rmSync(pki, { recursive: true, force: true });
    log('stopped');
  }
}

interface ServerInfo {
  endpoint: string;
  namespaceUri: string;
  bench: string[];
}

interface StartedServer {
  server: ServerInfo;
  stop(): Promise<void>;
}

async function startServerHere(items: number, interval: number): Promise<StartedServer> {
  const s = new OpcuaSimServer({ name: 'bench01', benchVariables: items, benchIntervalMs: interval });
  await s.start();
  return { server: { endpoint: s.endpoint, namespaceUri: s.namespaceUri, bench: s.nodeIds.bench }, stop: () => s.stop() };
}

function startServerProcess(items: number, interval: number): Promise<StartedServer> {
  const child = fork(new URL('./opcua-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TAKT_BENCH_ITEMS: String(items), TAKT_BENCH_INTERVAL_MS: String(interval) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const stop = async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    };
    child.once('message', (server) => resolve({ server: server as ServerInfo, stop }));
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
}
