// Browser test of the station terminal: an operator signs in with badge and PIN pad, picks the packing station, sets
// up an order's operation, starts it, counts good parts by hand, scraps two with a reason, pauses and resumes, calls
// for help (the supervisor sees the call on the shop-floor page and acknowledges it), has a wrong lot refused with the
// API's own words, completes, and gets the label with its barcode. The API state is checked afterwards, and the
// orders pages show the result. Needs web/dist (`npm run build:web`; the test command builds it first).
// E2E_SCREENSHOTS=/some/dir keeps screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { connectMqtt } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST30 = 'acme/lakeside/assembly/line1/st30';
const BADGE = 'B-7731';
const PIN = '246813';
// a 1×1 PNG: the work-instruction image shown inline
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/0Q6iXQAAAABJRU5ErkJggg==', 'base64');

/** Every visible button of the terminal is a touch target of at least 48 × 48 px. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.t-screen button, .t-screen a.t-btn, .t-dialog button')]
      .filter((b) => b.offsetParent !== null)
      .map((b) => ({ b, r: b.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 48 || r.width < 48)
      .map(({ b, r }) => `${b.textContent?.trim() || b.getAttribute('aria-label')} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

describe.each(DB_KINDS)('station terminal in the browser (%s)', (db) => {
  let server: TestServer;
  let browser: Browser;
  const call = async <T = unknown>(method: string, path: string, body?: unknown, token = server.adminToken): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : Buffer.isBuffer(body) ? { 'content-type': 'image/png' } : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
  };

  beforeAll(async () => {
    server = await startTestServer({ db, demo: true });
    browser = await launchChromium();
    expect(
      (
        await call('POST', '/api/users', {
          username: 'olga',
          displayName: 'Olga Operator',
          roles: ['operator'],
          password: 'password-123',
          badge: BADGE,
          pin: PIN,
        })
      ).status,
    ).toBe(201);
    const product = await call('POST', '/api/products', {
      id: 'KIT-T',
      name: 'Service kit T',
      unit: 'pcs',
      materialId: 'S200',
      routing: [
        {
          seq: 10,
          name: 'Pack service kit',
          workCenter: ST30,
          idealCycleTimeS: 8,
          setupTimeS: 120,
          bom: [{ materialId: 'BOX-S', quantity: 1 }],
          instructions: 'One kit per carton. Seal with tape.',
        },
      ],
    });
    expect(product.status, JSON.stringify(product.json)).toBe(201);
    expect((await call('POST', '/api/products/KIT-T/operations/10/instructions?name=carton.png', PNG)).status).toBe(201);
    expect((await call('POST', '/api/orders', { id: 'T-100', product: 'KIT-T', quantity: 20, priority: 5 })).status).toBe(201);
    // cartons in stock for the backflush at completion, where the lots module is installed (404 where it is not)
    expect([201, 404]).toContain((await call('POST', '/api/lots', { id: 'BOX-E2E-1', material: 'BOX-S', quantity: 500 })).status);
    const released = await call('POST', '/api/orders/T-100/release');
    expect(released.status, JSON.stringify(released.json)).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs an operation from badge sign-in to the printed label', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    // badge sign-in: no session, so the terminal shows its own sign-in (not the office sign-in page)
    await page.goto(`${server.url}/terminal`);
    await page.getByLabel('Badge').fill(BADGE);
    await page.getByLabel('Badge').press('Enter');
    for (const d of PIN) await page.getByRole('button', { name: `Digit ${d}` }).click();
    await expect.poll(async () => page.getByTestId('pin-dots').textContent()).toBe('●'.repeat(PIN.length));
    await shot(page, 'terminal-1-sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(page.url()).not.toContain('/sign-in');

    // pick the station: the machines are big buttons
    await page
      .getByTestId('stations')
      .getByRole('button', { name: /Station 30/ })
      .click();
    await page.waitForURL(/\/terminal\/acme%2Flakeside%2Fassembly%2Fline1%2Fst30$/);
    await expect.poll(async () => page.getByTestId('station-name').textContent()).toContain('Station 30');
    await page.getByRole('button', { name: 'Sign in here' }).click();
    await expect.poll(async () => page.getByTestId('signed-in').textContent()).toContain('olga');
    await shot(page, 'terminal-2-queue');
    expect(await smallTargets(page)).toEqual([]);

    // set up: no parameters to download, the instructions show with their image; then start
    await page.getByRole('button', { name: 'Set up T-100 / 10' }).click();
    const setup = page.getByTestId('setup-panel');
    await setup.waitFor();
    expect(await setup.getByTestId('recipe-status').textContent()).toContain('no parameters');
    expect(await setup.getByTestId('instructions').textContent()).toContain('One kit per carton');
    await expect.poll(async () => setup.locator('img[alt="carton.png"]').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1);
    await shot(page, 'terminal-3-setup');
    await page.getByRole('button', { name: 'Start production' }).click();
    const prod = page.getByTestId('production-panel');
    await prod.waitFor();
    await expect.poll(async () => prod.getByTestId('op-phase').textContent()).toBe('Production');
    // the test machine sends no data: a running operation on a silent machine shows as interrupted
    await expect.poll(async () => prod.getByTestId('interrupted').isVisible()).toBe(true);

    // a manual count of 12 good parts on the keypad
    await prod.getByRole('button', { name: 'Count good' }).click();
    for (const d of '12')
      await page
        .getByRole('dialog')
        .getByRole('button', { name: `Digit ${d}` })
        .click();
    await page.getByRole('button', { name: 'Add 12 good' }).click();
    await expect.poll(async () => prod.getByTestId('count-good').textContent()).toBe('12');

    // scrap 2 with a reason (not taken from the good count): the keypad starts empty, C clears it, ⌫ deletes a digit,
    // pieces have no decimal point, and "counted as good" starts unticked
    await prod.getByRole('button', { name: 'Scrap' }).click();
    const scrap = page.getByRole('dialog');
    await scrap.getByRole('radio', { name: 'Damaged in handling' }).click();
    expect(await scrap.getByTestId('scrap-amount').textContent()).toBe('0');
    expect(await scrap.getByRole('checkbox').isChecked()).toBe(false);
    expect(await scrap.getByRole('button', { name: 'Decimal point' }).count()).toBe(0);
    for (const d of '12') await scrap.getByRole('button', { name: `Digit ${d}` }).click();
    expect(await scrap.getByTestId('scrap-amount').textContent()).toBe('12');
    await scrap.getByRole('button', { name: 'Clear' }).click();
    for (const d of '25') await scrap.getByRole('button', { name: `Digit ${d}` }).click();
    await scrap.getByRole('button', { name: 'Delete last digit' }).click();
    expect(await scrap.getByTestId('scrap-amount').textContent()).toBe('2');
    // ticked, it takes them off the good count, and never more than are counted good
    await scrap.getByRole('checkbox').setChecked(true);
    for (const d of '0') await scrap.getByRole('button', { name: `Digit ${d}` }).click();
    expect(await scrap.getByRole('button', { name: 'Record 20 scrap' }).isDisabled()).toBe(true);
    expect(await scrap.getByTestId('scrap-too-many').textContent()).toContain('Only 12 parts are counted good');
    await scrap.getByRole('button', { name: 'Delete last digit' }).click();
    await scrap.getByRole('checkbox').setChecked(false);
    expect(await smallTargets(page)).toEqual([]);
    await shot(page, 'terminal-4-scrap');
    await scrap.getByRole('button', { name: 'Record 2 scrap' }).click();
    await expect.poll(async () => prod.getByTestId('count-scrap').textContent()).toBe('2');
    expect(await prod.getByTestId('count-good').textContent()).toBe('12');
    expect(await prod.getByTestId('count-remaining').textContent()).toBe('8');
    // the reason's label, not its code
    await expect.poll(async () => prod.getByTestId('scrap-reasons').textContent()).toContain('Damaged in handling 2');

    // pause with a reason, then resume
    await prod.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog').getByRole('radio', { name: 'Break' }).click();
    await expect.poll(async () => prod.getByTestId('op-phase').textContent()).toBe('Paused: break');
    await prod.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(async () => prod.getByTestId('op-phase').textContent()).toBe('Production');

    // a lot the API refuses: its message is shown as the API wrote it
    const lotScan = page.getByTestId('materials');
    // the scanner types the lot and Enter: the quantity field takes over
    await lotScan.getByPlaceholder('Scan the lot label').fill('NO-SUCH-LOT');
    await lotScan.getByPlaceholder('Scan the lot label').press('Enter');
    await expect.poll(async () => lotScan.getByLabel('Quantity').evaluate((e) => e === document.activeElement)).toBe(true);
    await lotScan.getByLabel('Quantity').fill('1');
    await lotScan.getByRole('button', { name: 'Book lot' }).click();
    const refused = await call<{ error: { message: string } }>('POST', '/api/operations/T-100/10/consume', { lotId: 'NO-SUCH-LOT', quantity: 1 });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await expect.poll(async () => page.getByTestId('consume-error').textContent()).toBe(refused.json.error.message);

    // andon: the operator calls, the supervisor sees it live on the shop floor and acknowledges it
    const boss = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
    await signIn(boss, server);
    await boss.goto(`${server.url}/shopfloor`);
    await boss.getByTestId('andon-calls').waitFor();
    await page.getByRole('button', { name: 'Andon' }).click();
    await page.getByRole('dialog').getByRole('radio', { name: 'Material needed' }).click();
    await page.getByLabel('Message (optional)').fill('cartons running low');
    await page.getByRole('button', { name: 'Call now' }).click();
    await expect.poll(async () => page.getByTestId('station-andon').textContent()).toContain('Andon: Material needed');
    const bossCall = boss.getByTestId('andon-call').filter({ hasText: 'cartons running low' });
    await bossCall.waitFor({ timeout: 15_000 });
    expect(await bossCall.getAttribute('class')).toContain('sf-new');
    const card = boss.getByTestId('station-card').filter({ hasText: 'Station 30' });
    await expect.poll(async () => card.textContent(), { timeout: 15_000 }).toContain('12 good');
    await shot(boss, 'shopfloor-1-call');
    await bossCall.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(async () => page.getByTestId('station-andon').textContent(), { timeout: 10_000 }).toContain('acknowledged by admin');

    // portrait tablet: nothing wider than the screen
    await page.setViewportSize({ width: 800, height: 1280 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await shot(page, 'terminal-5-portrait');
    await page.setViewportSize({ width: 1280, height: 800 });

    // complete with a lot id: the result and the label with its barcode
    await prod.getByRole('button', { name: 'Complete' }).click();
    await page.getByLabel(/Lot id for the parts made/).fill('LOT-T100-1');
    await page.getByRole('dialog').getByRole('button', { name: 'Complete', exact: true }).click();
    const done = page.getByTestId('completed');
    await done.waitFor();
    const result = await call<{ status: string; good: number; scrap: number; completedBy: string; events: Array<{ kind: string }> }>(
      'GET',
      '/api/operations/T-100/10',
    );
    const label = done.getByTestId('label');
    const labelId = await label.getByTestId('label-id').textContent();
    // with the lots module the produced lot is labelled, without it the move ticket of the operation
    expect(['LOT-T100-1', 'T-100/10']).toContain(labelId);
    expect(await label.textContent()).toContain('12 pcs');
    expect(await label.getByTestId('barcode').getAttribute('aria-label')).toBe(`Barcode ${labelId}`);
    expect(await label.getByTestId('barcode').locator('rect').count()).toBe(1 + 3 * (labelId!.length + 2) + 4);
    expect(await done.textContent()).toContain('The order is complete.');
    await shot(page, 'terminal-6-label');

    // the API agrees
    expect(result.json).toMatchObject({ status: 'completed', good: 12, scrap: 2, completedBy: 'olga' });
    expect(result.json.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['setup', 'start', 'count', 'scrap', 'pause', 'resume', 'andon', 'complete']));
    const order = await call<{ status: string }>('GET', '/api/orders/T-100');
    expect(order.json.status).toBe('completed');
    const calls = await call<Array<{ reason: string; message: string; raisedBy: string; acknowledgedBy: string | null }>>(
      'GET',
      `/api/andon?station=${encodeURIComponent(ST30)}`,
    );
    expect(calls.json[0]).toMatchObject({ reason: 'material', message: 'cartons running low', raisedBy: 'olga', acknowledgedBy: 'admin' });

    // the orders pages show it
    await boss.goto(`${server.url}/orders`);
    await expect.poll(async () => boss.getByTestId('orders').textContent()).toContain('T-100');
    await boss.getByTestId('orders').getByRole('link', { name: 'T-100' }).click();
    await expect.poll(async () => boss.getByTestId('order-operations').textContent()).toContain('Pack service kit');
    await expect.poll(async () => boss.getByTestId('journal').textContent()).toContain('Completed');
    // the journal in words: reason labels (they arrive with the reason codes, which may come after the journal),
    // 24-hour times, no JSON and no ISO timestamps
    await expect.poll(async () => boss.getByTestId('journal').textContent()).toContain('Damaged in handling');
    const journal = (await boss.getByTestId('journal').textContent()) ?? '';
    expect(journal).toContain('Scrapped 2');
    expect(journal).toContain('Damaged in handling');
    expect(journal).toContain('Help called');
    expect(journal).not.toMatch(/[{}"]|\d{4}-\d{2}-\d{2}T\d{2}:|\b[AP]M\b/);
    for (const when of await boss.getByTestId('journal').locator('tbody tr td:first-child').allTextContents()) expect(when).toMatch(/, \d{2}:\d{2}:\d{2}$/);
    expect(await boss.getByTestId('order-operations').textContent()).toContain(ST30);
    await shot(boss, 'orders-1-order');

    // labour: olga's time at station 30, booked on the operation
    await boss.getByRole('link', { name: 'Labour' }).click();
    await expect.poll(async () => boss.getByTestId('labour-sessions').textContent()).toContain('T-100 / 10');
    expect(await boss.getByTestId('labour-totals').textContent()).toContain('olga');
    await shot(boss, 'labour-1');

    // sign out of the terminal: back to the badge sign-in
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: /Sign out olga/ }).click();
    await page.getByLabel('Badge').waitFor();
    expect(errors).toEqual([]);
  });

  it('lets a supervisor start without a confirmed recipe, with a reason', async () => {
    const ST20 = 'acme/lakeside/assembly/line1/st20';
    expect((await call('POST', '/api/orders', { id: 'S-200', product: 'S200', quantity: 5 })).status).toBe(201);
    expect((await call('POST', '/api/orders/S-200/release')).status).toBe(200);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true })).newPage();
    // straight to the station: the badge sign-in signs in at the station too (demo supervisor: badge 2001, PIN 230519)
    await page.goto(`${server.url}/terminal/${encodeURIComponent(ST20)}`);
    await page.getByLabel('Badge').fill('2001');
    await page.getByLabel('Badge').press('Enter');
    for (const d of '230519') await page.getByRole('button', { name: `Digit ${d}` }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(async () => page.getByTestId('signed-in').textContent()).toContain('sam');
    // the tester does not answer the download (no machine in the test): the recipe stays unconfirmed
    await page.getByRole('button', { name: 'Set up S-200 / 20' }).click();
    const setup = page.getByTestId('setup-panel');
    await expect.poll(async () => setup.getByTestId('recipe-status').textContent(), { timeout: 30_000 }).toMatch(/did not answer|failed|rejected/);
    expect(await setup.locator('table').textContent()).toContain('S200-EOL-v3');
    await page.getByRole('button', { name: 'Start production' }).click();
    await expect.poll(async () => page.getByTestId('terminal-error').textContent()).toContain('was not confirmed by');
    await shot(page, 'terminal-7-override');
    await page.getByLabel(/start without a confirmed recipe/).fill('test program loaded by hand');
    await page.getByRole('button', { name: 'Start with override' }).click();
    await expect.poll(async () => page.getByTestId('op-phase').textContent()).toBe('Production');
    const op = await call<{ phase: string; recipeVerified: boolean; events: Array<{ kind: string; actor: string; data: Record<string, unknown> }> }>(
      'GET',
      '/api/operations/S-200/20',
    );
    expect(op.json).toMatchObject({ phase: 'running', recipeVerified: false });
    expect(op.json.events.find((e) => e.kind === 'start')).toMatchObject({ actor: 'sam', data: { override: 'test program loaded by hand' } });
  });

  it('confirms the recipe by read-back and raises a parameter-lock alarm on the terminal and the shop floor', async () => {
    const ST10 = 'acme/lakeside/assembly/line1/st10';
    // a fake screwing station on MQTT: runs, and reports back every setpoint written to it
    const machine = await connectMqtt(server.mqttUrl, { username: 'e2e-st10', password: await server.deviceToken() });
    try {
      await machine.subscribeAsync(`takt/v1/${ST10}/_cmd/+`, { qos: 1 });
      machine.on('message', (topic, payload) => {
        const cmd = JSON.parse(payload.toString()) as { parameters?: Record<string, unknown> };
        if (topic.endsWith('/writeParameters'))
          setTimeout(() => machine.publish(`takt/v1/${ST10}/_batch`, JSON.stringify({ values: cmd.parameters }), { qos: 1 }), 300);
      });
      await machine.publishAsync(`takt/v1/${ST10}/state`, JSON.stringify({ value: 'Execute' }), { qos: 1 });
      expect((await call('POST', '/api/orders', { id: 'S-201', product: 'S200', quantity: 3, priority: 1 })).status).toBe(201);
      expect((await call('POST', '/api/orders/S-201/release')).status).toBe(200);

      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true })).newPage();
      await page.goto(`${server.url}/terminal/${encodeURIComponent(ST10)}`);
      await page.getByLabel('Badge').fill(BADGE);
      await page.getByLabel('Badge').press('Enter');
      for (const d of PIN) await page.getByRole('button', { name: `Digit ${d}` }).click();
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(async () => page.getByTestId('machine-state').textContent(), { timeout: 15_000 }).toContain('Execute');

      await page.getByRole('button', { name: 'Set up S-201 / 10' }).click();
      const setup = page.getByTestId('setup-panel');
      await expect.poll(async () => setup.getByTestId('recipe-status').textContent(), { timeout: 20_000 }).toContain('Recipe confirmed by the machine');
      expect(await setup.getByTestId('read-back').textContent()).toContain('torque.sp = 0.9');
      expect(await setup.locator('table').textContent()).toContain('0.8 … 1');
      await shot(page, 'terminal-8-recipe-confirmed');
      await page.getByRole('button', { name: 'Start production' }).click();
      const prod = page.getByTestId('production-panel');
      await expect.poll(async () => prod.getByTestId('op-phase').textContent()).toBe('Production');
      expect(await prod.getByTestId('interrupted').count()).toBe(0);

      // the torque leaves its limits: an alarm on the terminal and on the supervisor's view
      const boss = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await signIn(boss, server);
      await boss.goto(`${server.url}/shopfloor`);
      await boss.getByTestId('andon-calls').waitFor();
      await machine.publishAsync(`takt/v1/${ST10}/torque`, JSON.stringify({ value: 1.3 }), { qos: 1 });
      const alarm = page.getByTestId('station-alarms');
      await expect.poll(async () => (await alarm.count()) && alarm.textContent(), { timeout: 15_000 }).toContain('Parameter alarm: torque out of limits: 1.3');
      await expect
        .poll(async () => (await boss.getByTestId('alarms').count()) && boss.getByTestId('alarms').textContent(), { timeout: 15_000 })
        .toContain('torque');
      await shot(page, 'terminal-9-alarm');
      await alarm.getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(async () => alarm.count()).toBe(0);
      const alarms = await call<Array<{ parameter: string; kind: string; acknowledgedBy: string | null }>>('GET', '/api/alarms?orderId=S-201');
      expect(alarms.json).toEqual([expect.objectContaining({ parameter: 'torque', kind: 'out_of_limits', acknowledgedBy: 'olga' })]);
    } finally {
      await machine.endAsync();
    }
  });

  it('shows why an order cannot be released', async () => {
    expect(
      (
        await call('POST', '/api/products', {
          id: 'NO-BOM',
          name: 'No bill of materials',
          routing: [{ seq: 10, name: 'Pack', workCenter: ST30, idealCycleTimeS: 5 }],
        })
      ).status,
    ).toBe(201);
    expect((await call('POST', '/api/orders', { id: 'T-BAD', product: 'NO-BOM', quantity: 5 })).status).toBe(201);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signIn(page, server);
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('button', { name: 'created', exact: true }).click();
    const row = page.getByTestId('orders').getByRole('row').filter({ hasText: 'T-BAD' });
    await row.getByRole('button', { name: 'Release' }).click();
    await expect.poll(async () => page.getByRole('alert').first().textContent()).toContain('bill of materials');
    expect((await call<{ status: string }>('GET', '/api/orders/T-BAD')).json.status).toBe('created');
  });
});
