import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile, refocus } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * When Save is offered, in Chromium with the real services: greyed out only while it would write
 * a file that is there already (same name, strength, format and quality), and a photo brought
 * back with Show comes with its own strength, not the one another photo was left at. Each test
 * deblurs and saves a photo of its own (a deblur of these takes under a second), so one that
 * fails does not take the others with it.
 */
const CANVAS = '[data-testid="canvas"]';
const KODAK = '../shared/data/photos-extra/Kodak24';

describe('when Save is offered', () => {
  const { file, page, saveDialog } = useE2eSession('save-offered', async (file) => {
    // Small, with the instant model: the deblur is not what is tested.
    for (const name of ['car.jpg', 'gone.jpg', 'replaced.jpg', 'shown.jpg', 'left.jpg']) {
      await sharp(path.resolve(repoRoot, KODAK, 'kodim03.png')).resize(240).jpeg({ quality: 92 }).toFile(file(name));
    }
    for (const name of ['lion.jpg', 'right.jpg']) await sharp(path.resolve(repoRoot, KODAK, 'kodim23.png')).resize(240).jpeg({ quality: 92 }).toFile(file(name));
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

  /** The name ending setting, waited for until Save would write under it. */
  async function setEnding(suffix: string, name: string): Promise<void> {
    const ending = page().getByTestId('setting-output-suffix');
    await ending.fill(suffix);
    await ending.press('Tab');
    await expect.poll(() => save().getAttribute('title')).toContain(`${path.parse(name).name}${suffix}.jpg`);
  }

  /** `name` deblurred and saved next to it at `strength` % under `suffix`: the path it was saved to. */
  async function deblurAndSave(name: string, strength: number, suffix: string): Promise<string> {
    await deblur(name);
    await setEnding(suffix, name);
    await slider().fill(String(strength));
    await save().click();
    const saved = file(`${path.parse(name).name}${suffix}.jpg`);
    await expect.poll(() => text('saved-path'), { timeout: 60_000 }).toBe(saved);
    await expect.poll(() => save().isDisabled()).toBe(true);
    return saved;
  }

  it('says why Save is greyed out when Ctrl+S is pressed, and offers it again under another name ending', async () => {
    await deblurAndSave('car.jpg', 70, '-unshaken');
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
    const saved = await deblurAndSave('gone.jpg', 70, '-sharp');
    await rm(saved);
    // Still greyed until the window learns of it: it asks when it gets the focus back.
    expect(await save().isDisabled()).toBe(true);
    await refocus(page());
    await expect.poll(() => save().isEnabled()).toBe(true);
    const lines = page().getByTestId('job-save').filter({ hasText: saved });
    expect((await lines.textContent())?.replace(/\s+/g, ' ').trim()).toMatch(/ at 70 % — since deleted or moved$/);
    await save().click();
    await expect.poll(() => save().isDisabled(), { timeout: 60_000 }).toBe(true);
    expect(await exists('gone-sharp.jpg')).toBe(true);
    // Written again under the same name: one line for it, found there at the next focus.
    await refocus(page());
    await expect.poll(() => lines.allTextContents()).toHaveLength(1);
    expect(await lines.textContent()).not.toContain('since deleted or moved');
    expect(await save().isDisabled()).toBe(true);
  });

  it('offers Save again after Save As… replaced the saved file at another strength', async () => {
    const saved = await deblurAndSave('replaced.jpg', 70, '-sharp');
    const lines = async () => (await page().getByTestId('job-panel').getByTestId('job-save').filter({ hasText: saved }).allTextContents()).map((line) => line.replace(/\s+/g, ' ').trim());
    await slider().fill('40');
    saveDialog().answer(saved);
    await page().getByTestId('save-as-button').click();
    // One line for the file, at what it holds now: the 70 % save it replaced has left the card.
    await expect.poll(lines, { timeout: 60_000 }).toEqual([`Saved to ${saved} at 40 %`]);
    // Back at 70 %: replaced-sharp.jpg now holds the 40 % one, so Save has a file to write.
    await slider().fill('70');
    await expect.poll(() => save().isEnabled()).toBe(true);
  });

  it('Show brings a result back at the strength it was left at, not the one another photo was set to', async () => {
    await deblurAndSave('shown.jpg', 70, '-unshaken');
    await deblur('lion.jpg');
    await slider().fill('30');
    await page().getByRole('button', { name: 'Show shown.jpg and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('shown.jpg');
    expect(await slider().inputValue()).toBe('70');
    expect(await page().getByRole('img', { name: 'After: shown.jpg, deblurred at 70 %' }).count()).toBe(1);
    expect(await save().isDisabled()).toBe(true);
    // And the other way: the lion comes back at its 30 %.
    await page().getByRole('button', { name: 'Show lion.jpg and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('lion.jpg');
    expect(await slider().inputValue()).toBe('30');
    expect(await save().isEnabled()).toBe(true);
  });

  it('after a reload, Show brings an unsaved result back at the strength it was left at, and says it', async () => {
    await deblur('left.jpg');
    await slider().fill('30');
    await deblur('right.jpg');
    await slider().fill('80');
    await page().reload();
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('right.jpg');
    expect(await slider().inputValue()).toBe('80');
    await page().getByRole('button', { name: 'Show left.jpg and its result' }).click();
    await expect.poll(() => text('meta-file')).toBe('left.jpg');
    expect(await slider().inputValue()).toBe('30');
    // The slider a dropped folder runs at has moved: said, not only seen.
    await expect.poll(() => text('job-announcement')).toBe('Deblur done: left.jpg, shown at 30 %');
  });
});
