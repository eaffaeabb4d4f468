// Every page at a 1024×768 tablet and a 1440×900 screen (issue #13): no sideways overflow, no button out of reach, no
// empty panel, no console or page error (rules in test/support/layout.ts), with a full-page screenshot of each kept in
// test-artifacts/screenshots/<viewport>/ (E2E_SCREENSHOTS=/some/dir to put them elsewhere). The pages are the web
// app's own route table (App.tsx and the modules' routers), so a new page is checked without touching this file,
// plus a machine page, a machine's KPIs, an order, a lot trace, an SPC chart and the terminal signed in with the demo badge at a
// station. One demo server with the simulator, one browser, one context per viewport. Needs web/dist.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, signIn } from '../support/browser.ts';
import { checkLayout, formatIssues, fullPageShot, watchErrors, type LayoutIssue } from '../support/layout.ts';
import { seedGenealogy } from '../support/lots.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = resolve(process.env.E2E_SCREENSHOTS ?? join(ROOT, 'test-artifacts/screenshots'));
const VIEWPORTS = [
  { name: '1024x768', width: 1024, height: 768 },
  { name: '1440x900', width: 1440, height: 900 },
];
const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const DEMO_BADGE = { badge: '1001', pin: '104729' }; // Olivia, README

/**
 * The pages without a record id in the web app's route table: the shell's ROUTES (App.tsx) and each lazily loaded
 * module's own router (*Module.tsx), `/x/:id?` counted as its list page `/x`; routes that need an id or match a
 * whole subtree are covered by the record pages below. The terminal has its own walk.
 */
function routedPages(): string[] {
  const dir = join(ROOT, 'web/src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)(App|\w+Module)\.tsx$/.test(f));
  const pages = new Set<string>();
  for (const f of files)
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:\bpath:\s*|matchPath\(\s*)'(\/[^']*)'/g)) {
      const path = m[1].replace(/\/:\w+\?$/, '');
      if (!/[:*]/.test(path) && !path.startsWith('/terminal')) pages.add(path);
    }
  return [...pages].sort();
}

const PAGES = routedPages();
const fileName = (path: string) => path.replace(/^\//, '').replace(/[^\w-]+/g, '-') || 'home';

/** The page has rendered: no spinner or "Loading …" line left, for a whole second (a module chunk arriving, then its
 * panels fetching, leave short gaps between spinners). */
async function loaded(page: Page): Promise<void> {
  const busy = () =>
    page.evaluate(() => !document.querySelector('#root > *') || !!document.querySelector('.loading') || /Loading[^\n]*…/.test(document.body.innerText));
  const deadline = Date.now() + 30_000;
  let quietSince = 0;
  while (Date.now() < deadline) {
    if (await busy()) quietSince = 0;
    else if (!quietSince) quietSince = Date.now();
    else if (Date.now() - quietSince >= 1000) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${page.url()} still loading after 30 s`);
}

/** The layout issues once the page settles: data arriving later may fill a panel, but not after 10 s. */
async function settledIssues(page: Page): Promise<LayoutIssue[]> {
  const deadline = Date.now() + 10_000;
  let issues = await checkLayout(page);
  while (issues.length > 0 && Date.now() < deadline) {
    await page.waitForTimeout(250);
    issues = await checkLayout(page);
  }
  return issues;
}

const CHARACTERISTIC = 'LAYOUT-DIA';

/** A characteristic with an hour of measurements, one out of control: its SPC page has every panel to lay out. */
async function seedCharacteristic(): Promise<void> {
  const post = (url: string, payload: object) =>
    server.app.server.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${server.adminToken}` } });
  const c = { id: CHARACTERISTIC, name: 'Layout diameter', product: 'HSG-TOP', kind: 'variable', unit: 'mm', lsl: 9.8, usl: 10.2, chart: 'i-mr' };
  expect((await post('/api/quality/characteristics', c)).statusCode).toBe(201);
  const t0 = Date.now() - 2 * 3_600_000;
  const records = Array.from({ length: 25 }, (_, i) => ({
    key: `l${i}`,
    characteristic: CHARACTERISTIC,
    ts: new Date(t0 + i * 180_000).toISOString(),
    value: i === 24 ? 10.5 : 10 + Math.sin(i * 2.3) * 0.05,
  }));
  expect((await post('/api/quality/measurements', { records })).json().accepted).toBe(records.length);
}

let server: TestServer;
let browser: Browser;
let imm01Id = '';

beforeAll(async () => {
  server = await startTestServer({ demo: true, simulate: true });
  await seedGenealogy(server);
  const res = await server.app.server.inject({ url: `/api/equipment/${encodeURIComponent(IMM01)}`, headers: { authorization: `Bearer ${server.adminToken}` } });
  imm01Id = res.json().id;
  await seedCharacteristic();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.each(VIEWPORTS)('every page at $name', (viewport) => {
  let context: BrowserContext;
  let page: Page;
  let errors: ReturnType<typeof watchErrors>;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    page = await context.newPage();
    await signIn(page, server);
    // the session check before sign-in answers 401 by design; errors count from here on
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await context?.close();
  });

  const check = async (name: string): Promise<void> => {
    await loaded(page);
    const issues = [...(await settledIssues(page)), ...errors.take()];
    await fullPageShot(page, join(SHOTS, viewport.name, `${name}.png`));
    expect(issues, formatIssues(issues)).toEqual([]);
  };

  it('covers every page of the navigation', async () => {
    const nav = await page.locator('nav.nav a.nav-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(nav.length).toBeGreaterThan(10);
    expect(nav.filter((href) => href !== '/terminal' && !PAGES.includes(href))).toEqual([]);
  });

  it.each(PAGES)('%s', async (path) => {
    await page.goto(`${server.url}${path}`);
    await page.locator('main.main').waitFor();
    await check(fileName(path));
  });

  it.each([
    ['a machine', (): string => `/live/${imm01Id}`, 'live-machine'],
    ["a machine's KPIs", (): string => `/performance/${imm01Id}`, 'performance-machine'],
    ['an order', (): string => '/orders/DEMO-1001', 'order'],
    ['a lot trace', (): string => '/lots/trace?lot=TOP-E2E', 'lot-trace'],
    ["a characteristic's SPC chart", (): string => `/quality/characteristics/${CHARACTERISTIC}`, 'quality-chart'],
  ] as const)('%s', async (_what, path, name) => {
    await page.goto(`${server.url}${path()}`);
    await page.locator('main.main').waitFor();
    await check(name);
  });

  it('the terminal: badge sign-in, station choice, a station signed in', async () => {
    await context.clearCookies();
    await page.goto(`${server.url}/terminal`);
    await page.getByLabel('Badge').waitFor();
    // signed out, the session check answers 401 by design
    const signedOut = errors.take();
    expect(
      signedOut.filter((e) => !e.where.endsWith('/api/auth/me')),
      formatIssues(signedOut),
    ).toEqual([]);
    await check('terminal-sign-in');
    await page.getByLabel('Badge').fill(DEMO_BADGE.badge);
    await page.getByLabel('Badge').press('Enter');
    for (const d of DEMO_BADGE.pin) await page.getByRole('button', { name: `Digit ${d}` }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('stations').getByRole('button').first().waitFor();
    await check('terminal-stations');
    await page
      .getByTestId('stations')
      .getByRole('button', { name: /IMM 01/ })
      .click();
    await page.getByTestId('signed-in').waitFor();
    // signed in at the station at the first viewport, still there at the next
    const signInHere = page.getByRole('button', { name: 'Sign in here' });
    if (await signInHere.isVisible()) await signInHere.click();
    await expect.poll(async () => page.getByTestId('signed-in').textContent()).toContain('olivia');
    await page.getByTestId('queue').waitFor();
    await check('terminal-station');
  });
});
