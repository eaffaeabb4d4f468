// Browser test of a held lot's release at the lots page (docs/quality.md, "No side doors"): the release without the
// policy's lot.release signature is refused with the reason shown and the lot stays held; the quality engineer signs
// the lot in the panel (username + password, a wrong password refused first), the release then goes through, and the
// lot's signatures stay on view at the page, read-only. One server (the first of TAKT_TEST_DBS). Needs web/dist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const LOT = 'E2E-REL-1';

describe(`releasing a held lot at the lots page (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    const user = { username: 'qa-lena', displayName: 'Lena Quality', roles: ['quality'], password: server.userPassword };
    expect((await api('POST', '/api/users', user)).status).toBe(201);
    expect((await api('POST', '/api/lots', { id: LOT, material: 'PP-GRAN-BK', quantity: 25, supplier: 'Resin Co' })).status).toBe(201);
    expect((await api('POST', `/api/lots/${LOT}/hold`, { reason: 'moisture above spec' })).status).toBe(200);
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server, { username: 'qa-lena', password: server.userPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses the release until the lot is signed for lot.release, then releases it and keeps the signature on view', async () => {
    await page.getByRole('link', { name: 'Lots', exact: true }).click();
    const table = page.getByTestId('lots-table');
    const row = table.getByRole('row', { name: new RegExp(LOT) });
    await expect.poll(async () => (await row.count()) && row.textContent(), { timeout: 20_000 }).toContain('On hold');

    // the release without a signature: refused with the policy's reason, the lot stays held
    await row.getByRole('button', { name: 'Release' }).click();
    const panel = page.getByTestId('lot-panel');
    await expect.poll(async () => panel.textContent(), { timeout: 20_000 }).toContain('a signature meaning approval by quality (lot.release)');
    expect(await panel.textContent()).toContain('Held because: moisture above spec');
    const signatures = panel.getByRole('region', { name: 'Release signatures' });
    await signatures.getByText('Not signed yet.').waitFor();
    await panel.getByLabel('Reason for release (optional)').fill('dried and re-measured');
    await panel.locator('form').getByRole('button', { name: 'Release' }).click();
    await panel.locator('form .banner-error').waitFor({ timeout: 20_000 });
    expect(await panel.locator('form .banner-error').textContent()).toMatch(new RegExp(`lot\\.release on lot '${LOT}' needs a signature`));
    expect((await api<{ status: string }>('GET', `/api/lots/${LOT}`)).body.status).toBe('on_hold');

    // sign with username + password: a wrong password first (refused, still signed in), then the right one
    await signatures.getByRole('button', { name: 'Sign' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Meaning').inputValue()).toBe('approval');
    expect(await dialog.getByLabel('Username').inputValue()).toBe('qa-lena');
    await dialog.getByLabel('Password').fill('not-my-password');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.locator('.banner-error').waitFor({ timeout: 20_000 });
    await dialog.getByLabel('Password').fill(server.userPassword);
    await dialog.getByRole('button', { name: 'Sign' }).click();
    const signed = signatures.locator('tr', { hasText: 'Lena Quality' });
    await signed.waitFor({ timeout: 20_000 });
    expect(await signed.textContent()).toContain('for lot.release');
    expect(await signed.textContent()).toContain('valid');
    await shot(page, 'lots-release-signed');

    // now the release goes through: the lot is available again, the panel closes
    await panel.locator('form').getByRole('button', { name: 'Release' }).click();
    await expect.poll(async () => row.textContent(), { timeout: 20_000 }).toContain('Available');
    expect(await panel.count()).toBe(0);
    const lot = await api<{ status: string; holdReason: string | null }>('GET', `/api/lots/${LOT}`);
    expect(lot.body).toMatchObject({ status: 'available', holdReason: null });
    const recorded = await api<{ signatures: Array<{ signerUsername: string; action: string; meaning: string; status: string }> }>(
      'GET',
      `/api/signatures?recordType=lot&recordId=${LOT}`,
    );
    // given on the held lot: the release changed the lot, so the signature no longer holds for the lot as it is now
    expect(recorded.body.signatures).toMatchObject([{ signerUsername: 'qa-lena', action: 'lot.release', meaning: 'approval', status: 'broken' }]);

    // the lot's signatures stay on view at the page, without a way to sign an available lot for its release
    await row.getByRole('button', { name: 'Signatures' }).click();
    const view = page.getByTestId('lot-panel').getByRole('region', { name: 'Signatures' });
    const kept = view.locator('tr', { hasText: 'Lena Quality' });
    await kept.waitFor({ timeout: 20_000 });
    expect(await kept.textContent()).toContain('BROKEN');
    expect(await view.getByRole('button', { name: 'Sign' }).count()).toBe(0);
    await shot(page, 'lots-release-after');
    expect(errors).toEqual([]);
  });
});
