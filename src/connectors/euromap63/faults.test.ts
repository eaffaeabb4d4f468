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
    const p = await press({
      sessionDir: dir,
      speed: 1000,
      faults: { garbageEvery: 5, wrongColumnsEvery: 7, halfWriteEvery: 3, halfWriteMs: 60, lockEvery: 11, lockMs: 80 },
    });
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
    await waitFor(
      () => p.injected().garbage >= 3 && p.injected().wrongColumns >= 2 && p.injected().halfWritten >= 3 && p.injected().locks >= 2,
      15_000,
      'faults',
    );
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
    // refused rows are re-delivered later, so the last row may arrive before earlier ones: wait for every row
    const all = () => {
      const goods = new Set(h.goods());
      return p.reported().every((r) => goods.has(r.counter));
    };
    await waitFor(all, 15_000, 'all rows');
    expectExactlyOnce(p, h);
    expect(h.c.health().lastError).toMatch(/pipeline buffer full/);
    // a file rotated by the last delivery is drained and deleted on the next poll: it does not stay behind
    const end = Date.now() + 5000;
    while ((await fsp.readdir(dir)).includes('TKTREP.OLD')) {
      if (Date.now() > end) throw new Error('TKTREP.OLD is still there 5 s after the last row was delivered');
      await new Promise((r) => setTimeout(r, 20));
    }
    // the file does not grow without end (after the last rotation it may not have been written again yet)
    const dat = await fsp.stat(path.join(dir, 'TKTREP.DAT')).catch(() => null);
    expect(dat?.size ?? 0).toBeLessThan(1500);
  }, 40_000);
});

// Issue #12 item 10: a press that reboots and keeps its folder (Takt's job files stay) lost its jobs all the same.
describe('EUROMAP 63: a press that restarts keeping its folder, or stops answering', () => {
  it('notices the lost jobs by the heartbeat, re-sends them, and counts every shot made meanwhile through ActCntCyc', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir });
    const h = await connector(dir, { staleAfterS: 3 });
    await waitFor(caughtUp(p, h, 5), 10_000, 'shots before');
    expect(await fsp.readFile(path.join(dir, 'TKTHBT.JOB'), 'latin1')).toContain('CYCLIC TIME 00:00:01'); // staleAfterS / 3
    const requestsBefore = p.requests();
    await p.reboot(150, { keepFolder: true });
    const lastBefore = p.reported().at(-1)!.counter; // the last row written before the reboot
    expect(await fsp.readdir(dir)).toContain('TKTREP.JOB'); // the marker the old detection relied on is still there
    // the press produces on without jobs: nothing is reported until Takt has sent them again
    await waitFor(
      () => h.c.health().reconnects === 1 && h.c.health().state === 'connected' && p.reported().some((r) => r.counter > lastBefore + 1),
      15_000,
      'jobs re-sent',
    );
    expect(p.requests()).toBeGreaterThan(requestsBefore);
    expect(h.c.health().lastError).toMatch(/no heartbeat and no report from the press for 3 s/);
    // while it was lost the press was offline (Unknown), never derived Idle
    expect(h.statuses.map((s) => s.online)).toEqual([true, false, true]);
    expect(h.obs.filter((o) => o.tag === 'state').map((o) => o.value)).not.toContain('Idle');
    const firstAfter = p.reported().find((r) => r.counter > lastBefore)!.counter;
    await waitFor(caughtUp(p, h, p.reported().length + 3), 10_000, 'shots after');
    expectExactlyOnce(p, h);
    // hand count: the shots made without a job have no row, yet the counter tells them: firstAfter − lastBefore − 1 of
    // them, and the deltas of the delivered counters add up to every shot the press made from lastBefore on
    const missing = firstAfter - lastBefore - 1;
    expect(missing).toBeGreaterThan(0);
    const goods = h.goods();
    const iBefore = goods.indexOf(lastBefore);
    expect(goods[iBefore + 1]).toBe(firstAfter);
    const deltas = goods.slice(iBefore + 1).map((g, i) => g - goods[iBefore + i]);
    expect(deltas.reduce((a, b) => a + b, 0)).toBe(goods.at(-1)! - lastBefore);
    expect(deltas[0]).toBe(missing + 1);
  }, 30_000);

  it('shows a press that stops answering as stale (offline) until it answers again', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir });
    const h = await connector(dir, { staleAfterS: 3, responseTimeoutS: 0.5 });
    await waitFor(caughtUp(p, h, 5), 10_000, 'shots before');
    p.hang(Infinity);
    await waitFor(() => h.c.health().state === 'stale', 10_000, 'stale');
    expect(h.statuses.at(-1)?.online).toBe(false);
    // the reconnect gets no answer either: still stale, now saying so
    await waitFor(() => /no SESS\d{4}\.RSP within 0\.5 s/.test(h.c.health().lastError ?? ''), 10_000, 'a reconnect without answer');
    expect(h.c.health().state).toBe('stale');
    expect(h.c.health().connectedSince).toBeNull();
    p.hang(0);
    const seen = p.reported().length;
    await waitFor(() => h.c.health().state === 'connected' && caughtUp(p, h, seen + 3)(), 15_000, 'back');
    expect(h.statuses.at(-1)?.online).toBe(true);
    expectExactlyOnce(p, h);
  }, 30_000);

  it('re-sends the jobs when the heartbeat counter goes back (a restart the press recovered its jobs from)', async () => {
    const dir = folder();
    const p = await press({ sessionDir: dir });
    const h = await connector(dir, { staleAfterS: 30 });
    await waitFor(caughtUp(p, h, 5), 10_000, 'shots before');
    // a press that restarted, reset its counter and runs its jobs again by itself: only the counter shows it. Half
    // the last counter is never read as a roll-over (that needs a drop from ≥ 90 % to < 10 % of a counter width).
    const back = Math.floor(p.reported().at(-1)!.counter / 2);
    await fsp.writeFile(path.join(dir, 'TKTHBT.DAT'), `DATE,TIME,ActCntCyc\r\n20261202,07:00:00,${back}\r\n`, 'latin1');
    await waitFor(() => h.c.health().reconnects === 1 && h.c.health().state === 'connected', 10_000, 'jobs re-sent');
    expect(h.c.health().lastError).toMatch(new RegExp(`cycle counter went back from \\d+ to ${back}: the press restarted`));
    const seen = p.reported().length;
    await waitFor(caughtUp(p, h, seen + 3), 10_000, 'shots after');
    expectExactlyOnce(p, h);
  }, 30_000);
});
