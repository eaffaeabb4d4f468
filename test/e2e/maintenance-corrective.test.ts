// Browser test of corrective maintenance: a person calls maintenance from the machine page of a stopped machine; the
// work order opens pre-filled with the stop and appears on its detail page; once the work starts, the machine page
// and the live plant show it under repair.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';

describe('corrective maintenance in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('calls maintenance from the machine page for the current stop; the order appears, and the machine is shown under repair', async () => {
    // IMM 01 down (Held, alarm E205) for 2 minutes: under the default 10 min threshold, so no automatic order
    const now = Date.now();
    await server.collect.pipeline.submit({
      rejections: [],
      observations: (
        [
          ['state', 'Execute', now - 3 * 60_000],
          ['alarm', 'E205', now - 2 * 60_000],
          ['state', 'Held', now - 2 * 60_000],
        ] as const
      ).map(([tag, value, ts]) => ({
        source: { protocol: 'test', client: 'e2e' },
        topic: `test/${tag}`,
        equipmentPath: IMM01,
        tag,
        value,
        ts,
        receivedAt: Date.now(),
      })),
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    await page.goto(`${server.url}/live/${encodeURIComponent(IMM01)}`);
    await page.getByTestId('machine-page').waitFor();
    await page.getByTestId('call-maintenance').click();
    const stop = page.getByTestId('call-maintenance-stop');
    await stop.waitFor({ timeout: 20_000 });
    expect(await stop.isChecked()).toBe(true);
    await page.getByLabel('What is wrong').fill('Clamp does not close, hydraulic pressure low');
    await page.getByRole('button', { name: 'Open work order' }).click();
    const done = page.getByTestId('call-maintenance-done');
    await done.waitFor();
    const id = /WO-\d+/.exec((await done.textContent()) ?? '')?.[0];
    expect(id).toBeTruthy();
    await shot(page, 'maintenance-call');

    // the order: pre-filled with the machine and its stop, on its own page
    await done.getByRole('link', { name: id! }).click();
    const detail = page.getByTestId('work-order-detail');
    await detail.waitFor();
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain(IMM01);
    expect(text).toContain('E205');
    expect(text).toContain('Clamp does not close');
    expect(await page.getByTestId('work-order-status').textContent()).toBe('Requested');
    // the moves the transition table allows from requested
    expect(await page.getByTestId('move-approved').isVisible()).toBe(true);
    expect(await page.getByTestId('move-done').count()).toBe(0);
    await page.getByTestId('move-in_progress').click();
    await page.getByTestId('move-confirm').click();
    await expect.poll(async () => page.getByTestId('work-order-status').textContent()).toBe('In progress');
    expect((await page.getByTestId('work-order-steps').textContent()) ?? '').toContain('Requested → In progress');

    // under repair: on the machine page and on the live plant
    await page.goto(`${server.url}/live/${encodeURIComponent(IMM01)}`);
    const badge = page.getByTestId('machine-page').getByTestId('under-repair');
    await badge.waitFor();
    expect(await badge.textContent()).toContain(id!);
    await page.goto(`${server.url}/live`);
    const tile = page.getByTestId('machine-tile').filter({ has: page.getByTestId('under-repair') });
    await tile.first().waitFor({ timeout: 20_000 });
    expect(await tile.count()).toBe(1);
    expect((await tile.textContent()) ?? '').toContain(id!);
    await shot(page, 'maintenance-under-repair');
    expect(errors).toEqual([]);
  });
});
