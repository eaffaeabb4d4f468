import { mkdtempSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFiles } from './files.ts';
import { logErrors, parseRsp, SessionClient, sessionName, SessionTimeout } from './session.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'em63-sess-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await fsp.rm(d, { recursive: true, force: true });
});

/** A minimal machine: takes each REQ, remembers it, answers every command PROCESSED (or ERROR for BAD). */
function fakeMachine(dir: string) {
  const seen: Array<{ name: string; text: string }> = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      for (const n of (await fsp.readdir(dir)).filter((f) => f.endsWith('.REQ')).sort()) {
        const text = await fsp.readFile(path.join(dir, n), 'latin1');
        await fsp.rm(path.join(dir, n));
        seen.push({ name: n, text });
        // the MES must have deleted the previous answer before writing this request
        expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.RSP'))).toEqual([]);
        const rsp = text
          .split('\r\n')
          .filter(Boolean)
          .map((l) => `${l.slice(0, 8)} ${l.includes('BAD') ? 'ERROR 1 "bad"' : 'PROCESSED'};\r\n`)
          .join('');
        await fsp.writeFile(path.join(dir, n.replace('.REQ', '.RSP')), rsp);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return { seen, stop: () => ((stop = true), loop) };
}

describe('session protocol', () => {
  it('writes SESSnnnn.REQ with 8-digit ids, reads and deletes the RSP', async () => {
    const dir = tmp();
    const m = fakeMachine(dir);
    const s = new SessionClient(dir, nodeFiles, 5);
    await s.init();
    const r1 = await s.request(['CONNECT', 'EXECUTE "TKTREP.JOB"'], 2000);
    expect(r1.map((l) => l.ok)).toEqual([true, true]);
    const r2 = await s.request(['EXECUTE "BAD.JOB"'], 2000);
    expect(r2[0]).toMatchObject({ id: 2, ok: false, text: '00000002 ERROR 1 "bad";' });
    await m.stop();
    expect(m.seen.map((x) => x.name)).toEqual(['SESS0000.REQ', 'SESS0001.REQ']);
    expect(m.seen[0].text).toBe('00000000 CONNECT;\r\n00000001 EXECUTE "TKTREP.JOB";\r\n');
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  it('wraps the session number from 9999 to 0000', async () => {
    const dir = tmp();
    const m = fakeMachine(dir);
    const s = new SessionClient(dir, nodeFiles, 5);
    s.next = 9998;
    for (let i = 0; i < 3; i++) await s.request(['CONNECT'], 2000);
    await m.stop();
    expect(m.seen.map((x) => x.name)).toEqual(['SESS9998.REQ', 'SESS9999.REQ', 'SESS0000.REQ']);
    expect(sessionName(10_000)).toBe('SESS0000');
  });

  it('clears stale REQ/RSP of an earlier run and numbers on after them (wrapping)', async () => {
    const dir = tmp();
    await fsp.writeFile(path.join(dir, 'SESS9998.RSP'), '00000007 PROCESSED;\r\n');
    await fsp.writeFile(path.join(dir, 'SESS9999.REQ'), '00000008 CONNECT;\r\n');
    await fsp.writeFile(path.join(dir, 'TKTREP.DAT'), 'keep');
    const s = new SessionClient(dir, nodeFiles, 5);
    await s.init();
    expect(s.next).toBe(0);
    expect(await fsp.readdir(dir)).toEqual(['TKTREP.DAT']);
  });

  it('times out when no RSP comes and takes the REQ back', async () => {
    const dir = tmp();
    const s = new SessionClient(dir, nodeFiles, 5);
    await expect(s.request(['CONNECT'], 100)).rejects.toBeInstanceOf(SessionTimeout);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  it('waits for a complete RSP', async () => {
    const dir = tmp();
    const s = new SessionClient(dir, nodeFiles, 5);
    const p = s.request(['CONNECT'], 2000);
    await new Promise((r) => setTimeout(r, 30));
    await fsp.writeFile(path.join(dir, 'SESS0000.RSP'), '00000000 PROCE');
    await new Promise((r) => setTimeout(r, 30));
    await fsp.appendFile(path.join(dir, 'SESS0000.RSP'), 'SSED;\r\n');
    expect((await p)[0].ok).toBe(true);
  });

  it('serialises requests: one outstanding request per session', async () => {
    const dir = tmp();
    const m = fakeMachine(dir);
    const s = new SessionClient(dir, nodeFiles, 5);
    await Promise.all([1, 2, 3].map(() => s.exclusive(() => s.request(['CONNECT'], 2000))));
    await m.stop();
    expect(m.seen).toHaveLength(3);
  });

  it('parses RSP and LOG errors', () => {
    expect(parseRsp(['00000003 PROCESSED;', '00000004 ERROR 12 "x";', 'junk'])).toEqual([
      { id: 3, ok: true, text: '00000003 PROCESSED;' },
      { id: 4, ok: false, text: '00000004 ERROR 12 "x";' },
    ]);
    expect(logErrors(Buffer.from('00000001 PROCESSED "SET";\r\n00000002 ERROR 12 "unknown parameter X";\r\n'))).toEqual([
      '00000002 ERROR 12 "unknown parameter X";',
    ]);
  });
});
