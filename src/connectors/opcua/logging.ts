// node-opcua writes its own diagnostics to the console (coloured, with its file and line): certificate creation, a
// Node 20 hint about RSA PKCS#1 v1.5, a server closing a timed-out session. Takt routes them through its own logger
// instead, so a terminal shows one format and a log collector gets JSON lines only (issue #13).
import { format } from 'node:util';
import { setDebugLogger, setErrorLogger, setWarningLogger } from 'node-opcua';
import type { FastifyBaseLogger } from 'fastify';

type Level = 'debug' | 'info' | 'warn' | 'error';

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * node-opcua's warnings and errors that are expected in Takt's own use, with the level they deserve. Anything else
 * keeps node-opcua's level: Takt's connector reports what it means for the machine (health, its own warning).
 */
const EXPECTED: Array<[RegExp, Level]> = [
  // the client's first certificate (in <data>/opcua-pki) is made once, on first start
  [/Creating default certificate/i, 'debug'],
  // [NODE-OPCUA-W27]: Node 20 refuses RSA PKCS#1 v1.5 decryption (CVE-2023-46809); only the deprecated
  // Basic128Rsa15 policy needs it, and a connector using it reports a failed connection itself
  [/NODE-OPCUA-W27|security-revert=CVE-2023-46809/, 'debug'],
  // the demo's simulated press (an OPC UA server) dropping a session its client abandoned (Part 4 §5.6.2 session timeout)
  [/closing SESSION .* because of timeout/i, 'debug'],
];

export function opcuaLevel(message: string, level: Level): Level {
  return EXPECTED.find(([re]) => re.test(message))?.[1] ?? level;
}

/** node-opcua's loggers get (context, …arguments) where context names its source file and line. */
const route =
  (log: FastifyBaseLogger, level: Level) =>
  (context?: unknown, ...args: unknown[]) => {
    const message = format(...args)
      .replace(ANSI, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (!message) return;
    const c = context as { filename?: string; callerline?: number } | undefined;
    log[opcuaLevel(message, level)]({ lib: 'node-opcua', at: c?.filename ? `${c.filename}:${c.callerline}` : undefined }, message);
  };

/** Sends node-opcua's console output (process-wide) to Takt's logger. Called wherever node-opcua is first loaded. */
export function routeOpcuaLogs(log: FastifyBaseLogger): void {
  setWarningLogger(route(log, 'warn'));
  setErrorLogger(route(log, 'error'));
  setDebugLogger(route(log, 'debug'));
}
