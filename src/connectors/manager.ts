// Starts a connector for every OPC UA / EUROMAP 63 connection configured in the plant model, and keeps them in step
// with it: a connection added, changed or removed takes effect without restarting Takt.
import type { EquipmentDirectory, ObservationSink } from '../collect/index.ts';
import type { AppContext } from '../platform/context.ts';
import type { Connection } from '../plant/index.ts';
import { initialHealth, type Connector, type ConnectorContext, type ConnectorHealth } from './connector.ts';

export type ConnectorFactory = (settings: Connection, ctx: ConnectorContext) => Connector;

interface Running {
  key: string;
  equipmentId: string;
  protocol: string;
  connector: Connector;
}

/**
 * A machine not reached yet is start-up order, not a fault, while Takt starts (its connectors start before the
 * broker and the demo's simulators listen) and for STARTUP_GRACE_MS once it listens; START_LIMIT_MS caps the wait
 * when nothing ever says Takt started.
 */
export const STARTUP_GRACE_MS = 10_000;
const START_LIMIT_MS = 120_000;

export class ConnectorManager {
  private running = new Map<string, Running>();
  private syncing: Promise<void> = Promise.resolve();
  private quietUntil = 0;

  constructor(
    private readonly ctx: AppContext,
    /** collect's registry (which machines have which connections) and the sink connectors deliver into */
    private readonly collect: { directory: Pick<EquipmentDirectory, 'all'>; sink: ObservationSink },
    private readonly factories: Map<string, ConnectorFactory>,
    private readonly startupGraceMs = STARTUP_GRACE_MS,
  ) {}

  async start(): Promise<void> {
    this.quietUntil = Date.now() + START_LIMIT_MS;
    await this.resync();
  }

  /**
   * Brings the connectors in step with collect's registry, after the syncs already queued: called on every
   * master-data change once the registry has reloaded (modules.ts, platform/master-data.ts).
   */
  resync(): Promise<void> {
    const next = this.syncing.then(() => this.sync());
    this.syncing = next.catch((err) => this.ctx.log.error({ err }, 'connectors: sync failed'));
    return next;
  }

  /** Takt listens and its simulators run: a machine still not reached after the grace is worth a warning. */
  started(): void {
    this.quietUntil = Date.now() + this.startupGraceMs;
  }

  /** Starts what is configured and not running, restarts what changed, stops what is gone. */
  async sync(): Promise<void> {
    const wanted = new Map<string, { equipmentId: string; path: string; settings: Connection }>();
    for (const eq of this.collect.directory.all())
      eq.connections.forEach((c, i) => {
        if (this.factories.has(c.protocol)) wanted.set(`${eq.id}#${i}:${JSON.stringify(c)}`, { equipmentId: eq.id, path: eq.path, settings: c });
      });
    for (const [key, r] of this.running)
      if (!wanted.has(key)) {
        await r.connector.stop().catch((err) => this.ctx.log.warn({ err }, `connector ${r.protocol} stop failed`));
        this.running.delete(key);
      }
    for (const [key, w] of wanted) {
      if (this.running.has(key)) continue;
      const connector = this.factories.get(w.settings.protocol)!(w.settings, {
        equipmentId: w.equipmentId,
        equipmentPath: w.path,
        log: this.ctx.log.child({ connector: w.settings.protocol, equipment: w.path }),
        now: Date.now,
        quietUntil: () => this.quietUntil,
      });
      this.running.set(key, { key, equipmentId: w.equipmentId, protocol: w.settings.protocol, connector });
      await connector.start(this.collect.sink).catch((err) => this.ctx.log.error({ err }, `connector ${w.settings.protocol} for ${w.path} failed to start`));
    }
  }

  /** The running connectors of one piece of equipment. */
  of(equipmentId: string): Connector[] {
    return [...this.running.values()].filter((r) => r.equipmentId === equipmentId).map((r) => r.connector);
  }

  health(equipmentId?: string): ConnectorHealth[] {
    return [...this.running.values()].filter((r) => !equipmentId || r.equipmentId === equipmentId).map((r) => r.connector.health());
  }

  async stop(): Promise<void> {
    await this.syncing.catch(() => {});
    for (const r of this.running.values()) await r.connector.stop().catch(() => {});
    this.running.clear();
  }
}

/**
 * A factory whose protocol library is loaded on first use (node-opcua is large: a plant without OPC UA machines
 * should not pay for it at start-up).
 */
export function lazyFactory(protocol: string, load: () => Promise<ConnectorFactory>): ConnectorFactory {
  let loaded: Promise<ConnectorFactory> | undefined;
  return (settings, ctx) => {
    let inner: Connector | undefined;
    let failure: string | null = null;
    const target = 'endpoint' in settings ? String(settings.endpoint) : 'sessionDir' in settings ? String(settings.sessionDir) : protocol;
    return {
      protocol,
      async start(sink) {
        try {
          inner = (await (loaded ??= load()))(settings, ctx);
          await inner.start(sink);
        } catch (err) {
          failure = (err as Error).message;
          throw err;
        }
      },
      async stop() {
        await inner?.stop();
      },
      health: () =>
        inner?.health() ?? {
          ...initialHealth(protocol, ctx.equipmentPath, target),
          state: failure ? 'failed' : 'stopped',
          lastError: failure,
          errors: failure ? 1 : 0,
        },
      command: (cmd, timeoutMs) => (inner ? inner.command(cmd, timeoutMs) : Promise.resolve({ status: 'failed', detail: `${protocol} connector not running` })),
    };
  };
}
