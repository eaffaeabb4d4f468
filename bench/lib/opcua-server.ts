// Child-process entry for benchOpcua: runs the simulated server in its own process, so the clients being measured
// do not share an event loop with it. Reports its endpoint and node ids over IPC; exits when told to or orphaned.
import { OpcuaSimServer } from '../../src/sim/opcua/index.ts';

const items = Number(process.env.TAKT_BENCH_ITEMS ?? 100);
const interval = Number(process.env.TAKT_BENCH_INTERVAL_MS ?? 100);
const server = new OpcuaSimServer({ name: 'bench01', benchVariables: items, benchIntervalMs: interval });
await server.start();
process.send?.({ endpoint: server.endpoint, namespaceUri: server.namespaceUri, bench: server.nodeIds.bench });
const quit = async () => {
  await server.stop().catch(() => undefined);
  process.exit(0);
};
process.on('message', (m) => m === 'stop' && void quit());
process.on('disconnect', () => void quit());
