// Browser test of the Plan page: a supervisor starts a plan of the released demo orders, watches it compute, sees the
// Gantt chart and the KPIs, opens an operation's move form, and publishes. Needs web/dist (the test command builds it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the Plan page in the browser', () => {
  let server: TestServer;
  let browser: Browser;
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
    await call('POST', '/api/users', { username: 'sue', roles: ['supervisor'], password: 'password-123' });
    const due = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    for (const [id, product, qty, h] of [
      ['E-TOP', 'HSG-TOP', 600, 40],
      ['E-BOT', 'HSG-BOT', 500, 30],
      ['E-S200', 'S200', 200, 0.05],
    ] as const) {
      await call('POST', '/api/orders', { id, product, quantity: qty, due: due(h) });
      await call('POST', `/api/orders/${id}/release`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a supervisor creates a plan, sees the Gantt chart and publishes it', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server, { username: 'sue', password: 'password-123' });
    await page.getByRole('link', { name: 'Plan', exact: true }).click();
    await page.waitForURL(/\/plan$/);
    await page.getByText('No plan yet').waitFor();
    // says what is true: three released orders wait for a plan
    await expect
      .poll(async () => page.getByTestId('plan-empty').textContent())
      .toBe('3 released orders are waiting to be planned: press New plan to schedule them.');
    await page.getByLabel('Search time (s)').fill('2');
    await page.getByRole('button', { name: 'New plan' }).click();
    // progress while it computes, then the chart
    await page.getByTestId('plan-versions').getByText('Plan 1').waitFor();
    const gantt = page.getByTestId('plan-gantt');
    await gantt.waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await page.getByTestId('plan-kpis').textContent()) ?? '', { timeout: 30_000 }).toContain('late orders');
    const box = (await gantt.boundingBox())!;
    expect(box.width).toBeGreaterThan(600);
    expect(box.height).toBeGreaterThan(300); // nine machines of the demo plant, one row each
    // the order due in three minutes is late whatever the plan and the time of day (its setup alone takes longer)
    await page.getByRole('cell', { name: 'E-S200' }).waitFor();
    await shot(page, 'plan-ready');
    // tap a bar: the move form opens for that operation (bars are drawn where the API placed them)
    const plan = (await call('GET', '/api/schedules/1')) as {
      assignments: Array<{ orderId: string; machine: string; start: string; end: string }>;
      stats: { machines: Array<{ path: string }> };
    };
    expect(plan.assignments).toHaveLength(5);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText(/Plan 1 published: 5 operations/).waitFor();
    await expect.poll(async () => (await page.getByTestId('plan-versions').textContent()) ?? '').toContain('published');
    expect(((await call('GET', '/api/schedules/1')) as { status: string }).status).toBe('published');

    // tap the E-TOP bar: its place follows the chart's axes (1 h margin each side, grid insets 110/16 px, 12/56 px)
    const top = plan.assignments.find((a) => a.orderId === 'E-TOP')!;
    const min = Math.min(...plan.assignments.map((a) => Date.parse(a.start))) - 3_600_000;
    const max = Math.max(...plan.assignments.map((a) => Date.parse(a.end))) + 3_600_000;
    const row = plan.stats.machines.findIndex((m) => m.path === top.machine);
    const mid = (Date.parse(top.start) + Date.parse(top.end)) / 2;
    const x = 110 + ((mid - min) / (max - min)) * (box.width - 126);
    const y = 12 + (row + 0.5) * ((box.height - 68) / plan.stats.machines.length);
    await gantt.click({ position: { x, y } });
    const move = page.getByTestId('plan-move');
    await move.getByText('E-TOP / 10').waitFor();
    const target = 'acme/lakeside/moulding/imm-cell2/imm03';
    await move.getByTestId('plan-move-machine').selectOption(target);
    await move.getByRole('button', { name: 'Move and repair' }).click();
    await page.getByTestId('plan-versions').getByText('Plan 2').waitFor();
    await expect.poll(async () => ((await call('GET', '/api/schedules/2')) as { status: string }).status, { timeout: 30_000 }).toBe('ready');
    const moved = (await call('GET', '/api/schedules/2')) as {
      reason: string;
      assignments: Array<{ orderId: string; machine: string; pinned?: boolean }>;
      diff: { moved: Array<{ orderId: string }> };
    };
    expect(moved.reason).toBe('move');
    expect(moved.assignments.find((a) => a.orderId === 'E-TOP')).toMatchObject({ machine: target, pinned: true });
    expect(moved.diff.moved.map((m) => m.orderId)).toContain('E-TOP');
    await expect.poll(async () => (await page.getByTestId('plan-kpis').textContent()) ?? '', { timeout: 10_000 }).toContain('moved vs plan 1');
    // "moved by hand … at <time>": formatted, not an ISO timestamp
    await expect
      .poll(async () => (await page.getByTestId('plan-versions').textContent()) ?? '')
      .toMatch(/Moved by hand.* at [A-Z][a-z]{2} \d{2}, \d{4}, \d{2}:\d{2}:\d{2}/);
    expect(await page.getByTestId('plan-versions').textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    await shot(page, 'plan-moved');

    // drag the E-BOT bar of plan 2 down to another press and a little later: a new version with it pinned there
    const p2 = (await call('GET', '/api/schedules/2')) as {
      assignments: Array<{ orderId: string; machine: string; start: string; end: string; eligible: string[] }>;
      stats: { machines: Array<{ path: string }> };
    };
    const bot = p2.assignments.find((a) => a.orderId === 'E-BOT')!;
    const rows = p2.stats.machines.map((m) => m.path);
    const to = bot.eligible.find((m) => m !== bot.machine && m !== target)!;
    await gantt.scrollIntoViewIfNeeded();
    const box2 = (await gantt.boundingBox())!;
    const min2 = Math.min(...p2.assignments.map((a) => Date.parse(a.start))) - 3_600_000;
    const max2 = Math.max(...p2.assignments.map((a) => Date.parse(a.end))) + 3_600_000;
    const px = (t: number) => 110 + ((t - min2) / (max2 - min2)) * (box2.width - 126);
    const py = (path: string) => 12 + (rows.indexOf(path) + 0.5) * ((box2.height - 68) / rows.length);
    const gx = box2.x + px((Date.parse(bot.start) + Date.parse(bot.end)) / 2);
    await page.mouse.move(gx, box2.y + py(bot.machine));
    await page.mouse.down();
    await page.mouse.move(gx + 20, box2.y + py(to), { steps: 10 });
    await page.mouse.move(gx + 40, box2.y + py(to), { steps: 5 });
    await shot(page, 'plan-dragging');
    await page.mouse.up();
    await page.getByTestId('plan-versions').getByText('Plan 3').waitFor({ timeout: 15_000 });
    await expect.poll(async () => ((await call('GET', '/api/schedules/3')) as { status: string }).status, { timeout: 30_000 }).toBe('ready');
    const dragged = (await call('GET', '/api/schedules/3')) as {
      reason: string;
      assignments: Array<{ orderId: string; machine: string; start: string; pinned?: boolean }>;
    };
    expect(dragged.reason).toBe('move');
    const placed = dragged.assignments.find((a) => a.orderId === 'E-BOT')!;
    expect(placed).toMatchObject({ machine: to, pinned: true });
    expect(Date.parse(placed.start)).toBeGreaterThan(Date.parse(bot.start));
    await shot(page, 'plan-dragged');
    expect(errors).toEqual([]);
  });
});
