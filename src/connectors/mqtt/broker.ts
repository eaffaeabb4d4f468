// The embedded MQTT broker (aedes) of the default install. Devices sign in with an API token as password. A QoS 1
// PUBLISH into the unified namespace or Sparkplug is acknowledged only once the pipeline has stored it: aedes sends
// PUBACK after authorizePublish calls back, so holding that callback until commit gives "no acknowledged message lost"
// and natural backpressure when the database is slow.
// Every hook catches what it calls: an exception inside an aedes hook is uncaught and ends the process, and with it
// HTTP and MQTT for the whole plant (issue #11 item 2). Topic scoping per token is in scope.ts, the packet size
// cap in packet-guard.ts.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Aedes, type Client, type AuthenticateError } from 'aedes';
import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from '../../platform/auth/principal.ts';
import { guardPacketSize, type PacketGuard } from './packet-guard.ts';
import { publishRefusal, subscribeRefusal, type SparkplugMap } from './scope.ts';

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
  /** The plant model's Sparkplug mapping, to scope tokens bound to equipment. */
  sparkplug: SparkplugMap;
  /** Largest packet (bytes) a signed-in client may send (TAKT_MQTT_MAX_PACKET); before sign-in PRE_AUTH_MAX_PACKET. */
  maxPacket: number;
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
  private readonly guards = new WeakMap<object, PacketGuard>();
  port = 0;

  constructor(private readonly opts: BrokerOptions) {}

  /** Creates the broker (aedes initialises its persistence asynchronously). */
  private async create(): Promise<void> {
    if (this.aedes) return;
    this.aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) =>
        void this.authenticate(client as AuthedClient, username, password, done).catch((err) => this.hookFailed('authenticate', client, err)),
      authorizePublish: (client, packet, done) => {
        let answered = false;
        const once = (err?: Error | null) => {
          if (answered) return;
          answered = true;
          done(err);
        };
        try {
          this.authorizePublish(client as AuthedClient | null, packet.topic, packet.payload as Buffer, packet.qos, once);
        } catch (err) {
          this.hookFailed('authorizePublish', client, err);
          once(new Error('message could not be handled'));
        }
      },
      // MQTT 3.1.1 §3.9.3: a refused filter is answered with return code 0x80 in the SUBACK (aedes: sub = null)
      authorizeSubscribe: (client, sub, done) => {
        let refusal: string | undefined;
        try {
          refusal = subscribeRefusal((client as AuthedClient).takt, sub.topic, this.opts.sparkplug);
        } catch (err) {
          this.hookFailed('authorizeSubscribe', client, err);
          refusal = 'subscription could not be checked';
        }
        if (refusal) this.opts.log.info({ client: client?.id, topic: sub.topic }, `mqtt: refused subscription: ${refusal}`);
        done(null, refusal ? null : sub);
      },
    });
    this.aedes.on('clientError', (client, err) => this.opts.log.debug({ client: client?.id, err: err.message }, 'mqtt client error'));
    this.aedes.on('clientDisconnect', (client) => this.inbound?.clientGone?.(client.id));
  }

  setInbound(handler: InboundHandler): void {
    this.inbound = handler;
  }

  async listen(port = this.opts.port): Promise<number> {
    await this.create();
    this.server = net.createServer((socket) => {
      try {
        const guard = guardPacketSize(socket, this.opts.maxPacket, (why) =>
          this.opts.log.warn({ remote: socket.remoteAddress, ...why }, 'mqtt: connection closed: packet larger than allowed'),
        );
        const client = this.aedes.handle(socket, undefined as never);
        this.guards.set(client, guard);
      } catch (err) {
        this.hookFailed('connection', undefined, err);
        socket.destroy();
      }
    });
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

  private async authenticate(
    client: AuthedClient,
    username: string | undefined,
    password: Buffer | undefined,
    done: (e: AuthenticateError | null, ok: boolean | null) => void,
  ) {
    const refuse = (msg: string) => {
      const e = new Error(msg) as AuthenticateError;
      e.returnCode = 4; // bad username or password (MQTT 3.1.1 §3.2.2.3)
      this.opts.log.info({ client: client.id, username }, `mqtt: refused connection: ${msg}`);
      done(e, false);
    };
    const secret = password?.toString('utf8') ?? '';
    if (username === INTERNAL_USERNAME && secret === this.internalPassword) {
      client.takt = 'internal';
      this.guards.get(client)?.authenticated();
      return done(null, true);
    }
    if (!secret) return refuse('no password: use an API token (role device or integration) as the MQTT password');
    try {
      const p = await this.opts.authenticate(secret);
      if (!p?.roles.some((r) => r === 'device' || r === 'integration')) return refuse('the password is not a valid device or integration token');
      client.takt = p;
      this.guards.get(client)?.authenticated();
      done(null, true);
    } catch (err) {
      const e = new Error('authentication unavailable') as AuthenticateError;
      e.returnCode = 3; // server unavailable
      this.opts.log.warn({ err }, 'mqtt: could not check a token');
      done(e, false);
    }
  }

  private authorizePublish(client: AuthedClient | null, topic: string, payload: Buffer, qos: 0 | 1 | 2, done: (err?: Error | null) => void): void {
    const refusal = client ? publishRefusal(client.takt, topic, this.opts.sparkplug) : undefined;
    if (refusal) {
      this.opts.log.info({ client: client?.id, topic }, `mqtt: refused publish: ${refusal}`);
      return done(new Error(refusal));
    }
    if (!client || !this.inbound?.wants(topic)) return done(null);
    const stored = this.inbound.handle(topic, payload, client.id, qos);
    if (qos === 0) {
      stored.catch((err) => this.opts.log.debug({ client: client.id, topic, err }, 'mqtt: QoS 0 message not stored')); // at most once: dropped by design when storage is away
      return done(null);
    }
    stored
      .then(
        () => done(null),
        (err: Error) => done(err), // not stored → no PUBACK; the device sends it again
      )
      .catch((err) => this.hookFailed('authorizePublish', client, err));
  }

  /** A hook failed where it must not (a bug, not the client's doing): log it and keep the broker running. */
  private hookFailed(hook: string, client: Client | null | undefined, err: unknown): void {
    this.opts.log.error({ client: client?.id, err }, `mqtt: ${hook} failed`);
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
