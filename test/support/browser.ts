// Headless Chromium for the browser tests: Debian's package (/usr/bin/chromium), never a downloaded build.
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the sign-in page (admin unless told otherwise) and waits for the app's main area. */
export async function signIn(
  page: Page,
  server: { url: string; adminUsername: string; adminPassword: string },
  user?: { username: string; password: string },
): Promise<void> {
  await page.goto(server.url);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Username').fill(user?.username ?? server.adminUsername);
  await page.getByLabel('Password').fill(user?.password ?? server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main.main').waitFor();
}

/** Set E2E_SCREENSHOTS=/some/dir to keep screenshots of the screens a test walks through. */
export async function shot(target: Page | Locator, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  if ('goto' in target) await target.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  else await target.screenshot({ path: `${dir}/${name}.png` });
}
