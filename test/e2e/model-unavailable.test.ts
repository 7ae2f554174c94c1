import { existsSync } from 'node:fs';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropFile, dropFolder, refocus } from './chromium-page.js';
import { installModelCopy, repoRoot, useRestartedSessions } from './harness.js';

const CANVAS = '[data-testid="canvas"]';
/** The window gets the focus back: the model list is read again. */

/**
 * The chosen model gone (its linked disk not connected, its folder moved away): the app says so
 * and runs nothing in its place, in Chromium over the real services and library.
 */
describe('a chosen model that can no longer be used', () => {
  const { file, restart, session } = useRestartedSessions('unavailable');

  beforeAll(async () => {
    await installModelCopy(file('external-disk'), 'holiday', 'Holiday fine-tune');
    await mkdir(file('user-data/models'), { recursive: true });
    await symlink(file('external-disk/models/holiday'), file('user-data/models/holiday'), 'dir');
    await installModelCopy(file('user-data'), 'night', 'Night');
    await writeFile(file('user-data/settings.json'), JSON.stringify({ defaultModelId: 'holiday' }));
    await mkdir(file('card'));
    const kodak = path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim01.png');
    await sharp(kodak).resize(200).jpeg().toFile(file('card/a.jpg'));
    await sharp(kodak).resize(240).jpeg().toFile(file('p.jpg'));
  });

  it('a default model on a disk not connected is named with why at start; a dropped folder is not deblurred with another model', async () => {
    let page = await restart();
    await expect.poll(() => page.locator('header select').inputValue()).toBe('holiday');
    await rename(file('external-disk'), file('external-disk-unplugged'));

    page = await restart();
    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('The model “holiday”, chosen in the Model menu, cannot be used: its folder links to');
    expect(await banner.textContent()).toContain('which is not there (is the disk it is on connected?). Choose another model in the Model menu.');
    // The menu shows the choice as it is, not the base model in its place.
    expect(await page.locator('header select').inputValue()).toBe('holiday');
    expect(await page.getByTestId('unavailable-model').textContent()).toBe('holiday — cannot be used');
    expect(await page.getByTestId('unusable-model').textContent()).toContain('links to');
    expect(await page.getByTestId('training-panel').textContent()).toContain('Would start from holiday, which cannot be used now');

    await page.getByRole('button', { name: 'Dismiss error' }).click();
    await dropFolder(page, CANVAS, file('card'));
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('Choose another model in the Model menu');
    expect(await page.getByTestId('batch-summary').count()).toBe(0);
    expect(existsSync(file('card/a-unshaken.jpg'))).toBe(false);
  });

  it('a model chosen in this window whose folder is moved away: Deblur is refused, naming it, until another is chosen', async () => {
    const page = session().app.page;
    await page.locator('header select').selectOption({ label: 'Night' });
    await dropFile(page, CANVAS, file('p.jpg'), 'image/jpeg');
    await expect.poll(() => page.getByTestId('meta-file').textContent(), { timeout: 30_000 }).toBe('p.jpg');
    await rename(file('user-data/models/night'), file('night-moved'));
    await refocus(page);

    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('The model “Night”, chosen in the Model menu, is no longer installed');
    expect(await page.locator('header select').inputValue()).toBe('night');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    await page.getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => banner.textContent()).toContain('Choose another model in the Model menu');
    expect(await page.getByTestId('job-status').count()).toBe(0);

    // Back where it was: the next refresh finds it and Deblur runs it.
    await rename(file('night-moved'), file('user-data/models/night'));
    await refocus(page);
    await expect.poll(() => page.getByTestId('unavailable-model').count()).toBe(0);
    // Its banner goes with it: it no longer says what is true.
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    await page.getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => page.getByTestId('job-status').first().textContent(), { timeout: 60_000 }).toBe('Done');
  });
});
