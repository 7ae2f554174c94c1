import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * A result whose file was deleted after its deblur (by hand, a disk cleaner), in Chromium with the
 * real services: asking for its 100 % view tells the user in the banner, naming the photo, drops
 * "After" instead of a broken image or an endless "Loading", and Deblur remakes it.
 */
const SOURCE = path.resolve(repoRoot, '../shared/data/real-blur/lai_lion.jpg');
const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'IMG_0001.jpg';

describe('a result whose file is gone', () => {
  const { file, page, app } = useE2eSession('result-lost', async (file) => {
    if (!existsSync(SOURCE)) throw new Error(`Test photo missing: ${SOURCE} (expected ../shared/data next to the repo)`);
    await sharp(SOURCE).resize(640, 480, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file(PHOTO));
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  /** The result's preview on screen, loaded: its pixel width (0 while it is not). */
  const afterWidth = () => page().getByTestId('result-preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth, undefined, { timeout: 5_000 });

  it('its 100 % view says so in the banner, "After" goes, and Deblur remakes it', async () => {
    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 60_000 }).toBe(PHOTO);
    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await expect.poll(afterWidth).toBe(640);

    const results = file('user-data/results');
    for (const name of await readdir(results)) await rm(path.join(results, name));
    await button('100 %').click();
    await expect.poll(() => text('error-banner'), { timeout: 30_000 }).toContain(
      `The deblurred result of ${PHOTO} is no longer there (its file was removed or cut short). Deblur again to remake it.`,
    );
    expect(await text('job-status')).toBe('Result file removed or cut short: deblur the photo again');
    // No result side left to wait for: the photo's own crop, no "Loading" that never ends.
    await expect.poll(() => page().getByTestId('detail-after').count()).toBe(0);
    await expect.poll(() => page().getByTestId('detail-loading').count(), { timeout: 30_000 }).toBe(0);
    expect(await button('Save').isDisabled()).toBe(true);

    await button('Fit').click();
    expect(await page().getByTestId('result-preview').count()).toBe(0);
    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await expect.poll(afterWidth).toBe(640);
    expect(await button('Save').isEnabled()).toBe(true);
    expect(app().pageErrors).toEqual([]);
  });

  it('a photo deleted after it opened: its 100 % view ends "Loading" and says it shows the enlarged preview', async () => {
    await sharp(SOURCE).resize(640, 480, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file('gone.jpg'));
    await dropFile(page(), CANVAS, file('gone.jpg'), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 60_000 }).toBe('gone.jpg');
    await rm(file('gone.jpg'));
    await button('100 %').click();
    await expect.poll(() => text('detail-loading'), { timeout: 30_000 }).toBe('Full resolution could not be loaded: enlarged preview');
    expect(await page().getByTestId('detail-before-crop').count()).toBe(0);
  });
});
