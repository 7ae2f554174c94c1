import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * A save's error banner, in Chromium with the real services: a refused save says why, and a later
 * save of the same photo that writes its file takes that banner back (it no longer says what is
 * true); another error shown meanwhile stays until it is read and dismissed.
 */
const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'ladybird.jpg';

describe('a save’s error banner', () => {
  const { file, page, saveDialog } = useE2eSession('save-errors', async (file) => {
    // Small, with the instant model: the deblur is not what is tested.
    await sharp(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg')).resize(480, 300).jpeg({ quality: 90 }).toFile(file(PHOTO));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const banner = () => page().getByTestId('error-banner');
  /** The banners' messages, oldest first (null: none). */
  const bannerText = async () => ((await banner().count()) ? (await banner().locator('.message').allTextContents()).join('\n') : null);
  const saveAsDone = () => expect.poll(() => page().getByTestId('save-as-button').getAttribute('aria-disabled')).toBeNull();

  async function saveAs(to: string): Promise<void> {
    saveDialog().answer(to);
    await page().getByTestId('save-as-button').click();
    await saveAsDone();
  }

  it('a BMP refused, then a TIFF saved: the BMP banner goes', async () => {
    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await page().locator('select').selectOption({ label: 'Quick look' });
    await page().getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await saveAs(file('ladybird.bmp'));
    await expect.poll(bannerText).toMatch(/^Unshake cannot write BMP files/);
    await saveAs(file('ladybird.TIFF'));
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird.TIFF');
    await expect.poll(() => banner().count()).toBe(0);
  });

  it('the original refused, then Save writes its copy: that banner goes too', async () => {
    await saveAs(file(PHOTO));
    await expect.poll(bannerText).toMatch(/is the original photo/);
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-unshaken.jpg');
    await expect.poll(() => banner().count()).toBe(0);
  });

  it('an error that is not the save’s stays after a good save', async () => {
    await saveAs(file('ladybird.bmp'));
    await expect.poll(bannerText).toMatch(/^Unshake cannot write BMP files/);
    // The Output panel refuses a quality: said beside the unread BMP banner, and a save does not answer it.
    await page().getByTestId('setting-quality').fill('500');
    await page().getByTestId('setting-quality').press('Tab');
    await expect.poll(bannerText).toMatch(/^Unshake cannot write BMP files.*\nJPEG \/ WebP quality must be/s);
    await saveAs(file('ladybird-2.png'));
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-2.png');
    expect(await bannerText()).toMatch(/^JPEG \/ WebP quality must be/);
  });
});
