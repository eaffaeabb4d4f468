// Browser test of the "Measured in-line" panel on a characteristic's page (issue #15): a quality engineer sees "not
// measured in-line" (no error, not even a failed request in the console), picks a machine of the plant model and one of its tags, is refused
// with the server's reason when that tag already feeds another characteristic, saves once it is free, and a value the
// machine then reports through the HTTP ingest (POST /api/ingest, docs/connectors.md) appears on the characteristic's
// chart; the mapping is removed through the panel; an operator sees the panel without a way to change it. One server
// (the first of TAKT_TEST_DBS), one browser. Needs web/dist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const ID = 'E2E-TORQUE';
const OTHER = 'E2E-TORQUE-OLD';
const MIN = 60_000;

describe(`a characteristic measured in-line, set on its page (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  const { call: api, ok } = apiOf(() => server);
  const characteristic = (id: string, name: string) => ({
    id,
    name,
    product: 'HSG-TOP',
    kind: 'variable',
    chart: 'i-mr',
    unit: 'Nm',
    nominal: 1.2,
    lsl: 1.0,
    usl: 1.4,
  });

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    await ok('POST', '/api/users', { username: 'qa-ines', displayName: 'Ines Quality', roles: ['quality'], password: server.userPassword });
    await ok('POST', '/api/users', { username: 'op-olaf', roles: ['operator'], password: server.userPassword });
    await ok('POST', '/api/quality/characteristics', characteristic(ID, 'Screw torque'));
    await ok('POST', '/api/quality/characteristics', characteristic(OTHER, 'Screw torque (old)'));
    // the tag feeds the old characteristic still: the page's first save is refused for it
    await ok('PUT', `/api/quality/characteristics/${OTHER}/machine-tag`, { equipment: ST10, tag: 'torque' });
    // earlier values from the lab: the chart has limits before the machine's first value
    const t0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
    const earlier = [1.21, 1.18, 1.22, 1.19, 1.2, 1.23, 1.17, 1.21];
    await ok('POST', '/api/quality/measurements', {
      records: earlier.map((value, i) => ({ key: `lab-${i}`, characteristic: ID, source: 'lab', ts: new Date(t0 + i * 5 * MIN).toISOString(), value })),
    });
    browser = await launchChromium();
    page = await newPage(browser, errors);
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    await signIn(page, server, { username: 'qa-ines', password: server.userPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('maps a machine tag through the panel, and a value the machine reports appears on the chart', async () => {
    consoleErrors.length = 0; // from the page's own loading on
    await page.goto(`${server.url}/quality/characteristics/${ID}`);
    const chart = page.getByTestId('q-chart');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    expect(await chart.getAttribute('aria-label')).toMatch(/^i-mr chart: 8 points/);
    const panel = page.getByTestId('q-inline');
    await expect.poll(async () => panel.getByTestId('q-inline-summary').textContent(), { timeout: 20_000 }).toContain('Not measured in-line');
    expect(await panel.locator('.banner-error').count()).toBe(0);
    expect(consoleErrors).toEqual([]); // "none" is no failed request either

    // a machine of the plant model, then one of its tags (declared by its class); the tag is taken: refused, with why
    await panel.getByRole('button', { name: 'Measure in-line' }).click();
    const form = panel.getByTestId('q-inline-form');
    await form.getByLabel('Machine').selectOption({ label: `Station 10 — screwing — ${ST10}` });
    await expect.poll(async () => form.getByLabel('Tag').isEnabled(), { timeout: 20_000 }).toBe(true);
    await form.getByLabel('Tag').selectOption('torque');
    await form.getByRole('button', { name: 'Save tag' }).click();
    await form.locator('.banner-error').waitFor({ timeout: 20_000 });
    expect(await form.locator('.banner-error').textContent()).toContain(`${ST10} torque is mapped to ${OTHER} already`);
    await expect.poll(async () => (await api('GET', `/api/quality/characteristics/${ID}/machine-tag`)).status).toBe(404);

    // the old characteristic lets go of the tag; the same form saves now
    await ok('DELETE', `/api/quality/characteristics/${OTHER}/machine-tag`);
    await form.getByRole('button', { name: 'Save tag' }).click();
    const summary = panel.getByTestId('q-inline-summary');
    await expect.poll(async () => summary.textContent(), { timeout: 20_000 }).toContain(`Every value machine ${ST10} reports for tag torque`);
    expect(await summary.textContent()).toContain('Mapped by qa-ines');
    expect(await ok('GET', `/api/quality/characteristics/${ID}/machine-tag`)).toMatchObject({ equipment: ST10, tag: 'torque', createdBy: 'qa-ines' });
    await shot(page, 'quality-inline-mapped');

    // the machine reports a torque through the HTTP ingest: it becomes a measurement and a point on the chart
    const integration = (await ok<{ token: string }>('POST', '/api/tokens', { name: 'line1-gateway', role: 'integration' })).token;
    const ts = new Date(Date.now() - 5_000).toISOString();
    const ingest = await ok('POST', '/api/ingest', { key: 'e2e-inline-1', records: [{ equipment: ST10, tag: 'torque', ts, value: 1.26 }] }, integration);
    expect(ingest).toMatchObject({ accepted: 1 });
    await expect.poll(async () => chart.getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/^i-mr chart: 9 points/);
    const view = await ok<{ contract: { points: Array<{ ts: string; value: number }> } }>('GET', `/api/quality/characteristics/${ID}/chart`);
    expect(view.contract.points.at(-1)).toMatchObject({ ts, value: 1.26 });
    expect(await server.sql(`SELECT source, equipment FROM quality_measurements WHERE characteristic = $1 AND source = 'machine'`, [ID])).toEqual([
      { source: 'machine', equipment: ST10 },
    ]);
    await shot(page, 'quality-inline-chart');

    // removed through the panel: not measured in-line any more
    await panel.getByRole('button', { name: 'Change tag' }).click();
    await form.getByRole('button', { name: 'Stop measuring in-line' }).click();
    await expect.poll(async () => summary.textContent(), { timeout: 20_000 }).toContain('Not measured in-line');
    expect((await api('GET', `/api/quality/characteristics/${ID}/machine-tag`)).status).toBe(404);
    expect(errors).toEqual([]);
  });

  it('shows an operator the mapping without a way to change it', async () => {
    await ok('PUT', `/api/quality/characteristics/${ID}/machine-tag`, { equipment: ST10, tag: 'torque' });
    const other = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    other.on('pageerror', (err) => errors.push(err.message));
    await signIn(other, server, { username: 'op-olaf', password: server.userPassword });
    await other.goto(`${server.url}/quality/characteristics/${ID}`);
    const panel = other.getByTestId('q-inline');
    await expect.poll(async () => panel.getByTestId('q-inline-summary').textContent(), { timeout: 20_000 }).toContain(`machine ${ST10} reports for tag torque`);
    expect(await panel.getByRole('button').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
