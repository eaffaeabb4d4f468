// The press emulator on its own, driven through raw files as a MES would.
import { mkdtempSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEuromap63Press, type PressHandle } from './index.ts';
import { commands, headerLines, localDateTime, splitOutside } from './protocol.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(): Promise<{ dir: string; p: PressHandle }> {
  const root = mkdtempSync(path.join(tmpdir(), 'em63-press-'));
  cleanup.push(() => fsp.rm(root, { recursive: true, force: true }));
  const dir = path.join(root, 'M1');
  const p = await startEuromap63Press({ sessionDir: dir, speed: 500, timezone: 'Europe/Berlin', pollMs: 5 });
  cleanup.push(() => p.stop());
  return { dir, p };
}

async function request(dir: string, n: number, lines: string[]): Promise<string> {
  const name = `SESS${String(n).padStart(4, '0')}`;
  await fsp.writeFile(path.join(dir, `${name}.REQ`), lines.map((l, i) => `${String(i).padStart(8, '0')} ${l};\r\n`).join(''));
  for (let i = 0; i < 400; i++) {
    const rsp = await fsp.readFile(path.join(dir, `${name}.RSP`), 'latin1').catch(() => null);
    if (rsp) {
      await fsp.rm(path.join(dir, `${name}.RSP`));
      expect(await fsp.readdir(dir)).not.toContain(`${name}.REQ`);
      return rsp;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no RSP');
}

describe('EUROMAP 63 press emulator', () => {
  it('answers CONNECT and EXECUTE, runs a cyclic report and applies SET', async () => {
    const { dir, p } = await start();
    await fsp.writeFile(
      path.join(dir, 'REP.JOB'),
      'JOB REP RESPONSE "REP.LOG";\r\nREPORT REP APPEND "REP.DAT" START IMMEDIATE STOP NEVER CYCLIC SHOT 1\r\n PARAMETERS DATE,TIME,ActCntCyc,ActTimCyc,ActTmpBrlZn[1],\r\n @ActTmpMld,SetDescMld,ActTmpOil,ActTimFill,ActPrsHoldSpec;\r\n',
    );
    await fsp.writeFile(path.join(dir, 'SET.JOB'), 'JOB SET RESPONSE "SET.LOG";\r\nSET SetDescMld "M2";\r\nSET SetBogus 1;\r\nSET SetTimHold 5;\r\n');
    expect(await request(dir, 0, ['CONNECT', 'EXECUTE "REP.JOB"', 'EXECUTE "NONE.JOB"', 'FROB'])).toMatch(
      /^00000000 PROCESSED;\r\n00000001 PROCESSED;\r\n00000002 ERROR 2 "job file NONE.JOB not found";\r\n00000003 ERROR 1 "unknown command FROB";\r\n$/,
    );
    expect(await fsp.readFile(path.join(dir, 'REP.LOG'), 'latin1')).toBe('00000001 PROCESSED "REPORT";\r\n');
    expect(await request(dir, 1, ['EXECUTE "SET.JOB"'])).toBe('00000000 PROCESSED;\r\n');
    expect(await fsp.readFile(path.join(dir, 'SET.LOG'), 'latin1')).toBe(
      '00000001 PROCESSED "SET";\r\n00000002 ERROR 12 "unknown parameter SetBogus";\r\n00000003 PROCESSED "SET";\r\n',
    );
    expect(p.setParameters()).toMatchObject({ SetDescMld: 'M2', SetTimHold: 5 });
    const n = p.reported().length;
    for (let i = 0; i < 400 && p.reported().length < n + 3; i++) await new Promise((r) => setTimeout(r, 5));
    const text = await fsp.readFile(path.join(dir, 'REP.DAT'), 'latin1');
    const [first, cont] = text.split('\r\n');
    expect(first.startsWith('DATE,TIME,ActCntCyc')).toBe(true);
    expect(cont.startsWith(' ')).toBe(true); // a long header continues on a line beginning with a space
    const row = text.split('\r\n').find((l) => /^\d{8},/.test(l))!;
    const r = p.reported()[0];
    const { date, time } = localDateTime(r.ts, 'Europe/Berlin');
    expect(row.startsWith(`${date},${time},${r.counter},${r.cycleTime},`)).toBe(true);
    const last = text
      .split('\r\n')
      .filter((l) => /^\d{8},/.test(l))
      .at(-1)!;
    expect(last.split(',')).toHaveLength(10);
    expect(last.split(',')[6]).toBe('"M2"'); // rows after the SET carry the new value
  });

  it('forgets jobs and clears its folder on a restart', async () => {
    const { dir, p } = await start();
    await fsp.writeFile(
      path.join(dir, 'REP.JOB'),
      'JOB REP RESPONSE "REP.LOG";\r\nREPORT REP APPEND "REP.DAT" START IMMEDIATE STOP NEVER CYCLIC SHOT 1 PARAMETERS ActCntCyc;\r\n',
    );
    await request(dir, 0, ['EXECUTE "REP.JOB"']);
    await p.reboot(50);
    expect(await fsp.readdir(dir)).toEqual([]);
    const n = p.reported().length;
    await new Promise((r) => setTimeout(r, 200));
    expect(p.reported().length).toBe(n);
    expect(await request(dir, 1, ['CONNECT'])).toBe('00000000 PROCESSED;\r\n');
  });

  it('formats local time and splits commands', () => {
    expect(localDateTime(Date.parse('2024-07-01T10:00:05Z'), 'Europe/Berlin')).toEqual({ date: '20240701', time: '12:00:05' });
    expect(commands('JOB A RESPONSE "A.LOG";\r\nREPORT A REWRITE "A.DAT"\r\n PARAMETERS x,y;')).toEqual([
      'JOB A RESPONSE "A.LOG"',
      'REPORT A REWRITE "A.DAT" PARAMETERS x,y',
    ]);
    expect(splitOutside('a,b[1,2],"c,d"', ',')).toEqual(['a', 'b[1,2]', '"c,d"']);
    expect(headerLines(['A', 'B'])).toBe('A,B\r\n');
  });
});
