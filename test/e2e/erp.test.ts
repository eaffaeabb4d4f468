// Browser test of the ERP link pages: an admin creates a webhook (secret shown once), pings it, sees a dead message in
// the outbox, retries it and watches it become delivered without reloading the page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ErpModule } from '../../src/erp/index.ts';
import { sampleOrder } from '../../src/erp/sample.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('ERP link pages in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Server;
  let up = false;
  const events: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        events.push(String(req.headers['x-takt-event']));
        res.writeHead(req.headers['x-takt-event'] === 'ping' || up ? 200 : 500).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    server = await startTestServer({ demo: false, outboundAllow: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    receiver?.close();
  });

  it('create a webhook, ping it, retry a dead message', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('button', { name: '+ New webhook' }).click();
    await page.getByLabel('Name').fill('SAP <test> & co');
    await page.getByLabel('URL').fill(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp`);
    await page.getByText('Operation completed').click();
    await page.getByLabel('Attempts before a message is dead').fill('1');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = page.getByTestId('webhook-secret');
    await expect.poll(async () => (await secret.textContent()) ?? '').toMatch(/^whsec_/);
    const shown = (await secret.textContent())!;
    await shot(page, 'erp-secret');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.getByRole('row', { name: /SAP <test> & co/ });
    await row.waitFor();
    expect(await page.locator('body').textContent()).not.toContain(shown);
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText(/Ping answered 200/).waitFor();
    expect(events).toContain('ping');

    const erp = server.app.modules.get('erp') as ErpModule;
    const perf = sampleOrder({ orderId: 'WO-E2E', requestId: 'WO-E2E' });
    await server.app.ctx.db.transaction(async (tx) => erp.erp.completionHook(tx as unknown as Db, { kind: 'order', orderId: 'WO-E2E', seq: null }, perf));

    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    const msg = page.locator('tr[data-status]', { hasText: 'WO-E2E' });
    await expect.poll(async () => msg.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await msg.textContent()).toContain('500');
    await shot(page, 'erp-outbox-dead');
    up = true;
    await msg.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(async () => msg.getAttribute('data-status'), { timeout: 20_000 }).toBe('delivered');
    await msg.getByRole('button', { name: 'View' }).click();
    await page.getByText('ProductionPerformance', { exact: false }).first().waitFor();
    expect(errors).toEqual([]);
  });
});
