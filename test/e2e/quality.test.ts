// Browser test of the quality pages (issue #15): a characteristic defined and measured through the API, with one point
// out of control, is charted with that violation marked and the capability figures the spc contract answers; limits
// are frozen through the page; the plant list shows it with its violations; the "New characteristic" form shows the
// server's 400 at its field and then creates one. One server (the first of TAKT_TEST_DBS), one browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Characteristic, FrozenLimits, OverviewRow, SpcContract } from '../../src/quality/index.ts';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const MIN = 60_000;
const ID = 'E2E-BORE';

describe(`quality pages in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);
  // whole minutes, the newest an hour ago: inside every window the page offers
  const t0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
  const at = (i: number) => new Date(t0 + i * 5 * MIN).toISOString();
  // an in-control process around 10 (no run, trend or zone pattern), then one value far beyond 3σ
  const values = [10.02, 9.97, 10.05, 9.99, 10.01, 9.94, 10.03, 10.0, 9.96, 10.04, 9.98, 10.06, 9.95, 10.01, 10.02, 9.97, 10.0, 10.03, 9.99, 9.98];
  const OUTLIER = values.length;

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('charts a characteristic with its violation marked and the API capability figures, and freezes limits from the page', async () => {
    const created = await api('POST', '/api/quality/characteristics', {
      id: ID,
      name: 'Bore diameter',
      product: 'HSG-TOP',
      kind: 'variable',
      unit: 'mm',
      nominal: 10,
      lsl: 9.8,
      usl: 10.2,
      chart: 'i-mr',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const records = [...values, 10.6].map((value, i) => ({ key: `b${i}`, characteristic: ID, ts: at(i), value }));
    expect((await api<{ accepted: number }>('POST', '/api/quality/measurements', { records })).body.accepted).toBe(records.length);
    const spc = (await api<SpcContract>('GET', `/api/quality/characteristics/${ID}/spc?from=${at(-1)}`)).body;
    expect(spc.points).toHaveLength(records.length);
    expect(spc.violations).toContainEqual({ ts: at(OUTLIER), rule: 1 });

    await page.getByRole('link', { name: 'SPC & capability' }).click();
    const overview = page.getByTestId('quality-overview');
    const row = overview.locator('tr', { hasText: ID });
    await row.waitFor({ timeout: 20_000 });
    // the overview lists it with the violations of the last 24 hours
    const listed = (await api<OverviewRow[]>('GET', '/api/quality/overview')).body.find((r) => r.id === ID)!;
    expect(listed.violations24h).toBeGreaterThan(0);
    expect(await row.textContent()).toContain(`${listed.violations24h}`);
    await row.getByRole('link', { name: 'Bore diameter' }).click();
    await page.waitForURL(new RegExp(`/quality/characteristics/${ID}$`));

    const chart = page.getByTestId('q-chart');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    expect(await chart.getAttribute('aria-label')).toMatch(new RegExp(`i-mr chart: ${records.length} points, [1-9]\\d* violations?`));
    await page.getByTestId('q-secondary').locator('canvas').waitFor();
    await page.getByTestId('q-histogram').locator('canvas').waitFor();
    // the outlier is listed with its rule, on the individuals chart
    const violations = page.getByTestId('q-violations');
    const outlierRow = violations
      .locator('tbody tr')
      .filter({ hasText: /rule 1 one point beyond 3σ/ })
      .filter({ hasText: 'i-mr' });
    expect(await outlierRow.count()).toBe(1);
    expect(await outlierRow.textContent()).toContain('10.6000');
    // Cp, Cpk, Pp, Ppk exactly the contract's (to the three decimals shown), with the sigma used
    for (const k of ['cp', 'cpk', 'pp', 'ppk'] as const) {
      expect(spc[k], k).not.toBeNull();
      expect(await page.getByTestId(`q-${k}`).locator('.v').textContent(), k).toBe((spc[k] as number).toFixed(3));
    }
    expect(await page.getByTestId('q-cpk').textContent()).toContain('σ within = MR̄/1.128');
    expect(await page.getByTestId('q-sigmas').textContent()).toMatch(/n = 21 values.*σ within .*\(MR̄\/1\.128\).*σ overall/);
    expect(await page.getByTestId('q-limits').textContent()).toContain('limits of this window');
    await shot(page, 'quality-chart');

    // freeze the limits of the window on screen, with a reason; the page then charts against them
    const freeze = page.getByTestId('q-freeze');
    await freeze.getByLabel('Reason').fill('phase I baseline');
    await freeze.getByRole('button', { name: 'Freeze limits from this window' }).click();
    await expect.poll(async () => (await page.getByTestId('q-limits').textContent()) ?? '', { timeout: 20_000 }).toMatch(/frozen limits v1.*phase I baseline/);
    const history = (await api<FrozenLimits[]>('GET', `/api/quality/characteristics/${ID}/limits`)).body;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ version: 1, reason: 'phase I baseline', limits: { chart: 'i-mr', baseline: { points: records.length } } });
    const after = await fetch(`${server.url}/api/quality/characteristics/${ID}/spc?from=${at(-1)}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(after.headers.get('x-takt-limits')).toBe('frozen; version=1');
    await page.getByRole('link', { name: 'Back to quality' }).click();
    await expect.poll(async () => (await overview.locator('tr', { hasText: ID }).textContent()) ?? '', { timeout: 20_000 }).toContain('frozen');
    expect(errors).toEqual([]);
  });

  it("defines a characteristic through the form, showing the server's 400 at its field first", async () => {
    await page.goto(`${server.url}/quality`);
    await page.getByRole('button', { name: 'New characteristic' }).click();
    const form = page.getByTestId('new-characteristic');
    await form.getByLabel('Id').fill('E2E-WALL');
    await form.getByLabel('Name').fill('Wall thickness');
    await form.getByLabel('Product').selectOption('HSG-TOP');
    await form.getByLabel('Chart').selectOption('xbar-r');
    await form.getByLabel('Subgroup size').fill('5');
    await form.getByLabel('LSL').fill('2.2');
    await form.getByLabel('USL').fill('1.8');
    await form.getByRole('button', { name: 'Create characteristic' }).click();
    const lslError = form.locator('.field.has-error', { hasText: 'LSL' }).locator('.field-error');
    await lslError.waitFor({ timeout: 10_000 });
    expect(await lslError.textContent()).toMatch(/LSL must be below USL/);
    expect((await api('GET', '/api/quality/characteristics/E2E-WALL')).status).toBe(404);
    await form.getByLabel('LSL').fill('1.8');
    await form.getByLabel('USL').fill('2.2');
    await form.getByRole('button', { name: 'Create characteristic' }).click();
    await page.getByTestId('quality-overview').locator('tr', { hasText: 'E2E-WALL' }).waitFor({ timeout: 10_000 });
    expect((await api<Characteristic>('GET', '/api/quality/characteristics/E2E-WALL')).body).toMatchObject({
      chart: 'xbar-r',
      subgroupSize: 5,
      lsl: 1.8,
      usl: 2.2,
      product: 'HSG-TOP',
    });
    expect(errors).toEqual([]);
  });
});
