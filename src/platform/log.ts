// Takt's logger: one JSON object a line for log collectors (journald, Loki, …), readable lines for a person at a
// terminal. TAKT_LOG_FORMAT chooses; unset, a terminal (stdout is a TTY) gets readable lines and anything else JSON.
import pino from 'pino';
import pretty from 'pino-pretty';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';

export type LogFormat = 'json' | 'pretty';

/** The setting wins; unset, readable text only where a person reads it (a terminal), JSON for everything else. */
export function chooseLogFormat(setting: LogFormat | undefined, stdoutIsTTY: boolean): LogFormat {
  return setting ?? (stdoutIsTTY ? 'pretty' : 'json');
}

/** Where log lines go: process.stdout, or any writable stream (tests); isTTY tells a terminal from a pipe. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * The process's root logger. Both formats write synchronously, so the last lines before an exit (a port in use, a
 * fatal error) are never lost. Times are UTC in both (architecture: time is UTC inside).
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, out: LogDestination = process.stdout): FastifyBaseLogger {
  const format = chooseLogFormat(config.logFormat, out.isTTY === true);
  const destination =
    format === 'json'
      ? out === process.stdout
        ? pino.destination({ fd: 1, sync: true })
        : out
      : pretty({
          destination: out === process.stdout ? 1 : out,
          sync: true,
          colorize: out.isTTY === true,
          translateTime: 'UTC:HH:MM:ss.l',
          ignore: 'pid,hostname',
          // one line per record: the fields (connector, equipment, err …) follow the message
          singleLine: true,
        });
  return pino({ level: config.logLevel }, destination) as unknown as FastifyBaseLogger;
}
