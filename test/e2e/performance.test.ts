// Browser smoke test of the performance dashboards: the overview lists the demo machines with their OEE figures and
// the definitions used, and a machine's page opens without errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('performance dashboards in the browser', () => {
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

  it('shows OEE per machine and opens a machine page', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    await page.getByRole('link', { name: 'OEE & losses' }).click();
    const table = page.getByTestId('perf-machines');
    await table.waitFor();
    await expect.poll(async () => (await table.textContent()) ?? '', { timeout: 20_000 }).toContain('IMM 01');
    await table.getByRole('link', { name: /IMM 01/ }).first().click();
    await page.waitForURL(/\/performance\/.+/);
    await page.locator('main.main h1, main.main h2').first().waitFor();
    expect(errors).toEqual([]);
  });
});
