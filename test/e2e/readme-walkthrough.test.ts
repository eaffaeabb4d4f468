// Issue #13: the README's terminal walkthrough works word for word. The test reads the numbered steps under
// "### Walkthrough: from badge to label" in README.md and follows each one on the demo plant (simulated machines on),
// at a tablet's 1024×768 with touch: every badge, PIN, station, button, order, lot id and answer it uses is taken from
// the step's **bold** and `code` words, so a README that drifts from the terminal (or a step added or dropped) fails
// here. Then the dialog layout at 1024×768: an error banner never pushes the scrap dialog's action off-screen.
// Needs web/dist (`npm run build:web`). E2E_SCREENSHOTS=/some/dir keeps a screenshot per step.
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const README = new URL('../../README.md', import.meta.url);
const HEADING = '### Walkthrough: from badge to label';
const TABLET = { viewport: { width: 1024, height: 768 }, hasTouch: true };

interface Step {
  n: number;
  text: string;
  /** The words in **bold**: what the user taps or reads on the screen. */
  bold: string[];
  /** The words in `code`: what the user types, scans or sees as a value. */
  code: string[];
}

/** The numbered list under the walkthrough heading, one step per item (continuation lines joined). */
function walkthroughSteps(markdown: string): Step[] {
  const at = markdown.indexOf(`\n${HEADING}\n`);
  if (at < 0) throw new Error(`README.md has no "${HEADING}" section`);
  const section = markdown.slice(at + HEADING.length + 2).split(/\n#{1,6} /)[0];
  const steps: Step[] = [];
  for (const line of section.split('\n')) {
    const item = /^(\d+)\. (.*)$/.exec(line);
    if (item) steps.push({ n: Number(item[1]), text: item[2], bold: [], code: [] });
    else if (steps.length && /^ {3}\S/.test(line)) steps[steps.length - 1].text += ` ${line.trim()}`;
    else if (steps.length && line.trim() !== '') break;
  }
  for (const s of steps) {
    s.bold = [...s.text.matchAll(/\*\*(.+?)\*\*/g)].map((m) => m[1]);
    s.code = [...s.text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  }
  return steps;
}

/** The element is entirely inside the viewport (nothing to scroll to reach it). */
async function onScreen(page: Page, target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  const vp = page.viewportSize()!;
  return !!box && box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
}

describe.each(DB_KINDS)('the README walkthrough on the demo plant (%s)', (db) => {
  let server: TestServer;
  let browser: Browser;
  const steps = walkthroughSteps(readFileSync(README, 'utf8'));
  const api = async <T = unknown>(method: string, path: string, body?: unknown, token = server.adminToken): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  beforeAll(async () => {
    // as `npm start` has it: the demo plant, its people, orders and lots, and the simulated machines
    server = await startTestServer({ db, demo: true, simulate: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('follows the numbered steps from badge sign-in to the printed label, at 1024×768 with touch', async () => {
    const context = await browser.newContext(TABLET);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    // what the test cannot do is print on paper: it records the print request and looks at the page as printed
    await page.addInitScript(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    const prod = page.getByTestId('production-panel');

    // One action per README step, in order; each takes its words from the step.
    const follow: Array<(s: Step) => Promise<void>> = [
      // 1. Open `http://localhost:3000/terminal` …
      async ({ code: [url] }) => {
        await page.goto(url.replace('http://localhost:3000', server.url));
      },
      // 2. … type `1001` into **Badge** and press Enter, then tap the PIN `104729` … and tap **Sign in**.
      async ({ code: [badge, pin], bold: [badgeField, signIn] }) => {
        await page.getByLabel(badgeField).fill(badge);
        await page.getByLabel(badgeField).press('Enter');
        for (const d of pin) await page.getByRole('button', { name: `Digit ${d}` }).tap();
        expect(await page.getByTestId('pin-dots').textContent()).toBe('●'.repeat(pin.length));
        await button(signIn).tap();
        await page.getByRole('heading', { name: 'Which station is this?' }).waitFor();
      },
      // 3. Tap **IMM 01 — 1100 kN**, then **Sign in here**: `olivia` shows at the top …
      async ({ bold: [station, signInHere], code: [who] }) => {
        await page
          .getByTestId('stations')
          .getByRole('button', { name: new RegExp(`^${station}`) })
          .tap();
        await expect.poll(async () => page.getByTestId('station-name').textContent()).toBe(station);
        await button(signInHere).tap();
        await expect.poll(async () => page.getByTestId('signed-in').textContent()).toBe(who);
      },
      // 4. In the **Queue**, tap **Set up** beside `DEMO-1001 / 10` … **Recipe confirmed by the machine**.
      async ({ bold: [queue, setUp, confirmed], code: [op] }) => {
        const list = page.getByTestId('queue');
        await list.getByRole('heading', { name: queue }).waitFor();
        const item = list.getByRole('listitem').filter({ hasText: `Order ${op}` });
        await item.getByRole('button', { name: `${setUp} ${op}` }).tap();
        await expect.poll(async () => page.getByTestId('recipe-status').textContent(), { timeout: 30_000 }).toContain(confirmed);
      },
      // 5. Tap **Start production**. **Good** counts the parts the press reports …: wait for the first.
      async ({ bold: [start, good] }) => {
        await button(start).tap();
        await prod.waitFor();
        expect(await prod.locator('.t-count-label').allTextContents()).toContain(good);
        await expect
          .poll(async () => Number(await prod.getByTestId('count-good').textContent()), { timeout: 90_000, interval: 1000 })
          .toBeGreaterThanOrEqual(1);
      },
      // 6. Tap **Scrap**, pick **Short shot / incomplete part**, type `2` … tap **Record 2 scrap**: the panel lists
      //    `Short shot / incomplete part 2` under scrap by reason, and **Scrap** counts them with the rejects the press reports itself.
      async ({ bold: [scrap, reason, record, scrapCount], code: [amount, byReason] }) => {
        const goodBefore = Number(await prod.getByTestId('count-good').textContent());
        const scrapBefore = Number(await prod.getByTestId('count-scrap').textContent());
        await prod.getByRole('button', { name: scrap, exact: true }).tap();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('radio', { name: reason }).tap();
        // nothing prefilled, nothing pre-ticked: what is typed is what is booked
        expect(await dialog.getByTestId('scrap-amount').textContent()).toBe('0');
        expect(await dialog.getByRole('checkbox').isChecked()).toBe(false);
        // pieces are counted whole: no decimal point on this keypad
        expect(await dialog.getByRole('button', { name: 'Decimal point' }).count()).toBe(0);
        for (const d of amount) await dialog.getByRole('button', { name: `Digit ${d}` }).tap();
        expect(await dialog.getByTestId('scrap-amount').textContent()).toBe(amount);
        expect(await onScreen(page, dialog.getByRole('button', { name: record }))).toBe(true);
        await shot(page, 'readme-6-scrap-dialog');
        await dialog.getByRole('button', { name: record }).tap();
        await dialog.waitFor({ state: 'detached' });
        expect(await prod.locator('.t-count-label').allTextContents()).toContain(scrapCount);
        await expect.poll(async () => (await prod.getByTestId('scrap-reasons').count()) && prod.getByTestId('scrap-reasons').textContent()).toContain(byReason);
        expect(Number(await prod.getByTestId('count-scrap').textContent())).toBeGreaterThanOrEqual(scrapBefore + Number(amount));
        // the scrap was added, not taken off the good parts
        expect(Number(await prod.getByTestId('count-good').textContent())).toBeGreaterThanOrEqual(goodBefore);
      },
      // 7. Under **Material**, scan lot `DEMO-PP-1` into **Lot** …, type `1` into **Quantity** and tap **Book lot**: …
      async ({ bold: [material, lotField, quantityField, book, booked], code: [lot, quantity] }) => {
        const materials = page.getByTestId('materials');
        await materials.getByRole('heading', { name: material }).waitFor();
        await materials.getByLabel(lotField).fill(lot);
        await materials.getByLabel(lotField).press('Enter');
        await expect.poll(async () => materials.getByLabel(quantityField).evaluate((e) => e === document.activeElement)).toBe(true);
        await materials.getByLabel(quantityField).fill(quantity);
        await materials.getByRole('button', { name: book }).tap();
        await expect.poll(async () => materials.locator('.t-ok').textContent()).toBe(booked);
        expect(await materials.getByTestId('consume-error').count()).toBe(0);
      },
      // 8. Tap **Complete**, leave the lot id empty … tap **Complete** in the dialog. … booked from lot `DEMO-MB-1` …
      async ({ bold: [complete, confirm], code: [backflushedLot] }) => {
        await prod.getByRole('button', { name: complete, exact: true }).tap();
        const dialog = page.getByRole('dialog');
        expect(await dialog.getByLabel(/Lot id for the parts made/).inputValue()).toBe('');
        await shot(page, 'readme-8-complete-dialog');
        await dialog.getByRole('button', { name: confirm, exact: true }).tap();
        const done = page.getByTestId('completed');
        await done.waitFor({ timeout: 30_000 });
        expect(await done.textContent()).toContain(`(lot ${backflushedLot})`);
      },
      // 9. … the **label** of the new lot of `HSG-TOP` with its barcode. Tap **Print label** …, then **Done** and **Sign out olivia**.
      async ({ bold: [, print, done, signOut], code: [material] }) => {
        const label = page.getByTestId('label');
        const lotId = (await label.getByTestId('label-id').textContent())!;
        expect(await label.textContent()).toContain(material);
        expect(await label.getByTestId('barcode').getAttribute('aria-label')).toBe(`Barcode ${lotId}`);
        await button(print).tap();
        expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
        // as printed: the label alone
        await page.emulateMedia({ media: 'print' });
        expect(await label.isVisible()).toBe(true);
        expect(await page.getByTestId('station-name').isVisible()).toBe(false);
        await shot(page, 'readme-9-printed-label');
        await page.emulateMedia({ media: 'screen' });
        // the produced lot is what the label says, made from the lots the walkthrough named
        const lot = await api<{ materialId: string; producedBy: { orderId: string } }>('GET', `/api/lots/${encodeURIComponent(lotId)}`);
        expect(lot).toMatchObject({ materialId: material, producedBy: { orderId: 'DEMO-1001' } });
        const trace = await api<{ nodes: Array<{ lot: string }> }>('GET', `/api/lots/${encodeURIComponent(lotId)}/trace?direction=backward`);
        expect(trace.nodes.map((x) => x.lot)).toEqual(expect.arrayContaining(['DEMO-PP-1', 'DEMO-MB-1']));
        await button(done).tap();
        await button(signOut).tap();
        await page.getByLabel('Badge').waitFor();
      },
    ];

    expect(steps.map((s) => s.n)).toEqual(follow.map((_, i) => i + 1));
    for (const [i, step] of steps.entries()) {
      await follow[i](step);
      await shot(page, `readme-${step.n}`);
    }
    expect(errors).toEqual([]);
  });

  it('keeps the scrap dialog’s action on screen at 1024×768 when the server refuses with a long message', async () => {
    // IMM 02 runs DEMO-1002 (set up and started through the API as the demo supervisor)
    const IMM02 = 'acme/lakeside/moulding/imm-cell1/imm02';
    const sam = await fetch(`${server.url}/api/auth/badge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ badge: '2001', pin: '230519' }),
    });
    const token = ((await sam.json()) as { token: string }).token;
    await api('POST', '/api/operations/DEMO-1002/10/setup', { equipment: IMM02 }, token);
    await api('POST', '/api/operations/DEMO-1002/10/start', { override: 'layout test' }, token);

    const page = await (await browser.newContext(TABLET)).newPage();
    await page.goto(`${server.url}/terminal/${encodeURIComponent(IMM02)}`);
    await page.getByLabel('Badge').fill('2001');
    await page.getByLabel('Badge').press('Enter');
    for (const d of '230519') await page.getByRole('button', { name: `Digit ${d}` }).tap();
    await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
    const prod = page.getByTestId('production-panel');
    await prod.waitFor();
    await prod.getByRole('button', { name: 'Scrap', exact: true }).tap();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Short shot / incomplete part' }).tap();
    // more than the server takes in one booking: it refuses, and the dialog shows its words
    for (const d of '9999999') await dialog.getByRole('button', { name: `Digit ${d}` }).tap();
    const record = dialog.getByRole('button', { name: /^Record .+ scrap$/ });
    await record.tap();
    const banner = dialog.getByRole('alert');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('at most 1000000');
    expect(await onScreen(page, banner)).toBe(true);
    expect(await onScreen(page, record)).toBe(true);
    // the keypad is still reachable by scrolling the dialog's body
    await dialog.getByRole('button', { name: 'Clear' }).scrollIntoViewIfNeeded();
    expect(await onScreen(page, dialog.getByRole('button', { name: 'Clear' }))).toBe(true);
    expect(await onScreen(page, record)).toBe(true);
    await shot(page, 'readme-scrap-error-1024');
  });
});
