// Browser test of the plant editor: sign in through the page, add a machine under a line,
// find it in the tree, and read its audit trail. Needs web/dist (the test command builds it first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, shot, signIn } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
interface EquipmentRow {
  id: string;
  path: string;
  level: string;
  name: string;
}

describe('plant editor in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a machine under a line and shows it in the tree and its audit trail', async () => {
    const res = await fetch(`${server.url}/api/equipment`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(res.status).toBe(200);
    const equipment = (await res.json()) as EquipmentRow[];
    const line = equipment.find((e) => e.level === 'line') ?? equipment.find((e) => e.level === 'area');
    expect(line, 'the demo plant has a line or an area').toBeTruthy();

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await signIn(page, server);
      await page.waitForURL(/\/plant\/equipment/);
      const tree = page.getByTestId('equipment-tree');
      await tree.waitFor();
      await shot(page, 'desktop-plant');

      // Select the line in the tree and add a child machine.
      await tree.locator(`li[data-path="${line!.path}"] > .tree-row .tree-label`).click();
      await expect.poll(() => page.getByTestId('equipment-path').textContent()).toBe(line!.path);
      await page.getByRole('button', { name: '+ Add child' }).click();
      await page.waitForURL(/\/plant\/equipment\/new\?parent=/);

      const extId = `e2e-press-${Date.now().toString(36)}`;
      const form = page.getByRole('form', { name: 'New equipment' });
      await form.getByLabel('Name').fill('E2E test press');
      await form.getByLabel('Identifier (extId)').fill(extId);
      await form.getByLabel('Level').selectOption('machine');
      await form.getByRole('button', { name: 'Create equipment' }).click();

      // The new machine opens, and the tree shows it under the line.
      const newPath = `${line!.path}/${extId}`;
      await expect.poll(() => page.getByTestId('equipment-path').textContent(), { timeout: 15_000 }).toBe(newPath);
      const node = tree.locator(`li[data-path="${newPath}"]`);
      await node.waitFor();
      expect(await node.locator('.tree-name').first().textContent()).toBe('E2E test press');
      expect(await node.getAttribute('aria-selected')).toBe('true');
      await shot(page, 'desktop-new-machine');

      // Its audit trail has the create entry, made by the admin.
      await page.getByRole('tab', { name: 'Audit trail' }).click();
      const entry = page.getByTestId('audit-trail').locator('[data-testid="audit-entry"][data-action="create"]');
      await entry.first().waitFor();
      expect(await entry.count()).toBe(1);
      expect(await entry.getByTestId('audit-actor').textContent()).toBe(server.adminUsername);
      expect(await entry.locator('.diff-table').textContent()).toContain(extId);
      await shot(page, 'desktop-audit');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('exports the plant file and imports it again without changes', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    try {
      await signIn(page, server);
      await page.goto(`${server.url}/plant/file`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download YAML' }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.yaml$/);
      const file = await download.path();
      await page.getByTestId('plant-file-input').setInputFiles(file);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const result = page.getByTestId('import-result');
      await result.waitFor();
      expect(await result.textContent()).toContain('Import finished');
      // The file is what the server already holds: nothing new, nothing changed.
      expect(await result.locator('dt:text-is("created") + dd').textContent()).toBe('none');
      expect(await result.locator('dt:text-is("updated") + dd').textContent()).toBe('none');
      await shot(page, 'desktop-import');
    } finally {
      await context.close();
    }
  });

  it('collapses the sidebar into a drawer on a tablet', async () => {
    const context = await browser.newContext({ viewport: { width: 820, height: 1180 }, hasTouch: true });
    const page = await context.newPage();
    try {
      await signIn(page, server);
      await page.getByTestId('equipment-tree').waitFor();
      const menu = page.getByRole('button', { name: 'Open navigation' });
      expect(await menu.isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: 'Materials' }).count()).toBe(0);
      await shot(page, 'tablet-plant');

      // Touch targets are at least 44 px tall.
      const box = await menu.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);

      await menu.click();
      await page.getByRole('link', { name: 'Materials' }).click();
      await page.waitForURL(/\/plant\/materials/);
      await page.getByRole('list', { name: 'Materials' }).waitFor();
      expect(await page.getByRole('button', { name: 'Open navigation' }).isVisible()).toBe(true);
      await shot(page, 'tablet-materials');
    } finally {
      await context.close();
    }
  });
});
