import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile, refocus } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * When Save is offered, in Chromium with the real services: greyed out only while it would write
 * a file that is there already (same name, strength, format and quality), and a photo brought
 * back with Show comes with its own strength, not the one another photo was left at.
 */
const CANVAS = '[data-testid="canvas"]';
const KODAK = '../shared/data/photos-extra/Kodak24';

describe('when Save is offered', () => {
  const { file, page, saveDialog } = useE2eSession('save-offered', async (file) => {
    // Small, with the instant model: the deblur is not what is tested.
    await sharp(path.resolve(repoRoot, KODAK, 'kodim03.png')).resize(240).jpeg({ quality: 92 }).toFile(file('car.jpg'));
    await sharp(path.resolve(repoRoot, KODAK, 'kodim23.png')).resize(240).jpeg({ quality: 92 }).toFile(file('lion.jpg'));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const save = () => page().getByRole('button', { name: 'Save', exact: true });
  const slider = () => page().locator('input[type="range"]');
  const exists = (name: string) => access(file(name)).then(
    () => true,
    () => false,
  );

  async function deblur(name: string): Promise<void> {
    await dropFile(page(), CANVAS, file(name), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(name);
    await page().locator('select').selectOption({ label: 'Quick look' });
    await page().getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
  }

  it('says why Save is greyed out when Ctrl+S is pressed, and offers it again under another name ending', async () => {
    await deblur('car.jpg');
    await slider().fill('70');
    await save().click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file('car-unshaken.jpg'));
    await expect.poll(() => save().isDisabled()).toBe(true);
    const why = await save().getAttribute('title');
    expect(why).toMatch(/^Already saved next to the original at this strength, format, quality and name ending: .*Save As…$/);
    // Ctrl+S on the greyed Save says the same, on screen and to a screen reader.
    await page().locator('body').press('Control+s');
    await expect.poll(() => text('saved-notice')).toBe(why);
    expect(await text('result-notice-status')).toBe(why);

    // Another ending is another file: Save writes it, and the notice has gone.
    const ending = page().getByTestId('setting-output-suffix');
    await ending.fill('-sharp');
    await ending.press('Tab');
    await expect.poll(() => save().isEnabled()).toBe(true);
    expect(await page().getByTestId('saved-notice').count()).toBe(0);
    expect(await save().getAttribute('title')).toContain('car-sharp.jpg');
    await save().click();
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(file('car-sharp.jpg'));
    await expect.poll(() => save().isDisabled()).toBe(true);
    expect(await exists('car-sharp.jpg')).toBe(true);
  });

  it('offers Save again once the window is back and the saved file has gone', async () => {
    await rm(file('car-sharp.jpg'));
    // Still greyed until the window learns of it: it asks when it gets the focus back.
    expect(await save().isDisabled()).toBe(true);
    await refocus(page());
    await expect.poll(() => save().isEnabled()).toBe(true);
    expect(await page().getByTestId('job-save').last().textContent()).toContain('since deleted or moved');
    await save().click();
    await expect.poll(() => save().isDisabled(), { timeout: 60_000 }).toBe(true);
    expect(await exists('car-sharp.jpg')).toBe(true);
  });

  it('offers Save again after Save As… replaced the saved file at another strength', async () => {
    const saves = () => page().getByTestId('job-panel').getByTestId('job-save').count();
    const before = await saves();
    await slider().fill('40');
    saveDialog().answer(file('car-sharp.jpg'));
    await page().getByTestId('save-as-button').click();
    await expect.poll(() => page().getByTestId('save-as-button').getAttribute('aria-disabled'), { timeout: 60_000 }).toBeNull();
    await expect.poll(saves).toBe(before + 1);
    // Back at 70 %: car-sharp.jpg now holds the 40 % one, so Save has a file to write.
    await slider().fill('70');
    await expect.poll(() => save().isEnabled()).toBe(true);
  });

  it('Show brings a result back at the strength it was left at, not the one another photo was set to', async () => {
    await save().click();
    await expect.poll(() => save().isDisabled(), { timeout: 60_000 }).toBe(true);
    await deblur('lion.jpg');
    await slider().fill('30');
    await page().getByRole('button', { name: 'Show car.jpg and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('car.jpg');
    expect(await slider().inputValue()).toBe('70');
    expect(await page().getByRole('img', { name: 'After: car.jpg, deblurred at 70 %' }).count()).toBe(1);
    expect(await save().isDisabled()).toBe(true);
    // And the other way: the lion comes back at its 30 %.
    await page().getByRole('button', { name: 'Show lion.jpg and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('lion.jpg');
    expect(await slider().inputValue()).toBe('30');
    expect(await save().isEnabled()).toBe(true);
  });
});
