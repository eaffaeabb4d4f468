// The connector against the press emulator, end to end through a real session folder.
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEuromap63Press, type PressHandle } from '../../sim/euromap63/index.ts';
import { removeDir, startConnector, tempDir, waitFor, type Harness } from './testkit.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(
  press: Parameters<typeof startEuromap63Press>[0] extends infer P ? Partial<P> : never,
  settings = {},
): Promise<{ p: PressHandle; h: Harness; dir: string }> {
  const dir = path.join(tempDir(), 'IMM63');
  cleanup.push(() => removeDir(path.dirname(dir)));
  const p = await startEuromap63Press({ sessionDir: dir, speed: 400, seed: 7, ...press });
  cleanup.push(() => p.stop());
  const h = await startConnector(dir, settings);
  cleanup.push(() => h.stop());
  return { p, h, dir };
}

/** Every shot the press wrote arrived as exactly one `good` observation. */
function expectAllShots(p: PressHandle, h: Harness): void {
  const goods = h.goods();
  expect(new Set(goods).size).toBe(goods.length);
  expect(goods).toEqual(expect.arrayContaining(p.reported().map((r) => r.counter)));
}

const caughtUp =
  (p: PressHandle, h: Harness, min = 1) =>
  () =>
    p.reported().length >= min && h.goods().includes(p.reported().at(-1)!.counter);

describe('EUROMAP 63 connector against the press emulator', () => {
  it('delivers shots as good, cycle_time and process values with UTC timestamps', async () => {
    const { p, h } = await setup(
      { timezone: 'America/New_York' },
      { timezone: 'America/New_York', reportParameters: ['ActTmpOil', 'ActTmpBrlZn[1]', '@ActTmpMld', 'SetDescMld'] },
    );
    await waitFor(caughtUp(p, h, 15), 10_000, 'shots');
    expect(h.c.health()).toMatchObject({ state: 'connected', errors: 0, protocol: 'euromap63' });
    expect(h.statuses[0]).toMatchObject({ online: true, source: { protocol: 'euromap63', client: 'acme/plant/moulding/imm63' } });
    expectAllShots(p, h);
    for (const r of p.reported()) {
      const good = h.obs.find((o) => o.tag === 'good' && o.value === r.counter)!;
      // DATE/TIME carry whole seconds of local New York time; shots within one second are spread over its milliseconds
      expect(Math.floor(good.ts! / 1000)).toBe(Math.floor(r.ts / 1000));
      expect(good.seq).toBe(r.counter);
      expect(h.obs.find((o) => o.tag === 'cycle_time' && o.ts === good.ts)?.value).toBe(r.cycleTime);
    }
    const tags = new Set(h.obs.map((o) => o.tag));
    for (const t of ['good', 'cycle_time', 'ActTmpOil', 'ActTmpBrlZn_1', '_ActTmpMld', 'SetDescMld']) expect(tags).toContain(t);
    expect(h.obs.find((o) => o.tag === 'SetDescMld')?.value).toBe('MOULD-A');
    expect(h.obs.every((o) => o.source.protocol === 'euromap63' && o.equipmentPath === 'acme/plant/moulding/imm63')).toBe(true);
    expect(h.rej).toEqual([]);
    expect(h.c.health().received).toBe(h.obs.length);
  });

  it('derives Execute from arriving shots when no status variable is mapped', async () => {
    const { p, h } = await setup({});
    await waitFor(caughtUp(p, h, 3), 10_000, 'shots');
    const states = h.obs.filter((o) => o.tag === 'state');
    expect(states.map((o) => o.value)).toEqual(['Execute']);
    const firstShot = h.obs.find((o) => o.tag === 'good')!;
    expect(states[0].ts).toBe(firstShot.ts);
  });

  it('converts through a DST change (fall back) with timestamps going forward', async () => {
    // The press clock starts 1.5 s before 03:00 CEST on 2026-10-25, when Europe/Berlin goes back to 02:00 CET: rows
    // 02:59:59 then 02:00:00 — read without the previous row as a hint, the second would land an hour early.
    const { p, h } = await setup(
      { timezone: 'Europe/Berlin', clockStartMs: Date.parse('2026-10-25T00:59:58.500Z'), speed: 100, cycleTimeS: 2 },
      { timezone: 'Europe/Berlin' },
    );
    await waitFor(() => p.reported().some((r) => r.ts > Date.parse('2026-10-25T01:00:01.500Z')) && caughtUp(p, h)(), 10_000, 'shots after the change');
    expect(p.reported().some((r) => r.ts < Date.parse('2026-10-25T01:00:00Z'))).toBe(true);
    const goods = h.obs.filter((o) => o.tag === 'good');
    for (const r of p.reported()) expect(Math.floor(goods.find((o) => o.value === r.counter)!.ts! / 1000)).toBe(Math.floor(r.ts / 1000));
    for (let i = 1; i < goods.length; i++) expect(goods[i].ts!).toBeGreaterThan(goods[i - 1].ts!);
  }, 15_000);

  it('reports alarms set and reset', async () => {
    const { p, h } = await setup({ alarmEveryShots: 4, alarmShots: 2 });
    await waitFor(() => h.obs.filter((o) => o.tag === 'alarm').length >= 6, 10_000, 'alarms');
    await p.stop();
    await waitFor(
      () => h.obs.filter((o) => o.tag === 'alarm').length >= p.alarmChanges().filter((a, i, all) => i === 0 || a.value !== all[i - 1].value).length,
    );
    const seen = h.obs.filter((o) => o.tag === 'alarm').map((o) => o.value);
    const written = p
      .alarmChanges()
      .map((a) => a.value)
      .filter((v, i, all) => i === 0 || v !== all[i - 1]);
    expect(seen).toEqual(written);
    expect(seen.filter((v) => v !== '').every((v) => /^9\d\d$/.test(v as string))).toBe(true);
  }, 15_000); // its waits allow 10 s: the default 5 s test limit cut it short on a loaded machine

  it('writes parameters, confirms them by reading back, rejects unknown ones', async () => {
    const { p, h } = await setup({});
    await waitFor(() => h.c.health().state === 'connected');
    const ok = await h.c.command({ kind: 'writeParameters', parameters: { 'SetTmpBrlZn[1]': 232.5, SetDescMld: 'MOULD-B', SetFlgAirBlow: false } }, 3000);
    expect(ok).toEqual({ status: 'confirmed', readBack: { 'SetTmpBrlZn[1]': 232.5, SetDescMld: 'MOULD-B', SetFlgAirBlow: 0 } });
    expect(p.setParameters()).toMatchObject({ 'SetTmpBrlZn[1]': 232.5, SetDescMld: 'MOULD-B', SetFlgAirBlow: 0 });
    const bad = await h.c.command({ kind: 'writeParameters', parameters: { SetNoSuchThing: 1 } }, 3000);
    expect(bad.status).toBe('rejected');
    expect(bad.detail).toMatch(/unknown parameter SetNoSuchThing/);
    const typeErr = await h.c.command({ kind: 'writeParameters', parameters: { SetTimHold: 'long' } }, 3000);
    expect(typeErr.status).toBe('rejected');
    expect((await h.c.command({ kind: 'writeParameters', parameters: { 'x;y': 1 } }, 3000)).status).toBe('rejected');
    const read = await h.c.command({ kind: 'readParameters', names: ['SetTimHold', '@SetSpdInj'] }, 3000);
    expect(read).toEqual({ status: 'confirmed', readBack: { SetTimHold: 4.5, '@SetSpdInj': 80 } });
    expect(await h.c.command({ kind: 'stop' }, 1000)).toEqual({ status: 'rejected', detail: 'EUROMAP 63 has no stop/start command' });
    expect((await h.c.command({ kind: 'start' }, 1000)).status).toBe('rejected');
    p.withholdNext(1);
    const late = await h.c.command({ kind: 'readParameters', names: ['SetTimHold'] }, 300);
    expect(late.status).toBe('timed_out');
    // the session goes on after a timed-out request
    expect((await h.c.command({ kind: 'readParameters', names: ['SetTimHold'] }, 3000)).status).toBe('confirmed');
  });
});
