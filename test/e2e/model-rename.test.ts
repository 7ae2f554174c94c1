import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appLoaded, focusedTestId } from './chromium-page.js';
import { installModelCopy, startE2eSession, type E2eSession } from './harness.js';

/** The focused element's accessible name as set by aria-label. */
const focusedLabel = (page: Page): Promise<string | null> =>
  page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('aria-label') ?? null);

/** Rename in Your models, by keyboard alone, over the real services: the manifest, the menu and the note follow. */
describe('renaming a model', () => {
  let workDir = '';
  let session: E2eSession | undefined;
  const userData = () => path.join(workDir, 'user-data');

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-rename-'));
    await installModelCopy(userData(), 'pairs', 'pairs');
    await installModelCopy(userData(), 'street', 'Street shots');
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('Rename, type, Enter: the new name is in the manifest, the card, the Model menu and the note; a taken name is refused in words; Escape goes back', async () => {
    session = await startE2eSession(userData());
    const page = session.app.page;
    await appLoaded(page);

    await page.getByRole('button', { name: 'Rename pairs' }).focus();
    await page.keyboard.press('Enter');
    // The field is named after the model, and has the focus.
    await expect.poll(() => page.getByRole('textbox', { name: 'New name for pairs' }).count()).toBe(1);
    await expect.poll(() => focusedTestId(page)).toBe('rename-input');
    // A name another model has: refused under the field, which stays open.
    await page.keyboard.type('street SHOTS');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('rename-problem').textContent()).toBe('Another model is already called “Street shots”: choose another name.');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Harbour at dusk');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.getByTestId('library-note').textContent()).toBe('Renamed “pairs” to “Harbour at dusk”.');
    await expect.poll(() => page.getByTestId('user-model').locator('.name').allTextContents()).toEqual(expect.arrayContaining(['Harbour at dusk', 'Street shots']));
    await expect.poll(() => page.locator('header select option').allTextContents()).toContain('Harbour at dusk');
    const manifest = JSON.parse(await readFile(path.join(userData(), 'models/pairs/pairs.manifest.json'), 'utf8')) as { id: string; name: string };
    expect(manifest).toMatchObject({ id: 'pairs', name: 'Harbour at dusk' });
    // The focus is back on the card's Rename, now named after the new name.
    await expect.poll(() => focusedLabel(page)).toBe('Rename Harbour at dusk');

    // Escape leaves the name as it was.
    await page.keyboard.press('Enter');
    await page.keyboard.type('Thrown away');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('rename-input').count()).toBe(0);
    await expect.poll(() => focusedLabel(page)).toBe('Rename Harbour at dusk');
    expect(await page.getByTestId('user-model').locator('.name').allTextContents()).toContain('Harbour at dusk');
  });
});
