import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphicsProviders } from '../../model/src/infer/provider-chain.js';
import { appLoaded } from './chromium-page.js';
import { installModelCopy, startE2eSession, type E2eSession } from './harness.js';

/**
 * What outlives a restart, in Chromium with the real services and settings file: each restart is
 * a new session (services, renderer, page) on the same user-data folder, as the app is on a
 * relaunch. And a settings file that cannot be read starts the app all the same, saying so.
 */
describe('settings across a restart', () => {
  let workDir = '';
  let session: E2eSession | undefined;
  const userData = () => path.join(workDir, 'user-data');
  const storedSettings = async () => JSON.parse(await readFile(path.join(userData(), 'settings.json'), 'utf8')) as Record<string, unknown>;
  const slider = (page: Page) => page.getByRole('slider');
  const restart = async (dir: string): Promise<Page> => {
    await session?.close();
    session = await startE2eSession(dir);
    await appLoaded(session.app.page);
    return session.app.page;
  };

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-settings-'));
    await mkdir(userData(), { recursive: true });
    await installModelCopy(userData(), 'street', 'Street shots');
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('the model picked in the toolbar and the strength at start set in the Output panel are there after a restart', async () => {
    let page = await restart(userData());
    await page.locator('header select').selectOption({ label: 'Street shots' });
    const field = page.getByTestId('setting-default-strength');
    await field.fill('60');
    await field.press('Tab');
    // The slider was not moved: it starts from the new default at once.
    await expect.poll(() => slider(page).inputValue()).toBe('60');
    await expect.poll(storedSettings).toMatchObject({ defaultModelId: 'street', defaultStrength: 0.6 });
    // A move of the slider is this window's only: the next start is at the default again.
    await slider(page).press('ArrowLeft');
    await expect.poll(() => slider(page).inputValue()).toBe('59');

    page = await restart(userData());
    await expect.poll(() => page.locator('header select').inputValue()).toBe('street');
    expect(await slider(page).inputValue()).toBe('60');
    expect(await page.getByTestId('setting-default-strength').inputValue()).toBe('60');
  });

  it('a settings.json that is a folder: the app starts with the defaults and says why and where', async () => {
    const dir = path.join(workDir, 'folder-settings');
    await mkdir(path.join(dir, 'settings.json'), { recursive: true });
    const page = await restart(dir);
    await expect.poll(() => page.getByTestId('error-banner').textContent(), { timeout: 10_000 }).toContain(path.join(dir, 'settings.json'));
    expect(await page.getByTestId('error-banner').textContent()).toContain('it is a folder');
    expect(await page.getByTestId('error-code').textContent()).toBe('FILE_UNREADABLE');
    expect(await slider(page).inputValue()).toBe('100');
    // Told once: a reloaded window does not say it again.
    await page.reload();
    await appLoaded(page);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
  });

  it('a hand-edited settings.json: values it cannot use are named in the banner with what is used instead, and "false" means off', async () => {
    const dir = path.join(workDir, 'hand-edited');
    await mkdir(dir, { recursive: true });
    const text = '{\n  // mine\n  "defaultStrength": 60, "outputFormat": "JPEG", "jpegQuality": "90", "maxMegapixels": 300.5,\n  "singleKeyShortcuts": "false", "myNote": "keep me",\n}';
    await writeFile(path.join(dir, 'settings.json'), text);
    const page = await restart(dir);
    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain(`Unshake could not use 2 settings in ${path.join(dir, 'settings.json')}`);
    expect(await banner.textContent()).toContain('Strength at start ("defaultStrength") is 60 there, but must be a number from 0 to 1 (0.6 is 60 %): 100 % is used.');
    expect(await banner.textContent()).toContain('("maxMegapixels") is 300.5 there, but must be a whole number from 1 to 2000: 250 is used.');
    // What the panel shows is what is in force: the obvious spellings as meant, the others at their defaults.
    const panel = page.getByTestId('output-settings');
    expect(await panel.getByTestId('setting-single-keys').isChecked()).toBe(false);
    expect(await panel.getByRole('button', { name: 'JPEG', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await panel.getByTestId('setting-quality').inputValue()).toBe('90');
    expect(await panel.getByTestId('setting-default-strength').inputValue()).toBe('100');
    // The file is the user's: left as it is.
    expect(await readFile(path.join(dir, 'settings.json'), 'utf8')).toBe(text);
  });

  it('the status bar says where work runs before the first deblur: the processor with the card turned off, else what this install may try', async () => {
    const dir = path.join(workDir, 'processor-only');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'settings.json'), '{ "preferredExecutionProvider": "cpu" }');
    const page = await restart(dir);
    const status = page.getByTestId('status-bar');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain('Runs on CPU (graphics card turned off in Output)');
    expect(await page.getByTestId('execution-provider').getAttribute('data-provider')).toBe('cpu');
    // Turned on: the card this ONNX Runtime build may try is named, but not claimed to load.
    await page.getByTestId('setting-use-gpu').check();
    const graphics = graphicsProviders();
    if (graphics.length > 0) {
      await expect.poll(() => page.getByTestId('execution-provider').textContent()).toMatch(/^Graphics card \(.+\) or processor: chosen at the next deblur$/);
      // On Linux x64, CUDA is an add-on installed apart: said so.
      if (graphics.some((p) => p.name === 'cuda' && !p.bundled)) expect(await page.getByTestId('execution-provider').textContent()).toContain('CUDA if installed');
    } else {
      await expect.poll(() => status.textContent()).toContain('Runs on CPU (this install has no graphics-card support)');
    }
    await page.getByTestId('setting-use-gpu').uncheck();
    await expect.poll(() => status.textContent()).toContain('Runs on CPU (graphics card turned off in Output)');
  });

  it('two fine-tunes named alike read apart in the Model menu: the names are not cut to one', async () => {
    const dir = path.join(workDir, 'two-nights');
    await installModelCopy(dir, 'night-tripod', 'Night (tripod)');
    await installModelCopy(dir, 'night-handheld', 'Night (handheld)');
    const page = await restart(dir);
    await expect.poll(() => page.locator('header select option').allTextContents()).toEqual(expect.arrayContaining(['Night (handheld)', 'Night (tripod)']));
    expect(await page.locator('header select option').allTextContents()).not.toContain('Night');
  });
});
