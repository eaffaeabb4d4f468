// Browser test of the lots pages: the list with a hold through the dialog, then the trace page (graph, table, CSV
// link, switching direction, the limits of a trace cut short) and the recall search. Needs web/dist (the test command builds it first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { seedGenealogy } from '../support/lots.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('lots and trace in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
    await seedGenealogy(server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists lots, holds one through the dialog, traces backward and forward, and recalls by supplier lot', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    await page.getByRole('link', { name: 'Lots', exact: true }).click();
    const table = page.getByTestId('lots-table');
    await table.waitFor();
    const row = table.getByRole('row', { name: /MB-1/ });
    await expect.poll(async () => (await row.textContent()) ?? '').toContain('Available');
    await row.getByRole('button', { name: 'Hold' }).click();
    await page.getByLabel('Reason').fill('colour check');
    await page.getByRole('button', { name: 'Put on hold' }).click();
    await expect.poll(async () => (await row.textContent()) ?? '').toContain('On hold');
    await expect.poll(async () => (await row.textContent()) ?? '').toContain('colour check');
    await shot(page, 'lots-list');

    await table.getByRole('link', { name: 'TOP-E2E' }).click();
    await page.waitForURL(/\/lots\/trace\?lot=TOP-E2E/);
    const trace = page.getByTestId('trace-table');
    await trace.waitFor();
    await expect.poll(async () => (await trace.textContent()) ?? '').toContain('RESIN-1');
    expect(await trace.textContent()).toContain('MB-1');
    expect(await page.getByTestId('trace-graph').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('trace-csv').getAttribute('href')).toBe('/api/lots/TOP-E2E/trace?direction=backward&format=csv');
    await shot(page, 'lots-trace-backward');

    await trace.getByRole('link', { name: 'RESIN-1' }).click();
    await page.getByRole('tab', { name: /Forward/ }).click();
    await page.waitForURL(/lot=RESIN-1&direction=forward/);
    await expect.poll(async () => (await page.getByTestId('trace-table').textContent()) ?? '').toContain('TOP-E2E');
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '').toContain('O-E2E');

    await page.getByLabel('Recall: supplier lot').fill('RC-42');
    await page.getByRole('button', { name: 'Find affected' }).click();
    await page.waitForURL(/supplierLot=RC-42/);
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '').toContain('Recall of supplier lot RC-42');
    await expect.poll(async () => (await page.getByTestId('trace-table').textContent()) ?? '').toContain('TOP-E2E');
    await shot(page, 'lots-recall');
    expect(errors).toEqual([]);
  });

  it('says which limits cut a trace short, and traces further with larger ones', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    // TOP-E2E was made from two lots: three lots in all, one more than the trace may reach
    await page.goto(`${server.url}/lots/trace?lot=TOP-E2E&direction=backward&maxNodes=2`);
    const main = page.locator('main');
    // a fresh load fetches the page's chunk and the trace: wait for the banner, not for expect.poll's one second
    await main.getByText('Only part of the genealogy is shown').waitFor();
    expect(await main.textContent()).toContain('(limits: depth 50, 2 lots)');
    await page.getByRole('link', { name: 'Trace further' }).click();
    await page.waitForURL(/maxNodes=20\b/);
    expect(page.url()).toContain('maxDepth=500');
    await page.getByTestId('trace-table').getByText('RESIN-1').first().waitFor();
    expect(await page.getByTestId('trace-table').textContent()).toContain('MB-1');
    expect(await main.textContent()).not.toContain('Only part of the genealogy is shown');
    expect(errors).toEqual([]);
  });
});
