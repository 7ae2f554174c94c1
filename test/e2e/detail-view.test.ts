import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * The 100 % view, in Chromium with the real services: sharpness is judged at one photo pixel per
 * screen pixel, which a fitted 2048-px preview cannot show. Z (or the Fit/100 % buttons, or a
 * double-click on the photo) switches; the crop on screen is the photo's own pixels at that
 * place, upright; dragging moves both sides together and Before/After keeps the place.
 */
const PHOTO = path.resolve(repoRoot, '../shared/data/photos-extra/DIV2K-valid/0803.jpg');
const CANVAS = '[data-testid="canvas"]';

type Region = { left: number; top: number; width: number; height: number };
type CropImage = { complete: boolean; naturalWidth: number; naturalHeight: number; getAttribute(name: string): string | null };
type ProbeWindow = { document: { querySelector(selector: string): CropImage | null } };

describe('the 100 % view in Chromium with the real services', () => {
  const { file, page, app, services } = useE2eSession('detail', async (file) => {
    if (!existsSync(PHOTO)) throw new Error(`Test photo missing: ${PHOTO} (expected ../shared/data next to the repo)`);
    // Stored sideways (EXIF 6), larger than the window: the view must pan over the upright photo.
    await sharp(PHOTO).resize(2400).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(file('sideways.jpg'));
  });
  const photo = () => file('sideways.jpg');
  /** The photo's size as shown: stored sideways, so width and height swap. */
  const upright = async () => {
    const { width, height } = await sharp(photo()).metadata();
    return { width: height!, height: width! };
  };
  const view = async (): Promise<Region> => {
    const [left, top, width, height] = (await page().locator('.window').getAttribute('data-view'))!.split(',').map(Number);
    return { left: left!, top: top!, width: width!, height: height! };
  };

  /** Waits for the sharp crop of `side` showing `region`, and returns its URL. */
  async function cropShown(side: 'before' | 'after', region: Region): Promise<string> {
    const suffix = `/${region.left}/${region.top}/${region.width}/${region.height}`;
    const handle = await page().waitForFunction(
      ([selector, end]) => {
        const img = (globalThis as unknown as ProbeWindow).document.querySelector(selector);
        const src = img?.getAttribute('src') ?? '';
        return img && img.complete && img.naturalWidth > 0 && src.endsWith(end) ? src : null;
      },
      [`[data-testid="detail-${side}-crop"]`, suffix] as const,
      { timeout: 60_000 },
    );
    return (await handle.jsonValue()) as string;
  }

  /** The crop's pixels as main serves them, against the photo's own pixels there (upright, sRGB). */
  async function expectPhotoPixels(src: string, file: string, region: Region): Promise<void> {
    const response = await services().handleImageRequest(src.replace('/__unshake-image/', 'unshake-image://'));
    expect(response.status).toBe(200);
    const got = await sharp(Buffer.from(await response.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect([got.info.width, got.info.height]).toEqual([region.width, region.height]);
    const want = await sharp(file).autoOrient().extract(region).withIccProfile('srgb').raw().toBuffer();
    let off = 0;
    for (let i = 0; i < want.length; i++) off += Math.abs(got.data[i]! - want[i]!);
    expect(off / want.length).toBeLessThan(3);
  }

  beforeAll(() => page().setViewportSize({ width: 1280, height: 800 }));

  /** Drags the split divider by its handle to `toX` (page pixels), as a mouse does. */
  async function dragDivider(divider: Locator, toX: number): Promise<void> {
    const start = (await divider.boundingBox())!;
    await page().mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page().mouse.down();
    await page().mouse.move(toX, start.y + start.height / 2, { steps: 4 });
    await page().mouse.up();
  }

  it('Z shows the photo at 100 % around its middle, with the photo’s own pixels', async () => {
    await dropFile(page(), CANVAS, photo(), 'image/jpeg');
    await expect.poll(() => page().getByTestId('meta-file').textContent(), { timeout: 30_000 }).toBe('sideways.jpg');
    const { width, height } = await upright();
    expect(width).toBeGreaterThan(height);
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    expect(await page().getByRole('button', { name: '100 %' }).getAttribute('aria-pressed')).toBe('true');
    const shown = await view();
    // One photo pixel per screen pixel (device pixel ratio 1 here), centred on the photo.
    const box = (await page().getByTestId('detail-view').boundingBox())!;
    expect(shown.width).toBe(Math.min(width, Math.round(box.width)));
    expect(shown.height).toBe(Math.min(height, Math.round(box.height)));
    expect(Math.abs(shown.left + shown.width / 2 - width / 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(shown.top + shown.height / 2 - height / 2)).toBeLessThanOrEqual(1);
    await expectPhotoPixels(await cropShown('before', shown), photo(), shown);
    // The arrow keys pan at once, with no click on the photo first (they moved the strength before).
    const strength = await page().locator('input[type="range"]').inputValue();
    await page().keyboard.press('ArrowDown');
    await expect.poll(async () => (await view()).top).toBe(shown.top + Math.round(shown.height / 4));
    expect(await page().locator('input[type="range"]').inputValue()).toBe(strength);
    await page().keyboard.press('ArrowUp');
    await expect.poll(async () => (await view()).top).toBe(shown.top);

    // Its focus ring is drawn inside it: a photo larger than the view fills the clipped viewport,
    // where a ring outside (the page's, 2 px off) was cut away and nothing showed the focus.
    const ring = await page().locator('[data-testid="detail-view"] .window').evaluate((element) => {
      const w = globalThis as unknown as { getComputedStyle(el: unknown, pseudo?: string): { outlineStyle: string; boxShadow: string; position: string; top: string; left: string } };
      const doc = (element as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument;
      const after = w.getComputedStyle(element, '::after');
      return { focused: doc.activeElement === element, outline: w.getComputedStyle(element).outlineStyle, shadow: after.boxShadow, at: [after.position, after.top, after.left] };
    });
    expect(ring).toMatchObject({ focused: true, outline: 'none', at: ['absolute', '0px', '0px'] });
    expect(ring.shadow).toMatch(/inset/);
    // Escape goes back to the whole photo, the focus to the Fit button; Z comes back to the same place.
    await page().keyboard.press('Escape');
    await expect.poll(() => page().getByTestId('compare-stage').count()).toBe(1);
    await expect.poll(() => page().getByRole('button', { name: 'Fit', exact: true }).evaluate((b) => (b as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === b)).toBe(true);
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    await expect.poll(async () => (await view()).top).toBe(shown.top);
  });

  it('a screen with another scale (the window moved to a HiDPI display) keeps one photo pixel per device pixel', async () => {
    const before = await view();
    const { width, height } = await upright();
    // What moving the window to a 2× display does to the page: the device pixel ratio changes (and,
    // as on most such moves, the window's size a little: headless Chromium re-evaluates media
    // queries, and so fires the resolution change, only on a resize).
    const cdp = await page().context().newCDPSession(page());
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1279, height: 800, deviceScaleFactor: 2, mobile: false });
    try {
      await expect.poll(() => page().evaluate(() => (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio)).toBe(2);
      // The view's box in CSS pixels, as the component measures it (whole pixels).
      const box = await page().getByTestId('detail-view').evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
      await expect.poll(async () => (await view()).width).toBe(Math.min(width, box.width * 2));
      const hidpi = await view();
      expect(hidpi.height).toBe(Math.min(height, box.height * 2));
      // Around the same place, with the photo's own pixels.
      expect(Math.abs(hidpi.left + hidpi.width / 2 - (before.left + before.width / 2))).toBeLessThanOrEqual(1);
      await cropShown('before', hidpi);
    } finally {
      await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
      await cdp.detach();
    }
    await expect.poll(async () => (await view()).width).toBe(before.width);
  });

  it('dragging moves the view over the photo, and the sharp crop follows once it rests', async () => {
    const before = await view();
    const box = (await page().locator('.window').boundingBox())!;
    await page().mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page().mouse.down();
    await page().mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 60, { steps: 5 });
    await page().mouse.up();
    const after = await view();
    // Dragging right and down shows what lies left of and above the old view.
    expect(after.left).toBe(Math.max(0, before.left - 150));
    expect(after.top).toBe(Math.max(0, before.top - 60));
    expect(after.left).toBeLessThan(before.left);
    await expectPhotoPixels(await cropShown('before', after), photo(), after);
    // The arrow keys move it too, a quarter of the view per press.
    await page().locator('.window').focus();
    await page().keyboard.press('ArrowRight');
    expect((await view()).left).toBe(after.left + Math.round(after.width / 4));
  });

  it('after a deblur both sides show the same place; Before/After keeps it; Fit and double-click switch back and forth', async () => {
    const place = await view();
    await page().getByRole('button', { name: 'Deblur', exact: true }).click();
    await expect.poll(() => page().getByTestId('job-status').textContent(), { timeout: 180_000 }).toBe('Done');
    const afterSrc = await cropShown('after', place);
    expect(afterSrc).toMatch(/\/crop\/job_[a-z0-9]+\//);
    expect(await page().getByTestId('detail-after').isVisible()).toBe(true);
    await page().keyboard.press('\\');
    await expect.poll(() => page().getByTestId('detail-after').isVisible()).toBe(false);
    expect(await view()).toEqual(place);

    // Holding Z switches once (its key repeats used to flicker between Fit and 100 %).
    // One press and three repeats: four switches would end back at 100 %.
    for (let i = 0; i < 4; i++) await page().keyboard.down('z');
    await page().keyboard.up('z');
    await expect.poll(() => page().getByTestId('compare-stage').count()).toBe(1);
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    await page().getByRole('button', { name: 'Fit', exact: true }).click();
    await expect.poll(() => page().getByTestId('compare-stage').count()).toBe(1);
    // A double-click on the fitted photo's top-left quarter shows that place at 100 %.
    const stage = (await page().getByTestId('compare-stage').boundingBox())!;
    await page().mouse.dblclick(stage.x + stage.width / 2 - 100, stage.y + stage.height / 2 - 60);
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    const zoomed = await view();
    const { width } = await upright();
    expect(zoomed.left + zoomed.width / 2).toBeLessThan(width / 2);
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });

  it('Split shows before left of a divider and the result right of it; the divider moves by drag and by keys; \\ goes to Before and back', async () => {
    await page().getByRole('button', { name: 'Fit', exact: true }).click();
    await page().getByRole('button', { name: 'Split', exact: true }).click();
    const stage = page().getByTestId('compare-stage');
    await expect.poll(() => stage.getAttribute('data-showing')).toBe('split');
    const divider = page().getByRole('slider', { name: 'Split between before and after' });
    expect(await divider.getAttribute('aria-valuenow')).toBe('50');
    // The result is clipped at the divider: the before photo shows on its left.
    const clipAt = async () => Number(/inset\(0px 0px 0px ([\d.]+)px\)/.exec((await page().getByTestId('result-preview').getAttribute('style')) ?? '')?.[1]);
    const box = (await stage.boundingBox())!;
    const line = async () => {
      const b = (await divider.boundingBox())!;
      return b.x + b.width / 2 - box.x;
    };
    expect(Math.abs((await clipAt()) - (await line()))).toBeLessThan(1.5);
    expect(await page().getByTestId('preview').isVisible()).toBe(true);
    await divider.press('ArrowRight');
    expect(await divider.getAttribute('aria-valuenow')).toBe('55');
    await divider.press('Shift+ArrowLeft');
    expect(await divider.getAttribute('aria-valuenow')).toBe('54');
    await divider.press('PageUp');
    await divider.press('ArrowDown');
    expect(await divider.getAttribute('aria-valuenow')).toBe('59');
    // \\ with the divider focused removes it: the focus goes on to Before's button, not the page.
    await divider.press('\\');
    await expect.poll(() => page().evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent?.trim())).toBe('Before');
    await page().keyboard.press('\\');
    await expect.poll(() => stage.getAttribute('data-showing')).toBe('split');
    // Dragged to the photo's left edge region: the divider follows, and no selection is drawn.
    const shapes = () => page().getByTestId('selection-overlay').locator('rect, ellipse, polygon').count();
    const shapesBefore = await shapes();
    await dragDivider(divider, box.x + box.width * 0.3);
    const dragged = Number(await divider.getAttribute('aria-valuenow'));
    expect(dragged).toBeLessThan(59);
    expect(Math.abs((await clipAt()) - (await line()))).toBeLessThan(1.5);
    expect(await shapes()).toBe(shapesBefore);
    // \\ shows Before alone, and again goes back to the split where it was.
    await page().locator('body').press('\\');
    await expect.poll(() => stage.getAttribute('data-showing')).toBe('before');
    await page().locator('body').press('\\');
    await expect.poll(() => stage.getAttribute('data-showing')).toBe('split');
    expect(Number(await divider.getAttribute('aria-valuenow'))).toBe(dragged);
    // A label only where its side has room: at the right edge the result's is gone.
    expect(await page().getByTestId('split-after-label').textContent()).toBe('After');
    await divider.press('End');
    expect(await divider.getAttribute('aria-valuenow')).toBe('100');
    expect(await page().getByTestId('split-after-label').count()).toBe(0);
    await divider.press('Home');
    for (let i = 0; i < 4; i++) await divider.press('ArrowRight');
    // A reloaded window compares as it did.
    await page().reload();
    await expect.poll(() => page().getByTestId('compare-stage').getAttribute('data-showing').catch(() => null), { timeout: 30_000 }).toBe('split');
    expect(await page().getByRole('slider', { name: 'Split between before and after' }).getAttribute('aria-valuenow')).toBe('20');
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });

  it('Split at 100 %: the divider stands across the view at the same share, moves without panning, and Fit keeps its place', async () => {
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
    const viewport = page().locator('.window');
    const divider = viewport.getByRole('slider', { name: 'Split between before and after' });
    expect(await divider.getAttribute('aria-valuenow')).toBe('20');
    // Both sides are shown; the result is clipped at the divider, a fifth of the way across the view.
    expect(await page().getByTestId('detail-before').isVisible()).toBe(true);
    expect(await page().getByTestId('detail-after').isVisible()).toBe(true);
    const clipAt = async () => Number(/inset\(0px 0px 0px ([\d.]+)px\)/.exec((await page().getByTestId('detail-after').getAttribute('style')) ?? '')?.[1]);
    const win = (await viewport.boundingBox())!;
    const line = async () => {
      const b = (await divider.boundingBox())!;
      return b.x + b.width / 2 - win.x;
    };
    expect(Math.abs((await clipAt()) - win.width * 0.2)).toBeLessThan(1.5);
    expect(Math.abs((await line()) - (await clipAt()))).toBeLessThan(1.5);
    expect(await viewport.getAttribute('aria-label')).toMatch(/^Split/);
    // Dragging the divider moves it, not the view.
    const place = await view();
    await dragDivider(divider, win.x + win.width * 0.6);
    expect(Number(await divider.getAttribute('aria-valuenow'))).toBe(60);
    expect(Math.abs((await clipAt()) - win.width * 0.6)).toBeLessThan(1.5);
    expect(await view()).toEqual(place);
    // Its keys move it too, and not the view; the arrow keys on the photo still pan.
    await divider.press('ArrowLeft');
    expect(await divider.getAttribute('aria-valuenow')).toBe('55');
    expect(await view()).toEqual(place);
    await viewport.focus();
    await page().keyboard.press('ArrowRight');
    await expect.poll(async () => (await view()).left).not.toBe(place.left);
    // Back to Fit, the photo's divider stands at the share chosen at 100 %.
    await page().keyboard.press('z');
    await expect.poll(() => page().getByTestId('compare-stage').count()).toBe(1);
    expect(await page().getByRole('slider', { name: 'Split between before and after' }).getAttribute('aria-valuenow')).toBe('55');
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });

  it('says so while the sharp crop is loading: the blown-up screen preview never passes for the 100 % view', async () => {
    // Crops held back, as a slow disk or a busy machine would.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page().route('**/__unshake-image/crop/**', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page().keyboard.press('z');
      await expect.poll(() => page().getByTestId('detail-view').count()).toBe(1);
      const badge = page().getByTestId('detail-loading');
      await expect.poll(() => badge.isVisible()).toBe(true);
      expect(await badge.textContent()).toBe('Loading full resolution…');
      release();
      await cropShown('before', await view());
      await cropShown('after', await view());
      await expect.poll(() => badge.count()).toBe(0);
      // A pan asks for the new place's crops: until they come, it says so again.
      await page().locator('.window').focus();
      await page().keyboard.press('Shift+ArrowDown');
      await expect.poll(() => badge.count()).toBe(1);
      await cropShown('before', await view());
      await expect.poll(() => badge.count()).toBe(0);
    } finally {
      release();
      await page().unroute('**/__unshake-image/crop/**');
    }
  });
});
