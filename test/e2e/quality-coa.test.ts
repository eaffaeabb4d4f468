// Browser test of a lot's certificate of analysis (issue #15): a quality person opens the certificate from the lots page,
// sees the plan and the measurements, mistypes the password in the Sign dialog (refused there, still signed in), signs,
// sees the signature valid; the "Download PDF" link answers the PDF with the signature valid in it; a measurement changed
// in the database afterwards shows the signature BROKEN with its reason. One server (the first of TAKT_TEST_DBS).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, shot, signIn, newPage } from '../support/browser.ts';
import { seedGenealogy } from '../support/lots.ts';
import { readPdf } from '../support/pdf.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const LOT = 'TOP-E2E';

describe(`certificate of analysis in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const { call: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    await seedGenealogy(server);
    const user = await api('POST', '/api/users', { username: 'qa-quinn', displayName: 'Quinn Quality', roles: ['quality'], password: server.userPassword });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    // the characteristic's gauge, calibrated on 2026-11-01, due ten years later (docs/quality.md "Gauges and calibration")
    const calibrated = '2026-11-01';
    const gauge = await api('POST', '/api/quality/gauges', { id: 'C-12', name: 'caliper 150 mm', intervalDays: 3650, lastCalibrated: calibrated });
    expect(gauge.status, JSON.stringify(gauge.body)).toBe(201);
    const c = await api('POST', '/api/quality/characteristics', {
      id: 'COA-E2E-WALL',
      name: 'Wall thickness',
      product: 'HSG-TOP',
      kind: 'variable',
      chart: 'i-mr',
      unit: 'mm',
      nominal: 2,
      lsl: 1.8,
      usl: 2.2,
      gauge: 'C-12',
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const records = [1.97, 2.04, 2.01].map((value, i) => ({
      key: `coa-e2e-${i}`,
      characteristic: 'COA-E2E-WALL',
      ts: new Date(Date.UTC(2026, 10, 20, 8, i)).toISOString(),
      value,
      lot: LOT,
    }));
    expect((await api<{ accepted: number }>('POST', '/api/quality/measurements', { records })).body.accepted).toBe(3);
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server, { username: 'qa-quinn', password: server.userPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens the certificate from the lots page, signs it (a wrong password is refused in the dialog), and downloads the PDF', async () => {
    await page.goto(`${server.url}/lots`);
    const row = page.getByTestId('lots-table').locator('tr', { hasText: LOT });
    await row.getByRole('link', { name: 'Certificate' }).click();
    await page.waitForURL(new RegExp(`/quality/lots/${LOT}/certificate$`));
    await page.getByRole('heading', { name: `Certificate of analysis — lot ${LOT}` }).waitFor();
    expect(await page.getByTestId('coa-plan').textContent()).toContain('COA-E2E-WALL');
    const measured = page.getByTestId('coa-measurements');
    await measured.waitFor();
    for (const v of ['1.97', '2.04', '2.01']) expect(await measured.textContent()).toContain(v);
    const signatures = page.getByRole('region', { name: 'Signatures' });
    expect(await signatures.textContent()).toContain('Not signed yet.');

    await signatures.getByRole('button', { name: 'Sign' }).click();
    const dialog = page.getByRole('dialog', { name: `Sign ${LOT}` });
    expect(await dialog.getByLabel('Username').inputValue()).toBe('qa-quinn');
    await dialog.getByLabel('Password').fill('not the password');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.getByText('Wrong username or password: not signed').waitFor();
    // the refused signature did not sign the user out: still on the certificate, the dialog still open
    expect(page.url()).toMatch(new RegExp(`/quality/lots/${LOT}/certificate$`));
    await dialog.getByLabel('Password').fill(server.userPassword);
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.waitFor({ state: 'detached' });
    const signed = signatures.locator('tr', { hasText: 'Quinn Quality' });
    await signed.waitFor();
    expect(await signed.textContent()).toMatch(/Quinn Quality \(qa-quinn\).*Approval.*valid/);
    await shot(page, 'coa-signed');

    const href = await page.getByTestId('coa-pdf').getAttribute('href');
    expect(href).toBe(`/api/quality/lots/${LOT}/certificate.pdf`);
    const res = await page.request.get(`${server.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const { text } = readPdf(await res.body());
    expect(text).toContain(`Lot ${LOT}, HSG-TOP`);
    // the page signs for coa.sign: the signature approves the certificate under the policy
    expect(text).toMatch(/Quinn Quality \(qa-quinn\), approval for coa\.sign, signed .* UTC: valid/);
    expect(text).toContain('Approval (coa.sign): a signature meaning approval by quality; 1 of 1 given - approved');
  });

  it('shows the signature BROKEN, with why, once a measurement of the lot was changed', async () => {
    await server.sql(`UPDATE quality_measurements SET value = 2.02 WHERE idem_key = 'coa-e2e-1'`);
    await page.reload();
    const signed = page.getByRole('region', { name: 'Signatures' }).locator('tr', { hasText: 'Quinn Quality' });
    await signed.getByText('BROKEN').waitFor();
    expect(await signed.textContent()).toContain('$.measurements[1].value');
    await shot(page, 'coa-broken');
    expect(errors).toEqual([]);
  });
});
