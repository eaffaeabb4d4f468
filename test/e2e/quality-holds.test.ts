// Browser test of /quality/holds (issue #15): what a reaction plan held is listed (a lot and a machine); a quality
// engineer's release of the lot without the policy's lot.release signature is refused with the reason shown, she signs
// with badge + PIN in the release panel, and the release then goes through — the lot is available again and the hold
// leaves the list of what is held; and a characteristic's reaction plan and sampling set and changed on its page. One server (the first of TAKT_TEST_DBS), one browser.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityModule } from '../../src/quality/index.ts';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const MACHINE = 'acme/lakeside/assembly/line1/st10';

describe(`quality holds page in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    const user = { username: 'qa-hana', displayName: 'Hana Quality', roles: ['quality'], password: server.userPassword, badge: 'B-4411', pin: '583920' };
    expect((await api('POST', '/api/users', user)).status).toBe(201);
    expect((await api('POST', '/api/lots', { id: 'E2E-H-1', material: 'PP-GRAN-BK', quantity: 30, supplier: 'Resin Co' })).status).toBe(201);
    // what a reaction plan places: the lot (held in the lots module too) and the stopped machine
    const holds = (server.app.modules.get('quality') as QualityModule).holds;
    const actor = { id: null, name: 'quality reaction plan' };
    expect(await holds.place(actor, 'lot', 'E2E-H-1', 'bore diameter out of spec at st10', null)).toMatchObject({ kind: 'lot' });
    expect(await holds.place(actor, 'machine', MACHINE, 'bore diameter out of spec', null)).toMatchObject({ kind: 'machine' });
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server, { username: 'qa-hana', password: server.userPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists what is held and releases the lot once it is signed with badge + PIN', async () => {
    await page.getByRole('link', { name: 'Holds', exact: true }).click();
    await page.getByTestId('holds-table').waitFor();
    const lotRow = page.getByTestId('hold-lot-E2E-H-1');
    expect(await lotRow.textContent()).toContain('bore diameter out of spec at st10');
    expect(await page.getByTestId(`hold-machine-${MACHINE}`).textContent()).toContain('held');

    // the release without the signature: refused, the reason names the policy; the lot stays held
    await lotRow.getByRole('button', { name: 'Release' }).click();
    const panel = page.getByTestId('release-hold');
    expect(await panel.textContent()).toContain('lot.release');
    await panel.getByLabel('Reason for release').fill('parts sorted, lot measured good');
    await panel.locator('form').getByRole('button', { name: 'Release' }).click();
    await panel.locator('.banner-error').waitFor();
    expect(await panel.locator('.banner-error').textContent()).toMatch(/lot\.release .*needs a signature/);
    expect((await api<{ status: string }>('GET', '/api/lots/E2E-H-1')).body.status).toBe('on_hold');

    // sign with badge + PIN in the panel: a wrong PIN first (refused, still signed in), then the right one
    const signatures = panel.getByRole('region', { name: 'Release signatures' });
    await signatures.getByRole('button', { name: 'Sign' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Sign with').selectOption('badge');
    await dialog.getByLabel('Badge').fill('B-4411');
    await dialog.getByLabel('PIN').fill('000000');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.locator('.banner-error').waitFor();
    expect(await dialog.locator('.banner-error').textContent()).toMatch(/signature refused: unknown badge or wrong PIN/);
    await dialog.getByLabel('PIN').fill('583920');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    const signed = signatures.locator('tr', { hasText: 'Hana Quality' });
    await signed.waitFor({ timeout: 20_000 });
    expect(await signed.textContent()).toContain('valid');
    await shot(page, 'quality-holds-signed');

    // now the release goes through: the lot is available, the hold leaves the list of what is held
    await panel.locator('form').getByRole('button', { name: 'Release' }).click();
    await lotRow.waitFor({ state: 'detached', timeout: 20_000 });
    expect((await api<{ status: string }>('GET', '/api/lots/E2E-H-1')).body.status).toBe('available');
    const released = await api<Array<{ target: string; releasedBy: string; releaseReason: string }>>('GET', '/api/quality/holds?status=released');
    expect(released.body).toMatchObject([{ target: 'E2E-H-1', releasedBy: 'qa-hana', releaseReason: 'parts sorted, lot measured good' }]);
    expect(await page.getByTestId(`hold-machine-${MACHINE}`).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("edits a characteristic's reaction plan (action, the rules that trigger it) and its sampling on its page", async () => {
    const created = await api('POST', '/api/quality/characteristics', {
      id: 'E2E-RP',
      name: 'Bore depth',
      product: 'HSG-TOP',
      kind: 'variable',
      unit: 'mm',
      nominal: 5,
      lsl: 4.9,
      usl: 5.1,
      chart: 'i-mr',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api('GET', '/api/quality/characteristics/E2E-RP/reaction-plan')).body).toBeNull();
    await page.goto(`${server.url}/quality/characteristics/E2E-RP`);
    const panel = page.getByTestId('q-reaction-plan');
    await panel.getByText('No reaction plan').waitFor();
    await panel.getByRole('button', { name: 'Set a plan' }).click();
    const form = panel.getByTestId('q-reaction-plan-form');
    await form.getByLabel('Action').selectOption('hold');
    await form.getByText('Rule 2', { exact: true }).click();
    await form.getByRole('button', { name: 'Save plan' }).click();
    const summary = panel.getByTestId('q-reaction-plan-summary');
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.textContent()).toContain('hold on a value out of spec or SPC rule 2');
    expect((await api('GET', '/api/quality/characteristics/E2E-RP/reaction-plan')).body).toMatchObject({
      onSpec: true,
      rules: [2],
      action: 'hold',
      updatedBy: 'qa-hana',
    });
    // edit again: stop on the rule alone
    await panel.getByRole('button', { name: 'Edit plan' }).click();
    await form.getByLabel('Action').selectOption('stop');
    await form.getByText('Out of spec', { exact: true }).click();
    await form.getByRole('button', { name: 'Save plan' }).click();
    await expect.poll(async () => summary.textContent(), { timeout: 20_000 }).toContain('stop on SPC rule 2');
    expect((await api('GET', '/api/quality/characteristics/E2E-RP/reaction-plan')).body).toMatchObject({ onSpec: false, rules: [2], action: 'stop' });
    await shot(page, 'quality-reaction-plan');

    // the sampling panel beside it: a bad sample size is refused at its field, then 5 parts every 50 parts
    const sampling = page.getByTestId('q-sampling');
    expect(await sampling.getByTestId('q-sampling-summary').textContent()).toContain('No sampling plan');
    await sampling.getByRole('button', { name: 'Set sampling' }).click();
    const sform = sampling.getByTestId('q-sampling-form');
    await sform.getByLabel('Every (parts)').fill('50');
    await sform.getByLabel('Sample size').fill('0');
    await sform.getByRole('button', { name: 'Save sampling' }).click();
    await sform.locator('.banner-error').waitFor();
    await sform.getByLabel('Sample size').fill('5');
    await sform.getByRole('button', { name: 'Save sampling' }).click();
    await expect.poll(async () => sampling.getByTestId('q-sampling-summary').textContent(), { timeout: 20_000 }).toContain('5 parts every 50 parts');
    expect((await api('GET', '/api/quality/characteristics/E2E-RP/sampling')).body).toMatchObject({
      plan: { kind: 'parts', everyParts: 50, sampleSize: 5, graceParts: 0 },
      updatedBy: 'qa-hana',
    });
    expect(errors).toEqual([]);
  });
});
