// Browser test of the condition page (issue #16, predictive): a drifting melt temperature of imm01 raises a warning;
// /maintenance/condition, reached from the navigation, shows the monitor's chart with its forecast band and the
// forecast text, the open warning, and the machine's failure-rate row ("not enough failures"); dismissing the warning
// on the page (with a reason) removes it from the open list and the API records the dismissal with that reason. The
// warning is an alert in the performance overview's Alerts panel too, labelled as a condition monitor's and linking
// to the condition page; the dismissal clears it.
// One server (the first of TAKT_TEST_DBS), one browser. Needs web/dist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaintenanceModule } from '../../src/maintenance/index.ts';
import { apiOf, launchChromium, signIn, newPage } from '../support/browser.ts';
import { submitHistory } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const H = 3600_000;

describe(`condition page in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { ok: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0] });
    // 6 hours up to a minute ago: 230 °C for 4 h, then rising by 8 °C
    const start = Date.now() - 6 * H;
    const values: Array<[string, number, number]> = [];
    for (let m = 0; m < 359; m++)
      values.push(['meltTemperature', Number((230 + 0.4 * Math.sin(m / 3) + (m >= 240 ? ((m - 240) * 8) / 120 : 0)).toFixed(2)), start + m * 60_000]);
    await submitHistory(server, 'condition-e2e', IMM01, values);
    await api('POST', '/api/maintenance/monitors', {
      equipment: IMM01,
      tag: 'meltTemperature',
      method: 'ewma',
      min: 220,
      max: 240,
      params: { bucketMin: 10, lookbackH: 8, mean: 230, sd: 1, lambda: 0.3, L: 3, trendPoints: 6 },
    });
    const raised = await (server.app.modules.get('maintenance') as MaintenanceModule).predictive.evaluate();
    expect(raised.raised).toBe(1);
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the warning as an alert in the performance overview, linking to the condition page', async () => {
    await page.goto(`${server.url}/performance`);
    const alert = page.getByTestId('perf-alert').filter({ hasText: 'meltTemperature' });
    await expect.poll(() => alert.count()).toBe(1);
    const source = alert.getByTestId('perf-alert-source');
    expect(await source.textContent()).toBe('Condition monitor meltTemperature (EWMA)');
    await source.click();
    await page.waitForURL(/\/maintenance\/condition$/);
    await expect.poll(() => page.getByTestId('monitor-card').count()).toBe(1);
  });

  it('shows the chart, the forecast and the warning; a dismissal on the page is recorded with its reason', async () => {
    await page.goto(`${server.url}/maintenance/work-orders`);
    await page.getByRole('link', { name: 'Condition', exact: true }).click();
    await page.waitForURL(/\/maintenance\/condition$/);
    const card = page.getByTestId('monitor-card');
    await expect.poll(() => card.count()).toBe(1);
    await expect.poll(() => card.getByTestId('condition-chart').count()).toBe(1);
    expect(await card.getByTestId('forecast-band').count()).toBe(1);
    expect(await card.getByTestId('forecast').textContent()).toMatch(/^Trend reaches 240 in /);
    const rows = page.getByTestId('warnings').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('meltTemperature');
    await expect.poll(() => page.getByTestId('reliability-row').count()).toBe(1);
    expect(await page.getByTestId('reliability-row').textContent()).toContain('not enough failures');

    page.once('dialog', (d) => void d.accept('heater bands checked'));
    await rows.first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('warnings').count()).toBe(0);
    const all = await api<Array<{ state: string; reason: string | null }>>('GET', '/api/maintenance/warnings');
    expect(all).toMatchObject([{ state: 'dismissed', reason: 'heater bands checked' }]);
    // its alert is cleared with it
    const open = await api<Array<{ kind: string }>>('GET', '/api/performance/alerts?status=open');
    expect(open.filter((a) => a.kind === 'external')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
