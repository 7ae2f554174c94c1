import { existsSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded, dropFile, focusedTestId, pendingRequests, refocus } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * What a photographer sees around the photo, in Chromium with the real services: the strength
 * slider applies to a finished result at once (and Save writes it as shown); a result made with
 * another model is flagged and cannot be saved; the Before/After
 * toggle never covers the photo (landscape and portrait, at common window sizes); the progress
 * bar's track shows against what it sits on.
 */

const DATA = path.resolve(repoRoot, '../shared/data/gopro-official');
const CANVAS = '[data-testid="canvas"]';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 640 },
  { width: 1920, height: 1080 },
] as const;

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

type ProbeElement = { parentElement: ProbeElement | null; getAttribute(name: string): string | null; closest(selector: string): ProbeElement | null };
type ProbeWindow = {
  document: { querySelectorAll(selector: string): Iterable<ProbeElement>; querySelector(selector: string): (ProbeElement & { complete: boolean; naturalWidth: number }) | null };
  getComputedStyle(el: ProbeElement): { backgroundColor: string };
};

describe('editor UX in Chromium with the real services', () => {
  const { file, page, app, services } = useE2eSession('ux', async (file) => {
    if (!existsSync(path.join(DATA, 'Flower_blur1.png'))) {
      throw new Error(`Test photos missing in ${DATA}. Fetch the shared data set (../shared/data/fetch-photos.sh).`);
    }
    await copyFile(path.join(DATA, 'Flower_blur1.png'), file('Flower_blur1.png'));
    // An upright portrait, large enough that its deblur runs for a while (tiles, progress).
    await sharp(path.join(DATA, 'Istanbul_blur1.png')).resize(1400, 2100, { fit: 'cover' }).jpeg({ quality: 90 }).toFile(file('portrait.jpg'));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  const slider = () => page().locator('input[type="range"]');
  const notice = () => page().getByTestId('stale-notice');

  async function open(name: string, mimeType: string): Promise<void> {
    await dropFile(page(), CANVAS, file(name), mimeType);
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(name);
    await expect.poll(() => button('Deblur').isEnabled(), { timeout: 30_000 }).toBe(true);
  }

  async function resultShown(): Promise<void> {
    await page().waitForFunction(
      () => {
        const img = (globalThis as unknown as ProbeWindow).document.querySelector('[data-testid="result-preview"]');
        return img !== null && img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 120_000 },
    );
  }

  /** At each window size, the toggle and the photo are both on screen and do not overlap. */
  async function expectToggleClearOfPhoto(): Promise<void> {
    const toggle = page().getByRole('group', { name: 'Compare before and after' });
    const photo = page().getByTestId('result-preview');
    for (const size of SIZES) {
      await page().setViewportSize(size);
      await expect.poll(() => page().evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth)).toBe(size.width);
      const [toggleBox, photoBox] = await Promise.all([toggle.boundingBox(), photo.boundingBox()]);
      expect(toggleBox, `toggle at ${size.width}×${size.height}`).not.toBeNull();
      expect(photoBox, `photo at ${size.width}×${size.height}`).not.toBeNull();
      expect(photoBox!.height, `photo at ${size.width}×${size.height}`).toBeGreaterThan(size.height / 3);
      expect(intersects(toggleBox!, photoBox!), `toggle over the photo at ${size.width}×${size.height}`).toBe(false);
    }
    await page().setViewportSize({ width: 1280, height: 800 });
  }

  it('says in plain words where deblurring runs, and names models short enough to read', async () => {
    await appLoaded(page());
    expect(await text('execution-provider')).toMatch(/^(Graphics card \(.+\) or processor: chosen at the next deblur|CPU)$/);
    // The full names ("Unshake base (Improved-DeblurGAN, CPU-trained)") were cut off in the toolbar.
    // One entry per model: the alias, not the bundled model it runs again, and no placeholder weights.
    // The model list is its own request: it may come after the engine's info.
    await expect.poll(() => page().locator('select option').allTextContents()).toEqual(['Base model — Unshake base', 'Quick look']);
    const select = await page().locator('select').evaluate((el) => {
      const e = el as unknown as { scrollWidth: number; clientWidth: number };
      return { scroll: e.scrollWidth, client: e.clientWidth };
    });
    expect(select.scroll).toBeLessThanOrEqual(select.client);
  });

  it('the strength slider applies to the result at once; only another model makes the result out of date', async () => {
    await open('Flower_blur1.png', 'image/png');
    await slider().fill('100');
    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await resultShown();
    await expect.poll(() => text('execution-provider')).toBe('CPU');
    expect(await text('status-bar')).toContain('Runs on CPU');
    expect(await button('Save').isEnabled()).toBe(true);
    expect(await notice().count()).toBe(0);
    const after = page().getByTestId('result-preview');
    const before = page().getByTestId('preview');
    const opacity = () => after.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity);
    const visible = (locator: typeof after) => locator.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { visibility: string } }).getComputedStyle(el).visibility);
    expect(await opacity()).toBe('1');

    // The keyboard moves the slider: the result is shown over the original at that strength, with
    // no second run, and it can be saved as shown.
    for (let i = 0; i < 35; i++) await slider().press('ArrowLeft');
    await expect.poll(opacity).toBe('0.65');
    expect(await visible(before)).toBe('visible');
    expect(await notice().count()).toBe(0);
    expect(await button('Save').isEnabled()).toBe(true);
    expect(await page().getByRole('img', { name: 'After: Flower_blur1.png, deblurred at 65 %' }).count()).toBe(1);
    const jobsBefore = await page().getByTestId('job-panel').locator('li').count();
    await button('Save').click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file('Flower_blur1-unshaken.png'));
    expect(await page().getByTestId('job-panel').locator('li').count()).toBe(jobsBefore);
    // Saved as shown: Save waits for another strength, then writes a second file, never over the first.
    await expect.poll(() => button('Save').isDisabled()).toBe(true);
    await slider().press('ArrowRight');
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
    const [original, saved] = await Promise.all(
      [file('Flower_blur1.png'), file('Flower_blur1-unshaken.png')].map((f) => sharp(f).raw().toBuffer()),
    );
    expect(saved!.equals(original!)).toBe(false);

    // Another model: the result on screen is flagged and cannot be saved until Deblur runs again.
    const select = page().locator('select');
    await select.selectOption({ label: 'Quick look' });
    await expect.poll(() => button('Save').isDisabled()).toBe(true);
    await expect.poll(() => notice().textContent()).toBe('Made with Base model — Unshake base. Deblur again to use Quick look.');
    expect(await button('Deblur').isEnabled()).toBe(true);
    await select.selectOption({ label: 'Base model — Unshake base' });
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
    expect(await notice().count()).toBe(0);
  });

  it('the Before/After toggle never covers a landscape photo', async () => {
    await expectToggleClearOfPhoto();
  });

  it('the progress track shows against the status bar and the job card; the toggle never covers a portrait', async () => {
    await open('portrait.jpg', 'image/jpeg');
    await button('Deblur').click();
    // Measured in the page the moment the bars appear: no race with the job finishing.
    const handle = await page().waitForFunction(
      () => {
        const w = globalThis as unknown as ProbeWindow;
        const bars = [...w.document.querySelectorAll('[role="progressbar"]')];
        if (bars.length < 2) return null;
        const opaque = (el: ProbeElement | null): string => {
          for (let at = el; at; at = at.parentElement) {
            const colour = w.getComputedStyle(at).backgroundColor;
            if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
          }
          return 'none';
        };
        return bars.map((bar) => ({
          where: bar.closest('[data-testid="status-bar"]') ? 'status bar' : 'job card',
          track: w.getComputedStyle(bar).backgroundColor,
          container: opaque(bar.parentElement),
        }));
      },
      undefined,
      { timeout: 60_000 },
    );
    const bars = (await handle.jsonValue()) as { where: string; track: string; container: string }[];
    expect(bars.map((bar) => bar.where).sort()).toEqual(['job card', 'status bar']);
    for (const bar of bars) expect(bar.track, `track in the ${bar.where}`).not.toBe(bar.container);

    await expect.poll(() => text('job-status'), { timeout: 180_000 }).toBe('Done');
    await resultShown();
    await expectToggleClearOfPhoto();
  });

  it('Cancel in the status bar stops the deblur, leaves the result before on screen, and hands the focus to Deblur', async () => {
    // Nothing changed since the result: Deblur says so, and runs only from Deblur again.
    await button('Deblur').click();
    await button('Deblur again').click();
    const cancel = page().getByTestId('status-bar').getByRole('button', { name: 'Cancel' });
    await cancel.focus();
    await cancel.press('Enter');
    await expect.poll(() => page().getByTestId('job-panel').locator('li').first().getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled');
    await expect.poll(() => text('job-status')).toBe('Done');
    expect(await button('Save').isEnabled()).toBe(true);
    await expect.poll(() => focusedTestId(page())).toBe('deblur-button');
  });

  it('an earlier photo’s result comes back from its job card, as it was', async () => {
    // The portrait is open now; the flower's card offers its result back.
    expect(await text('meta-file')).toBe('portrait.jpg');
    // Another model picked meanwhile: Show brings the one the result was made with back too.
    await page().locator('select').selectOption({ label: 'Quick look' });
    const show = page().getByRole('button', { name: 'Show Flower_blur1.png and its result' });
    await show.press('Enter');
    await expect.poll(() => text('meta-file')).toBe('Flower_blur1.png');
    // Show is gone with its photo back on screen: the focus moves on to Save (its strength was changed
    // after the last save), not back to the top of the page.
    await expect.poll(() => focusedTestId(page())).toBe('save-button');
    expect(await button('Save').isEnabled()).toBe(true);
    expect(await page().locator('select').inputValue()).toBe('base');
    expect(await notice().count()).toBe(0);
    await resultShown();
    expect(await page().getByTestId('result-preview').getAttribute('alt')).toMatch(/^After: Flower_blur1\.png/);
    expect(await text('saved-path')).toBe(file('Flower_blur1-unshaken.png'));
    expect(await show.count()).toBe(0);
    expect(await page().getByRole('button', { name: 'Show portrait.jpg and its result' }).count()).toBe(1);
  });

  it('a reloaded window gets its results back: the cards with their photos and saves, the newest on screen, followed while it runs', async () => {
    const cards = page().getByTestId('job-panel').locator('li');
    await page().getByRole('button', { name: 'Show portrait.jpg and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('portrait.jpg');
    // Deblurred again (the base model takes seconds on this portrait): the reload comes while it runs.
    await button('Deblur').click();
    await button('Deblur again').click();
    await expect.poll(() => page().getByTestId('job-status').textContent(), { timeout: 60_000 }).toMatch(/^Waiting (to start|for .+ to finish)…$| · /);
    await slider().fill('70');
    const titles = await cards.locator('.kind').allTextContents();
    const saves = await cards.getByTestId('job-save').allTextContents();
    expect(saves.length).toBeGreaterThan(0);
    await expect.poll(() => pendingRequests(page())).toBe(0);
    // Still under way as the window goes (main's word; queued while the engine finishes stopping
    // the deblur cancelled before): the reloaded one has a job to follow.
    const reply = await services().dispatch('job:editor-jobs', {});
    const status = reply.ok ? (reply.value as { deblurs: { job: { state: { status: string } } }[] }).deblurs.at(-1)?.job.state.status : undefined;
    expect(['queued', 'running']).toContain(status);
    await page().reload();
    await appLoaded(page());

    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('portrait.jpg');
    // The strength it was left at, not the default: Save writes at what the slider says.
    expect(await slider().inputValue()).toBe('70');
    await expect.poll(() => text('job-status'), { timeout: 180_000 }).toBe('Done');
    await resultShown();
    expect(await button('Save').isEnabled()).toBe(true);
    expect(await cards.locator('.kind').allTextContents()).toEqual(titles);
    expect(await cards.getByTestId('job-save').allTextContents()).toEqual(saves);
    // The flower's result is still there to show and save, with the selection and model it was made with.
    await page().getByRole('button', { name: 'Show Flower_blur1.png and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('Flower_blur1.png');
    await resultShown();
    expect(await page().locator('select').inputValue()).toBe('base');
    expect(await notice().count()).toBe(0);

    // A photo opened after the last deblur is the one that comes back, with no result yet.
    await open('portrait.jpg', 'image/jpeg');
    // The window tells main which photo it shows; that word must have gone before the reload.
    await expect.poll(() => pendingRequests(page())).toBe(0);
    await page().reload();
    await appLoaded(page());
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('portrait.jpg');
    expect(await page().getByTestId('result-preview').count()).toBe(0);
    expect(await cards.locator('.kind').allTextContents()).toEqual(titles);
    // A result brought back with Show is what comes back after the next reload.
    await page().getByRole('button', { name: 'Show Flower_blur1.png and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('Flower_blur1.png');
    await expect.poll(() => pendingRequests(page())).toBe(0);
    await page().reload();
    await appLoaded(page());
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('Flower_blur1.png');
    await resultShown();
    // Of the portrait's two results, the older one shown with Show is the one that comes back.
    await page().getByRole('button', { name: 'Show portrait.jpg and its result' }).last().click();
    await expect.poll(() => text('meta-file')).toBe('portrait.jpg');
    const older = await page().getByTestId('result-preview').getAttribute('src');
    await expect.poll(() => pendingRequests(page())).toBe(0);
    await page().reload();
    await appLoaded(page());
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('portrait.jpg');
    await resultShown();
    expect(await page().getByTestId('result-preview').getAttribute('src')).toBe(older);
    expect(await cards.first().getByRole('button', { name: 'Show portrait.jpg and its result' }).count()).toBe(1);
  });

  it('lists a model installed while the app runs once the window has the focus again, and drops a deleted one', async () => {
    const dir = await installModelCopy(file('user-data'), 'my-camera', 'My camera');
    const options = () => page().locator('select option').allTextContents();
    const focus = () => refocus(page());
    expect(await options()).not.toContain('My camera');
    await focus();
    await expect.poll(options).toContain('My camera');
    await page().locator('select').selectOption({ label: 'My camera' });

    // Deleted (in a file manager): no longer offered, but still the choice, said to be unavailable,
    // so nothing is deblurred with another model in its place (model-unavailable.test.ts).
    await rm(dir, { recursive: true });
    await focus();
    await expect.poll(options).not.toContain('My camera');
    expect(await page().locator('select').inputValue()).toBe('my-camera');
    expect(await page().getByTestId('unavailable-model').textContent()).toBe('My camera — cannot be used');
  });

  it('ran with no page errors and no Content-Security-Policy violations', async () => {
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });
});
