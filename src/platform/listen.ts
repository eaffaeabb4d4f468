// A listener Takt needs (HTTP, the embedded MQTT broker, the demo's simulated OPC UA press) that cannot open stops
// Takt with a message naming the setting that chose its port or address: half a Takt (HTTP without a broker, a
// connector talking to another instance's simulator) is worse than none (issue #13).
import { ConfigError } from './config.ts';

export class ListenerError extends ConfigError {}

export interface Listener {
  /** What listens, as a person calls it: "HTTP", "MQTT", "demo OPC UA simulator". */
  what: string;
  port: number;
  /** The setting(s) that chose the port, e.g. "TAKT_MQTT_PORT". */
  portSetting: string;
  host?: string;
  hostSetting?: string;
}

const codeOf = (err: unknown): string | undefined =>
  (err as NodeJS.ErrnoException | undefined)?.code ?? /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(String((err as Error | undefined)?.message ?? err))?.[1];

/** The error to stop with: a ListenerError naming the setting for the usual causes, else the error itself. */
export function listenerError(err: unknown, l: Listener): Error {
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new ListenerError(`${l.what} port ${l.port} is in use (${l.portSetting})`);
    case 'EACCES':
      return new ListenerError(`${l.what} port ${l.port} may not be opened by this user (${l.portSetting}; ports below 1024 need extra rights)`);
    case 'EADDRNOTAVAIL':
      return new ListenerError(`${l.what} address ${l.host ?? '?'} is not an address of this machine (${l.hostSetting ?? l.portSetting})`);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
