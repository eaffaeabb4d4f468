// The OPC UA connector: one client per machine, a session, one subscription; data changes → Observations.
//
// Reconnection has two layers.
//  1. node-opcua repairs a broken channel itself (connectionStrategy with a retry budget): it re-activates the
//     session when the server still has it — then asks for the notifications it missed with Republish, so nothing
//     queued on the server is lost — or else creates a new session and transfers (TransferSubscriptions, Part 4
//     §5.13.7) or re-creates the subscription and its monitored items. Health shows `backoff` meanwhile.
//  2. Takt's own state machine (connecting → connected → lost → backoff → connecting …, `Backoff` from
//     connector.ts) takes over when that is not enough: the first connection, a refused session, a closed session,
//     a terminated subscription, a server whose NamespaceArray changed, or a subscription that stays silent (no data
//     and no keep-alive) for stallTimeoutMs. It tears everything down and builds a new session and subscription.
// What cannot be recovered: changes while the server itself was down or restarting (its queues die with it), and
// changes a monitored item's queue overflowed on (the server sets the Overflow bit; we count and report it). A
// re-created subscription sends every item's current value first (Part 4 §5.12.1.1), so each tag is current again.
import type { ClientSession, ClientSubscription, DataValue, OPCUACertificateManager, OPCUAClient } from 'node-opcua';
import type { Observation, ObservationSink, Rejection, SourceRef } from '../../collect/index.ts';
import {
  Backoff,
  inStartupGrace,
  initialHealth,
  type CommandResult,
  type Connector,
  type ConnectorContext,
  type ConnectorHealth,
  type MachineCommand,
} from '../connector.ts';
import {
  certificateManager,
  createClient,
  errorText,
  identity,
  isConfigurationError,
  readNamespaceArray,
  redactEndpoint,
  withTimeout,
  type OpcuaClientOptions,
  type OpcuaSettings,
} from './client.ts';
import { runCommand } from './commands.ts';
import { NamespaceResolver } from './nodeids.ts';
import { createSubscription, planSubscription, type OpcuaItem } from './subscription.ts';
import { decodeDataValue } from './values.ts';

export interface OpcuaConnectorOptions extends OpcuaClientOptions {
  backoff?: Backoff;
  /** Subscription publishing interval; default the fastest item's sampling interval within 50 ms … 1 s. */
  publishingIntervalMs?: number;
  /** No data and no keep-alive for this long while connected → rebuild the session (default 30 s). */
  stallTimeoutMs?: number;
}

export class OpcuaConnector implements Connector {
  readonly protocol = 'opcua';
  private readonly h: ConnectorHealth;
  private readonly source: SourceRef;
  private readonly backoff: Backoff;
  private sink: ObservationSink | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private cm: OPCUACertificateManager | null = null;
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  private resolver: NamespaceResolver | null = null;
  private namespaces: string[] = [];
  /** Ends the connected phase (or the backoff sleep) with a reason. */
  private interrupt: ((reason: string) => void) | null = null;
  private lastSign = 0;
  private online: boolean | null = null;
  private everConnected = false;
  private buffer: DecodeBatch = { observations: [], rejections: [] };
  private flushScheduled = false;
  /**
   * While node-opcua repairs a connection, values are held here until the NamespaceArray is checked: a re-created
   * monitored item keeps its old numeric node id, which means another node if the server renumbered namespaces.
   */
  private held: DecodeBatch | null = null;
  /** Monitored-item queue overflows the server reported (changes it had to discard). */
  overflows = 0;

  constructor(
    readonly settings: OpcuaSettings,
    private readonly ctx: ConnectorContext,
    private readonly opts: OpcuaConnectorOptions = {},
  ) {
    this.h = initialHealth('opcua', ctx.equipmentPath, redactEndpoint(settings.endpoint));
    this.source = { protocol: 'opcua', client: redactEndpoint(settings.endpoint) };
    this.backoff = opts.backoff ?? new Backoff(1000, 30_000);
  }

  async start(sink: ObservationSink): Promise<void> {
    if (this.running) return;
    this.sink = sink;
    this.running = true;
    this.cm = certificateManager(this.opts);
    this.loop = this.run().catch((err) => this.ctx.log.error({ err }, 'OPC UA connector loop failed'));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.interrupt?.('stopped');
    await this.loop;
    this.flush();
    this.h.state = 'stopped';
    await this.cm?.dispose().catch(() => undefined);
    this.cm = null;
  }

  health(): ConnectorHealth {
    return { ...this.h };
  }

  command(cmd: MachineCommand, timeoutMs: number): Promise<CommandResult> {
    const session = this.h.state === 'connected' ? this.session : null;
    if (!session || !this.resolver) return Promise.resolve({ status: 'failed', detail: `not connected to ${this.h.target} (${this.h.state})` });
    return runCommand(session, this.resolver, this.settings, cmd, timeoutMs);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.h.state = 'connecting';
      let reason: string;
      let configError = false;
      try {
        await this.connect();
        if (!this.running) break;
        this.h.state = 'connected';
        this.everConnected = true;
        this.h.connectedSince = this.ctx.now();
        this.backoff.reset();
        this.setOnline(true);
        reason = await this.untilLost();
        if (this.running) this.error(reason);
      } catch (err) {
        reason = errorText(err);
        if (/Cannot find an Endpoint/i.test(reason))
          reason = `the server offers no endpoint with security ${this.settings.securityMode} / ${this.settings.securityPolicy}`;
        configError = isConfigurationError(err);
        this.error(reason);
      }
      await this.teardown();
      if (!this.running) break;
      this.setOnline(false, reason);
      this.h.state = configError ? 'failed' : 'backoff';
      this.h.connectedSince = null;
      const delay = this.backoff.next();
      // a server not up yet during start-up is the expected order (the demo's simulator starts after the connectors)
      const level = inStartupGrace(this.ctx, this.everConnected) ? 'debug' : 'warn';
      this.ctx.log[level](`OPC UA ${this.h.target} (${this.ctx.equipmentPath}): ${reason}; retrying in ${delay} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.interrupt = () => (clearTimeout(t), resolve());
      });
      this.interrupt = null;
      if (this.running) this.h.reconnects++;
    }
  }

  private async connect(): Promise<void> {
    const s = this.settings;
    const timeout = this.opts.requestTimeoutMs ?? 10_000;
    const client = createClient(s, this.cm!, this.opts, true);
    this.client = client;
    await withTimeout(client.connect(s.endpoint), timeout * 2, 'connect');
    const session = await withTimeout(client.createSession(identity(s)), timeout, 'create session');
    this.session = session;
    this.namespaces = await readNamespaceArray(session);
    this.resolver = new NamespaceResolver(this.namespaces, s.namespaceUri);
    if (s.namespaceUri && !this.namespaces.includes(s.namespaceUri))
      throw new Error(`namespace '${s.namespaceUri}' is not in the server's NamespaceArray (${this.namespaces.length} namespaces)`);
    // The keep-alive comes at least three times per stall timeout, so a quiet machine never looks stalled.
    const plan = planSubscription(s, this.opts.publishingIntervalMs, Math.min(5000, (this.opts.stallTimeoutMs ?? 30_000) / 3));
    this.subscription = await withTimeout(
      createSubscription(session, this.resolver, plan, {
        onValue: (item, dv) => this.onValue(item, dv),
        onItemError: (item, why) => {
          this.error(`${item.nodeId} (${item.tag}): ${why}`);
          this.ctx.log.warn(`OPC UA ${this.h.target}: ${item.nodeId} (${item.tag}): ${why}`);
        },
      }),
      timeout * 3,
      'create subscription',
    );
  }

  /** Resolves with the reason the connected phase ended; handles node-opcua's own repairs meanwhile. */
  private untilLost(): Promise<string> {
    const client = this.client!;
    const session = this.session!;
    const sub = this.subscription!;
    const stallMs = this.opts.stallTimeoutMs ?? 30_000;
    this.lastSign = this.ctx.now();
    return new Promise<string>((resolve) => {
      let done = false;
      const finish = (reason: string) => {
        if (done) return;
        done = true;
        clearInterval(watchdog);
        this.interrupt = null;
        this.held = null;
        resolve(reason);
      };
      this.interrupt = finish;
      const watchdog = setInterval(
        () => {
          if (this.ctx.now() - this.lastSign > stallMs) finish(`no data or keep-alive for ${Math.round(stallMs / 1000)} s`);
        },
        Math.min(1000, stallMs / 4),
      );
      sub.on('keepalive', () => (this.lastSign = this.ctx.now()));
      sub.on('terminated', () => finish('subscription terminated'));
      sub.on('internal_error', (err: Error) => finish(`subscription error: ${errorText(err)}`));
      sub.on('status_changed', (sc) => {
        if (sc.isNotGood()) finish(`subscription status ${sc.name}`);
      });
      session.on('session_closed', (sc) => finish(`session closed by the server${sc ? ` (${sc.name})` : ''}`));
      client.on('connection_lost', () => {
        if (done) return;
        this.h.state = 'backoff';
        this.error('connection lost; node-opcua is repairing the session');
        this.setOnline(false, 'connection lost');
        this.held ??= { observations: [], rejections: [] };
      });
      client.on('reconnection_attempt_has_failed', (err: Error) => this.error(`reconnection attempt failed: ${errorText(err)}`));
      client.on('close', () => finish('connection closed'));
      client.on('connection_reestablished', () => {
        if (done) return;
        // The session (maybe a new one) is back: make sure the node ids still mean what they meant.
        readNamespaceArray(session)
          .then((ns) => {
            const held = this.held;
            this.held = null;
            if (ns.join('\n') !== this.namespaces.join('\n')) return finish('the server’s NamespaceArray changed');
            if (held) {
              this.buffer.observations.push(...held.observations);
              this.buffer.rejections.push(...held.rejections);
              this.flush();
            }
            this.lastSign = this.ctx.now();
            this.h.state = 'connected';
            this.h.connectedSince = this.ctx.now();
            this.h.reconnects++;
            this.setOnline(true);
          })
          .catch((err) => finish(`after reconnection: ${errorText(err)}`));
      });
    });
  }

  private async teardown(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.session = null;
    this.subscription = null;
    this.resolver = null;
    if (!client) return;
    // disconnect() also cancels a repair in progress; closing the session politely may not be possible.
    await withTimeout(client.disconnect(), 5000, 'disconnect').catch(() => undefined);
  }

  private setOnline(online: boolean, reason?: string): void {
    if (this.online === online) return;
    this.online = online;
    this.sink?.sourceStatus({ source: this.source, equipmentPath: this.ctx.equipmentPath, online, at: this.ctx.now(), ...(reason ? { reason } : {}) });
  }

  private error(message: string): void {
    this.h.errors++;
    this.h.lastError = message;
  }

  private onValue(item: OpcuaItem, dv: DataValue): void {
    const now = this.ctx.now();
    this.lastSign = now;
    this.h.received++;
    this.h.lastDataAt = now;
    const r = decodeDataValue(dv);
    if (r.ok) {
      if (r.overflow) {
        this.overflows++;
        this.error(`${item.nodeId} (${item.tag}): the server's queue overflowed, changes were discarded (Overflow bit)`);
      }
      const o: Observation = {
        source: this.source,
        topic: item.nodeId,
        equipmentPath: this.ctx.equipmentPath,
        tag: item.tag,
        value: r.value,
        ts: r.ts ?? now,
        receivedAt: now,
      };
      (this.held ?? this.buffer).observations.push(o);
    } else {
      const rej: Rejection = {
        source: this.source,
        topic: item.nodeId,
        reason: `${r.reason} on ${item.nodeId} (tag ${item.tag})`,
        payload: r.detail,
        receivedAt: now,
      };
      (this.held ?? this.buffer).rejections.push(rej);
    }
    if (!this.held && !this.flushScheduled) {
      this.flushScheduled = true;
      // One submit per burst of notifications (a Publish response delivers them together).
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.buffer;
    if (!batch.observations.length && !batch.rejections.length) return;
    this.buffer = { observations: [], rejections: [] };
    // OPC UA acknowledges notifications in the next Publish request, whatever the sink does, so a batch the sink
    // refuses (storage unavailable, buffer full) is lost: it is counted and reported, not retried.
    this.sink?.submit(batch).catch((err) => {
      this.error(`collect refused ${batch.observations.length} values: ${errorText(err)}`);
    });
  }
}

interface DecodeBatch {
  observations: Observation[];
  rejections: Rejection[];
}
