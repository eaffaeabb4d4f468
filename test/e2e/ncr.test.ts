// Browser test of the NCR pages (issue #15): a quality engineer opens an NCR against a lot through the form, books a
// scrap disposition through the dialog (the lot ledger shows it), is refused the close until signed, mistypes the
// signing password (and stays signed in), signs, closes; then the NCR is altered in the database and the page shows
// the signature BROKEN. One server (the first of TAKT_TEST_DBS), one browser.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

describe(`NCR pages in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    expect(
      (await api('POST', '/api/users', { username: 'qa-eve', displayName: 'Eve Quality', roles: ['quality'], password: server.userPassword })).status,
    ).toBe(201);
    expect((await api('POST', '/api/lots', { id: 'E2E-NC-1', material: 'PP-GRAN-BK', quantity: 50, supplier: 'Resin Co' })).status).toBe(201);
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server, { username: 'qa-eve', password: server.userPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens, dispositions, signs and closes an NCR; a tampered NCR shows its signature broken', async () => {
    await page.getByRole('link', { name: 'Nonconformances' }).click();
    await page.getByTestId('ncr-list').waitFor();
    await page.getByRole('button', { name: 'New NCR' }).click();
    const form = page.getByTestId('new-ncr');
    await form.getByLabel('What is wrong').fill('Black specks in granulate');
    await form.getByLabel('Lot', { exact: true }).fill('E2E-NC-1');
    await form.getByLabel('Defect codes').fill('CONTAM');
    await form.getByLabel('Quantity affected').fill('10');
    await form.getByRole('button', { name: 'Open NCR' }).click();
    await page.waitForURL(/\/quality\/ncrs\/NCR-\d+$/);
    const id = page.url().split('/').at(-1)!;
    const status = page.getByTestId('ncr-status');
    expect(await status.textContent()).toBe('Open');

    // scrap 10 of the lot through the dialog: the ledger books it
    await page.getByRole('button', { name: 'Disposition' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Decision').selectOption('scrap');
    await dialog.getByLabel('Quantity').fill('10');
    await dialog.getByLabel('Reason').fill('contaminated, not usable');
    await dialog.getByRole('button', { name: 'Book disposition' }).click();
    await expect.poll(async () => status.textContent(), { timeout: 20_000 }).toBe('Dispositioned');
    expect(await page.getByTestId('ncr-dispositions').textContent()).toContain('contaminated, not usable');
    expect((await api<{ quantity: number }>('GET', '/api/lots/E2E-NC-1')).body.quantity).toBe(40);

    // closing without a signature is refused, with the reason shown
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close NCR' }).click();
    await page.getByRole('dialog').locator('.banner-error').waitFor();
    expect(await page.getByRole('dialog').locator('.banner-error').textContent()).toMatch(/signature/i);
    await page.getByRole('dialog').getByRole('button', { name: 'Back' }).click();

    // a mistyped signing password: refused in the dialog, the user stays signed in on the page
    const signatures = page.getByRole('region', { name: 'Signatures' });
    await signatures.getByRole('button', { name: 'Sign' }).click();
    const sign = page.getByRole('dialog');
    await sign.getByLabel('Password').fill('wrong-password-1');
    await sign.getByRole('button', { name: 'Sign' }).click();
    await sign.locator('.banner-error').waitFor();
    expect(await sign.locator('.banner-error').textContent()).toMatch(/signature refused/);
    expect(page.url()).toContain(`/quality/ncrs/${id}`);
    await sign.getByLabel('Password').fill(server.userPassword);
    await sign.getByRole('button', { name: 'Sign' }).click();
    await signatures.locator('tr', { hasText: 'Eve Quality' }).waitFor({ timeout: 20_000 });
    expect(await signatures.locator('tr', { hasText: 'Eve Quality' }).textContent()).toContain('valid');

    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('scrapped; supplier informed');
    await page.getByRole('dialog').getByRole('button', { name: 'Close NCR' }).click();
    await expect.poll(async () => status.textContent(), { timeout: 20_000 }).toBe('Closed');
    expect(await signatures.locator('tr', { hasText: 'Eve Quality' }).textContent()).toContain('valid');
    await shot(page, 'ncr-closed');

    // a tamperer changes the NCR in the database: the page shows the signature broken and what changed
    await server.sql('UPDATE quality_ncrs SET quantity = 1 WHERE id = $1', [id]);
    await page.reload();
    const row = page.getByRole('region', { name: 'Signatures' }).locator('tr', { hasText: 'Eve Quality' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('BROKEN');
    expect(await row.textContent()).toContain('$.quantity');
    expect(errors).toEqual([]);
  });
});
