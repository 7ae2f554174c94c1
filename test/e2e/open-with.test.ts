import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * "Open with Unshake", a photo dropped on the app's icon, `unshake photo.jpg`: main hands the
 * services what the system passed (flags, the app's own path and all), and the window shows the
 * photo — also one asked for before the window had loaded. Driven through the real services, as
 * main's open-file and second-instance handlers call them.
 */
const PHOTO = path.resolve(repoRoot, '../shared/data/real-blur/lai_bird.jpg');

describe('photos the system asks the app to open', () => {
  const { file, page, app, services } = useE2eSession('open-with', async (file) => {
    await sharp(PHOTO).jpeg({ quality: 92 }).toFile(file('bird.jpg'));
    await sharp(PHOTO).resize(400).png().toFile(file('small bird.png'));
    await writeFile(file('notes.txt'), 'not a photo\n');
  });
  const shownFile = () => page().getByTestId('meta-file').textContent({ timeout: 5_000 }).catch(() => null);

  it('shows the photo among what the system passed, and passes over the rest', async () => {
    await appLoaded(page());
    // As a second launch passes its command line: the executable, flags, a text file, a missing photo.
    await services().requestOpen(['/opt/Unshake/unshake', '--no-sandbox', file('notes.txt'), file('gone.jpg'), 'bird.jpg'], file(''));
    await expect.poll(shownFile, { timeout: 30_000 }).toBe('bird.jpg');
    // Shown, so granted as a drop is: opening names the path the system gave, which no page may name unasked.
    expect(app().pageErrors).toEqual([]);
  });

  it('a photo asked for while the window loads is shown once it has', async () => {
    // No window to tell: the request waits in main until the window asks.
    const url = page().url();
    await page().goto('about:blank');
    await services().requestOpen([file('small bird.png')]);
    await page().goto(url);
    await expect.poll(shownFile, { timeout: 30_000 }).toBe('small bird.png');
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });
});
