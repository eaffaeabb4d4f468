// Browser test of the preventive plans page (issue #16): reached from the navigation, a planner creates a calendar
// plan and a shot-count plan through the form (a lead not shorter than the interval is the server's 400, shown at the
// Lead field) and sees each plan's next due: the due time the API answers, and the usage toward its due point as a
// progress bar. One server (the first of TAKT_TEST_DBS), one browser. Needs web/dist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanWithDue } from '../../src/maintenance/index.ts';
import { launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';

describe(`preventive plans page in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const plans = async () => {
    const res = await fetch(`${server.url}/api/maintenance/plans`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    return (await res.json()) as PlanWithDue[];
  };

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates plans through the form and shows their next due', async () => {
    await page.getByRole('link', { name: 'Preventive plans' }).click();
    await page.waitForURL(/\/maintenance\/plans$/);
    await page.getByTestId('plan-list').getByText('No preventive plans').waitFor();

    // a calendar plan: every 2 weeks, first with a lead the server refuses
    await page.getByRole('button', { name: 'New plan' }).click();
    const form = page.getByTestId('plan-form');
    await form.getByLabel('Name').fill('Grease the toggle');
    await form.getByLabel('Machine (path or id)').fill(IMM01);
    await form.getByLabel('Calendar unit').selectOption('weeks');
    await form.getByLabel('Every (weeks)').fill('2');
    await form.getByLabel('Lead (days)').fill('20');
    await form.getByLabel('Tasks (checklist)').fill('grease nipples 1–6');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await form.getByText('the lead must be shorter than the interval').waitFor();
    await form.getByLabel('Lead (days)').fill('3');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await form.waitFor({ state: 'detached' });

    // a shot-count plan on the press's counter
    await page.getByRole('button', { name: 'New plan' }).click();
    await form.getByLabel('Name').fill('Mould check');
    await form.getByLabel('Machine (path or id)').fill(IMM01);
    await form.getByLabel('Basis').selectOption('cycles');
    await form.getByLabel('Every (cycles)').fill('50000');
    await form.getByLabel('Lead (cycles)').fill('2000');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await form.waitFor({ state: 'detached' });

    const [calendar, cycles] = await plans();
    expect(calendar).toMatchObject({ name: 'Grease the toggle', basis: 'calendar', interval: 2, intervalUnit: 'weeks', lead: 3, tasks: 'grease nipples 1–6' });
    expect(cycles).toMatchObject({ name: 'Mould check', basis: 'cycles', interval: 50000, counterTag: 'good' });
    const due = calendar.machines[0].due!;
    expect(Date.parse(due) - Date.parse(calendar.startAt)).toBe(14 * 86_400_000);

    const calRow = page.getByTestId(`plan-row-${calendar.id}`);
    await expect.poll(async () => (await calRow.textContent()) ?? '', { timeout: 10_000 }).toContain('Grease the toggle');
    expect(await calRow.textContent()).toContain('every 2 weeks');
    expect(await calRow.textContent()).toContain('Not due');
    const shownDue = await page.evaluate((iso) => new Date(iso).getFullYear(), due);
    expect(await calRow.textContent()).toContain(String(shownDue));
    expect(await calRow.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');

    const cycRow = page.getByTestId(`plan-row-${cycles.id}`);
    const m = cycles.machines[0];
    expect(await cycRow.textContent()).toContain(`${m.usage!.toLocaleString('en')} / 50,000 cycles`);
    expect(Number(await cycRow.getByRole('progressbar').getAttribute('aria-valuenow'))).toBe(Math.round(Math.min(1, m.progress!) * 100));
    await shot(page, 'maintenance-plans');

    // the form opens a plan for editing with what it says
    await calRow.getByRole('button', { name: calendar.id }).click();
    expect(await form.getByLabel('Every (weeks)').inputValue()).toBe('2');
    await form.getByLabel('Every (weeks)').fill('3');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await plans())[0]).toMatchObject({ interval: 3, version: 2 });
    expect(errors).toEqual([]);
  });
});
