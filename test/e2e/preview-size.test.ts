import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { useE2eSession } from './harness.js';

/**
 * Fit on a big screen: the preview main makes covers the screen's device pixels, so the photo is
 * never shown enlarged from a smaller preview (it was 2048 px on every screen, 1.7× on 4K), and
 * the result's preview is as large as the photo's, so Before and After match.
 */
const CANVAS = '[data-testid="canvas"]';
type Shown = { naturalWidth: number; naturalHeight: number; clientWidth: number; clientHeight: number };
type ProbeWindow = { document: { querySelector(selector: string): (Shown & { complete: boolean }) | null }; devicePixelRatio: number };

describe('previews on a 4K screen', () => {
  const { file, page } = useE2eSession('preview-size', async (file) => {
    // A wide strip with fine lines, longer than 2048 px and small enough to deblur quickly.
    const width = 3600;
    const height = 600;
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) pixels.fill(x % 8 < 1 || y % 8 < 1 ? 30 : 220, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
    await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toFile(file('strip.jpg'));
  });

  /** The shown image's own size and its drawn size in device pixels, once loaded. */
  async function shown(testId: string): Promise<Shown & { dpr: number }> {
    const handle = await page().waitForFunction(
      (selector) => {
        const probe = globalThis as unknown as ProbeWindow;
        const img = probe.document.querySelector(selector);
        if (!img?.complete || img.naturalWidth === 0) return null;
        const { naturalWidth, naturalHeight, clientWidth, clientHeight } = img;
        return { naturalWidth, naturalHeight, clientWidth, clientHeight, dpr: probe.devicePixelRatio };
      },
      `[data-testid="${testId}"]`,
      { timeout: 120_000 },
    );
    return (await handle.jsonValue()) as Shown & { dpr: number };
  }

  it('Fit shows a preview at least as large as it is drawn, for the photo and its result', async () => {
    await page().setViewportSize({ width: 3840, height: 2100 });
    await dropFile(page(), CANVAS, file('strip.jpg'), 'image/jpeg');
    await expect.poll(() => page().getByTestId('meta-file').textContent(), { timeout: 30_000 }).toBe('strip.jpg');
    const before = await shown('preview');
    // Drawn wider than the 2048 px every screen used to get.
    expect(before.clientWidth * before.dpr).toBeGreaterThan(2048);
    expect(before.naturalWidth).toBeGreaterThanOrEqual(Math.round(before.clientWidth * before.dpr));

    const deblur = page().getByRole('button', { name: 'Deblur', exact: true });
    await expect.poll(() => deblur.isEnabled(), { timeout: 30_000 }).toBe(true);
    await deblur.click();
    const after = await shown('result-preview');
    expect([after.naturalWidth, after.naturalHeight]).toEqual([before.naturalWidth, before.naturalHeight]);
  }, 240_000);
});
