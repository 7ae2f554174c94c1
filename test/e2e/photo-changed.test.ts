import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { repoRoot, startE2eSession, type E2eSession } from './harness.js';

/**
 * A photo saved over by another program while it is open (Photoshop's Save, a crop): its 100 %
 * crops and a preview made again would be cut from the new file, while Fit and After show the old
 * one. Main refuses them, and the banner says the photo changed on disk, not that it was moved.
 */
const SOURCE = path.resolve(repoRoot, '../shared/data/real-blur/lai_lion.jpg');
const CANVAS = '[data-testid="canvas"]';

describe('a photo changed on disk while it is open', () => {
  let workDir = '';
  let session: E2eSession | undefined;
  const file = (name: string) => path.join(workDir, name);
  const page = () => session!.app.page;
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  const banner = () => page().getByTestId('error-banner').textContent();
  /** Another program saving over the photo: a new file put in its place, as editors write. */
  async function saveOver(name: string, edit: (photo: Sharp) => Sharp): Promise<void> {
    await edit(sharp(SOURCE).resize(640, 480, { fit: 'fill' })).jpeg({ quality: 90 }).toFile(file(`${name}.tmp`));
    await rename(file(`${name}.tmp`), file(name));
  }
  async function openAndDeblur(name: string): Promise<void> {
    await dropFile(page(), CANVAS, file(name), 'image/jpeg');
    await expect.poll(() => page().getByTestId('meta-file').textContent(), { timeout: 60_000 }).toBe(name);
    await button('Deblur').click();
    await expect.poll(() => page().getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('Done');
  }

  beforeAll(async () => {
    if (!existsSync(SOURCE)) throw new Error(`Test photo missing: ${SOURCE} (expected ../shared/data next to the repo)`);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-photo-changed-'));
    for (const name of ['same.jpg', 'cropped.jpg', 'other.jpg', 'again.jpg']) await saveOver(name, (photo) => photo);
    await mkdir(file('user-data'), { recursive: true });
    // Under one preview's bytes: only the newest preview is held, the others are made again.
    session = await startE2eSession(file('user-data'), undefined, { maxPreviewBytes: 1 });
    await page().setViewportSize({ width: 1280, height: 800 });
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('edited at the same size: at 100 % Before shows no crop of the new file, and the banner says it changed', async () => {
    await openAndDeblur('same.jpg');
    await saveOver('same.jpg', (photo) => photo.negate({ alpha: false }));
    await button('Before').click();
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    await expect.poll(banner, { timeout: 60_000 }).toContain('same.jpg changed on disk since it was opened');
    expect(await banner()).not.toContain('moved, renamed or deleted');
    expect(await page().getByTestId('detail-before-crop').count()).toBe(0);
    // Main serves no crop of it at all: not of the new pixels, not under another id.
    const imageId = (await page().getByTestId('detail-before').locator('img').first().getAttribute('src'))!.split('/').at(-1)!;
    expect(imageId).toMatch(/^img_/);
    const crop = await session!.services.handleImageRequest(`unshake-image://crop/${imageId}/0/0/64/64`);
    expect(crop.status).toBe(404);
    expect(await crop.text()).toContain('same.jpg changed on disk since it was opened');
    await page().keyboard.press('Escape');
  });

  it('cropped: shown again after a reload, the banner says it changed on disk, not that it was moved, renamed or deleted', async () => {
    await openAndDeblur('cropped.jpg');
    await dropFile(page(), CANVAS, file('other.jpg'), 'image/jpeg');
    await expect.poll(() => page().getByTestId('meta-file').textContent(), { timeout: 60_000 }).toBe('other.jpg');
    await sharp(file('cropped.jpg')).extract({ left: 0, top: 0, width: 600, height: 480 }).toFile(file('cropped.tmp.jpg'));
    await rename(file('cropped.tmp.jpg'), file('cropped.jpg'));
    await button('Show cropped.jpg and its result').click();
    await expect.poll(() => page().getByTestId('meta-file').textContent()).toBe('cropped.jpg');
    // Shown again with nothing kept by the browser (Electron's webFrame.clearCache): only main can answer.
    const cdp = await page().context().newCDPSession(page());
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page().reload();
    await expect.poll(banner, { timeout: 60_000 }).toContain('cropped.jpg changed on disk since it was opened');
    expect(await banner()).not.toContain('moved, renamed or deleted');
    expect(await page().getByTestId('error-banner').count()).toBe(1);
  });

  it('Deblur on its result says it changed, again after the banner was dismissed; Save writes the old result with a note', async () => {
    await openAndDeblur('again.jpg');
    await saveOver('again.jpg', (photo) => photo.negate({ alpha: false }));
    const changed = 'again.jpg changed on disk since it was opened';
    // Same model and selection: not "already deblurred, the result is on screen", but why it is not the photo.
    await button('Deblur').click();
    await expect.poll(banner, { timeout: 60_000 }).toContain(changed);
    expect(await page().getByTestId('done-notice').count()).toBe(0);
    // Dismissed, then found changed again on the next press: said again.
    await page().getByRole('button', { name: 'Dismiss error' }).click();
    await expect.poll(() => page().getByTestId('error-banner').count()).toBe(0);
    await button('Deblur').click();
    await expect.poll(banner, { timeout: 60_000 }).toContain(changed);
    // Saved (the original is never written over), of the picture as it was opened, and said so.
    await button('Save').click();
    await expect.poll(() => page().getByTestId('saved-path').textContent(), { timeout: 60_000 }).toBe(file('again-unshaken.jpg'));
    expect(existsSync(file('again-unshaken.jpg'))).toBe(true);
    await expect.poll(() => page().getByTestId('result-note').allTextContents()).toContain('again.jpg has changed on disk since it was opened; this result is of the picture as it was.');
  });
});
