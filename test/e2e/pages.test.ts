// Browser checks of pages a new user judged (issue #13): every page has the app's page padding, a machine's state
// timeline has its height on a direct link, the recall button looks enabled when it is, lot numbers stay on one line,
// times are 24-hour whatever the browser's locale, planned downtime shows in its calendar's zone, and class
// properties without a value show empty. Needs web/dist (`npm run build:web`; the test command builds it first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const LONG_LOT = 'L-2026-12-02/PRESS-IMM01/GRANULATE-BATCH-000123';

describe('pages a new user judged', () => {
  let server: TestServer;
  let browser: Browser;
  let imm01Id = '';
  const call = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const open = async (options: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[] }> => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    return { page, errors };
  };

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
    const equipment = await call<Array<{ id: string; path: string }>>('GET', '/api/equipment');
    imm01Id = equipment.find((e) => e.path === IMM01)!.id;
    await call('POST', '/api/lots', {
      id: LONG_LOT,
      material: 'PP-GRAN-BK',
      quantity: 250,
      supplier: 'Polymer Supplies',
      supplierLot: 'SUP-2026-000042-PP-BLACK-DRUM-07',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('gives the performance pages and the plan the same page padding as the rest of the app', async () => {
    const { page, errors } = await open();
    for (const path of [
      '/performance',
      `/performance/${imm01Id}`,
      '/performance/bottleneck',
      '/performance/alert-rules',
      '/performance/alarm-reasons',
      '/plan',
      '/lots',
    ]) {
      await page.goto(`${server.url}${path}`);
      const h1 = page.locator('main.main h1').first();
      await h1.waitFor({ timeout: 20_000 });
      const gap = await h1.evaluate((el) => {
        const main = document.querySelector('main.main')!.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return { left: r.left - main.left, top: r.top - main.top, page: !!el.closest('main.main > .page') };
      });
      expect({ path, ...gap }).toMatchObject({ path, page: true });
      expect(gap.left, path).toBeGreaterThanOrEqual(16);
      expect(gap.top, path).toBeGreaterThanOrEqual(16);
    }
    expect(errors).toEqual([]);
  });

  it("draws a machine's state timeline on a direct link, without the live pages' CSS", async () => {
    const { page, errors } = await open();
    await page.goto(`${server.url}/performance/${imm01Id}`);
    const timeline = page.getByTestId('state-timeline');
    await timeline.waitFor({ timeout: 20_000 });
    const box = (await timeline.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(40);
    expect(box.width).toBeGreaterThan(300);
    await shot(page, 'pages-machine-kpis');
    expect(errors).toEqual([]);
  });

  it('shows an enabled "Find affected" as enabled, and lot numbers on one line', async () => {
    const { page, errors } = await open();
    await page.goto(`${server.url}/lots/trace`);
    const find = page.getByRole('button', { name: 'Find affected' });
    const look = () => find.evaluate((b) => ({ bg: getComputedStyle(b).backgroundColor, opacity: getComputedStyle(b).opacity }));
    const disabled = await look();
    expect(disabled.opacity).not.toBe('1');
    await page.getByLabel('Recall: supplier lot').fill('SUP-2026-000042-PP-BLACK-DRUM-07');
    const enabled = await look();
    expect(enabled.opacity).toBe('1');
    // a filled button like "Trace", not the white face a disabled button has
    const trace = await page.getByRole('button', { name: 'Trace', exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(enabled.bg).toBe(trace);
    expect(enabled.bg).not.toBe('rgb(255, 255, 255)');
    await find.click();
    const table = page.getByTestId('trace-table');
    await table.waitFor({ timeout: 20_000 });
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const where of [table, page]) {
      if (where === page) {
        await page.goto(`${server.url}/lots`);
        await page.getByTestId('lots-table').waitFor();
      }
      const ids = (where === page ? page.getByTestId('lots-table') : table).getByTestId('lot-id');
      expect(await ids.count()).toBeGreaterThan(0);
      for (const id of await ids.all()) {
        const s = await id.evaluate((el) => ({
          ws: getComputedStyle(el).whiteSpace,
          title: el.getAttribute('title'),
          text: el.textContent,
          h: el.getBoundingClientRect().height,
          lh: parseFloat(getComputedStyle(el).lineHeight),
        }));
        expect(s.ws).toBe('nowrap');
        expect(s.title).toBe(s.text);
        expect(s.h).toBeLessThan(s.lh * 1.5);
      }
    }
    await shot(page, 'pages-lots');
    expect(errors).toEqual([]);
  });

  it('writes times in 24-hour form in a 12-hour locale', async () => {
    const { page, errors } = await open({ locale: 'en-US' });
    await page.goto(`${server.url}/lots`);
    const row = page.getByTestId('lots-table').locator('tr', { hasText: LONG_LOT });
    await row.waitFor();
    const since = (await row.locator('td').nth(7).textContent()) ?? '';
    expect(since).toMatch(/, \d{2}:\d{2}:\d{2}$/);
    expect(since).not.toMatch(/[AP]M/);
    expect(errors).toEqual([]);
  });

  it("shows planned downtime in the calendar's time zone, not the browser's", async () => {
    // the demo's winter shutdown: 24 Dec 2026 06:00 in Europe/Berlin; the browser sits in New York (six hours behind)
    const { page, errors } = await open({ timezoneId: 'America/New_York' });
    await page.goto(`${server.url}/plant/calendars/three-shift`);
    const downtime = page.getByRole('region', { name: 'Planned downtime' });
    await downtime.getByLabel('From').waitFor({ timeout: 20_000 });
    expect(await downtime.getByLabel('From').inputValue()).toBe('2026-12-24T06:00');
    expect(await downtime.getByLabel('To').inputValue()).toBe('2027-01-02T06:00');
    expect(await downtime.getByTestId('downtime-zone').textContent()).toContain('Europe/Berlin');
    await shot(page, 'pages-calendar');
    expect(errors).toEqual([]);
  });

  it('shows a class property without a value as empty', async () => {
    const { page, errors } = await open();
    await page.goto(`${server.url}/plant/classes/imm`);
    const value = page.getByLabel('Property 1 value');
    await value.waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Property 1 name').inputValue()).toBe('clampForce');
    expect(await value.inputValue()).toBe('');
    expect(await page.getByLabel('Property 2 value').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });
});
