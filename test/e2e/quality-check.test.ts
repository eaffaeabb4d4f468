// Browser test: a check followed from the terminal prompt to the SPC chart (issue #15). A characteristic of a demo
// station's product is measured "every 3 parts, sample of 2, no grace"; the operator signs in with badge and PIN at
// the packing station (1024×768, touch), counts parts until the check is due, sees production blocked (a further count
// is refused with the check's name), enters the two values on the big keypad, and counts again; the quality page of
// the characteristic then charts the two new points. One server (the first of TAKT_TEST_DBS). Needs web/dist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, shot, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST30 = 'acme/lakeside/assembly/line1/st30';
const ID = 'E2E-CARTON-W';
const BADGE = 'B-4411';
const PIN = '135792';
const MIN = 60_000;

describe(`a check from the terminal to the SPC chart (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await api(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const keypad = async (page: Page, text: string) => {
    const dialog = page.getByRole('dialog');
    for (const ch of text) await dialog.getByRole('button', { name: ch === '.' ? 'Decimal point' : `Digit ${ch}` }).click();
  };

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    browser = await launchChromium();
    await ok('POST', '/api/users', { username: 'quinn', roles: ['operator'], password: 'password-123', badge: BADGE, pin: PIN });
    await ok('POST', '/api/products', {
      id: 'KIT-Q',
      name: 'Service kit Q',
      unit: 'pcs',
      materialId: 'S200',
      routing: [{ seq: 10, name: 'Pack and weigh', workCenter: ST30, idealCycleTimeS: 8, setupTimeS: 60, bom: [{ materialId: 'BOX-S', quantity: 1 }] }],
    });
    await ok('POST', '/api/quality/characteristics', {
      id: ID,
      name: 'Carton weight',
      product: 'KIT-Q',
      operationSeq: 10,
      kind: 'variable',
      chart: 'i-mr',
      unit: 'g',
      nominal: 10,
      lsl: 9.8,
      usl: 10.2,
    });
    await ok('PUT', `/api/quality/characteristics/${ID}/sampling`, { plan: { kind: 'parts', everyParts: 3, sampleSize: 2, graceParts: 0 } });
    // an earlier run's values (from the lab, no station): the chart has limits before the terminal's check
    const t0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
    const earlier = [10.01, 9.98, 10.03, 9.99, 10.0, 10.02, 9.97, 10.01];
    await ok('POST', '/api/quality/measurements', {
      records: earlier.map((value, i) => ({ key: `lab-${i}`, characteristic: ID, source: 'lab', ts: new Date(t0 + i * 5 * MIN).toISOString(), value })),
    });
    await ok('POST', '/api/lots', { id: 'BOX-Q-1', material: 'BOX-S', quantity: 500 });
    await ok('POST', '/api/orders', { id: 'Q-100', product: 'KIT-Q', quantity: 20, priority: 5 });
    await ok('POST', '/api/orders/Q-100/release');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('counts to the check, is blocked, enters the sample on the keypad, and the chart shows the new points', async () => {
    const page = await newPage(browser, errors, { viewport: { width: 1024, height: 768 }, hasTouch: true });
    await page.goto(`${server.url}/terminal`);
    await page.getByLabel('Badge').fill(BADGE);
    await page.getByLabel('Badge').press('Enter');
    for (const d of PIN) await page.getByRole('button', { name: `Digit ${d}` }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page
      .getByTestId('stations')
      .getByRole('button', { name: /Station 30/ })
      .click();
    await page.getByRole('button', { name: 'Sign in here' }).click();
    await page.getByRole('button', { name: 'Set up Q-100 / 10' }).click();
    await page.getByRole('button', { name: 'Start production' }).click();
    const prod = page.getByTestId('production-panel');
    await prod.waitFor();

    // nothing due yet; 3 good parts make the check due, and with no grace it blocks at once
    expect(await page.getByTestId('checks-due').count()).toBe(0);
    await prod.getByRole('button', { name: 'Count good' }).click();
    await keypad(page, '3');
    await page.getByRole('button', { name: 'Add 3 good' }).click();
    await expect.poll(async () => prod.getByTestId('count-good').textContent()).toBe('3');
    const prompt = page.getByTestId(`check-${ID}`);
    await expect.poll(async () => (await prompt.count()) && prompt.textContent(), { timeout: 15_000 }).toContain('production blocked');
    const text = (await prompt.textContent()) ?? '';
    expect(text).toContain('Carton weight');
    expect(text).toContain('nominal 10');
    expect(text).toContain('limits 9.8 … 10.2 g');
    expect(text).toContain('sample of 2');
    expect(await prompt.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(193, 18, 31)');
    await shot(page, 'check-1-blocked');

    // a further count is refused with the check's name
    await prod.getByRole('button', { name: 'Count good' }).click();
    await keypad(page, '1');
    await page.getByRole('button', { name: 'Add 1 good' }).click();
    await expect.poll(async () => page.getByRole('dialog').getByRole('alert').textContent()).toMatch(/overdue quality check: Carton weight/);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    expect(await prod.getByTestId('count-good').textContent()).toBe('3');

    // the check: two values on the keypad, one per sample
    await prompt.getByRole('button', { name: 'Enter check Carton weight' }).click();
    const dialog = page.getByRole('dialog');
    await keypad(page, '10.04');
    await dialog.getByTestId('check-add').click();
    await keypad(page, '9.96');
    await dialog.getByTestId('check-add').click();
    expect(await dialog.getByTestId('check-values').textContent()).toContain('9.96');
    const targets = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLElement>('.t-dialog button')]
          .filter((b) => b.offsetParent !== null)
          .map((b) => b.getBoundingClientRect())
          .filter((r) => r.height < 48 || r.width < 48 || r.bottom > 768).length,
    );
    expect(targets).toBe(0);
    await shot(page, 'check-2-entry');
    await dialog.getByRole('button', { name: 'Save check (2 of 2)' }).click();
    await expect.poll(async () => page.getByTestId('checks-due').count(), { timeout: 15_000 }).toBe(0);

    // production is allowed again
    await prod.getByRole('button', { name: 'Count good' }).click();
    await keypad(page, '1');
    await page.getByRole('button', { name: 'Add 1 good' }).click();
    await expect.poll(async () => prod.getByTestId('count-good').textContent()).toBe('4');

    // the two values were stored as the terminal's measurements with the operation's context
    const chart = await api<{ contract: { points: Array<{ ts: string; value: number }> } }>('GET', `/api/quality/characteristics/${ID}/chart`);
    const points = chart.body.contract.points;
    expect(points.slice(-2).map((p) => p.value)).toEqual([10.04, 9.96]);
    const stored = await server.sql(
      `SELECT source, order_id, operation_seq, equipment, recorded_by FROM quality_measurements WHERE characteristic = $1 AND source = 'manual'`,
      [ID],
    );
    expect(stored).toEqual([
      { source: 'manual', order_id: 'Q-100', operation_seq: 10, equipment: ST30, recorded_by: 'quinn' },
      { source: 'manual', order_id: 'Q-100', operation_seq: 10, equipment: ST30, recorded_by: 'quinn' },
    ]);

    // followed to the SPC chart: the quality page of the characteristic plots them
    await page.goto(`${server.url}/quality/characteristics/${ID}`);
    const q = page.getByTestId('q-chart');
    await q.locator('canvas').waitFor({ timeout: 20_000 });
    expect(await q.getAttribute('aria-label')).toMatch(new RegExp(`i-mr chart: ${points.length} points`));
    expect(points.length).toBe(10);
    await shot(page, 'check-3-chart');
    expect(errors).toEqual([]);
  });
});
