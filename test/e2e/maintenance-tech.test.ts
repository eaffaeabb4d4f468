// Browser test of the technician's tablet pages (issue #16, "Technician work"): a technician opens their queue, opens a
// corrective order, starts labour, ticks a checklist item, adds a note and a photo, picks the four failure codes,
// books a spare part from a lot (the lot goes down) and finishes the order. One server (the first of TAKT_TEST_DBS),
// one browser at a tablet's size.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe(`technician tablet pages in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    expect(
      (await api('POST', '/api/users', { username: 'tech-tom', displayName: 'Tom Technician', roles: ['maintenance'], password: server.userPassword })).status,
    ).toBe(201);
    expect((await api('POST', '/api/lots', { id: 'E2E-SPARE-1', material: 'SCREW-M3x8', quantity: 20, location: 'stores' })).status).toBe(201);
    browser = await launchChromium();
    page = await newPage(browser, errors, { viewport: { width: 1024, height: 1366 }, hasTouch: true });
    await signIn(page, server, { username: 'tech-tom', password: server.userPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('takes a corrective order from the queue to done with labour, checklist, note, photo, failure codes and a spare part', async () => {
    const opened = await api<{ id: string }>('POST', '/api/maintenance/work-orders', {
      equipment: 'acme/lakeside/moulding/imm-cell1/imm01',
      kind: 'corrective',
      description: 'Hydraulic oil leak at the clamp',
      assignee: 'tech-tom',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id;

    await page.getByRole('link', { name: 'My work' }).click();
    await page.getByTestId('tech-queue').waitFor();
    await shot(page, 'tech-queue');
    await page.getByTestId(`tech-order-${id}`).click();
    await page.getByTestId('tech-order').waitFor();
    const status = page.getByTestId('tech-status');
    expect(await status.textContent()).toBe('Requested');

    await page.getByRole('button', { name: 'Start work' }).click();
    await expect.poll(async () => status.textContent(), { timeout: 20_000 }).toBe('In progress');
    await page.getByRole('button', { name: 'Wait for parts' }).waitFor();

    await page.getByLabel('New checklist item').fill('Lock out the press');
    await page.getByRole('button', { name: 'Add item' }).click();
    const check = page.getByRole('checkbox', { name: /Lock out the press/ });
    await check.waitFor();
    // the box follows the server: it is ticked once the tick is stored, so click and wait for it (check() wants it at once)
    await check.click();
    await expect.poll(async () => check.isChecked(), { timeout: 20_000 }).toBe(true);

    await page.getByLabel('Note', { exact: true }).fill('Seal of the clamp cylinder torn');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText(/Seal of the clamp cylinder torn — tech-tom/).waitFor();

    await page.getByTestId('tech-photo').setInputFiles({ name: 'seal.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('img', { name: 'seal.png' }).waitFor();

    // finishing without failure codes is refused, with the reason shown
    await page.getByRole('button', { name: 'Finish (done)' }).click();
    await page.locator('.banner-error').waitFor();
    expect(await page.locator('.banner-error').textContent()).toMatch(/failure codes/);

    await page.getByLabel('Component').selectOption('HYD');
    await page.getByLabel('Failure mode').selectOption('ELP');
    await page.getByLabel('Cause').selectOption('WEAR');
    await page.getByLabel('Action').selectOption('REPLACE');
    await page.getByRole('button', { name: 'Save failure codes' }).click();
    await expect
      .poll(async () => (await api<{ failureCodes: Record<string, string> }>('GET', `/api/maintenance/work-orders/${id}/work`)).body.failureCodes, {
        timeout: 20_000,
      })
      .toEqual({ component: 'HYD', failureMode: 'ELP', cause: 'WEAR', action: 'REPLACE' });

    await page.getByLabel('Lot (scan or type)').fill('E2E-SPARE-1');
    await page.getByLabel('Quantity').fill('3');
    await page.getByRole('button', { name: 'Book part' }).click();
    await expect.poll(async () => page.getByTestId('tech-parts').textContent(), { timeout: 20_000 }).toContain('from lot E2E-SPARE-1');
    expect((await api<{ quantity: number }>('GET', '/api/lots/E2E-SPARE-1')).body.quantity).toBe(17);
    await shot(page, 'tech-order');

    await page.getByRole('button', { name: 'Finish (done)' }).click();
    await expect.poll(async () => status.textContent(), { timeout: 20_000 }).toBe('Done');
    const work = (
      await api<{ labour: Array<{ stopReason: string }>; parts: unknown[]; photos: unknown[]; notes: unknown[] }>(
        'GET',
        `/api/maintenance/work-orders/${id}/work`,
      )
    ).body;
    expect(work.labour.map((l) => l.stopReason)).toEqual(['done']);
    expect(work.parts).toHaveLength(1);
    expect(work.photos).toHaveLength(1);
    expect(work.notes).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
