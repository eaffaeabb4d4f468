// Layout checks for the browser tests (issue #13): what a person at a 1024×768 tablet or a 1440×900 screen would see
// as broken. Each rule runs inside the page on what is rendered right now:
//  - overflow: the document, or a visible element, reaches beyond the viewport's width (elements inside a container
//    meant to scroll sideways, overflow-x auto/scroll, are that container's business; the container itself is checked);
//  - clipped-button: an enabled button that cannot be reached — cut off by an ancestor that clips without scrolling,
//    beyond the viewport where the document cannot scroll, or whose own label is cut;
//  - empty-panel: a visible panel (section, article, fieldset, or a class named …panel, …card, …section, …tile) with
//    no text besides its headings (and a table's column heads) and no chart, canvas, picture or form field that has a
//    size;
//  - error: a console error or an uncaught page error (collected from the moment watchErrors is called).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';

export type LayoutRule = 'overflow' | 'clipped-button' | 'empty-panel' | 'error';

export interface LayoutIssue {
  rule: LayoutRule;
  /** A short CSS-like path to the element (or 'document', or the error's source). */
  where: string;
  detail: string;
}

/** Collects console errors and uncaught page errors from now on; take() returns and clears them. */
export function watchErrors(page: Page): { take(): LayoutIssue[] } {
  let issues: LayoutIssue[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') issues.push({ rule: 'error', where: `console ${msg.location().url || ''}`.trim(), detail: msg.text() });
  });
  page.on('pageerror', (err) => issues.push({ rule: 'error', where: 'page', detail: err.message }));
  return {
    take() {
      const out = issues;
      issues = [];
      return out;
    },
  };
}

/** Runs the overflow, clipped-button and empty-panel rules on the page as rendered now (scrolled to the top). */
export async function checkLayout(page: Page): Promise<LayoutIssue[]> {
  // sent as source text: transpilers that keep function names (tsx) wrap inner functions in a __name helper the page
  // does not have
  return page.evaluate(`(() => { const __name = (f) => f; return (${inPage.toString()})(); })()`);
}

function inPage(): LayoutIssue[] {
  {
    const issues: { rule: 'overflow' | 'clipped-button' | 'empty-panel'; where: string; detail: string }[] = [];
    const doc = document.documentElement;
    const vw = doc.clientWidth;
    const vh = doc.clientHeight;
    const px = (n: number) => Math.round(n);

    const describe = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const testid = e.getAttribute('data-testid');
        const cls = [...e.classList]
          .slice(0, 2)
          .map((c) => `.${c}`)
          .join('');
        parts.unshift(testid ? `[data-testid=${testid}]` : `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${cls}`);
        if (testid || e.id) break;
      }
      return parts.join(' > ');
    };
    const label = (el: Element) =>
      ((el as HTMLElement).innerText || el.getAttribute('aria-label') || el.getAttribute('title') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    const visible = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return false; // display:none, or a screen-reader-only element
      const s = getComputedStyle(el);
      return s.visibility !== 'hidden' && s.opacity !== '0';
    };
    const scrolls = (v: string) => v === 'auto' || v === 'scroll';
    const clips = (v: string) => v === 'hidden' || v === 'clip';

    // overflow of the document itself
    if (doc.scrollWidth > vw + 1) issues.push({ rule: 'overflow', where: 'document', detail: `document is ${doc.scrollWidth}px wide in a ${vw}px viewport` });

    // Whether the page's CSS asks this element to scroll sideways (overflow-x: auto|scroll, also through the overflow
    // shorthand). The computed style cannot tell: a container that only scrolls down (overflow-y: auto) computes
    // overflow-x to auto as well, yet content that spills sideways out of it is a layout fault.
    const matchingRules = (el: Element): CSSStyleDeclaration[] => {
      const out: CSSStyleDeclaration[] = [(el as HTMLElement).style];
      const visit = (rules: CSSRuleList) => {
        for (const rule of rules) {
          if (rule instanceof CSSStyleRule) {
            if (el.matches(rule.selectorText)) out.push(rule.style);
          } else if (rule instanceof CSSMediaRule) {
            if (matchMedia(rule.conditionText).matches) visit(rule.cssRules);
          } else if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
        }
      };
      for (const sheet of document.styleSheets) {
        try {
          visit(sheet.cssRules);
        } catch {
          // a sheet from another origin: its rules cannot be read
        }
      }
      return out;
    };
    const sidewaysScroller = new Map<Element, boolean>();
    const meantToScrollSideways = (el: Element): boolean => {
      let v = sidewaysScroller.get(el);
      if (v === undefined) {
        v = matchingRules(el).some((st) => scrolls(st.overflowX));
        sidewaysScroller.set(el, v);
      }
      return v;
    };

    // overflow of elements: the outermost element that spills sideways beyond the viewport or out of a container that
    // scrolls only downwards; containers meant to scroll sideways, and those that clip (text cut with an ellipsis),
    // hold their content, and are checked themselves
    const reported = new Set<Element>();
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      let held = false;
      let spill = '';
      for (let a = el.parentElement; a && a !== document.body && !held && !spill; a = a.parentElement) {
        if (reported.has(a)) held = true;
        const s = getComputedStyle(a);
        if (held || s.overflowX === 'visible') continue;
        if (clips(s.overflowX) || meantToScrollSideways(a)) held = true;
        else {
          const ar = a.getBoundingClientRect();
          if (r.right > ar.right + 1 || r.left < ar.left - 1)
            spill = `spills sideways out of ${describe(a)} (${px(r.left)}…${px(r.right)}px in ${px(ar.left)}…${px(ar.right)}px)`;
        }
      }
      if (held) continue;
      if (!spill && (r.right > vw + 1 || r.left < -1)) spill = `spans ${px(r.left)}…${px(r.right)}px, beyond the ${vw}px viewport`;
      if (spill) {
        reported.add(el);
        issues.push({ rule: 'overflow', where: describe(el), detail: spill });
      }
    }

    // buttons that cannot be reached
    const docScrollsY = doc.scrollHeight > vh + 1 && !clips(getComputedStyle(doc).overflowY) && !clips(getComputedStyle(document.body).overflowY);
    const buttons = document.body.querySelectorAll<HTMLElement>('button, [role=button], input[type=submit], input[type=button], a.btn, a.t-btn');
    for (const b of buttons) {
      if ((b as HTMLButtonElement).disabled || b.getAttribute('aria-disabled') === 'true' || !visible(b)) continue;
      const r = b.getBoundingClientRect();
      const name = label(b) || describe(b);
      let checkX = true;
      let checkY = true;
      let problem = '';
      for (let a = b.parentElement; a && a !== document.body && a !== doc && (checkX || checkY) && !problem; a = a.parentElement) {
        const s = getComputedStyle(a);
        const ar = a.getBoundingClientRect();
        if (checkX) {
          if (scrolls(s.overflowX)) checkX = false;
          else if (clips(s.overflowX) && (r.left < ar.left - 1 || r.right > ar.right + 1)) problem = `cut off sideways by ${describe(a)}`;
        }
        if (checkY && !problem) {
          if (scrolls(s.overflowY)) checkY = false;
          else if (clips(s.overflowY) && (r.top < ar.top - 1 || r.bottom > ar.bottom + 1)) problem = `cut off at the top or bottom by ${describe(a)}`;
        }
      }
      if (!problem && checkX && (r.left < -1 || r.right > vw + 1)) problem = `beyond the ${vw}px viewport (${px(r.left)}…${px(r.right)}px)`;
      if (!problem && checkY && (r.top < -1 || (r.bottom > vh + 1 && !docScrollsY))) problem = `below the ${vh}px viewport, which does not scroll`;
      if (!problem && clips(getComputedStyle(b).overflowX) && b.scrollWidth > b.clientWidth + 1)
        problem = `its label is cut (${b.scrollWidth}px in ${b.clientWidth}px)`;
      if (problem) issues.push({ rule: 'clipped-button', where: describe(b), detail: `"${name}" ${problem}` });
    }

    // empty panels: nothing but a heading, no chart or picture, no form field
    const panelClass = /^(?:[\w]+-)*(?:panel|card|section|tile)$/;
    const panels = [...document.body.querySelectorAll<HTMLElement>('section, article, fieldset, [class]')].filter(
      (el) => ['SECTION', 'ARTICLE', 'FIELDSET'].includes(el.tagName) || [...el.classList].some((c) => panelClass.test(c)),
    );
    const media = 'canvas, svg, img, video, iframe, object, input, select, textarea';
    // a table's column heads alone are a heading too: a table without rows shows nothing
    const heading = 'h1, h2, h3, h4, h5, h6, legend, thead, th, [class*=head], [class*=title]';
    for (const p of panels) {
      // a chart counts once it has a size: a canvas squeezed to no height shows nothing
      if (!visible(p) || [...p.querySelectorAll(media)].some(visible)) continue;
      let text = '';
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (!parent?.checkVisibility({ visibilityProperty: true })) continue;
        const h = parent.closest(heading);
        if (h && h !== p && p.contains(h)) continue;
        text += n.textContent ?? '';
      }
      if (!text.trim()) {
        const title = p.querySelector(heading);
        issues.push({ rule: 'empty-panel', where: describe(p), detail: `panel${title ? ` "${label(title)}"` : ''} shows nothing` });
      }
    }
    return issues;
  }
}

/** One line per issue, for test failure messages. */
export function formatIssues(issues: LayoutIssue[]): string {
  return issues.map((i) => `${i.rule} at ${i.where}: ${i.detail}`).join('\n');
}

/**
 * A screenshot of the whole page at path (folders created). The office shell scrolls inside its main area, not the
 * document, so for the picture only the frame is let grow to its content; the checks above run on the real layout.
 */
export async function fullPageShot(page: Page, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const grow = await page.addStyleTag({ content: 'html, body, #root, .app { height: auto !important; } .main { overflow: visible !important; }' });
  try {
    await page.screenshot({ path, fullPage: true });
  } finally {
    await grow.evaluate((el) => (el as Element).remove());
  }
}
