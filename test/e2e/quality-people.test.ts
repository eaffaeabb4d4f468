// Browser test of operator qualification at the terminal: a station whose machine requires a skill refuses the badge
// sign-in of an operator without it and shows the server's words (which skill, required by what, not held or expired
// since when); "Sign in here" is refused the same way; once the training is recorded, the sign-in goes through.
// Needs web/dist (`npm run build:web`).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST30 = 'acme/lakeside/assembly/line1/st30';
const BADGE = 'B-5150';
const PIN = '917263';

describe.each(DB_KINDS)('operator qualification at the terminal (%s)', (db) => {
  let server: TestServer;
  let browser: Browser;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status;
  };

  beforeAll(async () => {
    server = await startTestServer({ db, demo: true });
    browser = await launchChromium();
    expect(
      await call('POST', '/api/users', { username: 'quinn', displayName: 'Quinn', roles: ['operator'], password: 'password-123', badge: BADGE, pin: PIN }),
    ).toBe(201);
    expect(await call('POST', '/api/quality/skills', { code: 'PACK-1', name: 'Packing line', validityMonths: 12 })).toBe(201);
    expect(await call('POST', '/api/quality/skills/requirements', { skill: 'PACK-1', kind: 'equipment', target: ST30 })).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses the sign-in with the missing skill, then lets the trained operator in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const missing = `skill PACK-1 (Packing line), required by equipment ${ST30}, is not held`;

    // the station's own terminal: badge and PIN sign in at this station
    await page.goto(`${server.url}/terminal/${encodeURIComponent(ST30)}`);
    await page.getByLabel('Badge').fill(BADGE);
    await page.getByLabel('Badge').press('Enter');
    for (const d of PIN) await page.getByRole('button', { name: `Digit ${d}` }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(async () => page.getByRole('alert').first().textContent()).toContain(missing);
    await shot(page, 'qualification-1-refused');

    // signed in as a person but not at the station: "Sign in here" answers the same
    await page.reload();
    await page.getByRole('button', { name: 'Sign in here' }).click();
    await expect.poll(async () => page.getByTestId('terminal-error').textContent()).toContain(missing);

    // trained: the sign-in goes through
    const today = new Date().toISOString().slice(0, 10);
    expect(await call('POST', '/api/quality/people/quinn/skills', { skill: 'PACK-1', grantedOn: today, trainer: 'sam' })).toBe(201);
    await page.getByRole('button', { name: 'Sign in here' }).click();
    await expect.poll(async () => page.getByTestId('signed-in').textContent()).toContain('quinn');
    expect(errors).toEqual([]);
    await context.close();
  });
});
