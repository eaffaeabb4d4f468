// Browser smoke test of the performance dashboards: the overview lists the demo machines with their OEE figures and
// the definitions used, and a machine's page opens without errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
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
    await table
      .getByRole('link', { name: /IMM 01/ })
      .first()
      .click();
    await page.waitForURL(/\/performance\/.+/);
    await page.locator('main.main h1, main.main h2').first().waitFor();
    expect(errors).toEqual([]);
  });

  it('shows an alert live on the overview, acknowledges it, and opens the rules and bottleneck pages', async () => {
    // IMM 01 down (Held) for 20 minutes; a rule "down longer than 10 min" on the site raises once evaluated
    const imm01 = 'acme/lakeside/moulding/imm-cell1/imm01';
    const now = Date.now();
    await server.collect.pipeline.submit({
      rejections: [],
      observations: [
        ['Execute', now - 40 * 60_000],
        ['Held', now - 20 * 60_000],
      ].map(([value, ts]) => ({
        source: { protocol: 'test', client: 'e2e' },
        topic: 'test/state',
        equipmentPath: imm01,
        tag: 'state',
        value,
        ts: ts as number,
        receivedAt: Date.now(),
      })),
    });
    const auth = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    const rule = { name: 'Down > 10 min', kind: 'state_longer_than', state: 'adet', threshold: 600, severity: 'critical', equipment: 'acme/lakeside' };
    const created = await fetch(`${server.url}/api/performance/alert-rules`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ...rule, enabled: false }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    await page.getByRole('link', { name: 'OEE & losses' }).click();
    const panel = page.getByTestId('perf-alerts');
    await expect.poll(async () => (await panel.textContent()) ?? '', { timeout: 20_000 }).toMatch(/live.*No open alerts/);
    // the page is open when the rule is enabled and fires: the alert arrives over the stream, without a reload
    await fetch(`${server.url}/api/performance/alert-rules/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(rule) });
    await fetch(`${server.url}/api/performance/alerts/evaluate`, { method: 'POST', headers: { authorization: auth.authorization } });
    const alert = panel.getByTestId('perf-alert').filter({ hasText: imm01 });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/adet for 20 min \(longer than 10 min\)/);
    await shot(page, 'performance-alerts');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(async () => (await alert.textContent()) ?? '', { timeout: 10_000 }).toMatch(/seen by/);
    await panel.getByRole('link', { name: 'Early-warning rules' }).click();
    await expect.poll(async () => (await page.getByTestId('rules-table').textContent()) ?? '', { timeout: 10_000 }).toContain('adet longer than 10 min');
    await page.goto(`${server.url}/performance/bottleneck`);
    // the assembly line (chosen first) has reported nothing: no ranking of machines that all read "—"
    const noData = page.getByTestId('bottleneck-no-data');
    await noData.waitFor({ timeout: 20_000 });
    expect(await noData.textContent()).toMatch(/No data to rank.*None of the \d+ machines/);
    expect(await page.getByTestId('bottleneck-table').count()).toBe(0);
    // the moulding cell with IMM 01's states: ranked, IMM 01 the bottleneck
    await page.getByTestId('bottleneck-scope').selectOption({ label: 'acme/lakeside/moulding/imm-cell1 (workCenter)' });
    await page.getByTestId('bottleneck-table').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('bottleneck-table').locator('tbody tr').first().textContent()).toMatch(/^1IMM 01.*bottleneck/);
    expect(await page.getByTestId('bottleneck-method').textContent()).toMatch(/Active period method/);
    await shot(page, 'performance-bottleneck');
    // alarm codes → reasons: map E205 of every injection moulding machine
    await page.goto(`${server.url}/performance/alarm-reasons`);
    const form = page.getByTestId('alarm-form');
    await form.getByLabel('Class').selectOption('imm');
    await form.getByLabel('Alarm code').fill('E205');
    await form.getByLabel('Reason').selectOption('breakdown.mechanical');
    await form.getByRole('button', { name: 'Save mapping' }).click();
    await expect
      .poll(async () => (await page.getByTestId('alarm-table').textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/class imm.*E205.*Mechanical failure/);
    // KPIs by order, on demand: the demo has no orders, so planned time (if the shift calendar plans any now) is "no order"
    await page.goto(`${server.url}/performance`);
    const orders = page.getByTestId('perf-orders');
    await orders.getByLabel('Show').check();
    await expect.poll(async () => (await orders.textContent()) ?? '', { timeout: 20_000 }).toMatch(/OEE.*(no order|No production in this period)/);
    expect(errors).toEqual([]);
  });
});
