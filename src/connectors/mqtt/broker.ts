// The embedded MQTT broker (aedes) of the default install. Devices sign in with an API token as password. A QoS 1
// PUBLISH into the unified namespace or Sparkplug is acknowledged only once the pipeline has stored it: aedes sends
// PUBACK after authorizePublish calls back, so holding that callback until commit gives "no acknowledged message lost"
// and natural backpressure when the database is slow.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Aedes, type Client, type AuthenticateError } from 'aedes';
import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from '../../platform/auth/principal.ts';

export interface InboundHandler {
  /** Is this topic data for the pipeline (takt/v1/…, spBv1.0/…)? */
  wants(topic: string): boolean;
  /** Decodes and submits; resolves when stored. */
  handle(topic: string, payload: Buffer, clientId: string, qos: 0 | 1 | 2): Promise<void>;
  /** A client disconnected (Sparkplug NDEATH comes as its will message, handled as a publish). */
  clientGone?(clientId: string): void;
}

export interface BrokerOptions {
  port: number;
  host: string;
  authenticate: (token: string) => Promise<Principal | undefined>;
  log: FastifyBaseLogger;
}

/** Credentials for Takt's own clients in this process (the built-in simulator, the command sender). */
export const INTERNAL_USERNAME = 'takt-internal';

type AuthedClient = Client & { takt?: Principal | 'internal' };

export class EmbeddedBroker {
  aedes!: Aedes;
  readonly internalPassword = randomBytes(24).toString('base64url');
  private server?: net.Server;
  private inbound?: InboundHandler;
  port = 0;

  constructor(private readonly opts: BrokerOptions) {}

  /** Creates the broker (aedes initialises its persistence asynchronously). */
  private async create(): Promise<void> {
    if (this.aedes) return;
    this.aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => void this.authenticate(client as AuthedClient, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client as AuthedClient | null, packet.topic, packet.payload as Buffer, packet.qos, done),
      authorizeSubscribe: (client, sub, done) => this.authorizeSubscribe(client as AuthedClient, sub.topic, (err) => done(err, err ? null : sub)),
    });
    this.aedes.on('clientError', (client, err) => this.opts.log.debug({ client: client?.id, err: err.message }, 'mqtt client error'));
    this.aedes.on('clientDisconnect', (client) => this.inbound?.clientGone?.(client.id));
  }

  setInbound(handler: InboundHandler): void {
    this.inbound = handler;
  }

  async listen(port = this.opts.port): Promise<number> {
    await this.create();
    this.server = net.createServer(this.aedes.handle as (socket: net.Socket) => void);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.opts.host, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    // only errors after a successful start are faults of the running broker (a busy port is the caller's to handle)
    this.server.on('error', (err) => this.opts.log.error({ err }, 'mqtt broker error'));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private async authenticate(client: AuthedClient, username: string | undefined, password: Buffer | undefined, done: (e: AuthenticateError | null, ok: boolean | null) => void) {
    const refuse = (msg: string) => {
      const e = new Error(msg) as AuthenticateError;
      e.returnCode = 4; // bad username or password (MQTT 3.1.1 §3.2.2.3)
      this.opts.log.info({ client: client.id, username }, `mqtt: refused connection: ${msg}`);
      done(e, false);
    };
    const secret = password?.toString('utf8') ?? '';
    if (username === INTERNAL_USERNAME && secret === this.internalPassword) {
      client.takt = 'internal';
      return done(null, true);
    }
    if (!secret) return refuse('no password: use an API token (role device or integration) as the MQTT password');
    try {
      const p = await this.opts.authenticate(secret);
      if (!p || !p.roles.some((r) => r === 'device' || r === 'integration')) return refuse('the password is not a valid device or integration token');
      client.takt = p;
      done(null, true);
    } catch (err) {
      const e = new Error('authentication unavailable') as AuthenticateError;
      e.returnCode = 3; // server unavailable
      this.opts.log.warn({ err }, 'mqtt: could not check a token');
      done(e, false);
    }
  }

  /** A device token bound to equipment may only publish below it; commands and host STATE are Takt's own. */
  private allowedToPublish(client: AuthedClient | null, topic: string): string | undefined {
    if (!client || client.takt === 'internal') return undefined;
    const p = client.takt;
    if (!p) return 'not authenticated';
    if ((/\/_cmd\//.test(topic) && !/\/_cmd\/[^/]+\/reply$/.test(topic)) || topic.startsWith('spBv1.0/STATE/'))
      return 'commands and host state are published by Takt only (machines answer on …/_cmd/<name>/reply)';
    if (p.roles.includes('device') && p.equipmentPath) {
      if (topic.startsWith('takt/v1/') && !(topic.startsWith(`takt/v1/${p.equipmentPath}/`))) return `this device token may only publish below takt/v1/${p.equipmentPath}/`;
    }
    return undefined;
  }

  private authorizePublish(client: AuthedClient | null, topic: string, payload: Buffer, qos: 0 | 1 | 2, done: (err?: Error | null) => void): void {
    const refusal = this.allowedToPublish(client, topic);
    if (refusal) {
      this.opts.log.info({ client: client?.id, topic }, `mqtt: refused publish: ${refusal}`);
      return done(new Error(refusal));
    }
    if (!client || !this.inbound?.wants(topic)) return done(null);
    const stored = this.inbound.handle(topic, payload, client.id, qos);
    if (qos === 0) {
      stored.catch(() => {});
      return done(null);
    }
    stored.then(
      () => done(null),
      (err: Error) => done(err), // not stored → no PUBACK; the device sends it again
    );
  }

  private authorizeSubscribe(client: AuthedClient, topic: string, done: (err: Error | null) => void): void {
    if (client.takt === 'internal') return done(null);
    const p = client.takt;
    if (!p) return done(new Error('not authenticated'));
    if (p.roles.includes('integration')) return done(null);
    // devices listen for their commands (UNS _cmd topics, Sparkplug NCMD/DCMD) and the host's STATE
    if (/^takt\/v1\/.+\/_cmd\/(#|\+|[^/]+)$/.test(topic) && (!p.equipmentPath || topic.startsWith(`takt/v1/${p.equipmentPath}/`))) return done(null);
    if (/^spBv1\.0\/[^/]+\/(NCMD|DCMD)\//.test(topic) || topic.startsWith('spBv1.0/STATE/')) return done(null);
    done(new Error(`a device may subscribe to its command topics only, not ${topic}`));
  }

  /** Publishes as the broker itself (commands, Sparkplug rebirth requests, STATE). */
  publish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) =>
      this.aedes.publish({ cmd: 'publish', topic, payload, qos, retain, dup: false } as never, (err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  async close(): Promise<void> {
    if (this.aedes) await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
