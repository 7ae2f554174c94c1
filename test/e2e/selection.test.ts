import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile, pendingRequests } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * Fixing part of a photo, in Chromium with the real services: a rectangle or ellipse dragged on
 * the fitted photo selects that part in the photo's own pixels, the deblur changes only it (the
 * saved file is identical outside), Invert fixes the rest, and a result made with another
 * selection than the one drawn cannot be saved until it is deblurred again.
 */
const DATA = path.resolve(repoRoot, '../shared/data/gopro-official');
const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'Flower_blur1.png';
const WIDTH = 1280;
const HEIGHT = 720;

describe('selecting the part of the photo to fix', () => {
  const { file, page, app } = useE2eSession('selection', async (file) => {
    if (!existsSync(path.join(DATA, PHOTO))) throw new Error(`Test photo missing in ${DATA} (expected ../shared/data next to the repo)`);
    await copyFile(path.join(DATA, PHOTO), file(PHOTO));
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });

  /** Where a photo pixel lies on screen: the fitted photo (object-fit: contain) in the stage. */
  async function onScreen(x: number, y: number): Promise<{ x: number; y: number }> {
    const box = (await page().getByTestId('compare-stage').boundingBox())!;
    const scale = Math.min(box.width / WIDTH, box.height / HEIGHT);
    return { x: box.x + (box.width - WIDTH * scale) / 2 + x * scale, y: box.y + (box.height - HEIGHT * scale) / 2 + y * scale };
  }

  async function drag(from: [number, number], to: [number, number]): Promise<void> {
    const a = await onScreen(...from);
    const b = await onScreen(...to);
    await page().mouse.move(a.x, a.y);
    await page().mouse.down();
    await page().mouse.move(b.x, b.y, { steps: 8 });
    await page().mouse.up();
  }

  async function deblurAndSave(): Promise<Buffer> {
    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await button('Save').click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toMatch(/^Saved as /);
    const saved = (await text('saved-path'))!;
    return sharp(saved).raw().toBuffer();
  }

  /** Samples that differ from the original inside and outside a photo rectangle. */
  async function changes(result: Buffer, rect: { x0: number; y0: number; x1: number; y1: number }) {
    const original = await sharp(file(PHOTO)).raw().toBuffer();
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const i = (y * WIDTH + x) * 3;
        const differs = result[i] !== original[i] || result[i + 1] !== original[i + 1] || result[i + 2] !== original[i + 2];
        const within = x >= rect.x0 && x < rect.x1 && y >= rect.y0 && y < rect.y1;
        if (differs && within) inside++;
        if (differs && !within) outside++;
      }
    }
    return { inside, outside };
  }

  it('a rectangle dragged on the photo selects those pixels, and only they change', async () => {
    await dropFile(page(), CANVAS, file(PHOTO), 'image/png');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await button('Rectangle').click();
    await drag([400, 200], [800, 500]);
    const edge = page().getByTestId('selection-overlay').locator('rect.edge');
    await expect.poll(() => edge.count()).toBe(1);
    const [x, y, w, h] = await Promise.all(['x', 'y', 'width', 'height'].map((a) => edge.getAttribute(a).then(Number)));
    // Screen pixels are coarser than photo pixels here (the photo is fitted smaller): within 3.
    for (const [got, want] of [[x, 400], [y, 200], [x! + w!, 800], [y! + h!, 500]] as const) expect(Math.abs(got! - want)).toBeLessThan(3);

    // With a tool chosen a double-click still shows that place at 100 %; there a drag pans, and
    // the hint says how to get back to drawing.
    const middle = await onScreen(600, 350);
    // The hint's line is its own: a longer hint never moves the buttons under the pointer.
    const zoomButtonAtFit = await button('100 %').boundingBox();
    await page().mouse.dblclick(middle.x, middle.y);
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    expect(await page().getByTestId('selection-tools').textContent()).toContain('At 100 % a drag moves the photo: press Z or Fit to draw a selection');
    expect(await button('100 %').boundingBox()).toEqual(zoomButtonAtFit);
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('compare-stage').count()).toBe(1);
    expect(await edge.count()).toBe(1);

    const result = await deblurAndSave();
    // Feather 0: nothing outside the drawn rectangle moves, by a single level.
    const { inside, outside } = await changes(result, { x0: Math.floor(x!), y0: Math.floor(y!), x1: Math.ceil(x! + w!), y1: Math.ceil(y! + h!) });
    expect(outside).toBe(0);
    expect(inside).toBeGreaterThan(1000);
  });

  it('the feather field shows what will be used: kept within 0 to 2000', async () => {
    const feather = page().getByLabel('Feather');
    for (const [typed, used] of [['5000', '2000'], ['-25', '0'], ['2.6', '3'], ['0', '0']] as const) {
      await feather.fill(typed);
      await feather.blur();
      await expect.poll(() => feather.inputValue()).toBe(used);
    }
  });

  it('another selection makes the result out of date; Invert fixes everything but the shape', async () => {
    await page().getByRole('checkbox', { name: 'Invert' }).check();
    await expect.poll(() => page().getByTestId('stale-notice').textContent()).toBe('Made with another selection. Deblur again to fix the part selected now.');
    expect(await button('Save').isDisabled()).toBe(true);
    const edge = page().getByTestId('selection-overlay').locator('rect.edge');
    const [x, y, w, h] = await Promise.all(['x', 'y', 'width', 'height'].map((a) => edge.getAttribute(a).then(Number)));
    const result = await deblurAndSave();
    // The shape's own pixels stay as they were (one pixel in from its edge: the boundary pixels
    // follow the mask's pixel-centre rule); the rest of the photo is fixed.
    const { inside, outside } = await changes(result, { x0: Math.ceil(x!) + 1, y0: Math.ceil(y!) + 1, x1: Math.floor(x! + w!) - 1, y1: Math.floor(y! + h!) - 1 });
    expect(inside).toBe(0);
    expect(outside).toBeGreaterThan(1000);
  });

  it('an ellipse replaces the selection, Shift-drag adds a shape, a lasso traces a polygon, and Whole photo clears it', async () => {
    await button('Ellipse').click();
    await drag([100, 100], [300, 250]);
    const overlay = page().getByTestId('selection-overlay');
    await expect.poll(() => overlay.locator('.edge').count()).toBe(1);
    expect(await overlay.locator('ellipse.edge').count()).toBe(1);
    await page().keyboard.down('Shift');
    await drag([900, 400], [1100, 600]);
    await page().keyboard.up('Shift');
    await expect.poll(() => overlay.locator('.edge').count()).toBe(2);
    // A lasso follows the pointer: a triangle traced by hand becomes one polygon.
    await button('Lasso').click();
    const corners = await Promise.all([onScreen(500, 100), onScreen(700, 300), onScreen(400, 300)]);
    await page().mouse.move(corners[0]!.x, corners[0]!.y);
    await page().mouse.down();
    for (const corner of [corners[1]!, corners[2]!, corners[0]!]) await page().mouse.move(corner.x, corner.y, { steps: 6 });
    await page().mouse.up();
    await expect.poll(() => overlay.locator('polygon.edge').count()).toBe(1);
    expect((await overlay.locator('polygon.edge').getAttribute('points'))!.split(' ').length).toBeGreaterThan(10);
    expect(await overlay.locator('.edge').count()).toBe(1);
    await button('Whole photo').click();
    await expect.poll(() => overlay.locator('.edge').count()).toBe(0);
    expect(await page().getByRole('checkbox', { name: 'Invert' }).count()).toBe(0);
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });

  it('Delete of the last shape leaves no hidden Invert behind, as Whole photo does; Ctrl+Z brings the shape back inverted', async () => {
    const overlay = page().getByTestId('selection-overlay');
    const invert = page().getByRole('checkbox', { name: 'Invert' });
    await button('Rectangle').click();
    await overlay.focus();
    await page().keyboard.press('Enter');
    await invert.check();
    await overlay.focus();
    await page().keyboard.press('Delete');
    await expect.poll(() => overlay.locator('.edge').count()).toBe(0);
    expect(await invert.count()).toBe(0);
    // A new shape fixes itself, not everything but itself.
    await page().keyboard.press('Enter');
    await expect.poll(() => overlay.locator('rect.edge').count()).toBe(1);
    expect(await invert.isChecked()).toBe(false);
    // Undo goes back over the new shape, then over the Delete: the shape as it was, inverted.
    await page().keyboard.press('Control+z');
    await expect.poll(() => overlay.locator('.edge').count()).toBe(0);
    await page().keyboard.press('Control+z');
    await expect.poll(() => overlay.locator('rect.edge').count()).toBe(1);
    expect(await invert.isChecked()).toBe(true);
    await button('Whole photo').click();
    await expect.poll(() => overlay.locator('.edge').count()).toBe(0);
  });

  it('without a mouse: Tab reaches the photo, Enter draws, the arrow keys move and resize, Delete removes; only that part changes', async () => {
    await button('Rectangle').focus();
    await page().keyboard.press('Enter');
    const overlay = page().getByTestId('selection-overlay');
    const onOverlay = () => overlay.evaluate((element) => element.ownerDocument.activeElement === element);
    for (let presses = 0; presses < 20 && !(await onOverlay()); presses++) await page().keyboard.press('Tab');
    expect(await onOverlay()).toBe(true);
    expect(await overlay.getAttribute('aria-label')).toMatch(/^Selection\. Enter draws a selection/);
    // Described by the readout (what is selected): the label itself stays, so a key's change is read once.
    expect(await overlay.getAttribute('aria-describedby')).toBe(await page().getByTestId('selection-readout').getAttribute('id'));

    // 1280 × 720: Enter draws 640 × 360 in the middle; a step is 1 % of 1280 px (13), 10 % with Shift.
    const hint = () => text('selection-hint');
    await page().keyboard.press('Enter');
    await expect.poll(hint).toBe('Rectangle 640 × 360 px, from 320, 180 to 960, 540');
    await page().keyboard.press('Shift+ArrowRight');
    await page().keyboard.press('ArrowDown');
    await page().keyboard.press('Alt+Shift+ArrowUp');
    await expect.poll(hint).toBe('Rectangle 640 × 232 px, from 448, 193 to 1088, 425');
    expect(await text('selection-readout')).toBe('Rectangle 640 × 232 px, from 448, 193 to 1088, 425');
    expect(await overlay.getAttribute('aria-label')).toMatch(/^Selection\. Enter draws a selection/);
    // Shift+Enter adds a second shape, once however long it is held; Delete takes it away again.
    await page().keyboard.down('Shift');
    for (let repeats = 0; repeats < 3; repeats++) await page().keyboard.down('Enter');
    await page().keyboard.up('Enter');
    await page().keyboard.up('Shift');
    await expect.poll(() => overlay.locator('rect.edge').count()).toBe(2);
    await page().keyboard.press('Delete');
    await expect.poll(() => overlay.locator('rect.edge').count()).toBe(1);
    await expect.poll(hint).toBe('Rectangle 640 × 232 px, from 448, 193 to 1088, 425');
    // Z to look at 100 % and back: the keys are on the selection again.
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('compare-stage').count()).toBe(1);
    await expect.poll(onOverlay).toBe(true);

    const result = await deblurAndSave();
    const { inside, outside } = await changes(result, { x0: 448, y0: 193, x1: 448 + 640, y1: 193 + 232 });
    expect(outside).toBe(0);
    expect(inside).toBeGreaterThan(1000);
    expect(app().pageErrors).toEqual([]);

    // Reloaded, the result comes back with its selection and the tool it was drawn with in hand
    // ("Whole photo" shown pressed over it read as nothing selected, and pressing it lost it).
    await expect.poll(() => pendingRequests(page())).toBe(0);
    await page().reload();
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await expect.poll(() => button('Rectangle').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(hint).toBe('Rectangle 640 × 232 px, from 448, 193 to 1088, 425');

    // Drawn anew but not deblurred yet: after a reload the drawing is back as it was, and the
    // result on screen is still said to be made with another selection.
    await button('Ellipse').click();
    await drag([100, 100], [300, 250]);
    await expect.poll(() => overlay.locator('ellipse.edge').count()).toBe(1);
    await page().reload();
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await expect.poll(() => overlay.locator('ellipse.edge').count()).toBe(1);
    expect(await overlay.locator('rect.edge').count()).toBe(0);
    await expect.poll(() => page().getByTestId('stale-notice').textContent()).toBe('Made with another selection. Deblur again to fix the part selected now.');
  });

  it('a Feather still being typed is committed by Ctrl+Enter as by a click: the result is made with what the field then shows', async () => {
    const feather = page().getByLabel('Feather');
    await feather.fill('12.5');
    await page().keyboard.press('Control+Enter');
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Done');
    expect(await feather.inputValue()).toBe('13');
    await page().keyboard.press('Tab');
    expect(await page().getByTestId('stale-notice').count()).toBe(0);
  });

  it('the hint gives the size of the shape being dragged, before it is let go; a screen reader hears it once, let go', async () => {
    await button('Ellipse').click();
    const before = await text('selection-hint');
    // Each text the readout (a live region) takes from here on; the shown hint is not live.
    expect(await page().getByTestId('selection-hint').getAttribute('aria-hidden')).toBe('true');
    expect(await page().getByTestId('selection-hint').getAttribute('role')).toBeNull();
    await page().getByTestId('selection-readout').evaluate((region) => {
      const said: string[] = [];
      (globalThis as unknown as { __readout: string[] }).__readout = said;
      const observer = new (globalThis as unknown as { MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void } }).MutationObserver(() =>
        said.push(region.textContent ?? ''),
      );
      observer.observe(region, { subtree: true, childList: true, characterData: true });
    });
    const readout = () => page().evaluate(() => (globalThis as unknown as { __readout: string[] }).__readout);
    const [a, b] = [await onScreen(200, 100), await onScreen(600, 400)];
    await page().mouse.move(a.x, a.y);
    await page().mouse.down();
    await page().mouse.move(b.x, b.y, { steps: 4 });
    // Screen pixels are coarser than the photo's here: within a few.
    await expect.poll(() => text('selection-hint')).toMatch(/^Ellipse (39\d|40\d) × (29\d|30\d) px, from (19\d|20\d), (9\d|10\d) to/);
    expect(await text('selection-hint')).not.toBe(before);
    const whileDragging = await text('selection-hint');
    await page().mouse.move(b.x + 20, b.y + 20, { steps: 20 });
    await page().mouse.move(b.x, b.y, { steps: 20 });
    expect(await readout()).toEqual([]);
    await page().mouse.up();
    // Let go: the shape is the selection, as the hint said, and read out once.
    await expect.poll(() => page().getByTestId('selection-overlay').locator('ellipse.edge:not(.draft)').count()).toBe(1);
    expect(await text('selection-hint')).toBe(whileDragging);
    await expect.poll(readout).toEqual([whileDragging]);
    // Escape mid-drag drops the shape being drawn: let go, the selection is as it was.
    await page().mouse.move(a.x, a.y);
    await page().mouse.down();
    await page().mouse.move(b.x - 50, b.y - 50, { steps: 4 });
    await page().keyboard.press('Escape');
    await page().mouse.up();
    expect(await page().getByTestId('selection-overlay').locator('.edge').count()).toBe(1);
    expect(await text('selection-hint')).toBe(whileDragging);
  });
});
