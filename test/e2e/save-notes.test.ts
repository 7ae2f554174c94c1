import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded, dropFile } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';
import { liveRecord, recordLiveRegions } from './live-regions.js';

/**
 * What a save says about itself, in Chromium with the real services: a q98 JPEG saved with the
 * setting at 95 keeps its own quality, said next to the result and on the job card, also after a
 * reload; a greyed Save says why in words that fit the photo; Ctrl+S on it is heard at each press.
 */
const CANVAS = '[data-testid="canvas"]';
const KODAK = '../shared/data/photos-extra/Kodak24';
const KEPT = "q98.jpg is a JPEG of quality 98: its result is kept at quality 98, the photo's own, above the setting's 95.";

describe('what a save says', () => {
  const { file, page } = useE2eSession('save-notes', async (file) => {
    // Small, with the instant model: the deblur is not what is tested.
    for (const name of ['q98.jpg', 'fine.jpg']) await sharp(path.resolve(repoRoot, KODAK, 'kodim03.png')).resize(240).jpeg({ quality: 98 }).toFile(file(name));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const save = () => page().getByRole('button', { name: 'Save', exact: true });
  const jobSave = () => page().getByTestId('job-panel').getByTestId('job-save');
  const notes = () => page().getByTestId('result-note').allTextContents();

  /** `name` deblurred and saved next to it with the setting at 95, each test its own (one failing leaves the others be). */
  async function deblurAndSave(name: string): Promise<void> {
    await dropFile(page(), CANVAS, file(name), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(name);
    await page().locator('select').selectOption({ label: 'Quick look' });
    await page().getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await setQuality(95);
    await save().click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file(`${path.parse(name).name}-unshaken.jpg`));
  }

  async function setQuality(quality: number): Promise<void> {
    const field = page().getByTestId('setting-quality');
    await field.fill(String(quality));
    await field.press('Tab');
    await expect.poll(() => field.inputValue()).toBe(String(quality));
  }

  it('the quality a q98 JPEG keeps is said next to the result and on its save line, and still after a reload', async () => {
    await deblurAndSave('q98.jpg');
    await expect.poll(notes).toContain(KEPT);
    expect(await jobSave().textContent()).toContain(KEPT);

    await page().reload();
    await appLoaded(page());
    await expect.poll(() => text('saved-path'), { timeout: 30_000 }).toBe(file('q98-unshaken.jpg'));
    await expect.poll(notes).toContain(KEPT);
    expect(await text('result-notes-status')).toContain(KEPT);
    expect(await jobSave().textContent()).toContain(KEPT);
  });

  it('a greyed Save on a q98 JPEG says the quality setting below 98 writes the same file, and Ctrl+S says so at each press', async () => {
    await deblurAndSave('fine.jpg');
    await setQuality(90);
    await expect.poll(() => save().getAttribute('title')).toContain('keeps its own quality 98');
    expect(await save().isDisabled()).toBe(true);
    const why = (await save().getAttribute('title')) ?? '';
    expect(why).not.toContain('change one of them');

    await recordLiveRegions(page());
    const heard = async () => (await liveRecord(page())).said.filter((said) => said === why).length;
    await page().locator('body').press('Control+s');
    await expect.poll(() => text('saved-notice')).toBe(why);
    await expect.poll(heard).toBe(1);
    // The same words again: a screen reader hears a region only when its text changes.
    await page().locator('body').press('Control+s');
    await expect.poll(heard).toBe(2);
    expect(await text('result-notice-status')).toBe(why);
  });
});
