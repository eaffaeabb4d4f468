// Browser test of machine commands: an admin opens the live page of station 10 while a fake machine is connected over
// MQTT, downloads the S200 parameter set (confirmed by the value the machine publishes back), stops the machine
// (confirmed by the state it reports) and finds both in the history; the connection panel shows MQTT online. Then
// the plant editor: a connection whose tag name the server refuses shows the message at the field, and saves once
// corrected. Needs web/dist (the test command builds it first). E2E_SCREENSHOTS=/some/dir keeps screenshots.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { connectMqtt } from '../support/mqtt.ts';
import { startTestServer } from '../support/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
interface EquipmentRow {
  id: string;
  path: string;
  connections: { protocol: string; metrics?: Record<string, string> }[];
}

const ST10 = 'acme/lakeside/assembly/line1/st10';
const ST30 = 'acme/lakeside/assembly/line1/st30';

describe('machine commands in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let machine: MqttClient;
  const received: string[] = [];
  const equipment = async (path: string) => {
    const res = await fetch(`${server.url}/api/equipment/${encodeURIComponent(path)}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    return (await res.json()) as EquipmentRow;
  };

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
    // The fake station 10: obeys every command and reports the result the way a real machine would.
    machine = await connectMqtt(server.mqttUrl, { username: 'e2e-st10', password: await server.deviceToken() });
    await machine.subscribeAsync(`takt/v1/${ST10}/_cmd/+`, { qos: 1 });
    machine.on('message', (topic, payload) => {
      const name = topic.split('/').pop()!;
      const cmd = JSON.parse(payload.toString()) as { id: string; parameters?: Record<string, unknown> };
      received.push(name);
      const base = `takt/v1/${ST10}`;
      // a real machine takes a moment: the page must show the command as pending meanwhile
      setTimeout(() => {
        if (name === 'writeParameters') machine.publish(`${base}/_batch`, JSON.stringify({ values: cmd.parameters }), { qos: 1 });
        if (name === 'stop') machine.publish(`${base}/state`, JSON.stringify({ value: 'Stopped' }), { qos: 1 });
        if (name === 'start') machine.publish(`${base}/state`, JSON.stringify({ value: 'Execute' }), { qos: 1 });
      }, 800);
    });
    await machine.publishAsync(`takt/v1/${ST10}/state`, JSON.stringify({ value: 'Execute' }), { qos: 1 });
  });

  afterAll(async () => {
    await machine?.endAsync();
    await browser?.close();
    await server?.close();
  });

  it('downloads a parameter set and stops the machine, each confirmed by the read-back', async () => {
    const st10 = await equipment(ST10);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await signIn(page, server);
      await page.goto(`${server.url}/live/${encodeURIComponent(st10.id)}`);
      const panel = page.getByTestId('commands-panel');
      await panel.waitFor();
      await expect.poll(() => page.getByTestId('stream-status').textContent(), { timeout: 15_000 }).toBe('Live');

      // Connection health: MQTT UNS, online since the machine published its state.
      const mqtt = page.getByTestId('conn-mqtt');
      await expect.poll(() => mqtt.getAttribute('data-state'), { timeout: 15_000 }).toBe('online');

      // Download the S200 parameter set: its operation 10 runs on this station.
      await panel.getByRole('button', { name: 'Download parameter set…' }).click();
      const form = page.getByTestId('param-download');
      const product = form.getByLabel('Product and operation');
      expect(await product.locator('option').allTextContents()).toEqual([expect.stringContaining('S200')]);
      const torque = form.getByLabel('torque');
      expect(await torque.inputValue()).toBe('0.9');
      // out of limits: refused in the browser
      await torque.fill('1.2');
      await form.getByRole('button', { name: 'Send to machine' }).click();
      await form.getByText('above the maximum 1 Nm').waitFor();
      expect(received).toEqual([]);
      await torque.fill('0.9');
      await form.getByRole('button', { name: 'Send to machine' }).click();
      const outcome = page.getByTestId('command-outcome');
      await expect.poll(() => outcome.getAttribute('data-status'), { timeout: 5_000 }).toBe('pending');
      await shot(page, 'commands-pending-1280');
      await expect.poll(() => outcome.getAttribute('data-status'), { timeout: 20_000 }).toBe('confirmed');
      expect(await outcome.textContent()).toMatch(/torque\s*=\s*0\.9/);
      await shot(page, 'commands-params-confirmed-1280');

      // Stop, through the confirm step with a reason.
      await panel.getByRole('button', { name: 'Stop' }).click();
      const dialog = page.getByRole('dialog', { name: /Stop Station 10/ });
      await dialog.getByLabel(/Reason/).fill('e2e: changeover');
      await shot(page, 'commands-confirm-stop-1280');
      await dialog.getByRole('button', { name: 'Stop the machine' }).click();
      await expect.poll(() => outcome.textContent(), { timeout: 5_000 }).toContain('Stop');
      await expect.poll(() => outcome.getAttribute('data-status'), { timeout: 20_000 }).toBe('confirmed');
      expect(await outcome.textContent()).toMatch(/state\s*=\s*Stopped/);
      expect(received).toEqual(['writeParameters', 'stop']);

      // Both in the history, newest first.
      const rows = page.getByTestId('command-history').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
      await expect
        .poll(async () => [await rows.nth(0).getAttribute('data-kind'), await rows.nth(0).getAttribute('data-status')], { timeout: 15_000 })
        .toEqual(['stop', 'confirmed']);
      expect([await rows.nth(1).getAttribute('data-kind'), await rows.nth(1).getAttribute('data-status')]).toEqual(['writeParameters', 'confirmed']);
      expect(await rows.nth(0).textContent()).toContain('e2e: changeover');
      await expect.poll(() => page.getByTestId('machine-head').getAttribute('data-state'), { timeout: 10_000 }).toBe('Stopped');
      await shot(page, 'commands-history-1280');
      await shot(panel, 'commands-panel-1280');
      await shot(page.getByTestId('connection-health'), 'connection-health-1280');

      // The same page on a tablet.
      await page.setViewportSize({ width: 820, height: 1180 });
      await panel.getByRole('button', { name: 'Download parameter set…' }).click();
      await form.waitFor();
      await shot(page, 'commands-tablet');
      await shot(page.getByTestId('connection-health'), 'connection-health-tablet');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows only the history to an operator', async () => {
    const st10 = await equipment(ST10);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      const token = await server.tokenFor(['operator']);
      const res = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      const me = (await res.json()) as { user: { username: string } };
      await signIn(page, server, { username: me.user.username, password: server.userPassword });
      await page.goto(`${server.url}/live/${encodeURIComponent(st10.id)}`);
      const panel = page.getByTestId('commands-panel');
      await panel.getByTestId('command-history').waitFor();
      expect(await panel.getByRole('button', { name: 'Stop' }).count()).toBe(0);
      expect(await panel.getByRole('button', { name: 'Download parameter set…' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('edits the connections of a machine in the plant editor, with the server messages at the field', async () => {
    const st30 = await equipment(ST30);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await signIn(page, server);
      await page.goto(`${server.url}/plant/equipment/${encodeURIComponent(st30.id)}`);
      const form = page.getByRole('form', { name: 'Equipment details' });
      await form.waitFor();
      const editor = form.getByTestId('connections-editor');
      await editor.getByLabel('Protocol of the new connection').selectOption('sparkplug');
      await editor.getByRole('button', { name: '+ Add connection' }).click();
      // the OPC UA slot for browsing is there, disabled until the connector can browse
      await editor.getByLabel('Connection 1: protocol').selectOption('opcua');
      expect(await editor.getByRole('button', { name: 'Browse server…' }).isDisabled()).toBe(true);
      await editor.getByRole('button', { name: '+ Add item' }).click();
      await shot(page, 'plant-opcua-1280');
      await editor.getByLabel('Connection 1: protocol').selectOption('sparkplug');
      await editor.getByLabel('Group').fill('takt');
      await editor.getByLabel('Edge node').fill('assembly');
      await editor.getByRole('button', { name: '+ Add metric' }).click();
      await editor.getByLabel('Metric 1 of connection 1', { exact: true }).fill('Counts/Good');
      // a tag name with a space: only the server checks it
      await editor.getByLabel('Tag 1 of connection 1', { exact: true }).fill('good count');

      // and a tag of its own
      await form.getByTestId('tags-editor').getByRole('button', { name: '+ Add tag' }).click();
      await form.getByTestId('tags-editor').getByLabel('Name of tag 1').fill('boxCount');
      await form.getByTestId('tags-editor').getByLabel('Role of tag 1').selectOption('good');

      await form.getByRole('button', { name: 'Save changes' }).click();
      await editor.locator('.cell-error').first().waitFor();
      expect(await editor.locator('.cell-error').first().textContent()).toMatch(/letters, digits/);
      await shot(page, 'plant-connection-error-1280');
      await editor.getByLabel('Tag 1 of connection 1', { exact: true }).fill('good');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Equipment saved').waitFor();
      const saved = await equipment(ST30);
      expect(saved.connections).toEqual([{ protocol: 'sparkplug', group: 'takt', node: 'assembly', metrics: { 'Counts/Good': 'good' } }]);
      expect((saved as unknown as { tags: unknown[] }).tags).toEqual([{ name: 'boxCount', role: 'good' }]);
      await shot(form.getByTestId('tags-editor'), 'plant-tags-1280');
      await page.setViewportSize({ width: 820, height: 1180 });
      await shot(page, 'plant-connections-tablet');
      await shot(form.getByTestId('tags-editor'), 'plant-tags-tablet');
      await shot(form.getByTestId('connections-editor'), 'plant-connections-editor-tablet');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
