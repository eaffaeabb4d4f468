// The layout checker's rules (test/support/layout.ts) on small pages: for each rule a page that must be flagged and
// one that must pass. No server, one browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { checkLayout, watchErrors, type LayoutIssue } from '../support/layout.ts';

describe('layout checker', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const issuesOf = async (html: string): Promise<LayoutIssue[]> => {
    page = await context.newPage();
    await page.setContent(`<!doctype html><html><head><style>body { margin: 0; font: 14px sans-serif; }</style></head><body>${html}</body></html>`);
    const issues = await checkLayout(page);
    await page.close();
    return issues;
  };
  const rules = (issues: LayoutIssue[]) => issues.map((i) => `${i.rule} ${i.where}`);

  describe('overflow', () => {
    it('flags a document wider than the viewport', async () => {
      expect(rules(await issuesOf('<div id="wide" style="width: 1200px">wide</div>'))).toEqual(['overflow document', 'overflow div#wide']);
    });
    it('flags content spilling sideways out of a container that scrolls only downwards', async () => {
      const issues = await issuesOf(
        '<style>.main { height: 300px; overflow-y: auto; }</style><div class="main"><table id="t" style="width: 1000px"><tr><td>cell</td></tr></table></div>',
      );
      expect(rules(issues)).toEqual(['overflow table#t']);
      expect(issues[0].detail).toMatch(/spills sideways out of div\.main/);
    });
    it('passes content that fits, and wide content in a container meant to scroll sideways', async () => {
      expect(await issuesOf('<div style="width: 100%">fits</div>')).toEqual([]);
      expect(
        await issuesOf(
          '<style>.main { height: 300px; overflow-y: auto; } .table-wrap { overflow-x: auto; }</style>' +
            '<div class="main"><div class="table-wrap"><table style="width: 1000px"><tr><td>cell</td></tr></table></div></div>',
        ),
      ).toEqual([]);
    });
  });

  describe('clipped-button', () => {
    it('flags an enabled button cut off by a box that clips', async () => {
      const issues = await issuesOf(
        '<div style="width: 100px; overflow: hidden; white-space: nowrap"><span style="display: inline-block; width: 90px">x</span><button>Save</button></div>',
      );
      expect(rules(issues)).toEqual(['clipped-button div > button']);
      expect(issues[0].detail).toMatch(/"Save" cut off sideways/);
    });
    it('flags a button below the viewport when the page cannot scroll', async () => {
      const issues = await issuesOf('<style>html, body { height: 100%; overflow: hidden; }</style><div style="height: 900px">tall</div><button>Go</button>');
      expect(rules(issues)).toEqual(['clipped-button button']);
      expect(issues[0].detail).toMatch(/"Go" below the 600px viewport/);
    });
    it('flags a button whose label is cut', async () => {
      const issues = await issuesOf('<button style="width: 40px; overflow: hidden; white-space: nowrap">Record 2 scrap</button>');
      expect(issues.map((i) => i.detail)).toEqual([expect.stringMatching(/"Record 2 scrap" its label is cut/)]);
    });
    it('passes a disabled button, and buttons reachable by scrolling', async () => {
      expect(
        await issuesOf(
          '<div style="width: 100px; overflow: hidden; white-space: nowrap"><span style="display: inline-block; width: 90px">x</span><button disabled>Save</button></div>',
        ),
      ).toEqual([]);
      expect(await issuesOf('<div style="height: 900px">tall</div><button>Go</button>')).toEqual([]);
      expect(await issuesOf('<div style="height: 100px; overflow-y: auto"><div style="height: 400px">tall</div><button>Go</button></div>')).toEqual([]);
    });
  });

  describe('empty-panel', () => {
    it('flags a panel with nothing but its heading, and an empty card', async () => {
      const issues = await issuesOf(
        '<section id="trend"><h2>Trend per shift</h2><div class="chart"></div></section><div class="kpi-card" id="k" style="padding: 16px"> </div>',
      );
      expect(rules(issues)).toEqual(['empty-panel section#trend', 'empty-panel div#k.kpi-card']);
      expect(issues[0].detail).toBe('panel "Trend per shift" shows nothing');
    });
    it('flags a panel whose chart has no height, and one with a table without rows', async () => {
      const issues = await issuesOf(
        '<section id="states"><h2>States</h2><div class="echart" style="height: 0"><canvas width="300" height="0" style="width: 300px; height: 0"></canvas></div></section>' +
          '<section id="stops"><h2>Stops</h2><table><thead><tr><th>Start</th><th>Duration</th></tr></thead><tbody></tbody></table></section>',
      );
      expect(rules(issues)).toEqual(['empty-panel section#states', 'empty-panel section#stops']);
    });
    it('passes panels with text, a chart or a form field', async () => {
      expect(
        await issuesOf(
          '<section><h2>Trend</h2><p>No shifts in this period.</p></section>' +
            '<section><h2>Trend</h2><canvas width="100" height="50"></canvas></section>' +
            '<section><h2>Stops</h2><table><thead><tr><th>Start</th></tr></thead><tbody><tr><td>10:05</td></tr></tbody></table></section>' +
            '<div class="card"><h3>Find</h3><input aria-label="Lot"></div>',
        ),
      ).toEqual([]);
    });
  });

  describe('error', () => {
    it('collects console errors and uncaught page errors', async () => {
      page = await context.newPage();
      const errors = watchErrors(page);
      await page.setContent('<script>console.error("boom")</script><script>setTimeout(() => { throw new Error("bad") })</script>');
      const seen: LayoutIssue[] = [];
      await expect.poll(() => seen.push(...errors.take()), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      expect(seen.map((e) => `${e.rule} ${e.detail}`).sort()).toEqual(['error bad', 'error boom']);
      expect(errors.take()).toEqual([]);
      await page.close();
    });
    it('passes a page that only logs', async () => {
      page = await context.newPage();
      const errors = watchErrors(page);
      await page.setContent('<script>console.log("hello"); console.warn("careful")</script><p>fine</p>');
      await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
      expect(errors.take()).toEqual([]);
      await page.close();
    });
  });
});
