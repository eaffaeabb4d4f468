// Browser test against stored XSS through the charts (issue #11 item 4): every user-settable text a chart shows holds an
// HTML payload that, if it ever reached innerHTML unescaped, would set window.__xss. Each page with a chart is opened,
// the mouse sweeps over every chart so the tooltips render, and the page must neither run the payload nor show an
// <img> built from it; the tooltips must show the payload as text (so the sweep really rendered them).
// Needs web/dist (the test command builds it first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MaterialLedger } from '../../src/lots/index.ts';
import { PlantService } from '../../src/plant/index.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { orderBook } from '../../src/execution/index.ts';

/** 27 characters: fits the tightest limit (units, 32). The number tells which field ran, should one ever run. */
const X = (n: number) => `<img src=x onerror=__xss=${n}>`;
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
/** A page with charts computes KPIs or plans as it opens: generous, for a busy machine. */
const PAGE_TIMEOUT = 240_000;

// Collects the HTML of every ECharts tooltip (the absolutely positioned div with z-index 9999999) as it changes.
const TOOLTIP_SPY = `
  window.__tips = [];
  new MutationObserver((ms) => {
    for (const m of ms) {
      let el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      while (el && !(el.style && el.style.zIndex === '9999999')) el = el.parentElement;
      if (el && el.innerHTML) window.__tips.push(el.innerHTML);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

interface Watch {
  page: Page;
  problems: string[];
}

describe('chart texts are never run as HTML', () => {
  let server: TestServer;
  let browser: Browser;
  let imm01Id = '';
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await server.app.server.inject({
      method: method as 'GET',
      url,
      payload: body as object,
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.body}`);
    return res.json();
  };

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
    const equipment = (await call('GET', '/api/equipment')) as Array<{ id: string; path: string }>;
    imm01Id = equipment.find((e) => e.path === IMM01)!.id;
    // 1 tag unit (class), 2 machine name (bottleneck and Gantt axes, KPI pages), 10 shift name (trend axis, by shift)
    const cls = (await call('GET', '/api/equipment-classes/imm')) as { tags: Array<{ name: string; unit?: string }> };
    await call('PATCH', '/api/equipment-classes/imm', { tags: cls.tags.map((t) => (t.name === 'meltTemperature' ? { ...t, unit: X(1) } : t)) });
    await call('PATCH', `/api/equipment/${imm01Id}`, { name: X(2) });
    await call('PATCH', '/api/calendars/three-shift', { shifts: [{ name: X(10), start: '06:00', end: '06:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
    // states for the timeline (PackML names only: the pipeline quarantines anything else) and values for the tag chart
    const now = Date.now();
    const obs = (tag: string, value: string | number, ts: number) => ({
      source: { protocol: 'test', client: 'xss' },
      topic: 'test/xss',
      equipmentPath: IMM01,
      tag,
      value,
      ts,
      receivedAt: now,
    });
    await server.collect.pipeline.submit({
      rejections: [],
      observations: [
        obs('state', 'Execute', now - 50 * 60_000),
        obs('state', 'Held', now - 30 * 60_000),
        obs('state', 'Execute', now - 10 * 60_000),
        ...Array.from({ length: 20 }, (_, i) => obs('meltTemperature', 200 + (i % 5), now - (40 - 2 * i) * 60_000)),
      ],
    });
    // lots: 4 material unit, 8 material name (lists only, no chart shows it), 5 supplier, 6 supplier lot, 7 hold reason, 9 operator (trace graph tooltips)
    await call('POST', '/api/materials', { id: 'XSS-MAT', name: X(8), unit: X(4) });
    await call('POST', '/api/lots', { id: 'XSS-IN', material: 'XSS-MAT', quantity: 50, location: 'store', supplier: X(5), supplierLot: X(6) });
    await call('POST', '/api/orders', { id: 'O-XSS', product: 'HSG-TOP', quantity: 100, due: new Date(now + 48 * 3_600_000).toISOString() });
    const ledger = new MaterialLedger(new PlantService(server.app.ctx.db, server.app.ctx.events), orderBook);
    await server.app.ctx.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      await ledger.consume(
        db,
        { id: null, name: 'xss' },
        { lotId: 'XSS-IN', quantity: 4, allowedMaterials: ['XSS-MAT'], orderId: 'O-XSS', seq: 10, equipment: 'imm01', method: 'scan' },
      );
      await ledger.produce(
        db,
        { id: null, name: 'xss' },
        { lotId: 'XSS-OUT', materialId: 'HSG-TOP', quantity: 100, unit: 'pcs', orderId: 'O-XSS', seq: 10, equipment: 'imm01', operator: X(9), parameters: {} },
      );
    });
    await call('POST', '/api/lots/XSS-IN/hold', { reason: X(7) });
    // a plan for the Gantt chart (its rows are machine names, its bars the released order)
    await call('POST', '/api/orders/O-XSS/release');
    const started = (await call('POST', '/api/schedules', { timeLimitS: 1 })) as { id: number };
    for (let i = 0; ((await call('GET', `/api/schedules/${started.id}`)) as { status: string }).status === 'running'; i++) {
      if (i > 300) throw new Error('the plan is still computing');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(): Promise<Watch> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(TOOLTIP_SPY);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    // an element built from a payload anywhere on the page (not only in a tooltip) would fetch its src, /x
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/x') problems.push(`injected element fetched ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && /\/x$/.test(m.location().url)) problems.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await signIn(page, server);
    return { page, problems };
  }

  /**
   * Moves the pointer over the chart in rows, so axis tooltips, item tooltips and hover labels all render. The moves are
   * dispatched inside the page (one round trip per chart; the pointer events ECharts listens to, at real coordinates):
   * driving the mouse through the protocol point by point takes minutes on a busy machine.
   */
  async function sweep(page: Page, selector: string, rows = 5, step = 6): Promise<void> {
    const el = page.locator(selector).first();
    await el.locator('canvas').first().waitFor({ timeout: 30_000 });
    await el.scrollIntoViewIfNeeded();
    await page.evaluate(
      async ({ rows, step, index, selector }) => {
        const box = document.querySelectorAll(selector)[index].getBoundingClientRect();
        for (let r = 0; r < rows; r++) {
          const y = box.top + (box.height * (r + 0.5)) / rows;
          for (let x = box.left + 2; x < box.right - 2; x += step) {
            const target = document.elementFromPoint(x, y);
            for (const type of ['pointermove', 'mousemove'])
              target?.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, bubbles: true, cancelable: true, view: window }));
            await new Promise((done) => setTimeout(done, 0));
          }
        }
      },
      { rows, step, ...parse(selector) },
    );
  }
  /** Every chart matching the selector on the page, once the first has drawn. */
  async function sweepAll(page: Page, selector: string): Promise<void> {
    await page.locator(`${selector} canvas`).first().waitFor({ timeout: 60_000 });
    const n = await page.locator(selector).count();
    for (let i = 0; i < n; i++) await sweep(page, `${selector} >> nth=${i}`, 5);
  }
  const parse = (s: string) => {
    const [selector, nth] = s.split(' >> nth=');
    return { selector, index: nth ? Number(nth) : 0 };
  };

  /** Nothing ran, no tooltip holds an element built from a payload, and each expected payload showed up as text. */
  async function verdict(w: Watch, shown: number[]): Promise<void> {
    const { xss, tips } = await w.page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      tips: (window as unknown as { __tips: string[] }).__tips,
    }));
    expect(xss, 'a payload ran').toBeUndefined();
    expect(
      tips.filter((t) => /<img/i.test(t)),
      'a tooltip holds an <img> from a payload',
    ).toEqual([]);
    for (const n of shown)
      expect(
        tips.some((t) => t.includes(escaped(X(n)))),
        `payload ${n} shown as text in a tooltip`,
      ).toBe(true);
    expect(w.problems).toEqual([]);
  }

  it(
    'machine page: tag chart (unit) and state timeline',
    async () => {
      const w = await open();
      await w.page.goto(`${server.url}/live/${encodeURIComponent(imm01Id)}`);
      await w.page.getByTestId('machine-page').waitFor();
      await w.page.getByTestId('tag-chart-meltTemperature').locator('canvas').first().waitFor({ timeout: 20_000 });
      await sweep(w.page, '[data-testid="tag-chart-meltTemperature"]', 3);
      await sweep(w.page, '[data-testid="state-timeline"]', 3, 6);
      await shot(w.page, 'xss-machine');
      await verdict(w, [1]);
      await w.page.context().close();
    },
    PAGE_TIMEOUT,
  );

  it(
    'lots trace graph (unit, supplier, supplier lot, hold reason, operator)',
    async () => {
      const w = await open();
      await w.page.goto(`${server.url}/lots/trace?lot=XSS-OUT`);
      await w.page.getByTestId('trace-graph').locator('canvas').first().waitFor({ timeout: 20_000 });
      await expect.poll(async () => (await w.page.getByTestId('trace-table').textContent()) ?? '').toContain('XSS-IN');
      await sweep(w.page, '[data-testid="trace-graph"]', 15, 6);
      await verdict(w, [4, 5, 6, 7, 9]);
      await w.page.context().close();
    },
    PAGE_TIMEOUT,
  );

  // Each performance page on its own: they compute KPIs on open, slow on a busy machine.
  it(
    'performance overview: trend by shift (shift name on the axis and in the tooltip)',
    async () => {
      const w = await open();
      await w.page.goto(`${server.url}/performance`);
      await sweepAll(w.page, '.perf-chart');
      await verdict(w, [10]);
      await w.page.context().close();
    },
    PAGE_TIMEOUT,
  );

  it(
    'performance of a machine: loss waterfall and trend',
    async () => {
      const w = await open();
      await w.page.goto(`${server.url}/performance/${encodeURIComponent(imm01Id)}`);
      await sweepAll(w.page, '.perf-chart');
      await verdict(w, []);
      await w.page.context().close();
    },
    PAGE_TIMEOUT,
  );

  it(
    'bottleneck: machine names on the axis and in the tooltip',
    async () => {
      const w = await open();
      await w.page.goto(`${server.url}/performance/bottleneck`);
      await w.page.getByTestId('bottleneck-scope').selectOption({ label: 'acme/lakeside/moulding/imm-cell1 (workCenter)' });
      await expect.poll(async () => (await w.page.getByTestId('bottleneck-table').textContent()) ?? '', { timeout: 30_000 }).toContain('IMM 02');
      await sweep(w.page, '.perf-chart', 15, 10);
      await verdict(w, [2]);
      await w.page.context().close();
    },
    PAGE_TIMEOUT,
  );

  it(
    'plan Gantt chart (machine names on the axis, the order in the bar tooltips)',
    async () => {
      const w = await open();
      await w.page.goto(`${server.url}/plan`);
      await w.page.getByTestId('plan-gantt').locator('canvas').first().waitFor({ timeout: 30_000 });
      await sweep(w.page, '[data-testid="plan-gantt"]', 27, 8);
      // the bars' tooltip names the order; machine names are axis labels, drawn on the canvas
      await verdict(w, []);
      expect((await w.page.evaluate(() => (window as unknown as { __tips: string[] }).__tips)).some((t) => t.includes('O-XSS'))).toBe(true);
      await w.page.context().close();
    },
    PAGE_TIMEOUT,
  );
});
