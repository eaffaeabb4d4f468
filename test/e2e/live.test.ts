// Browser test of the live plant: sign in, open the plant overview, see a tile per demo machine, then publish a
// machine state over MQTT to the server's embedded broker while the page is open and watch the tile change.
// Needs web/dist (the test command builds it first).
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { connectMqtt, publish } from '../support/mqtt.ts';
import { startTestServer } from '../support/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
interface EquipmentRow {
  id: string;
  path: string;
  level: string;
  name: string;
}

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';

describe('live plant in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let machines: EquipmentRow[] = [];

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
    const res = await fetch(`${server.url}/api/equipment`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    machines = ((await res.json()) as EquipmentRow[]).filter((e) => e.level === 'machine');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a tile for every demo machine, grouped under its area', async () => {
    expect(machines.length).toBeGreaterThan(0);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await signIn(page, server);
      await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Plant overview' }).click();
      await page.waitForURL(/\/live$/);
      const tiles = page.getByTestId('machine-tile');
      await expect.poll(() => tiles.count(), { timeout: 15_000 }).toBe(machines.length);
      for (const m of machines) {
        const tile = page.locator(`[data-testid="machine-tile"][data-path="${m.path}"]`);
        expect(await tile.count(), m.path).toBe(1);
        expect(await tile.textContent()).toContain(m.name);
      }
      // Areas of the demo plant head their groups.
      await page.getByRole('heading', { name: 'Injection moulding' }).waitFor();
      await expect.poll(() => page.getByTestId('stream-status').textContent(), { timeout: 15_000 }).toBe('Live');
      await shot(page, 'live-overview');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the state a machine publishes over MQTT on its tile while the page is open', async () => {
    expect(server.mqttUrl, 'the test server runs an MQTT broker').toBeTruthy();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    let client: MqttClient | undefined;
    try {
      await signIn(page, server);
      await page.goto(`${server.url}/live`);
      const tile = page.locator(`[data-testid="machine-tile"][data-path="${IMM01}"]`);
      await tile.waitFor();
      await expect.poll(() => page.getByTestId('stream-status').textContent(), { timeout: 15_000 }).toBe('Live');
      expect(await tile.getAttribute('data-state')).not.toBe('Held');

      // A machine signs in to the embedded broker with a device token and publishes its PackML state (UNS JSON).
      client = await connectMqtt(server.mqttUrl, { username: 'e2e-imm01', password: await server.deviceToken() });
      await publish(client, `takt/v1/${IMM01}/state`, JSON.stringify({ value: 'Held' }));

      // The tile turns to Held (red, current data) without a reload.
      await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000 }).toBe('Held');
      // in the operator's words; the PackML name is the tooltip
      await expect.poll(() => tile.getByTestId('tile-state').textContent(), { timeout: 5_000 }).toBe('Fault');
      expect(await tile.getByTestId('tile-state').getAttribute('title')).toBe('PackML state: Held');
      expect(await tile.getAttribute('class')).toContain('tile-stop');
      expect(await tile.getAttribute('data-stale')).toBe('false');
      expect(await page.getByTestId('live-summary').locator('[data-class="stop"] .summary-n').textContent()).toBe('1');
      await shot(page, 'live-overview-held');

      // Its machine page shows the same state and the state timeline.
      await tile.click();
      await page.getByTestId('machine-page').waitFor();
      await expect.poll(() => page.getByTestId('machine-head').getAttribute('data-state'), { timeout: 10_000 }).toBe('Held');
      await page.getByTestId('state-timeline').waitFor();
      await shot(page, 'live-machine');
      expect(pageErrors).toEqual([]);
    } finally {
      client?.end(true);
      await context.close();
    }
  });
});
