// Faults: broken and half-written files, busy files, a machine that does not answer or restarts, a full pipeline.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEuromap63Press, type PressHandle, type PressOptions } from '../../sim/euromap63/index.ts';
import type { Euromap63Options, Euromap63Settings } from './connector.ts';
import { nodeFiles, type FileOps } from './files.ts';
import { removeDir, startConnector, tempDir, waitFor, type Harness } from './testkit.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function folder(): string {
  const dir = path.join(tempDir(), 'IMM63');
  cleanup.push(() => removeDir(path.dirname(dir)));
  return dir;
}
async function press(opts: PressOptions): Promise<PressHandle> {
  const p = await startEuromap63Press({ speed: 400, seed: 3, ...opts });
  cleanup.push(() => p.stop());
  return p;
}
async function connector(dir: string, settings: Partial<Euromap63Settings> = {}, opts: Euromap63Options = {}, refuse = 0): Promise<Harness> {
  const h = await startConnector(dir, settings, opts, refuse);
  cleanup.push(() => h.stop());
  return h;
}
const caughtUp = (p: PressHandle, h: Harness, min: number) => () => p.reported().length >= min && h.goods().includes(p.reported().at(-1)!.counter);
function expectExactlyOnce(p: PressHandle, h: Harness): void {
  const goods = h.goods();
  expect(new Set(goods).size).toBe(goods.length);
  expect(goods).toEqual(expect.arrayContaining(p.reported().map((r) => r.counter)));
}

describe('EUROMAP 63 connector under faults', () => {
  it('quarantines garbage and wrong column counts, waits for half-written lines, retries busy and missing files', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir, speed: 1000, faults: { garbageEvery: 5, wrongColumnsEvery: 7, halfWriteEvery: 3, halfWriteMs: 60, lockEvery: 11, lockMs: 80 } });
    // a share that answers EBUSY to every third read of the report file
    let reads = 0;
    let halfLinesSeen = 0;
    const busy: FileOps = {
      ...nodeFiles,
      readFrom: async (file, offset) => {
        if (file.endsWith('TKTREP.DAT') && ++reads % 3 === 0) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
        const got = await nodeFiles.readFrom(file, offset);
        if (file.endsWith('TKTREP.DAT') && got.buf.length > 0 && got.buf.at(-1) !== 10) halfLinesSeen++;
        return got;
      },
    };
    const h = await connector(dir, { reportParameters: ['ActTmpOil'] }, { files: busy });
    await waitFor(() => p.injected().garbage >= 3 && p.injected().wrongColumns >= 2 && p.injected().halfWritten >= 3 && p.injected().locks >= 2, 15_000, 'faults');
    await p.stop();
    await waitFor(() => caughtUp(p, h, 1)() && h.rej.length >= p.injected().garbage + p.injected().wrongColumns, 5000, 'all rows');
    expectExactlyOnce(p, h);
    expect(halfLinesSeen).toBeGreaterThan(0); // the connector did meet half-written lines, and waited for them
    expect(h.rej).toHaveLength(p.injected().garbage + p.injected().wrongColumns);
    expect(h.rej.every((r) => r.topic === 'TKTREP.DAT' && /expected 5 columns/.test(r.reason) && r.payload !== '')).toBe(true);
    expect(h.rej.some((r) => r.payload.includes('garbage'))).toBe(true);
    expect(h.c.health().errors).toBeGreaterThan(0);
    expect(h.c.health().lastError).toMatch(/EBUSY/);
    expect(h.c.health().state).toBe('connected');
  }, 25_000);

  it('times out when the RSP never comes, backs off and connects on a later session', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir, faults: { withholdRsp: 2 } });
    const h = await connector(dir, { responseTimeoutS: 0.2 });
    await waitFor(() => h.c.health().errors >= 1, 5000, 'first timeout');
    expect(['backoff', 'connecting']).toContain(h.c.health().state);
    expect(h.c.health().lastError).toMatch(/no SESS000\d\.RSP within 0\.2 s/);
    await waitFor(caughtUp(p, h, 5), 10_000, 'shots');
    expect(p.injected().withheld).toBe(2);
    expect(h.c.health()).toMatchObject({ state: 'connected', errors: 2 });
    expectExactlyOnce(p, h);
  });

  it('reconnects after the machine restarts and clears its folder', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir });
    const h = await connector(dir);
    await waitFor(caughtUp(p, h, 5), 10_000, 'shots before');
    const before = p.reported().length;
    await p.reboot(150);
    await waitFor(() => p.reported().length >= before + 5 && caughtUp(p, h, before + 5)(), 10_000, 'shots after');
    expect(h.c.health().state).toBe('connected');
    expect(h.c.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(h.c.health().lastError).toMatch(/job files are gone/);
    expect(h.statuses.slice(0, 3).map((s) => s.online)).toEqual([true, false, true]);
    expect(h.statuses.at(-1)?.online).toBe(true);
    expectExactlyOnce(p, h);
  });

  it('notices a machine that stops answering through the keep-alive CONNECT', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir });
    const h = await connector(dir, { responseTimeoutS: 0.2 }, { keepaliveMs: 100 });
    await waitFor(() => h.c.health().state === 'connected', 5000, 'connected');
    p.withholdNext(1);
    await waitFor(() => h.c.health().reconnects === 1 && h.c.health().state === 'connected', 5000, 'reconnected');
    expect(h.c.health().lastError).toMatch(/keep-alive: no SESS\d{4}\.RSP/);
    expect(h.statuses.map((s) => s.online)).toEqual([true, false, true]);
  });

  it('starts on a folder with stale requests of an earlier run, and on a folder that appears later', async () => {
    const dir = folder();
    const h = await connector(dir);
    await waitFor(() => h.c.health().state === 'backoff', 3000, 'backoff');
    expect(h.c.health().lastError).toMatch(/not reachable/);
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(path.join(dir, 'SESS9999.REQ'), '00000041 CONNECT;\r\n');
    await fsp.writeFile(path.join(dir, 'SESS9998.RSP'), '00000040 PROCESSED;\r\n');
    const p = await press({ sessionDir: dir });
    await waitFor(caughtUp(p, h, 3), 10_000, 'shots');
    expect(h.c.session.next).toBeLessThan(5); // wrapped past 9999
    expectExactlyOnce(p, h);
  });

  it('keeps rows the pipeline refused and rotates the report file without losing any', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir, speed: 1000 });
    const h = await connector(dir, {}, { rotateBytes: 600 }, 3);
    await waitFor(() => p.reported().length >= 60, 15_000, 'shots');
    await p.stop();
    await waitFor(caughtUp(p, h, 60), 5000, 'all rows');
    expectExactlyOnce(p, h);
    expect(h.c.health().lastError).toMatch(/pipeline buffer full/);
    const files = await fsp.readdir(dir);
    expect(files).not.toContain('TKTREP.OLD');
    expect((await fsp.stat(path.join(dir, 'TKTREP.DAT'))).size).toBeLessThan(1500);
  }, 25_000);
});
