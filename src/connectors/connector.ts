// One interface for every protocol (architecture: connectors). A connector turns its protocol into Observations for
// the collect pipeline and carries commands back to the machine. It never throws at the caller because a machine or
// server is unreachable: it reports that in health() and keeps retrying with backoff.
import type { FastifyBaseLogger } from 'fastify';
import type { ObservationSink, TagValue } from '../collect/index.ts';
import type { CONNECTOR_STATES, ConnectorStatus } from './schemas.ts';

/** stale: was connected, but the machine stopped answering or reporting within its limit; reconnecting meanwhile. */
export type ConnectorState = (typeof CONNECTOR_STATES)[number];

/** A connector's own view of itself; the HTTP reply (ConnectorStatus) carries the same with instants as ISO 8601. */
export type ConnectorHealth = Omit<ConnectorStatus, 'connectedSince' | 'lastDataAt'> & { connectedSince: number | null; lastDataAt: number | null };

export type MachineCommand =
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'writeParameters'; parameters: Record<string, TagValue> }
  | { kind: 'readParameters'; names?: string[] };

export interface CommandResult {
  /** confirmed: the machine did it and reading back shows it; rejected: the machine refused; timed_out: no answer. */
  status: 'confirmed' | 'rejected' | 'timed_out' | 'failed';
  detail?: string;
  /** Values read back from the machine after the command (or the values read, for readParameters). */
  readBack?: Record<string, TagValue>;
}

export interface ConnectorContext {
  equipmentId: string;
  equipmentPath: string;
  log: FastifyBaseLogger;
  now(): number;
  /**
   * Until this time (ms since epoch) a machine not reached yet is the expected start-up order (Takt's connectors
   * start before the demo's simulators listen): logged at debug, not warn. Health reports it all the same.
   */
  quietUntil?: () => number;
}

/** True while a connector that never reached its machine should stay quiet about it (ConnectorContext.quietUntil). */
export const inStartupGrace = (ctx: ConnectorContext, everConnected: boolean): boolean => !everConnected && ctx.now() < (ctx.quietUntil?.() ?? 0);

export interface Connector {
  readonly protocol: string;
  /** Starts delivering observations to the sink; resolves once started (not necessarily connected). */
  start(sink: ObservationSink): Promise<void>;
  stop(): Promise<void>;
  health(): ConnectorHealth;
  /** Sends a command over the machine's own protocol and confirms it by reading back. */
  command(cmd: MachineCommand, timeoutMs: number): Promise<CommandResult>;
}

/** Exponential backoff with jitter for reconnecting: 1 s, 2 s, 4 s … up to maxMs. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1000,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const d = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt++);
    return Math.round(d * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Health bookkeeping shared by connectors. */
export function initialHealth(protocol: string, equipmentPath: string, target: string): ConnectorHealth {
  return { protocol, equipmentPath, state: 'stopped', target, connectedSince: null, lastDataAt: null, received: 0, errors: 0, lastError: null, reconnects: 0 };
}
