import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded, dropFile } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * At 200 % zoom (Ctrl+= in Electron) a 1280 × 820 window shows 640 × 410 CSS pixels, and the
 * 800 × 560 smallest window 400 × 280. The photo must keep a usable size there, and every control
 * stay within the window or reachable by scrolling the page: none clipped away for good.
 * Set UNSHAKE_E2E_SHOTS to a folder to keep a screenshot of each size.
 */

const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'ladybird.jpg';
const SIZES = [
  { width: 640, height: 410 },
  { width: 400, height: 280 },
] as const;
/** A folder to keep screenshots of each size in, to look at. */
const SHOTS = process.env.UNSHAKE_E2E_SHOTS;

type Rect = { left: number; right: number; top: number; bottom: number; width: number; height: number };
type PageElement = {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Rect;
  getClientRects(): { length: number };
  closest(selector: string): PageElement | null;
  contains(other: PageElement | null): boolean;
  scrollIntoView(options: object): void;
};
type PageWindow = {
  innerWidth: number;
  innerHeight: number;
  document: {
    documentElement: { scrollWidth: number };
    querySelectorAll(selector: string): Iterable<PageElement>;
    querySelector(selector: string): PageElement | null;
    elementFromPoint(x: number, y: number): PageElement | null;
  };
};

describe('a narrow window (200 % zoom) keeps the photo and every control reachable', () => {
  const { file, page } = useE2eSession('narrow', async (file) => {
    await sharp(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg')).resize(480, 300).jpeg({ quality: 90 }).toFile(file(PHOTO));
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });

  /** Each visible control scrolled to as the keyboard would: what is then outside the window, or under something else. */
  function unreachable(): Promise<string[]> {
    return page().evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const problems: string[] = [];
      if (w.document.documentElement.scrollWidth > w.innerWidth + 1) problems.push(`the page scrolls sideways (${w.document.documentElement.scrollWidth} > ${w.innerWidth})`);
      for (const el of w.document.querySelectorAll('button, select, input, summary')) {
        // Not rendered (a closed <details>, a hidden file input): not a control on screen.
        if (el.getClientRects().length === 0 || el.closest('.visually-hidden')) continue;
        if (el.tagName !== 'SUMMARY' && el.closest('details:not([open])')) continue;
        const name = `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30)}"`;
        el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const box = el.getBoundingClientRect();
        if (box.width < 1 || box.height < 1) {
          problems.push(`${name} has no size`);
          continue;
        }
        if (box.left < -0.5 || box.top < -0.5 || box.right > w.innerWidth + 0.5 || box.bottom > w.innerHeight + 0.5) {
          problems.push(`${name} is outside the window after scrolling to it (${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)})`);
          continue;
        }
        const hit = w.document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!hit || !(hit === el || el.contains(hit) || hit.contains(el))) problems.push(`${name} is covered or clipped (${hit?.tagName.toLowerCase() ?? 'nothing'} there)`);
      }
      return problems;
    });
  }

  /** The photo's stage once scrolled to: its size on screen. */
  function stage(): Promise<{ width: number; height: number }> {
    return page().evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const element = w.document.querySelector('[data-testid="compare-stage"]');
      element?.scrollIntoView({ block: 'nearest' });
      const box = element?.getBoundingClientRect();
      return { width: Math.round(box?.width ?? 0), height: Math.round(box?.height ?? 0) };
    });
  }

  it('with a photo and its result open, at 640 × 410 and 400 × 280', async () => {
    await appLoaded(page());
    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await page().getByTestId('deblur-button').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    // A shape, so Feather and Invert are in the compare bar too.
    await page().getByRole('button', { name: 'Rectangle', exact: true }).click();
    await page().getByTestId('selection-overlay').press('Enter');
    for (const size of SIZES) {
      await page().setViewportSize(size);
      await expect.poll(() => page().evaluate(() => (globalThis as unknown as PageWindow).innerWidth)).toBe(size.width);
      await page().evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      if (SHOTS) await page().screenshot({ path: path.join(SHOTS, `narrow-${size.width}x${size.height}.png`), fullPage: true });
      const shown = await stage();
      expect(shown.width, `photo stage at ${size.width}×${size.height}`).toBeGreaterThanOrEqual(size.width - 40);
      expect(shown.height, `photo stage at ${size.width}×${size.height}`).toBeGreaterThanOrEqual(200);
      expect(await unreachable(), `at ${size.width}×${size.height}`).toEqual([]);
    }
    await page().setViewportSize({ width: 1280, height: 800 });
  });
});
