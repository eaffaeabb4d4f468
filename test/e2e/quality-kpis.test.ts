// Browser test of the quality KPI page (issue #15): two operations run through the terminal API report good parts and
// scrap with reasons; /quality/kpis, reached from the quality overview, shows the scrap rate, quality ratio and FPY the
// API answers (FPY and rework from the nonconformances: none here), the Pareto largest first with its cumulative share ending at 100 %, the
// charts drawn, and the cost of poor quality once a cost is set through the page (after the server's 400 at its field).
// One server (the first of TAKT_TEST_DBS), one browser. Needs web/dist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { KpiReport } from '../../src/quality/index.ts';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const LINE = 'acme/lakeside/assembly/line1';

describe(`quality KPI page in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { ok: api } = apiOf(() => server);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    const step = { seq: 10, name: 'Fit', workCenter: `${LINE}/st10`, idealCycleTimeS: 10, bom: [{ materialId: 'PP-GRAN-BK', quantity: 0.01, unit: 'kg' }] };
    await api('POST', '/api/lots', { id: 'E2E-GRAN', material: 'PP-GRAN-BK', quantity: 100 });
    await api('POST', '/api/products', { id: 'E2E-KP', name: 'KPI part', routing: [step] });
    for (const [id, good, scrap] of [
      [
        'E2E-K1',
        90,
        [
          ['short-shot', 6],
          ['flash', 4],
        ],
      ],
      ['E2E-K2', 45, [['short-shot', 5]]],
    ] as const) {
      await api('POST', '/api/orders', { id, product: 'E2E-KP', quantity: 100 });
      await api('POST', `/api/orders/${id}/release`);
      const op = `/api/operations/${id}/10`;
      await api('POST', `${op}/setup`, { equipment: `${LINE}/st10` });
      await api('POST', `${op}/start`, {});
      await api('POST', `${op}/quantities`, { kind: 'good', quantity: good });
      for (const [reason, quantity] of scrap) await api('POST', `${op}/quantities`, { kind: 'scrap', quantity, reason, fromGood: false });
      await api('POST', `${op}/complete`, {});
    }
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the API's KPIs, the Pareto and the charts, and COPQ once a cost is set through the page", async () => {
    await page.goto(`${server.url}/quality`);
    await page.getByTestId('quality-kpis-link').click();
    await page.waitForURL(/\/quality\/kpis$/);
    await page.getByTestId('kpi-product').selectOption('E2E-KP');
    const k = await api<KpiReport>('GET', `/api/quality/kpis?product=E2E-KP&from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`);
    // 135 good, 15 scrap (11 short shot, 4 flash)
    // no nonconformance dispositioned rework: 0 reworked, so FPY is the quality ratio
    expect(k.total).toMatchObject({ produced: 150, scrap: 15, fpy: 135 / 150, reworked: 0 });
    const scrapTile = page.getByTestId('kpi-scrap');
    await expect.poll(async () => (await scrapTile.locator('.v').textContent()) ?? '', { timeout: 20_000 }).toBe(pct(k.total.scrapRate!));
    expect(await page.getByTestId('kpi-quality').locator('.v').textContent()).toBe(pct(k.total.qualityRatio!));
    expect(await page.getByTestId('kpi-fpy').locator('.v').textContent()).toBe(pct(k.total.fpy!));
    expect(await page.getByTestId('kpi-rework').locator('.v').textContent()).toBe(pct(0));
    const pareto = page.getByTestId('kpi-pareto').locator('tbody tr');
    expect(await pareto.count()).toBe(2);
    expect(await pareto.nth(0).textContent()).toMatch(/^short-shot.*11.*73\.3 %.*73\.3 %$/);
    expect(await pareto.nth(1).textContent()).toMatch(/^flash.*4.*26\.7 %.*100\.0 %$/);
    for (const chart of ['kpi-pareto-chart', 'kpi-machine-chart', 'kpi-product-chart'])
      await page.getByTestId(chart).locator('canvas').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('kpi-copq').textContent()).toMatch(/no cost set for E2E-KP/);
    await shot(page, 'quality-kpis');

    // a cost through the page: a bad currency is the server's 400 at its field, then the cost prices the scrap
    const costs = page.getByTestId('kpi-costs');
    await costs.getByLabel('Product or material').fill('E2E-KP');
    await costs.getByLabel('Scrapped unit cost').fill('2.5');
    await costs.getByLabel('Currency').fill('euro');
    await costs.getByRole('button', { name: 'Set cost' }).click();
    const currencyError = costs.locator('.field.has-error', { hasText: 'Currency' }).locator('.field-error');
    await currencyError.waitFor({ timeout: 10_000 });
    expect(await currencyError.textContent()).toMatch(/ISO 4217/);
    await costs.getByLabel('Currency').fill('EUR');
    await costs.getByRole('button', { name: 'Set cost' }).click();
    await costs.locator('tr', { hasText: 'E2E-KP' }).waitFor({ timeout: 10_000 });
    // 15 × 2.50 EUR (no rework)
    await expect.poll(async () => (await page.getByTestId('kpi-copq').textContent()) ?? '', { timeout: 20_000 }).toMatch(/37\.50 EUR/);
    expect(errors).toEqual([]);
  });
});
