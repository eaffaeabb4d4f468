// The built web app under Takt's Content-Security-Policy: sign in and walk the main pages (live tiles over SSE,
// ECharts on the performance pages, forms) and see no policy violation and no page error (docs/security.md).
// Needs web/dist (the test command builds it first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../src/platform/http/headers.ts';
import { launchChromium, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('web app under the Content-Security-Policy', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('works on every main page without a CSP violation', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const violations: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
    page.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      const first = await page.goto(server.url);
      expect(first?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      await signIn(page, server);
      for (const path of ['/live', '/performance', '/plant/equipment', '/shopfloor', '/plan', '/lots', '/audit', '/plant/file']) {
        await page.goto(`${server.url}${path}`);
        await page.locator('main.main').waitFor();
        // The live page has tiles and a stream; the performance page draws charts (canvas) once its data is in.
        if (path === '/live') await expect.poll(() => page.getByTestId('stream-status').textContent(), { timeout: 15_000 }).toBe('Live');
        if (path === '/performance')
          await page
            .locator('main.main canvas')
            .first()
            .waitFor({ timeout: 15_000 })
            .catch(() => undefined);
      }
      expect(violations).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
