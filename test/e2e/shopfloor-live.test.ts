// Browser test (issue #13): the Live plant and the supervisor's shop floor tell the same truth. The demo machines
// report Execute over MQTT while one order runs on station 10: the live tiles say "Running" once (PackML only in the
// tooltip), the shop floor counts the same running machines, shows the others as running without an order and never
// as idle, the machine page's torque chart draws the running recipe's limits (not the class's valid range), and the
// order's parameter alarm leaves the shop floor when the operation completes. Needs web/dist (`npm run build:web`).
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';

describe('live plant and shop floor agree', () => {
  let server: TestServer;
  let browser: Browser;
  let device: MqttClient;
  let machines: Array<{ id: string; path: string; name: string }> = [];
  const call = async <T = unknown>(method: string, path: string, body?: unknown, token = server.adminToken): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
  };
  /**
   * Every machine reports Execute over MQTT now (again before each page, so none goes stale meanwhile). Returns the
   * paths the server shows running — the demo's OPC UA press has its own connection, whose loss keeps it offline.
   */
  const allRunning = async (): Promise<Set<string>> => {
    for (const m of machines) await publish(device, `takt/v1/${m.path}/state`, JSON.stringify({ value: 'Execute', ts: Date.now() }));
    const live = await eventually(
      async () => {
        const l = (await call<Array<{ path: string; state: string; online: boolean; stale: boolean }>>('GET', '/api/live/machines')).json;
        const run = l.filter((m) => m.state === 'Execute' && m.online && !m.stale);
        if (run.length < machines.length - 1) throw new Error(`running: ${run.map((m) => m.path).join(', ')}`);
        return run;
      },
      15_000,
      200,
    );
    return new Set(live.map((m) => m.path));
  };

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
    device = await connectMqtt(server.mqttUrl, { username: 'e2e-plant', password: await server.deviceToken() });
    machines = (await call<Array<{ id: string; path: string; name: string; level: string }>>('GET', '/api/equipment')).json.filter(
      (e) => e.level === 'machine',
    );
    // an order of the screwing station, set up and in production (the override stands in for the recipe read-back)
    expect((await call('POST', '/api/orders', { id: 'E2E-13', product: 'S200', quantity: 50, due: '2030-01-01T00:00:00Z' })).status).toBe(201);
    expect((await call('POST', '/api/orders/E2E-13/release')).status).toBe(200);
    const setup = await call('POST', '/api/operations/E2E-13/10/setup', { equipment: ST10 });
    expect(setup.status, JSON.stringify(setup.json)).toBe(200);
    const started = await call('POST', '/api/operations/E2E-13/10/start', { override: 'recipe checked at the station' }, await server.tokenFor(['supervisor']));
    expect(started.status, JSON.stringify(started.json)).toBe(200);
  });

  afterAll(async () => {
    await device?.endAsync();
    await browser?.close();
    await server?.close();
  });

  const open = async (path: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, server);
    await page.goto(`${server.url}${path}`);
    return { page, errors, close: () => context.close() };
  };

  it('shows plain state words on the live plant, the PackML name only in the tooltip, one state label a tile', async () => {
    const running = await allRunning();
    const { page, errors, close } = await open('/live');
    try {
      const tiles = page.getByTestId('machine-tile');
      await expect.poll(() => tiles.count(), { timeout: 15_000 }).toBe(machines.length);
      await expect
        .poll(() => page.getByTestId('live-summary').locator('[data-class="run"] .summary-n').textContent(), { timeout: 15_000 })
        .toBe(String(running.size));
      for (const m of machines.filter((x) => running.has(x.path))) {
        const tile = page.locator(`[data-testid="machine-tile"][data-path="${m.path}"]`);
        await expect.poll(() => tile.getByTestId('tile-state').textContent(), { timeout: 10_000 }).toBe('Running');
        expect(await tile.getByTestId('tile-state').getAttribute('title')).toBe('PackML state: Execute');
        const text = (await tile.innerText()) ?? '';
        expect(text, m.path).not.toContain('Execute');
        expect(text.match(/Running/g), `${m.path}: ${text}`).toHaveLength(1);
      }
      await shot(page, 'issue13-live-running');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('counts running machines as the live plant does and shows a machine producing without an order as such', async () => {
    const running = await allRunning();
    const { page, errors, close } = await open('/shopfloor');
    try {
      const cards = page.getByTestId('station-card');
      await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(machines.length);
      await expect
        .poll(() => page.locator('.page-subtitle').innerText(), { timeout: 15_000 })
        .toContain(`${running.size} of ${machines.length} machines running · 1 with an order`);
      for (const m of machines.filter((x) => running.has(x.path))) {
        const card = page.locator(`[data-testid="station-card"][data-path="${m.path}"]`);
        await expect.poll(() => card.getByTestId('station-state').textContent(), { timeout: 10_000 }).toBe('Running');
        expect(await card.getAttribute('data-class')).toBe('run');
        const text = await card.innerText();
        expect(text, m.path).not.toMatch(/Idle|Execute/);
        if (m.path === ST10) expect(text).toContain('E2E-13');
        else expect(await card.getByTestId('station-no-order').innerText()).toMatch(/^Running without an order · \d+ in the queue$/);
      }
      await shot(page, 'issue13-shopfloor-running');

      // a machine that stops is no longer counted as running — on either page
      await publish(device, `takt/v1/${IMM01}/state`, JSON.stringify({ value: 'Stopped', ts: Date.now() }));
      await page.reload();
      const imm01 = page.locator(`[data-testid="station-card"][data-path="${IMM01}"]`);
      await expect.poll(() => imm01.getByTestId('station-state').textContent(), { timeout: 15_000 }).toBe('Stopped');
      expect(await imm01.getByTestId('station-no-order').innerText()).toMatch(/^No order · /);
      await expect.poll(() => page.locator('.page-subtitle').innerText()).toContain(`${running.size - 1} of ${machines.length} machines running`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('draws the running recipe limits on the machine charts, and the class range without a run', async () => {
    await allRunning();
    const st10 = machines.find((m) => m.path === ST10)!;
    const imm01 = machines.find((m) => m.path === IMM01)!;
    const { page, errors, close } = await open(`/live/${encodeURIComponent(st10.id)}`);
    try {
      const torque = page.locator('[data-testid="tag-chart"][data-tag="torque"]');
      await expect.poll(() => torque.getAttribute('data-limits'), { timeout: 15_000 }).toBe('recipe');
      expect(await torque.getByTestId('chart-limits').innerText()).toBe('recipe limits (order E2E-13/10): 0.8 … 1 Nm');
      expect(await torque.getByRole('img').getAttribute('aria-label')).toBe('torque over time, limits 0.8 to 1');
      // the setpoint has no recipe limits: its class range stays
      expect(await page.locator('[data-testid="tag-chart"][data-tag="torque.sp"]').getByTestId('chart-limits').innerText()).toBe(
        'valid range (plant model): 0 … 20 Nm',
      );
      await shot(page, 'issue13-machine-recipe-limits');

      // nothing runs on IMM 01: its charts show the plant model's ranges
      await page.goto(`${server.url}/live/${encodeURIComponent(imm01.id)}`);
      const charts = page.getByTestId('tag-chart');
      await expect.poll(() => charts.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      for (const source of await charts.evaluateAll((els) => els.map((e) => e.getAttribute('data-limits')))) expect(['plant', 'none']).toContain(source);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('takes the order’s parameter alarm off the shop floor when its operation completes', async () => {
    await allRunning();
    await publish(device, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 1.7, ts: Date.now() }));
    const { page, errors, close } = await open('/shopfloor');
    try {
      const alarms = page.getByTestId('alarms');
      await expect.poll(async () => ((await alarms.count()) ? alarms.innerText() : ''), { timeout: 15_000 }).toContain('out of limits: 1.7');
      const done = await call('POST', '/api/operations/E2E-13/10/complete', {});
      expect(done.status, JSON.stringify(done.json)).toBe(200);
      await expect.poll(() => alarms.count(), { timeout: 15_000 }).toBe(0);
      await expect.poll(() => page.locator('.page-subtitle').innerText()).toContain('0 with an order');
      await expect.poll(() => page.locator('.page-subtitle').innerText()).toContain('0 open alarms');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
