// The simulated OPC UA machine's server: node-opcua with a machine object (state, counters, process values,
// alarm), Stop/Start methods and writable setpoints. It survives restarts (same port, same PKI folder, same machine
// behaviour) so connectors can be tested against a server that goes away and comes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  type Namespace,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import { MACHINE_TAGS, OpcuaSimMachine, SETPOINTS, type MachineTag, type SetpointName, type SimValue } from './machine.ts';

export interface OpcuaFaults {
  /** The node `<name>.BarrelZone4Temperature` reports BadSensorFailure instead of a value. */
  badSensor?: boolean;
  /** Every session is refused: CreateSession answers BadTooManySessions, user/password BadUserAccessDenied. */
  refuseSessions?: boolean;
  /** From the next (re)start on, one more vendor namespace comes before the machine's: its index changes. */
  renumberNamespaces?: boolean;
}

export interface OpcuaMachineOptions {
  port?: number;
  seed?: number;
  /** Simulated time runs this many times faster than the wall clock (default 1). */
  speed?: number;
  /** Browse name of the machine object and prefix of its string node ids (default 'imm01'). */
  name?: string;
  faults?: OpcuaFaults;
  /** The one user/password the server accepts besides anonymous (default takt / takt-secret). */
  user?: { username: string; password: string };
  allowAnonymous?: boolean;
  /** The State node spells the PackML name in this case ('STOPPED', 'stopped'); default as PackML writes it. */
  stateCase?: 'upper' | 'lower';
  /** Bench only: this many Double variables under `<name>.Bench`, all changing every benchIntervalMs. */
  benchVariables?: number;
  benchIntervalMs?: number;
}

export const MACHINE_NODE_NAMES: Record<MachineTag, string> = {
  state: 'State',
  good: 'Good',
  scrap: 'Scrap',
  cycle_time: 'CycleTime',
  alarm: 'Alarm',
  meltTemperature: 'MeltTemperature',
  mouldTemperature: 'MouldTemperature',
  injectionPressure: 'InjectionPressure',
};
const UNITS: Partial<Record<MachineTag, string>> = { cycle_time: 's', meltTemperature: '°C', mouldTemperature: '°C', injectionPressure: 'bar' };

export interface OpcuaMachineNodeIds {
  machine: string;
  state: string;
  good: string;
  scrap: string;
  cycleTime: string;
  alarm: string;
  meltTemperature: string;
  mouldTemperature: string;
  injectionPressure: string;
  setMeltTemperature: string;
  setHoldingTime: string;
  badSensor: string;
  stop: string;
  start: string;
  bench: string[];
}

/** A free TCP port: node-opcua builds its endpoint URL from the configured port, so 0 cannot be used directly. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const DATA_TYPES: Record<MachineTag, DataType> = {
  state: DataType.String,
  alarm: DataType.String,
  good: DataType.UInt32,
  scrap: DataType.UInt32,
  cycle_time: DataType.Double,
  meltTemperature: DataType.Double,
  mouldTemperature: DataType.Double,
  injectionPressure: DataType.Double,
};

export class OpcuaSimServer {
  readonly namespaceUri: string;
  readonly name: string;
  readonly nodeIds: OpcuaMachineNodeIds;
  readonly faults: OpcuaFaults;
  private server: OPCUAServer | null = null;
  private readonly pkiDir: string;
  private readonly machine: OpcuaSimMachine;
  private timer: NodeJS.Timeout | null = null;
  private benchTimer: NodeJS.Timeout | null = null;
  private vars = new Map<string, UAVariable>();
  private benchVars: UAVariable[] = [];
  private benchCounter = 0;
  port = 0;
  private maxSessions: number | undefined;

  constructor(private readonly opts: OpcuaMachineOptions) {
    this.name = opts.name ?? 'imm01';
    this.namespaceUri = `urn:takt:sim:opcua:${this.name}`;
    this.faults = { ...opts.faults };
    this.pkiDir = mkdtempSync(join(tmpdir(), 'takt-opcua-sim-'));
    this.machine = new OpcuaSimMachine({ seed: opts.seed ?? 1, speed: opts.speed ?? 1, wallNow: Date.now() });
    // Absolute node ids (nsu=…): they do not depend on the namespace index this server happens to assign.
    const id = (s: string) => `nsu=${this.namespaceUri};s=${this.name}${s ? `.${s}` : ''}`;
    this.nodeIds = {
      machine: id(''),
      state: id('State'),
      good: id('Good'),
      scrap: id('Scrap'),
      cycleTime: id('CycleTime'),
      alarm: id('Alarm'),
      meltTemperature: id('MeltTemperature'),
      mouldTemperature: id('MouldTemperature'),
      injectionPressure: id('InjectionPressure'),
      setMeltTemperature: id('SetMeltTemperature'),
      setHoldingTime: id('SetHoldingTime'),
      badSensor: id('BarrelZone4Temperature'),
      stop: id('Stop'),
      start: id('Start'),
      bench: Array.from({ length: opts.benchVariables ?? 0 }, (_, i) => id(`Bench.V${i}`)),
    };
  }

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = this.opts.port || (await freePort());
    const user = this.opts.user ?? { username: 'takt', password: 'takt-secret' };
    // Certificates are created locally (node-opcua-pki, no network) in a temp folder kept across restarts.
    const serverCertificateManager = new OPCUACertificateManager({ rootFolder: join(this.pkiDir, 'server'), automaticallyAcceptUnknownCertificate: true });
    const userCertificateManager = new OPCUACertificateManager({ rootFolder: join(this.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: true });
    const server = new OPCUAServer({
      port: this.port,
      hostname: '127.0.0.1',
      serverCertificateManager,
      userCertificateManager,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: this.opts.allowAnonymous ?? true,
      userManager: { isValidUser: (u: string, p: string) => !this.faults.refuseSessions && u === user.username && p === user.password },
      disableDiscovery: true,
      buildInfo: { productName: `Takt simulated machine ${this.name}`, manufacturerName: 'Takt' },
      serverInfo: { applicationUri: `urn:takt:sim:${this.name}`, productUri: 'urn:takt:sim' },
    });
    await server.initialize();
    this.build(server);
    await server.start();
    this.server = server;
    this.applyRefusal();
    this.timer ??= setInterval(() => this.tick(), 50);
    if (this.nodeIds.bench.length && !this.benchTimer) this.benchTimer = setInterval(() => this.benchTick(), this.opts.benchIntervalMs ?? 100);
  }

  /** Shuts the server down (all sessions and subscriptions are lost) and starts it again on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.closeServer();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.benchTimer) clearInterval(this.benchTimer);
    this.timer = this.benchTimer = null;
    await this.closeServer();
    rmSync(this.pkiDir, { recursive: true, force: true });
  }

  setFault(fault: keyof OpcuaFaults, on: boolean): void {
    this.faults[fault] = on;
    this.applyRefusal();
    this.refreshBadSensor();
  }

  /** The machine behind the server (tests read its state and setpoints directly). */
  get sim(): OpcuaSimMachine {
    return this.machine;
  }

  private async closeServer(): Promise<void> {
    const s = this.server;
    this.server = null;
    this.vars.clear();
    this.benchVars = [];
    if (s) await s.shutdown(0);
  }

  private applyRefusal(): void {
    if (!this.server) return;
    // CreateSession is refused with BadTooManySessions (Part 4 §5.6.2) while maxSessions is 0.
    const caps = this.server.engine.serverCapabilities;
    this.maxSessions ??= caps.maxSessions;
    caps.maxSessions = this.faults.refuseSessions ? 0 : this.maxSessions;
  }

  private build(server: OPCUAServer): void {
    const as = server.engine.addressSpace!;
    // A vendor namespace registered first, so the machine's namespace is not index 1: clients must resolve
    // namespaceUri → index from the NamespaceArray at run time (OPC UA Part 3 §8.2.2), not assume it.
    as.registerNamespace('urn:takt:sim:opcua:vendor-extras');
    if (this.faults.renumberNamespaces) as.registerNamespace('urn:takt:sim:opcua:vendor-update');
    const ns: Namespace = as.registerNamespace(this.namespaceUri);
    const nid = (s: string) => `ns=${ns.index};s=${this.name}${s ? `.${s}` : ''}`;
    const machine: UAObject = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: this.name, nodeId: nid('') });
    for (const tag of MACHINE_TAGS) {
      const v = ns.addVariable({
        componentOf: machine,
        browseName: MACHINE_NODE_NAMES[tag],
        nodeId: nid(MACHINE_NODE_NAMES[tag]),
        dataType: DataType[DATA_TYPES[tag]],
        accessLevel: 'CurrentRead',
        userAccessLevel: 'CurrentRead',
        description: UNITS[tag] ? `unit: ${UNITS[tag]}` : undefined,
        value: this.variant(tag, this.machine.get(tag)),
      });
      this.vars.set(tag, v);
    }
    for (const name of Object.keys(SETPOINTS) as SetpointName[]) {
      ns.addVariable({
        componentOf: machine,
        browseName: name,
        nodeId: nid(name),
        dataType: 'Double',
        accessLevel: 'CurrentRead | CurrentWrite',
        userAccessLevel: 'CurrentRead | CurrentWrite',
        // A getter needs minimumSamplingInterval, or node-opcua samples it at 1 s (standards.md §5).
        minimumSamplingInterval: 100,
        value: {
          get: () => new Variant({ dataType: DataType.Double, value: this.machine.getSetpoint(name) }),
          set: (v: Variant) => (this.machine.setSetpoint(name, Number(v.value)).ok ? StatusCodes.Good : StatusCodes.BadOutOfRange),
        },
      });
    }
    const sensor = ns.addVariable({
      componentOf: machine,
      browseName: 'BarrelZone4Temperature',
      nodeId: nid('BarrelZone4Temperature'),
      dataType: 'Double',
      accessLevel: 'CurrentRead',
      userAccessLevel: 'CurrentRead',
    });
    this.vars.set('badSensor', sensor);
    this.refreshBadSensor();
    for (const [cmd, label] of [
      ['stop', 'Stop'],
      ['start', 'Start'],
    ] as const) {
      const m = ns.addMethod(machine, { browseName: label, nodeId: nid(label), inputArguments: [], outputArguments: [] });
      m.bindMethod(async (_inputs: Variant[], _context: unknown) => {
        const r = cmd === 'stop' ? this.machine.stop(Date.now()) : this.machine.start(Date.now());
        this.tick();
        // PackML: a command that is not allowed in the current state is refused (OPC UA Part 4: BadInvalidState).
        return { statusCode: r.ok ? StatusCodes.Good : StatusCodes.BadInvalidState };
      });
    }
    if (this.nodeIds.bench.length) {
      const folder = ns.addObject({ componentOf: machine, browseName: 'Bench', nodeId: nid('Bench') });
      this.benchVars = this.nodeIds.bench.map((_, i) =>
        ns.addVariable({
          componentOf: folder,
          browseName: `V${i}`,
          nodeId: nid(`Bench.V${i}`),
          dataType: 'Double',
          value: { dataType: DataType.Double, value: 0 },
        }),
      );
    }
  }

  private variant(tag: MachineTag, value: SimValue): Variant {
    if (tag === 'state' && typeof value === 'string' && this.opts.stateCase)
      value = this.opts.stateCase === 'upper' ? value.toUpperCase() : value.toLowerCase();
    return new Variant({ dataType: DATA_TYPES[tag], value });
  }

  private refreshBadSensor(): void {
    const v = this.vars.get('badSensor');
    if (!v) return;
    if (this.faults.badSensor) v.setValueFromSource(new Variant({ dataType: DataType.Double, value: 0 }), StatusCodes.BadSensorFailure);
    else v.setValueFromSource(new Variant({ dataType: DataType.Double, value: 231.5 }), StatusCodes.Good);
  }

  private tick(): void {
    const changes = this.machine.advance(Date.now());
    for (const c of changes) {
      const v = this.vars.get(c.tag);
      if (v) v.setValueFromSource(this.variant(c.tag as MachineTag, c.value), StatusCodes.Good, new Date(c.wallTs));
    }
  }

  private benchTick(): void {
    const now = new Date();
    this.benchCounter++;
    for (let i = 0; i < this.benchVars.length; i++) {
      this.benchVars[i].setValueFromSource(new Variant({ dataType: DataType.Double, value: this.benchCounter + i / 1000 }), StatusCodes.Good, now);
    }
  }
}
