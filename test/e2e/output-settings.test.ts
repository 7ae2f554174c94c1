import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_MEGAPIXELS_RANGE, OUTPUT_SUFFIX_RULE, QUALITY_RANGE } from '../../electron/common/settings-schema.js';
import { appLoaded, attachPath, dropFile, dropFolder } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * The Output panel in Chromium with the real services: the format and quality a photographer
 * picks are what Save and a batch write, and they are still set after the window reloads.
 */
const CANVAS = '[data-testid="canvas"]';

describe('output settings', () => {
  const { file, page } = useE2eSession('output', async (file) => {
    const source = path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim03.png');
    await sharp(source).resize(240).jpeg({ quality: 92 }).toFile(file('hats.jpg'));
    await mkdir(file('card'));
    await sharp(source).resize(200).jpeg().toFile(file('card/a.jpg'));
  });
  const panel = () => page().getByTestId('output-settings');
  const format = (name: string) => panel().getByRole('button', { name, exact: true });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });

  it('saves in the chosen format: PNG for a JPEG photo, from Save and from a batch', async () => {
    await appLoaded(page());
    await expect.poll(() => format('Same').getAttribute('aria-pressed')).toBe('true');
    // The hint says what a format keeps before anything is written.
    await format('TIFF').click();
    await expect.poll(() => page().getByTestId('output-settings').locator('p.hint').first().textContent()).toContain('PNG and TIFF keep 16');
    await format('PNG').click();
    await expect.poll(() => format('PNG').getAttribute('aria-pressed')).toBe('true');

    await dropFile(page(), CANVAS, file('hats.jpg'), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('hats.jpg');
    await page().getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file('hats-unshaken.png'));
    expect((await sharp(await readFile(file('hats-unshaken.png'))).metadata()).format).toBe('png');
    // Another format is another file: Save is offered again.
    const save = page().getByRole('button', { name: 'Save', exact: true });
    expect(await save.isDisabled()).toBe(true);
    // Greyed out, it says why and what would save another copy.
    expect(await save.getAttribute('title')).toMatch(/^Already saved next to the original at this strength, format, quality and name ending: .*Save As…$/);
    await format('JPEG').click();
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file('hats-unshaken.jpg'));
    expect((await sharp(file('hats-unshaken.jpg')).metadata()).format).toBe('jpeg');
    // "Same" would write that JPEG again: nothing new to save; another quality is another file.
    await format('Same').click();
    await expect.poll(() => format('Same').getAttribute('aria-pressed')).toBe('true');
    expect(await save.isDisabled()).toBe(true);
    await panel().getByTestId('setting-quality').fill('70');
    await panel().getByTestId('setting-quality').press('Tab');
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file('hats-unshaken-2.jpg'));
    await panel().getByTestId('setting-quality').fill('95');
    await panel().getByTestId('setting-quality').press('Tab');
    await format('PNG').click();
    await expect.poll(() => format('PNG').getAttribute('aria-pressed')).toBe('true');

    // With a photo open, the Output panel starts a batch from the keyboard.
    await attachPath(page(), file('card/a.jpg'));
    const [chooser] = await Promise.all([page().waitForEvent('filechooser'), panel().getByTestId('output-batch-folder').press('Enter')]);
    await chooser.setFiles(file('card'));
    await expect.poll(() => page().getByTestId('batch-summary').allTextContents(), { timeout: 60_000 }).toEqual(['1 done']);
    expect((await sharp(file('card/a-unshaken.png')).metadata()).format).toBe('png');
  });

  it('a batch can write into an “Unshaken” folder beside the photos; dropping it again finds them there', async () => {
    await page().getByRole('button', { name: 'In “Unshaken”', exact: true }).click();
    await expect.poll(() => page().getByRole('button', { name: 'In “Unshaken”', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await mkdir(file('day'));
    await copyFile(file('card/a.jpg'), file('day/b.jpg'));
    const runs = () => page().getByTestId('batch-summary').count();
    await dropFolder(page(), CANVAS, file('day'));
    await expect.poll(runs).toBe(2);
    await expect.poll(async () => (await page().getByTestId('batch-summary').allTextContents())[0], { timeout: 60_000 }).toBe('1 done');
    expect(await readdir(file('day/Unshaken'))).toEqual(['b-unshaken.png']);
    expect((await readdir(file('day'))).sort()).toEqual(['Unshaken', 'b.jpg']);
    expect(await page().getByTestId('batch-run').first().textContent()).toContain('Results are saved in Unshaken beside the originals (b.jpg → Unshaken/b-unshaken.png)');
    await dropFolder(page(), CANVAS, file('day'));
    await expect.poll(runs).toBe(3);
    expect((await page().getByTestId('batch-summary').allTextContents())[0]).toBe('0 done · 1 already done or under way');
    // Switched back to "next to the photos", the same drop still finds them in Unshaken.
    await page().getByRole('button', { name: 'Next to the photos', exact: true }).click();
    await expect.poll(() => page().getByRole('button', { name: 'Next to the photos', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await dropFolder(page(), CANVAS, file('day'));
    await expect.poll(runs).toBe(4);
    expect((await page().getByTestId('batch-summary').allTextContents())[0]).toBe('0 done · 1 already done or under way');
    expect((await readdir(file('day'))).sort()).toEqual(['Unshaken', 'b.jpg']);
  });

  it('keeps the choices after a reload, and says why a quality out of range is refused', async () => {
    await panel().getByTestId('setting-quality').fill('80');
    await panel().getByTestId('setting-quality').press('Tab');
    await format('JPEG').click();
    await expect.poll(() => format('JPEG').getAttribute('aria-pressed')).toBe('true');
    await page().reload();
    await expect.poll(() => format('JPEG').getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');
    expect(await panel().getByTestId('setting-quality').inputValue()).toBe('80');
    // The fields offer the ranges the settings are checked against, not copies of them.
    for (const [testId, range] of [['setting-quality', QUALITY_RANGE], ['setting-max-megapixels', MAX_MEGAPIXELS_RANGE]] as const) {
      const field = panel().getByTestId(testId);
      expect([await field.getAttribute('min'), await field.getAttribute('max')], testId).toEqual([String(range.min), String(range.max)]);
    }

    await panel().getByTestId('setting-quality').fill('150');
    await panel().getByTestId('setting-quality').press('Tab');
    await expect.poll(() => text('error-code')).toBe('INVALID_REQUEST');
    expect(await text('error-banner')).toContain(`JPEG / WebP quality must be a whole number from ${QUALITY_RANGE.min} to ${QUALITY_RANGE.max}.`);
    expect(await panel().getByTestId('setting-quality').inputValue()).toBe('80');
    const megapixels = panel().getByTestId('setting-max-megapixels');
    const before = await megapixels.inputValue();
    await megapixels.fill(String(MAX_MEGAPIXELS_RANGE.max + 1));
    await megapixels.press('Tab');
    // The quality's banner stays until dismissed; this one comes after it.
    const banners = () => page().getByTestId('error-banner').allTextContents();
    await expect.poll(banners).toHaveLength(2);
    expect((await banners())[1]).toContain(`The largest photo size must be a whole number from ${MAX_MEGAPIXELS_RANGE.min} to ${MAX_MEGAPIXELS_RANGE.max}.`);
    expect(await megapixels.inputValue()).toBe(before);
  });

  it('one-key shortcuts can be turned off (speech input types letters): Z and \\ then do nothing, and it stays so after a reload', async () => {
    const zoomed = () => page().getByTestId('detail-view').count();
    const box = panel().getByTestId('setting-single-keys');
    await dropFile(page(), CANVAS, file('hats.jpg'), 'image/jpeg');
    // The reload brought hats.jpg back already, so its name says nothing of this open: wait for the
    // open itself to end (Open… is aria-disabled until then). One that ends after Z shows the new
    // photo at Fit, and Z's 100 % is gone.
    await expect.poll(() => page().getByTestId('open-button').getAttribute('aria-disabled'), { timeout: 30_000 }).toBeNull();
    expect(await text('meta-file')).toBe('hats.jpg');
    expect(await box.isChecked()).toBe(true);
    // On (the default), Z acts from any control that types no text: this very checkbox.
    await box.focus();
    await page().keyboard.press('z');
    await expect.poll(zoomed).toBe(1);
    await page().getByRole('button', { name: 'Fit', exact: true }).click();
    await expect.poll(zoomed).toBe(0);
    await box.uncheck();
    await expect.poll(async () => (await page().evaluate(() => (globalThis as unknown as { document: { activeElement: { tagName: string } } }).document.activeElement.tagName))).toBe('INPUT');
    // Once the setting is saved, the buttons no longer show a key that does nothing.
    await expect.poll(() => page().locator('[role="group"][aria-label="Zoom"] kbd').count()).toBe(0);
    await page().keyboard.press('z');
    // The handler runs as the key is dispatched: had it acted, the view would have changed by now.
    expect(await zoomed()).toBe(0);
    await page().reload();
    await expect.poll(() => box.isChecked(), { timeout: 30_000 }).toBe(false);
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('hats.jpg');
    await page().locator('body').press('z');
    expect(await zoomed()).toBe(0);
    await box.check();
    // Once saved, the buttons show their keys again.
    await expect.poll(() => page().locator('[role="group"][aria-label="Zoom"] kbd').count()).toBeGreaterThan(0);
    await page().locator('body').press('z');
    await expect.poll(zoomed).toBe(1);
  });

  it('the result name ending is set in the panel: a batch names its results with it and knows them again; a refused one is said and put back', async () => {
    const field = panel().getByTestId('setting-output-suffix');
    expect(await field.inputValue()).toBe('-unshaken');
    // A path separator would write elsewhere: refused in words, the field back to what is stored.
    await field.fill('/sharp');
    await field.press('Tab');
    await expect.poll(() => text('error-code')).toBe('INVALID_REQUEST');
    expect(await text('error-banner')).toContain(`The result name ending must be ${OUTPUT_SUFFIX_RULE}.`);
    expect(await field.inputValue()).toBe('-unshaken');
    await page().getByTestId('error-banner').getByRole('button').first().click();

    await field.fill('-sharp');
    await field.press('Tab');
    await expect.poll(async () => JSON.parse(await readFile(file('user-data/settings.json'), 'utf8')).outputSuffix).toBe('-sharp');
    expect(await page().getByTestId('output-settings').locator('#output-suffix-hint').textContent()).toContain('IMG_0001-sharp.jpg');
    await mkdir(file('ending'));
    await copyFile(file('card/a.jpg'), file('ending/c.jpg'));
    const runs = () => page().getByTestId('batch-summary').count();
    const before = await runs();
    await dropFolder(page(), CANVAS, file('ending'));
    await expect.poll(runs).toBe(before + 1);
    await expect.poll(async () => (await page().getByTestId('batch-summary').allTextContents())[0], { timeout: 60_000 }).toBe('1 done');
    expect((await readdir(file('ending'))).sort()).toEqual(['c-sharp.jpg', 'c.jpg']);
    // Dropped again, c-sharp.jpg is c.jpg's result, not a photo, and c.jpg is already done.
    await dropFolder(page(), CANVAS, file('ending'));
    await expect.poll(runs).toBe(before + 2);
    expect((await page().getByTestId('batch-summary').allTextContents())[0]).toBe('0 done · 1 already done or under way');
  });
});
