import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, isLosslessWebp } from '../../../model/src/image/decode.js';
import { deblurFile } from '../../../model/src/infer/deblur-file.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * A lossless WebP saved in its own format (the app's default, 'same') or as WebP by name must
 * stay lossless: a 1-px fix at strength 0 changes no sample anywhere. A lossy one stays lossy.
 */
const photo = resolve(import.meta.dirname, '../../../../shared/data/photos-extra/Kodak24/kodim05.png');
const tempDir = useTempDir('unshake-webp-');
const W = 160;
const H = 120;
const onePixel = { shapes: [{ kind: 'rect' as const, x: 0, y: 0, width: 1, height: 1 }], feather: 0, invert: false };

/** A real photo crop with a varied alpha, fully transparent every 7th pixel (its colour must survive too). */
async function photoRgba(): Promise<Sharp> {
  const data = await sharp(photo).extract({ left: 100, top: 100, width: W, height: H }).ensureAlpha().raw().toBuffer();
  for (let p = 0; p < W * H; p++) data[p * 4 + 3] = p % 7 === 0 ? 0 : (p * 37) % 256;
  return sharp(data, { raw: { width: W, height: H, channels: 4 } });
}

/** Ground truth independent of the chunk walker: a VP8L image chunk is named in the file. */
const hasVp8l = async (file: string) => (await readFile(file)).includes('VP8L', 12, 'latin1');

beforeAll(() => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
});
afterAll(() => releaseSessions());

describe('WebP output from a WebP source', () => {
  it('a lossless WebP comes back VP8L with every sample identical, by default and with an explicit webp format', async () => {
    const src = join(tempDir(), 'lossless.webp');
    await (await photoRgba()).webp({ lossless: true, exact: true }).toFile(src);
    const input = await decodeImage(src);
    expect(input.source.lossless).toBe(true);
    for (const format of ['same', 'webp'] as const) {
      const outPath = join(tempDir(), `lossless-${format}.webp`);
      await deblurFile(src, { outPath, format, strength: 0, mask: onePixel, modelId: 'placeholder', threads: 1 });
      expect(await hasVp8l(outPath)).toBe(true);
      const out = await decodeImage(outPath);
      expect([out.raster.channels, out.raster.width, out.raster.height]).toEqual([4, W, H]);
      expect(Buffer.from(out.raster.pixels).equals(Buffer.from(input.raster.pixels))).toBe(true);
    }
  });

  it('a lossy WebP stays lossy (quality applies)', async () => {
    const src = join(tempDir(), 'lossy.webp');
    await (await photoRgba()).webp({ quality: 90 }).toFile(src);
    expect((await decodeImage(src)).source.lossless).toBe(false);
    const outPath = join(tempDir(), 'lossy-out.webp');
    await deblurFile(src, { outPath, strength: 0, mask: onePixel, modelId: 'placeholder', threads: 1 });
    expect(await hasVp8l(outPath)).toBe(false);
    expect(await isLosslessWebp(outPath)).toBe(false);
  });

  it('finds the image chunk after VP8X, ICCP and ALPH chunks and inside an animation frame', async () => {
    const base = await photoRgba();
    const cases: [string, (s: Sharp) => Sharp, boolean][] = [
      ['icc-lossless.webp', (s) => s.withIccProfile('p3').webp({ lossless: true }), true],
      ['icc-lossy.webp', (s) => s.withIccProfile('p3').webp({ quality: 80 }), false],
      ['alpha-lossy.webp', (s) => s.webp({ quality: 80, alphaQuality: 100 }), false],
    ];
    for (const [name, make, lossless] of cases) {
      const file = join(tempDir(), name);
      await make(base.clone()).toFile(file);
      expect((await readFile(file)).toString('latin1', 12, 16), name).toBe('VP8X');
      expect(await isLosslessWebp(file), name).toBe(lossless);
      expect(await hasVp8l(file), name).toBe(lossless);
    }
    // Two different frames (identical ones are merged): ANIM, then ANMF chunks holding each frame's image chunks.
    const frame = await base.clone().raw().toBuffer();
    const negative = frame.map((v) => 255 - v);
    for (const lossless of [true, false]) {
      const file = join(tempDir(), `anim-${lossless}.webp`);
      await sharp(Buffer.concat([frame, negative]), { raw: { width: W, height: 2 * H, channels: 4, pageHeight: H } })
        .webp(lossless ? { lossless: true } : { quality: 80 })
        .toFile(file);
      expect((await readFile(file)).includes('ANMF', 12, 'latin1')).toBe(true);
      expect(await isLosslessWebp(file)).toBe(lossless);
    }
  });
});
