// Headless Chromium for the browser tests: Debian's package (/usr/bin/chromium), never a downloaded build.
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

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

/** A page in a context of its own (a desktop screen unless told), its uncaught errors collected into `errors`. */
export async function newPage(browser: Browser, errors: string[], options: BrowserContextOptions = { viewport: { width: 1280, height: 900 } }): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  return page;
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

/**
 * The API as a browser test's setup and checks call it, with the admin's token unless told: `call` answers the status
 * and the parsed body (undefined when empty); `ok` expects a 2xx and answers the body. `server` is asked at each call,
 * so the helpers can be made before beforeAll starts the server.
 */
export function apiOf(server: () => { url: string; adminToken: string }) {
  const call = async <T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server().url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token ?? server().adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const ok = async <T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const out = await call<T>(method, path, body, token);
    expect(out.status, `${method} ${path}: ${JSON.stringify(out.body)}`).toBeLessThan(300);
    return out.body;
  };
  return { call, ok };
}
