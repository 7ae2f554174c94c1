import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile, focusedTestId, pendingRequests } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * A finished result is never lost to a slip, in Chromium with the real services: a stray drag
 * over a shaped selection is undone (Ctrl+Z) or the result's selection is taken back from the
 * notice, so Save works again without minutes of deblurring; Deblur with nothing changed says the
 * result is already there; and a second deblur that is cancelled or fails leaves the result
 * before it on screen, savable, instead of the cancelled job.
 */
const SOURCE = path.resolve(repoRoot, '../shared/data/real-blur/lai_bird.jpg');
const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'bird.jpg';
// Large enough that a deblur runs for seconds (so a test can cancel it), small enough to finish one soon.
const WIDTH = 2400;
const HEIGHT = 1800;
const SHOTS = process.env.UNSHAKE_SHOTS_DIR;

describe('getting a finished result back', () => {
  const { file, page, app } = useE2eSession('recovery', async (file) => {
    if (!existsSync(SOURCE)) throw new Error(`Test photo missing: ${SOURCE} (expected ../shared/data next to the repo)`);
    await sharp(SOURCE).resize(WIDTH, HEIGHT).jpeg({ quality: 90 }).toFile(file(PHOTO));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  const overlay = () => page().getByTestId('selection-overlay');
  const cards = () => page().getByTestId('job-panel').locator('li');
  const shot = async (name: string) => {
    if (SHOTS) await page().screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };

  /** Where a photo pixel lies on screen: the fitted photo (object-fit: contain) in the stage. */
  async function onScreen(x: number, y: number): Promise<{ x: number; y: number }> {
    const box = (await page().getByTestId('compare-stage').boundingBox())!;
    const scale = Math.min(box.width / WIDTH, box.height / HEIGHT);
    return { x: box.x + (box.width - WIDTH * scale) / 2 + x * scale, y: box.y + (box.height - HEIGHT * scale) / 2 + y * scale };
  }

  async function drag(...points: [number, number][]): Promise<void> {
    const [first, ...rest] = await Promise.all(points.map((p) => onScreen(...p)));
    await page().mouse.move(first!.x, first!.y);
    await page().mouse.down();
    for (const at of rest) await page().mouse.move(at.x, at.y, { steps: 8 });
    await page().mouse.up();
  }

  // Most of the photo: a deblur of it runs long enough to be cancelled.
  const lasso = () => drag([100, 100], [2300, 100], [1200, 1700], [100, 100]);
  const shapes = async () => ({ rects: await overlay().locator('rect.edge').count(), polygons: await overlay().locator('polygon.edge').count() });

  it('a stray lasso over a rectangle’s result: Ctrl+Z and Ctrl+Shift+Z walk the selection back and forth, and Save follows', async () => {
    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 60_000 }).toBe(PHOTO);
    await button('Rectangle').click();
    await drag([600, 400], [1800, 1400]);
    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 180_000 }).toBe('Done');
    expect(await button('Save').isEnabled()).toBe(true);

    await button('Lasso').click();
    await lasso();
    await expect.poll(shapes).toEqual({ rects: 0, polygons: 1 });
    await expect.poll(() => text('stale-notice')).toBe('Made with another selection. Deblur again to fix the part selected now.');
    expect(await button('Save').isDisabled()).toBe(true);
    await shot('recovery-stale');

    // The focus is on the Lasso button, not in a text field: the key is the selection's.
    await page().keyboard.press('Control+z');
    await expect.poll(shapes).toEqual({ rects: 1, polygons: 0 });
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
    expect(await page().getByTestId('stale-notice').count()).toBe(0);
    await page().keyboard.press('Control+Shift+Z');
    await expect.poll(shapes).toEqual({ rects: 0, polygons: 1 });
    expect(await button('Save').isDisabled()).toBe(true);
    await page().keyboard.press('Control+z');
    await page().keyboard.press('Control+y');
    await expect.poll(shapes).toEqual({ rects: 0, polygons: 1 });

    // Typing in Feather, Ctrl+Z is the field's own: the selection stays as it is.
    await page().getByLabel('Feather').focus();
    await page().keyboard.press('Control+z');
    expect(await shapes()).toEqual({ rects: 0, polygons: 1 });
    expect(app().pageErrors).toEqual([]);
  });

  it('Use its selection in the notice draws the result’s selection again, Save is back and has the focus; Undo takes it back', async () => {
    const use = button('Use its selection');
    await use.focus();
    await use.press('Enter');
    await expect.poll(shapes).toEqual({ rects: 1, polygons: 0 });
    await expect.poll(() => focusedTestId(page())).toBe('save-button');
    expect(await button('Save').isEnabled()).toBe(true);
    expect(await use.count()).toBe(0);
    expect(await button('Rectangle').getAttribute('aria-pressed')).toBe('true');

    await page().keyboard.press('Control+z');
    await expect.poll(shapes).toEqual({ rects: 0, polygons: 1 });
    await page().keyboard.press('Control+z');
    await expect.poll(shapes).toEqual({ rects: 1, polygons: 0 });
    // Whole photo is a step too; undone, the shape is back with its tool in hand, not "Whole photo".
    await button('Whole photo').click();
    await expect.poll(shapes).toEqual({ rects: 0, polygons: 0 });
    await page().keyboard.press('Control+z');
    await expect.poll(shapes).toEqual({ rects: 1, polygons: 0 });
    expect(await button('Rectangle').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
  });

  it('Deblur with nothing changed says the result is already there, and runs only from Deblur again', async () => {
    const jobsBefore = await cards().count();
    // Said by a status region there before the notice (one inserted holding its text is often not read).
    expect(await page().getByTestId('result-notice-status').getAttribute('role')).toBe('status');
    expect(await text('result-notice-status')).toBe('');
    await page().keyboard.press('Control+Enter');
    await expect.poll(() => text('done-notice')).toBe('Already deblurred with this model and selection: the result is on screen.');
    expect(await text('result-notice-status')).toBe('Already deblurred with this model and selection: the result is on screen.');
    expect(await page().getByTestId('done-notice').getAttribute('role')).toBeNull();
    await expect.poll(() => pendingRequests(page())).toBe(0);
    expect(await cards().count()).toBe(jobsBefore);
    expect(await button('Save').isEnabled()).toBe(true);
    await page().mouse.move(0, 0);
    await shot('recovery-already-done');

    // Run anyway, then cancelled: the result before is back on screen, and can be saved.
    await button('Deblur again').click();
    await expect.poll(() => cards().count()).toBe(jobsBefore + 1);
    await page().getByTestId('status-cancel').click();
    await expect.poll(() => cards().first().getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled');
    await expect.poll(() => text('job-status')).toBe('Done');
    expect(await button('Save').isEnabled()).toBe(true);
    expect(await button('After').count()).toBe(1);
    expect(await page().getByTestId('result-preview').count()).toBe(1);
    expect(await page().getByTestId('done-notice').count()).toBe(0);
    await expect.poll(() => focusedTestId(page())).toBe('deblur-button');
    await shot('recovery-cancelled');
  });

  it('another model chosen over a result: its model is a press away, and the already-done note does not come back on its own', async () => {
    await page().keyboard.press('Control+Enter');
    await expect.poll(() => page().getByTestId('done-notice').count()).toBe(1);
    const made = await page().locator('header select').inputValue();
    await page().locator('header select').selectOption({ label: 'Quick look' });
    await expect.poll(() => text('stale-notice')).toMatch(/^Made with .+\. Deblur again to use Quick look\.$/);
    expect(await button('Save').isEnabled()).toBe(false);
    const useModel = page().getByTestId('use-result-model');
    expect(await useModel.textContent()).toMatch(/^Use /);
    await useModel.click();
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
    expect(await page().locator('header select').inputValue()).toBe(made);
    await expect.poll(() => focusedTestId(page())).toBe('save-button');
    // The note answered the Deblur press before the change: it is not said again.
    expect(await page().getByTestId('done-notice').count()).toBe(0);
  });

  it('a deblur of another selection that is cancelled leaves the result before, flagged, with its selection a press away', async () => {
    await button('Lasso').click();
    await lasso();
    await button('Deblur').click();
    await expect.poll(() => page().getByTestId('status-cancel').count()).toBe(1);
    await page().getByTestId('status-cancel').click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Done');
    // What was drawn stays drawn: the result before is flagged, and its selection is one press away.
    expect(await shapes()).toEqual({ rects: 0, polygons: 1 });
    expect(await text('stale-notice')).toBe('Made with another selection. Deblur again to fix the part selected now.');
    await button('Use its selection').click();
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
  });

  it('a deblur that fails leaves the result before on screen, with the error', async () => {
    // The photo moved away since it was opened: the engine cannot read it.
    await rename(file(PHOTO), file('moved.jpg'));
    try {
      await button('Deblur').click();
      await button('Deblur again').click();
      await expect.poll(() => page().getByTestId('error-banner').count(), { timeout: 60_000 }).toBe(1);
      await expect.poll(() => cards().first().getAttribute('data-status')).toBe('failed');
      await expect.poll(() => text('job-status')).toBe('Done');
      expect(await page().getByTestId('result-preview').count()).toBe(1);
      expect(await button('Save As…').isEnabled()).toBe(true);
    } finally {
      await rename(file('moved.jpg'), file(PHOTO));
    }
    expect(app().pageErrors).toEqual([]);
  });

  it('a third result of the photo: the first one’s card says it is no longer kept and has no Show; the one before can still be shown and saved', async () => {
    const done = () => page().getByTestId('job-panel').locator('li[data-status="done"]');
    const show = () => page().getByRole('button', { name: `Show ${PHOTO} and its result` });
    for (let run = 0; run < 2; run++) {
      await button('Deblur').click();
      await button('Deblur again').click();
      await expect.poll(() => done().count(), { timeout: 180_000 }).toBe(2 + run);
      await expect.poll(() => text('job-status')).toBe('Done');
    }
    // Newest first: the first result is the last card; main removed its file.
    await expect.poll(() => done().last().locator('.line').textContent()).toBe('Result no longer kept: deblur the photo again to save it');
    expect(await done().last().getByRole('button').count()).toBe(0);
    expect(await show().count()).toBe(1);
    await show().click();
    await expect.poll(() => page().getByTestId('result-preview').count()).toBe(1);
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
    await button('Save').click();
    await expect.poll(() => page().getByTestId('saved-path').count(), { timeout: 60_000 }).toBe(1);
    expect(app().pageErrors).toEqual([]);
  });
});
