// Browser test of the maintenance KPI page (issue #16): work orders made through the API (their times set to known
// hours in the last days) give a planned share of 25 %, a preventive compliance of 1 of 2 and a backlog of one order;
// /maintenance/kpis, reached from the navigation, shows the figures the API answers, draws its charts (the MTTR split of
// the one repair among them), and narrows to
// one machine through the equipment field. One server (the first of TAKT_TEST_DBS), one browser. Needs web/dist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, launchChromium, signIn, newPage } from '../support/browser.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { FAILURE_CODES } from '../support/maintenance.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const ST20 = 'acme/lakeside/assembly/line1/st20';
const H = 3_600_000;
const D = 24 * H;

describe(`maintenance KPI page in the browser (${DB_KINDS[0]})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  const { ok: api } = apiOf(() => server);

  beforeAll(async () => {
    server = await startTestServer({ db: DB_KINDS[0], demo: true });
    const tech = await server.tokenFor(['maintenance']);
    const open = async (equipment: string, kind: string, extra: Record<string, unknown> = {}) =>
      (await api<{ id: string }>('POST', '/api/maintenance/work-orders', { equipment, kind, description: `${kind} work`, ...extra })).id;
    const move = async (id: string, to: string, extra: Record<string, unknown> = {}) =>
      api('POST', `/api/maintenance/work-orders/${id}/status`, { to, ...extra }, tech);
    const base = Date.now() - 5 * D;
    // a 3 h repair on st20
    const a = await open(ST20, 'corrective');
    await move(a, 'in_progress');
    // a corrective order is done only with its failure codes (technician work)
    await api('PUT', `/api/maintenance/work-orders/${a}/failure-codes`, FAILURE_CODES, tech);
    await move(a, 'done');
    await server.sql(`UPDATE maintenance_work_orders SET created_at = $2, started_at = $3, done_at = $4 WHERE id = $1`, [
      a,
      iso(base - H),
      iso(base),
      iso(base + 3 * H),
    ]);
    // requested an hour before the technician came: MTTR split 60 min waiting, 180 min repair
    await server.sql('INSERT INTO maintenance_labour (work_order_id, technician, started_at, stopped_at, stop_reason) VALUES ($1, $2, $3, $4, $5)', [
      a,
      'tom',
      iso(base),
      iso(base + 3 * H),
      'done',
    ]);
    // a 1 h preventive job on imm01, done inside its window
    const b = await open(IMM01, 'preventive');
    await move(b, 'approved');
    await move(b, 'scheduled', { plannedStart: iso(base + D), plannedEnd: iso(base + D + 2 * H) });
    await move(b, 'in_progress');
    await move(b, 'done');
    await server.sql(`UPDATE maintenance_work_orders SET started_at = $2, done_at = $3 WHERE id = $1`, [b, iso(base + D), iso(base + D + H)]);
    // a preventive window that passed without the work: due, not done, in the backlog
    const c = await open(IMM01, 'preventive', { estimateMinutes: 90 });
    await move(c, 'approved');
    await move(c, 'scheduled', { plannedStart: iso(base + 2 * D), plannedEnd: iso(base + 2 * D + H) });
    browser = await launchChromium();
    page = await newPage(browser, errors);
    await signIn(page, server);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the API's maintenance KPIs and their charts (the MTTR split too), and narrows to one machine", async () => {
    await page.goto(`${server.url}/maintenance/work-orders`);
    await page.getByRole('link', { name: 'Maintenance KPIs' }).click();
    await page.waitForURL(/\/maintenance\/kpis$/);
    const k = await api<{ plannedShare: number; compliance: { due: number; onTime: number; ratio: number }; backlog: { count: number } }>(
      'GET',
      `/api/maintenance/kpis?from=${iso(Date.now() - 30 * D)}`,
    );
    // hand-checked: 1 h preventive of 4 h work; 1 of 2 preventive windows done in time; one order open
    expect(k).toMatchObject({ plannedShare: 0.25, compliance: { due: 2, onTime: 1, ratio: 0.5 }, backlog: { count: 1 } });
    const tile = (id: string) => page.getByTestId(id).locator('.v');
    await expect.poll(async () => (await tile('mk-share').textContent()) ?? '', { timeout: 20_000 }).toBe('25.0 %');
    expect(await tile('mk-compliance').textContent()).toBe('50.0 %');
    expect(await page.getByTestId('mk-compliance').locator('.d').textContent()).toBe('1 of 2 done in their window');
    expect(await tile('mk-backlog').textContent()).toBe('1');
    expect(await page.getByTestId('mk-backlog').locator('.d').textContent()).toBe('1.5 h estimated');
    expect(await page.getByTestId('mk-split').textContent()).toBe(
      'Mean of 1 repair done in the window, from the stop (or the request) to done: 240 min — waiting for a technician 60 min, repair 180 min, waiting for parts 0 min, other 0 min.',
    );
    // the charts drew into their canvas
    for (const id of ['mk-share-chart', 'mk-split-chart', 'mk-backlog-chart'])
      await expect.poll(() => page.getByTestId(id).locator('canvas').count(), { timeout: 10_000 }).toBe(1);
    const rows = page.getByTestId('mk-backlog-table').locator('tbody tr');
    expect(await rows.count()).toBe(4);

    // st20 alone: only its repair, no preventive work and nothing due or open
    await page.getByTestId('mk-equipment').fill(ST20);
    await page.getByTestId('mk-apply').click();
    await expect.poll(async () => (await tile('mk-share').textContent()) ?? '', { timeout: 20_000 }).toBe('0.0 %');
    expect(await tile('mk-compliance').textContent()).toBe('—');
    expect(await tile('mk-backlog').textContent()).toBe('0');
    expect(errors).toEqual([]);
  });
});
