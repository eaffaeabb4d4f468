import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { chooseLogFormat, createLogger, type LogDestination } from './log.ts';

/** A destination that keeps what the logger wrote, as a terminal (isTTY) or a pipe would receive it. */
const capture = (isTTY: boolean) => {
  const chunks: string[] = [];
  const out: LogDestination = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
  return { out, text: () => chunks.join('') };
};

describe('log format', () => {
  it('is readable on a terminal and JSON elsewhere unless TAKT_LOG_FORMAT says which', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
    expect(loadConfig({}, { TAKT_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({}, {}).logFormat).toBeUndefined();
    expect(() => loadConfig({}, { TAKT_LOG_FORMAT: 'xml' })).toThrow(/logFormat/);
  });

  it('writes one JSON object a line to a pipe, and a readable line to a terminal', () => {
    const pipe = capture(false);
    createLogger({ logLevel: 'info', logFormat: undefined }, pipe.out).warn({ equipment: 'acme/imm05' }, 'press not reached');
    const lines = pipe.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 40, equipment: 'acme/imm05', msg: 'press not reached' });

    const tty = capture(true);
    createLogger({ logLevel: 'info', logFormat: undefined }, tty.out).warn({ equipment: 'acme/imm05' }, 'press not reached');
    // colours are on for a terminal
    const text = tty.text().replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: press not reached \{"equipment":"acme\/imm05"\}\n$/);
    expect(() => JSON.parse(text)).toThrow();

    // asked for: JSON on a terminal too
    const asked = capture(true);
    createLogger({ logLevel: 'info', logFormat: 'json' }, asked.out).info('hello');
    expect(JSON.parse(asked.text())).toMatchObject({ level: 30, msg: 'hello' });
  });
});
