import type { FastifyBaseLogger } from 'fastify';
// node-opcua's own logger factories, as its modules (client, server, secure channel) use them
import { make_errorLog, make_warningLog } from 'node-opcua-debug';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { opcuaLevel, routeOpcuaLogs } from './logging.ts';

type Entry = { level: string; fields: Record<string, unknown>; msg: string };

const recorder = () => {
  const entries: Entry[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void entries.push({ level, fields, msg });
  const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as FastifyBaseLogger;
  return { log, entries };
};

describe('node-opcua output through Takt’s logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sends node-opcua warnings and errors to the logger, not the console, expected ones at debug', () => {
    const consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { log, entries } = recorder();
    routeOpcuaLogs(log);
    const warningLog = make_warningLog('test');
    const errorLog = make_errorLog('test');
    warningLog('Creating default certificate ... please wait');
    warningLog('[NODE-OPCUA-W27]', 'node version', 'v20.20.2');
    warningLog('  you need to use node flag --security-revert=CVE-2023-46809 if you have issue with RSA PKCS#1 v1.5');
    errorLog('\u001b[36mServer: closing SESSION \u001b[39m', 'Active', 'ClientSession12', ' because of timeout = ', 10000, ' has expired without a keep alive');
    warningLog('certificate of', 'urn:press', 'is about to expire');
    errorLog('cannot write', 42);
    expect(consoleLog).not.toHaveBeenCalled();
    expect(entries.map((e) => [e.level, e.msg])).toEqual([
      ['debug', 'Creating default certificate ... please wait'],
      ['debug', '[NODE-OPCUA-W27] node version v20.20.2'],
      ['debug', 'you need to use node flag --security-revert=CVE-2023-46809 if you have issue with RSA PKCS#1 v1.5'],
      ['debug', 'Server: closing SESSION Active ClientSession12 because of timeout = 10000 has expired without a keep alive'],
      ['warn', 'certificate of urn:press is about to expire'],
      ['error', 'cannot write 42'],
    ]);
    expect(entries[4].fields).toMatchObject({ lib: 'node-opcua', at: expect.stringMatching(/logging\.test:\d+$/) });
  });

  it('keeps node-opcua’s level for anything it does not know', () => {
    expect(opcuaLevel('the server certificate was rejected', 'warn')).toBe('warn');
    expect(opcuaLevel('Creating default certificate ... please wait', 'warn')).toBe('debug');
  });
});
