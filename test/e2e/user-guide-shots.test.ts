import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLoaded, dropFile, dropFolder } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * Makes the screenshots of docs/user-guide.md from the real app (renderer in Chromium, real
 * services and engine), so the guide shows what the app does today. Only when asked:
 *   UNSHAKE_GUIDE_SHOTS=1 npx vitest run test/e2e/user-guide-shots.test.ts
 * Otherwise it is skipped (the other e2e files test the same steps).
 */
const SHOTS_DIR = path.join(repoRoot, 'docs', 'images');
const PHOTO = 'shaken-ladybird.jpg';
const CANVAS = '[data-testid="canvas"]';

describe.runIf(process.env.UNSHAKE_GUIDE_SHOTS)('user guide screenshots', () => {
  const { file, page } = useE2eSession('guide', async (file) => {
    await copyFile(path.join(repoRoot, 'assets', 'samples', PHOTO), file(PHOTO));
  });
  const shot = (name: string) => page().screenshot({ path: path.join(SHOTS_DIR, `${name}.jpg`), type: 'jpeg', quality: 82 });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });

  /** A drag between two photo pixels of the fitted 1200×750 sample. */
  async function drag(from: [number, number], to: [number, number]): Promise<void> {
    const box = (await page().getByTestId('compare-stage').boundingBox())!;
    const scale = Math.min(box.width / 1200, box.height / 750);
    const at = ([x, y]: [number, number]) => [box.x + (box.width - 1200 * scale) / 2 + x * scale, box.y + (box.height - 750 * scale) / 2 + y * scale] as const;
    await page().mouse.move(...at(from));
    await page().mouse.down();
    await page().mouse.move(...at(to), { steps: 8 });
    await page().mouse.up();
  }

  it('open, select, deblur, compare at 100 %', async () => {
    await mkdir(SHOTS_DIR, { recursive: true });
    await page().setViewportSize({ width: 1280, height: 800 });
    await appLoaded(page());
    await shot('1-start');

    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await button('Ellipse').click();
    await drag([330, 150], [900, 640]);
    await page().getByLabel('Feather').fill('24');
    await shot('2-select');

    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await page().mouse.move(0, 0);
    await shot('3-result');

    await button('Split').click();
    await expect.poll(() => page().getByTestId('compare-stage').getAttribute('data-showing')).toBe('split');
    await shot('4-split');
    await button('After').click();

    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-after-crop').count(), { timeout: 30_000 }).toBe(1);
    await shot('4-detail');
  });

  it('fine-tune: a short run of the base model on a folder of pairs', async () => {
    const panel = page().getByTestId('training-panel');
    // Real GoPro pairs, read in place (training never writes into its data folder).
    await dropFolder(page(), '[data-testid="training-drop"]', path.resolve(repoRoot, '../shared/data/gopro-train-pairs'));
    await panel.getByTestId('training-name').fill('My camera');
    await panel.getByTestId('training-steps').fill('3');
    // Tiny steps so the shot is made in seconds; the guide says what the defaults are.
    await panel.locator('details.advanced summary').click();
    for (const [key, value] of [['crop', '32'], ['batch', '1'], ['perceptualWeight', '0'], ['criticWidth', '4']] as const) await panel.getByTestId(`training-${key}`).fill(value);
    await panel.locator('details.advanced summary').click();
    await panel.getByTestId('training-start').click();
    await expect.poll(() => panel.getByTestId('training-status').getAttribute('data-status'), { timeout: 300_000 }).toBe('done');
    await panel.getByTestId('training-status').scrollIntoViewIfNeeded();
    await shot('5-fine-tune');
  });
});
