// A simulated OPC UA machine (node-opcua server) for tests, demos and benchmarks of the OPC UA connector.
import { OpcuaSimServer, type OpcuaFaults, type OpcuaMachineNodeIds, type OpcuaMachineOptions } from './server.ts';

export { OpcuaSimServer, freePort, MACHINE_NODE_NAMES, type OpcuaFaults, type OpcuaMachineNodeIds, type OpcuaMachineOptions } from './server.ts';
export { OpcuaSimMachine, SETPOINTS, MACHINE_TAGS, type SetpointName, type MachineTag } from './machine.ts';

export interface OpcuaMachineHandle {
  endpoint: string;
  namespaceUri: string;
  /** Absolute node ids (`nsu=<namespaceUri>;s=<name>.<Node>`). */
  nodeIds: OpcuaMachineNodeIds;
  /** The accepted user (besides anonymous). */
  user: { username: string; password: string };
  /** Turns a fault on or off while the server runs. */
  setFault(fault: keyof OpcuaFaults, on: boolean): void;
  server: OpcuaSimServer;
  stop(): Promise<void>;
  /** Drops every session: closes the server and starts it again on the same port (after downMs, default 0). */
  restart(downMs?: number): Promise<void>;
}

export async function startOpcuaMachine(opts: OpcuaMachineOptions = {}): Promise<OpcuaMachineHandle> {
  const user = opts.user ?? { username: 'takt', password: 'takt-secret' };
  const server = new OpcuaSimServer({ ...opts, user });
  await server.start();
  return {
    endpoint: server.endpoint,
    namespaceUri: server.namespaceUri,
    nodeIds: server.nodeIds,
    user,
    setFault: (f, on) => server.setFault(f, on),
    server,
    stop: () => server.stop(),
    restart: (downMs) => server.restart(downMs),
  };
}
